"""Search forms of the staff registry screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import FacilityKind, FacilityStatus, MemberClass, MemberStatus, Prefecture
from .imports.apply import FULL_KINDS
from .models import ImportRun

QUERY_MAX_LENGTH = 100

_CHOICE_ERRORS = {
    "invalid_choice": _("「%(value)s」は選択肢にありません。一覧から選んでください。"),
}


def _choice(label: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", _("すべて")), *choices],
        error_messages=_CHOICE_ERRORS,
    )


def _query(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("検索語は%(limit_value)d文字以内で入力してください。"),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class RegistrySearchForm(forms.Form):
    label_suffix = ""

    def has_criteria(self) -> bool:
        """A search runs only with at least one condition: no browsing of the whole registry."""
        return any(self.cleaned_data.get(name) for name in self.fields)

    def criteria(self) -> dict[str, str]:
        """The conditions used, for the audit trail."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value}


class MemberSearchForm(RegistrySearchForm):
    q = _query(
        _("会員番号・氏名・フリガナ"),
        _("ひらがな・カタカナ、全角・半角のどちらでも検索できます。姓と名の間は空白で区切れます。"),
    )
    member_class = _choice(_("会員種別"), MemberClass.choices)
    prefecture = _choice(_("都道府県医師会"), Prefecture.choices)
    status = _choice(_("状態"), MemberStatus.choices)


class FacilitySearchForm(RegistrySearchForm):
    q = _query(
        _("施設名・フリガナ・医療機関コード・事業所番号・電話番号"),
        _(
            "ひらがな・カタカナ、全角・半角のどちらでも検索できます。電話番号はハイフンなしでも検索できます。"
        ),
    )
    kind = _choice(_("施設種別"), FacilityKind.choices)
    prefecture = _choice(_("都道府県"), Prefecture.choices)
    status = _choice(_("状態"), FacilityStatus.choices)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("取り込むデータ"), choices=ImportRun.Kind.choices)
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_("CSV（UTF-8 または Shift_JIS）か Excel（.xlsx）のファイル"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    full = forms.BooleanField(
        label=_("全件ファイル（会員・施設）"),
        help_text=_(
            "ファイルにない会員は今日の日付で退会、ファイルにない施設は廃止として扱います"
            "（削除はしません）。"
        ),
        required=False,
    )
    valid_only = forms.BooleanField(
        label=_("正しい行だけ取り込む"),
        help_text=_("取り込めない行があっても、ほかの正しい行は取り込みます。"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("full") and data.get("kind") not in FULL_KINDS:
            self.add_error("full", _("全件ファイルは会員か施設の取り込みでだけ使えます。"))
        return data
