"""Forms of the desk: phone intake, web intake and the actions on a case page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import (
    TRANSITIONS,
    Category,
    ConsentMethod,
    PatientData,
    ReferralStatus,
    Severity,
    Status,
)

MAX_ATTACHMENTS = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CaseDetailsForm(forms.Form):
    category = forms.ChoiceField(
        label=_("相談の種類"), choices=Category.choices, widget=forms.RadioSelect
    )
    severity = forms.ChoiceField(
        label=_("緊急度"), choices=Severity.choices, widget=forms.RadioSelect
    )
    patient_data = forms.ChoiceField(
        label=_("患者情報が含まれる可能性"), choices=PatientData.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(label=_("件名"), max_length=200)
    description = forms.CharField(
        label=_("相談内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class PhoneIntakeForm(CaseDetailsForm):
    """An operator on the line: the caller (found in the registry, or not), then the case."""

    caller = forms.CharField(required=False, widget=forms.HiddenInput)
    caller_name = forms.CharField(label=_("相談者の氏名"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("折り返しの電話番号"), max_length=20, required=False)
    caller_facility_name = forms.CharField(
        label=_("名乗った施設名（台帳で見つからない場合）"), max_length=200, required=False
    )

    field_order = [
        "caller_name",
        "caller_phone",
        "caller_facility_name",
        "category",
        "severity",
        "patient_data",
        "summary",
        "description",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("caller") and not (data.get("caller_name") or data.get("caller_phone")):
            raise forms.ValidationError(
                _("台帳から相談者を選ぶか、氏名または電話番号を入力してください。")
            )
        return data


class WebIntakeForm(CaseDetailsForm):
    """A member or facility staff writing in (DESK-1, DESK-7)."""

    facility = forms.TypedChoiceField(label=_("施設"), coerce=int, required=False)
    caller_phone = forms.CharField(label=_("連絡先の電話番号"), max_length=20, required=False)
    attachments = MultipleFileField(label=_("添付ファイル（画面の写真、ログなど）"), required=False)

    def __init__(self, *args: Any, facilities: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["facility"]).choices = [
            (f.pk, f.name) for f in facilities
        ]
        if len(facilities) == 1:
            self.fields["facility"].initial = facilities[0].pk
        self.fields["description"].required = True

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("添付できるファイルは%(n)d個までです。") % {"n": MAX_ATTACHMENTS}
            )
        return list(files)


class AttachForm(forms.Form):
    """An operator adds files to a case (what a member e-mailed or handed over)."""

    attachments = MultipleFileField(label=_("添付ファイル（画面の写真、ログなど）"))

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("添付できるファイルは%(n)d個までです。") % {"n": MAX_ATTACHMENTS}
            )
        return list(files)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("新しい状態"), choices=Status.choices)
    text = forms.CharField(label=_("コメント"), required=False, max_length=2000)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(current, frozenset())
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (v, label) for v, label in Status.choices if v in allowed
        ]


class RecategoriseForm(VersionedForm):
    """Correct the category or severity; the deadlines follow (DESK-3)."""

    category = forms.ChoiceField(label=_("相談の種類"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("緊急度"), choices=Severity.choices)


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(
        label=_("担当者"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, operators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("（担当なし）"))] + [
            (u.pk, str(u)) for u in operators
        ]


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class TextForm(VersionedForm):
    text = forms.CharField(
        label=_("本文"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class MatchForm(VersionedForm):
    caller = forms.CharField(label=_("相談者"))


class ReferForm(VersionedForm):
    partner = forms.TypedChoiceField(label=_("紹介先"), coerce=int)
    consent_given = forms.BooleanField(label=_("会員から紹介の同意を得た"), required=False)
    consent_method = forms.ChoiceField(label=_("同意の方法"), choices=ConsentMethod.choices)
    consent_note = forms.CharField(
        label=_("同意の記録（誰が、いつ、何に同意したか）"), max_length=500, required=False
    )

    def __init__(self, *args: Any, partners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["partner"]).choices = [
            (p.pk, f"{p.name}（{p.get_kind_display()}・{p.regions}）") for p in partners
        ]


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("結果"), choices=ReferralStatus.choices)
    outcome = forms.CharField(label=_("結果の内容"), max_length=2000, required=False)


class MessageForm(TextForm):
    """A message to the member, optionally linking an article of the answers library."""

    answer = forms.TypedChoiceField(
        label=_("回答集の記事を添える"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, answers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = [("", "—")] + [
            (a.pk, a.title) for a in answers
        ]
