from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer, Asset, AssetKind, KevFinding


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OpeningForm(forms.Form):
    has_medical_system = forms.TypedChoiceField(
        label=_("医療情報システム（電子カルテ、レセプトコンピュータなど）を導入していますか"),
        choices=[("yes", _("はい")), ("no", _("いいえ（チェックリストはここで終わります）"))],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )


class ItemAnswerForm(forms.Form):
    """One item's answer; the prefix is the item's id."""

    value = forms.ChoiceField(
        label=_("回答"),
        choices=[("", _("未回答")), *Answer.Value.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    checked_on = forms.DateField(label=_("確認日"), required=False, widget=DateInput())
    target_date = forms.DateField(
        label=_("対応予定日（「いいえ」のとき）"), required=False, widget=DateInput()
    )
    note = forms.CharField(
        label=_("備考"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_asset = forms.ModelChoiceField(
        label=_("根拠となる資産"), queryset=Asset.unscoped.none(), required=False
    )
    evidence_file = forms.FileField(label=_("根拠資料（ファイル）"), required=False)

    def __init__(self, *args: Any, assets: Any = None, uploads: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not uploads:  # a vendor has no account to own an uploaded file
            del self.fields["evidence_file"]
        if assets is not None:
            self.fields["evidence_asset"].queryset = assets  # type: ignore[attr-defined]
        else:
            del self.fields["evidence_asset"]


class VendorRequestForm(forms.Form):
    vendor_name = forms.CharField(label=_("事業者名"), max_length=200)
    vendor_email = forms.EmailField(label=_("事業者のメールアドレス"), required=False)


class AssetForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = (
            "kind",
            "name",
            "vendor",
            "product",
            "version",
            "location",
            "owner",
            "internet_exposed",
            "maintainer",
            "note",
        )
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "kind": forms.Select}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AssetKind.choices  # type: ignore[attr-defined]


class FileUploadForm(forms.Form):
    file = forms.FileField(label=_("ファイル"))
    dry_run = forms.BooleanField(
        label=_("確認だけする（ドライラン・何も変更しません）"), required=False, initial=True
    )


class FindingForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=KevFinding.Status.choices)
    planned_on = forms.DateField(label=_("対応予定日"), required=False, widget=DateInput())


class ItemQuestionForm(forms.Form):
    question = forms.CharField(
        label=_("相談窓口への質問"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("この項目について分からないことを書いてください。相談窓口がお答えします。"),
    )
    caller_phone = forms.CharField(
        label=_("折り返しの電話番号（任意）"), max_length=20, required=False
    )
