"""The member's claim form and the staff's review form (PAY-2, PAY-3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class ClaimForm(forms.Form):
    """The bank account and one file per document the incident still needs."""

    bank_code = forms.CharField(
        label=_("金融機関コード（4桁）"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    branch_code = forms.CharField(
        label=_("支店コード（3桁）"),
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_type = forms.ChoiceField(
        label=_("預金種目"), choices=[("1", _("普通")), ("2", _("当座")), ("4", _("貯蓄"))]
    )
    account_number = forms.CharField(
        label=_("口座番号（7桁）"),
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    holder_name = forms.CharField(
        label=_("口座名義（カナ）"),
        max_length=100,
        help_text=_("通帳のとおりに入力してください。全銀の文字（半角カナ）に変換して表示します。"),
    )
    confirmed_holder_name = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, needed: list[services.NeededDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needed = needed
        for doc in needed:
            self.fields[f"doc_{doc.code}"] = forms.FileField(
                label=doc.label,
                error_messages={"required": _("この書類を添付してください。")},
            )

    def account(self) -> services.Account:
        data = self.cleaned_data
        return services.Account(
            bank_code=data["bank_code"].strip(),
            branch_code=data["branch_code"].strip(),
            account_type=data["account_type"],
            account_number=data["account_number"].strip(),
            holder_name=data["holder_name"].strip(),
        )

    def document_fields(self) -> list[forms.BoundField]:
        return [self[f"doc_{d.code}"] for d in self.needed]


class SupplyForm(forms.Form):
    note = forms.CharField(
        label=_("連絡事項"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    document = forms.FileField(label=_("追加の書類"), required=False)


REVIEW_ACTIONS = (
    ("start", _("審査を始める")),
    ("request_info", _("追加資料を依頼する")),
    ("recommend_approve", _("支給の意見を出す")),
    ("recommend_refuse", _("不支給の意見を出す")),
    ("approve", _("支給を決定する")),
    ("refuse", _("不支給を決定する")),
)


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=REVIEW_ACTIONS)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("理由・連絡事項"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
