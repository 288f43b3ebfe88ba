"""Forms of the portal: the editor's item form, publication, alerts, search and linking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Alert, Audience, Category, ContentItem, ContentKind

_REQUIRED = {"required": _("この項目を入力してください。")}


class ItemForm(forms.ModelForm):
    """What an editor writes. ``version`` is the version the editor opened (conflict check)."""

    label_suffix = ""
    tag_names = forms.CharField(
        label=_("タグ"),
        required=False,
        max_length=300,
        help_text=_("読点（、）またはカンマで区切ります。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    video_url = forms.URLField(label=_("動画のURL"), required=False, assume_scheme="https")
    pdf_file = forms.FileField(
        label=_("PDFファイル（ジャーナル）"),
        required=False,
        help_text=_("PDFだけを受け付けます。ウイルス検査のうえ暗号化して保管します。"),
    )

    class Meta:
        model = ContentItem
        fields = [
            "kind", "title", "summary", "body", "category", "audience", "is_charged", "volume",
            "number", "issue_date", "table_of_contents", "video_url", "duration_seconds",
            "captions", "checklist_items",
        ]  # fmt: skip
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18}),
            "table_of_contents": forms.Textarea(attrs={"rows": 5}),
            "captions": forms.Textarea(attrs={"rows": 5}),
            "issue_date": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {"title": _REQUIRED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["tag_names"] = "、".join(self.instance.tags.values_list("name", flat=True))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ContentKind.JOURNAL:
            for name in ("volume", "number", "issue_date"):
                if not data.get(name):
                    self.add_error(name, _("ジャーナルには巻・号・発行日が必要です。"))
        if data.get("kind") == ContentKind.VIDEO and not data.get("video_url"):
            self.add_error("video_url", _("動画にはURLが必要です。"))
        return data

    def tags(self) -> list[str]:
        raw = self.cleaned_data.get("tag_names") or ""
        return [name.strip() for name in raw.replace("、", ",").split(",") if name.strip()]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ImageForm(forms.Form):
    """An image for an item's Markdown, with the text read out in its place."""

    label_suffix = ""
    image_file = forms.FileField(
        label=_("画像ファイル"),
        help_text=_("PNG・JPEG・GIFを受け付けます。ウイルス検査のうえ暗号化して保管します。"),
        error_messages={"required": _("画像ファイルを選んでください。")},
    )
    alt_text = forms.CharField(
        label=_("画像の説明（代替テキスト）"),
        max_length=200,
        help_text=_("画像が見えない方にも伝わるよう、何が写っているかを書きます。"),
        error_messages={"required": _("画像の説明（代替テキスト）を入力してください。")},
    )


class ChapterForm(forms.Form):
    """A practice text's chapter and its quiz, as an editor writes them."""

    label_suffix = ""
    title = forms.CharField(label=_("タイトル"), max_length=200, error_messages=_REQUIRED)
    body = forms.CharField(
        label=_("本文（Markdown）"),
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages=_REQUIRED,
    )
    quiz = forms.CharField(
        label=_("確認問題"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "1問ごとに空行で区切ります。1行目が問題文、「*」で始まる行が正解、「-」で始まる行が"
            "ほかの選択肢、「>」で始まる行が解説です。"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PublishForm(forms.Form):
    label_suffix = ""
    publish_at = forms.DateTimeField(
        label=_("公開日時"),
        required=False,
        help_text=_("空欄なら今すぐ公開します。将来の日時を入れると、その時に公開されます。"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("日時は 2026-04-01 09:00 の形で入力してください。")},
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("キーワード"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": _("検索語は%(limit_value)d文字以内で入力してください。")},
    )


class AlertForm(forms.ModelForm):
    label_suffix = ""
    link = forms.URLField(label=_("詳しい情報のURL"), required=False, assume_scheme="https")
    audiences = forms.MultipleChoiceField(
        label=_("表示する相手"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("表示する相手を1つ以上選んでください。")},
    )
    starts_at = forms.DateTimeField(
        label=_("表示開始"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label=_("表示終了"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Alert
        fields = ["title", "body", "link", "audiences", "starts_at", "ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("表示終了は表示開始より後にしてください。"))
        return data


class LinkStaffForm(forms.Form):
    label_suffix = ""
    email = forms.EmailField(
        label=_("ポータルに登録したメールアドレス"),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスの形が正しくありません。"),
        },
    )
