from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditSearchForm(forms.Form):
    label_suffix = ""

    q = forms.CharField(label=_("キーワード（実行者・操作・対象）"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("種別"), required=False, choices=[("", _("すべて")), *AuditEvent.Kind.choices]
    )
    object_type = forms.CharField(label=_("対象の種類"), required=False, max_length=100)
    object_id = forms.CharField(label=_("対象ID"), required=False, max_length=64)
    facility_id = forms.IntegerField(label=_("施設ID"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("終了日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("終了日は開始日以降の日付にしてください。"))
        return data
