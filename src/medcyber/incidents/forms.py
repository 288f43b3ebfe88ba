from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medcyber.registry.models import Facility

from .models import Incident, Obligation, ReportDraft

DATE_SPLIT = re.compile(r"[\s,、，]+")
DATE_PATTERN = re.compile(r"^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?$")


def parse_dates(text: str) -> list[dt.date]:
    """Dates typed one per line or separated by commas: 2025-04-01, 2025/4/1 or 2025年4月1日."""
    out = []
    for token in DATE_SPLIT.split(text.strip()):
        if not token:
            continue
        match = DATE_PATTERN.match(token)
        try:
            if match is None:
                raise ValueError(token)
            out.append(dt.date(*(int(g) for g in match.groups())))
        except ValueError:
            raise forms.ValidationError(
                _("「%(value)s」は日付として読めません。2025-04-01 のように入力してください。"),
                params={"value": token},
            ) from None
    return sorted(set(out))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IncidentForm(forms.ModelForm[Incident]):
    closure_days = forms.CharField(
        label=gettext_lazy("新患受付を全面停止した日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "1日ずつ改行またはカンマで区切って入力（例：2025-04-01, 2025-04-02）"
        ),
    )

    class Meta:
        model = Incident
        fields = (
            "facility",
            "title",
            "kind",
            "occurred_at",
            "discovered_at",
            "systems_affected",
            "care_interrupted",
            "insider",
            "persons_affected",
            "data_items",
            "sensitive_data",
            "financial_damage_risk",
            "unlawful_purpose",
            "strongly_encrypted",
            "description",
            "cause",
            "recurrence_measures",
        )
        widgets = {
            "occurred_at": DateTimeInput(),
            "discovered_at": DateTimeInput(),
            "systems_affected": forms.Textarea(attrs={"rows": 2}),
            "data_items": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "recurrence_measures": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "discovered_at": gettext_lazy("報告期限はこの日（知った日）を1日目として数えます。"),
            "persons_affected": gettext_lazy("個人データが含まれない場合は0"),
            "unlawful_purpose": gettext_lazy(
                "盗難、内部の者による持ち出し・売却など。サイバー攻撃が個人データに及んだ場合は自動的に該当します。"
            ),
        }

    def __init__(
        self, *args: Any, facilities: Any = None, staff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["facility"]
            self.initial["closure_days"] = "\n".join(
                d.isoformat() for d in self.instance.closure_days.values_list("day", flat=True)
            )
        else:
            field = self.fields["facility"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = facilities if facilities is not None else Facility.objects.none()
            if staff:  # every facility: typed by its id (from the registry search), not listed
                field.widget = forms.NumberInput()
                field.label = gettext_lazy("施設ID")
                field.help_text = gettext_lazy("会員・施設検索の施設ページに表示される番号")
            elif len(field.queryset) == 1:
                self.initial.setdefault("facility", field.queryset[0].pk)
        self.fields["discovered_at"].required = True

    def clean_closure_days(self) -> list[dt.date]:
        return parse_dates(self.cleaned_data.get("closure_days") or "")

    def facts(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("facility", "closure_days")
        }


class ObligationForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("状態"),
        choices=[
            (Obligation.Status.OPEN.value, Obligation.Status.OPEN.label),
            (Obligation.Status.DONE.value, Obligation.Status.DONE.label),
        ],
    )
    done_on = forms.DateField(label=gettext_lazy("実施日"), required=False, widget=DateInput())
    note = forms.CharField(
        label=gettext_lazy("実施の記録（メモ）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("報告先、受付番号、担当者など"),
    )
    evidence = forms.FileField(
        label=gettext_lazy("実施の記録（ファイル）"),
        required=False,
        help_text=gettext_lazy("報告書の控え、受付メールのPDFなど"),
    )


class JmaReportForm(forms.Form):
    contents = forms.CharField(
        label=gettext_lazy("報告内容"), widget=forms.Textarea(attrs={"rows": 10})
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("連絡先電話番号"), max_length=20, required=False
    )


class ReportDraftForm(forms.ModelForm[ReportDraft]):
    class Meta:
        model = ReportDraft
        fields = (*ReportDraft.PPC_FIELDS, "notice_text")
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in (*ReportDraft.PPC_FIELDS,)
        } | {"notice_text": forms.Textarea(attrs={"rows": 16})}
