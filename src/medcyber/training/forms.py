"""Forms of the training screens (labels and errors in Japanese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medcyber.registry.models import Facility

from . import queries
from .models import MailTemplate, RecipientGroup


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class GroupChoiceField(forms.ModelChoiceField[RecipientGroup]):
    def label_from_instance(self, obj: RecipientGroup) -> str:
        size = getattr(obj, "size", 0)
        return f"{obj.facility.name} — {obj.name}（{size}名）"


class TemplateChoiceField(forms.ModelChoiceField[MailTemplate]):
    def label_from_instance(self, obj: MailTemplate) -> str:
        return f"{obj.name}（{obj.get_difficulty_display()}）"


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("訓練名"), max_length=100)
    group = GroupChoiceField(label=_("対象グループ"), queryset=RecipientGroup.unscoped.none())
    template = TemplateChoiceField(label=_("テンプレート"), queryset=MailTemplate.unscoped.none())
    window_start = forms.DateTimeField(label=_("送信開始"), widget=DateTimeInput())
    window_end = forms.DateTimeField(label=_("送信終了"), widget=DateTimeInput())
    day_start_hour = forms.IntegerField(
        label=_("毎日の送信開始時刻（時）"), min_value=0, max_value=23, initial=9
    )
    day_end_hour = forms.IntegerField(
        label=_("毎日の送信終了時刻（時）"), min_value=1, max_value=24, initial=17
    )
    weekdays_only = forms.BooleanField(label=_("平日のみ送信する"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = self.fields["group"]
        templates = self.fields["template"]
        assert isinstance(groups, forms.ModelChoiceField)
        assert isinstance(templates, forms.ModelChoiceField)
        groups.queryset = queries.groups_for(user)
        templates.queryset = queries.templates_for(user)


class GroupForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("施設"), queryset=Facility.unscoped.none())
    name = forms.CharField(label=_("グループ名"), max_length=100)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queries.facilities_for(user).order_by("name_kana")


class RecipientFileForm(forms.Form):
    file = forms.FileField(label=_("職員一覧のファイル（CSV または Excel）"))


class DomainForm(GroupForm):
    name = forms.CharField(label=_("ドメイン（例: example-clinic.jp）"), max_length=253)


class ApprovedAddressForm(GroupForm):
    name = forms.EmailField(label=_("メールアドレス"))
