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


class TemplateForm(forms.ModelForm[MailTemplate]):
    """A facility's own training mail. The checks of :func:`services.create_template` run
    here too, so that each problem is shown next to the field it is about."""

    signs_text = forms.CharField(
        label=_("見抜くポイント（1行に1つ）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("訓練ページで職員に示す、このメールの怪しい点です。"),
    )
    sender_local_part = forms.RegexField(
        label=_("差出人アドレス（@の前）"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        error_messages={"invalid": _("半角英数字と「.」「_」「-」だけで入れてください。")},
    )

    class Meta:
        model = MailTemplate
        fields = (
            "facility",
            "name",
            "kind",
            "difficulty",
            "sender_name",
            "sender_local_part",
            "subject",
            "body_text",
            "link_label",
            "has_login_form",
            "login_form_title",
            "attachment_kind",
            "attachment_name",
        )
        widgets = {"body_text": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "body_text": _(
                "差し込み項目: {{ recipient_name }}（宛先の氏名）、"
                "{{ facility_name }}（施設名）、{{ department }}（部署）、{{ today }}（送信日）、"
                "{{ link }}（訓練ページへのリンク・必須）"
            ),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facility = self.fields["facility"]
        assert isinstance(facility, forms.ModelChoiceField)
        facility.required = True
        facility.empty_label = None
        facility.queryset = queries.facilities_for(user).order_by("name_kana")
        if self.instance.pk:
            del self.fields["facility"]  # a template stays with its facility
            self.initial["signs_text"] = "\n".join(self.instance.signs or [])

    def clean_signs_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["signs_text"].splitlines()]
        return [line for line in lines if line]

    def clean(self) -> dict[str, Any]:
        from . import attachments, services

        data = super().clean() or {}
        if "subject" in data and "body_text" in data:
            for problem in services.template_problems(
                subject=data["subject"], body_text=data["body_text"]
            ):
                self.add_error("body_text", problem)
        for problem in attachments.name_problems(
            data.get("attachment_kind", ""), data.get("attachment_name", "")
        ):
            self.add_error("attachment_name", problem)
        if data.get("has_login_form") and not data.get("login_form_title"):
            self.add_error("login_form_title", _("模倣ログイン画面の見出しを入れてください。"))
        return data

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the services take them (signs as a list, no facility)."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        values.pop("facility", None)
        values["signs"] = self.cleaned_data["signs_text"]
        return values
