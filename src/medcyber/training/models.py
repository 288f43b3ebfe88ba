"""Targeted-attack e-mail training (TRAIN-1..3): domains, recipients, templates, campaigns.

Facility-owned rows are read through ``.visible_to(user)``, which narrows to the facilities whose
training the user runs (:mod:`medcyber.training.access`). Tracking rows (:class:`Message`,
:class:`TrackingEvent`) hold no personal data beyond the link to the recipient, and never any
value typed into a training form.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import ScopedQuerySet, UnscopedManager
from medcyber.registry.models import Facility


class TrainingScopedQuerySet(ScopedQuerySet[Any]):
    facility_lookup = "facility"

    def scope_for(self, user: Any) -> Self:
        from .access import training_facility_ids

        ids = training_facility_ids(user)
        if ids is None:
            return self.all()
        return self.filter(**{f"{self.facility_lookup}__in": ids})


class RecipientQuerySet(TrainingScopedQuerySet):
    facility_lookup = "group__facility"


class MessageQuerySet(TrainingScopedQuerySet):
    facility_lookup = "campaign__facility"


class VerificationMethod(models.TextChoices):
    DNS_TXT = "dns_txt", _("DNS TXT レコード")
    ASSOCIATION = "association", _("医師会による承認")


class VerifiedDomain(AuditedModel):
    """A mail domain the facility has shown it owns: training mail may go to its addresses."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("施設"), on_delete=models.CASCADE, related_name="training_domains"
    )
    domain = models.CharField(_("ドメイン"), max_length=253)
    method = models.CharField(_("確認方法"), max_length=20, choices=VerificationMethod.choices)
    token = models.CharField(_("確認用トークン"), max_length=64, blank=True)
    verified_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = TrainingScopedQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(TrainingScopedQuerySet)()

    class Meta:
        verbose_name = _("確認済みドメイン")
        verbose_name_plural = _("確認済みドメイン")
        default_manager_name = "unscoped"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["facility", "domain"], name="training_domain_unique"),
            models.CheckConstraint(
                condition=Q(method__in=VerificationMethod.values), name="training_domain_method"
            ),
        ]

    def __str__(self) -> str:
        return str(self.domain)

    @property
    def txt_record(self) -> str:
        return f"medcyber-training={self.token}"


class ApprovedAddress(AuditedModel):
    """One address outside the verified domains that association staff approved."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("施設"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("メールアドレス"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("承認日時"), auto_now_add=True)

    objects = TrainingScopedQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(TrainingScopedQuerySet)()

    class Meta:
        verbose_name = _("承認済みアドレス")
        verbose_name_plural = _("承認済みアドレス")
        default_manager_name = "unscoped"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["facility", "email"], name="training_approved_unique"),
        ]

    def __str__(self) -> str:
        return str(self.email)


class RecipientGroup(AuditedModel):
    facility = models.ForeignKey(
        Facility, verbose_name=_("施設"), on_delete=models.CASCADE, related_name="training_groups"
    )
    name = models.CharField(_("グループ名"), max_length=100)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = TrainingScopedQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(TrainingScopedQuerySet)()

    class Meta:
        verbose_name = _("訓練対象グループ")
        verbose_name_plural = _("訓練対象グループ")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["facility", "name"], name="training_group_unique"),
        ]

    def __str__(self) -> str:
        return str(self.name)


class Recipient(models.Model):
    """A person of the facility who receives training mail (imports are audited as a whole)."""

    group = models.ForeignKey(
        RecipientGroup,
        verbose_name=_("グループ"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    name = models.CharField(_("氏名"), max_length=100)
    email = models.EmailField(_("メールアドレス"))
    department = models.CharField(_("部署"), max_length=100, blank=True)
    job_type = models.CharField(_("職種"), max_length=100, blank=True)

    objects = RecipientQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(RecipientQuerySet)()

    class Meta:
        verbose_name = _("訓練対象者")
        verbose_name_plural = _("訓練対象者")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["department", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["group", "email"], name="training_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易しい")
    MEDIUM = 2, _("普通")
    HARD = 3, _("難しい")


class TemplateKind(models.TextChoices):
    EMOTET_REPLY = "emotet_reply", _("過去のやり取りへの返信（Emotet型）")
    DELIVERY = "delivery", _("不在配達通知")
    INVOICE = "invoice", _("請求書")
    ACCOUNT = "account", _("アカウント警告")
    AUTHORITY = "authority", _("厚生労働省・医師会を装う通知")
    OTHER = "other", _("その他")


class AttachmentKind(models.TextChoices):
    """Harmless files only: a PDF or a plain text that says it was training (never a program,
    a script or a document with macros)."""

    NONE = "", _("なし")
    PDF = "pdf", _("PDF")
    TEXT = "txt", _("テキスト")


class MailTemplate(AuditedModel):
    """A training e-mail: subject and body with ``{{ variables }}``, and what to teach."""

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("施設"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_templates",
        help_text=_("空欄は制度全体の標準テンプレート"),
    )
    slug = models.SlugField(_("識別子"), max_length=50, blank=True)
    name = models.CharField(_("名前"), max_length=100)
    kind = models.CharField(_("種類"), max_length=20, choices=TemplateKind.choices)
    difficulty = models.PositiveSmallIntegerField(_("難易度"), choices=Difficulty.choices)
    sender_name = models.CharField(_("差出人名"), max_length=100)
    sender_local_part = models.CharField(_("差出人アドレス（@の前）"), max_length=64)
    subject = models.CharField(_("件名"), max_length=200)
    body_text = models.TextField(_("本文（テキスト）"))
    link_label = models.CharField(_("リンクの文言"), max_length=100)
    has_login_form = models.BooleanField(_("ログイン画面の模倣を含む"), default=False)
    login_form_title = models.CharField(_("模倣ログイン画面の見出し"), max_length=100, blank=True)
    signs = models.JSONField(_("見抜くポイント"), default=list)
    attachment_kind = models.CharField(
        _("添付ファイル"), max_length=3, choices=AttachmentKind.choices, blank=True, default=""
    )
    attachment_name = models.CharField(
        _("添付ファイルの名前"),
        max_length=100,
        blank=True,
        help_text=_("訓練用の無害なファイル（PDF またはテキスト）として添付されます。"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    objects = TrainingScopedQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(TrainingScopedQuerySet)()

    class Meta:
        verbose_name = _("訓練メールのテンプレート")
        verbose_name_plural = _("訓練メールのテンプレート")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["difficulty", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["slug"], condition=~Q(slug=""), name="training_template_slug_unique"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values), name="training_template_difficulty"
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    AWAITING_APPROVAL = "awaiting_approval", _("承認待ち")
    SCHEDULED = "scheduled", _("送信予定")
    SENDING = "sending", _("送信中")
    PAUSED = "paused", _("一時停止中")
    FINISHED = "finished", _("完了")
    CANCELLED = "cancelled", _("中止")


class Campaign(AuditedModel):
    """One training round for one facility's group, with its owner, approver and send window."""

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        related_name="training_campaigns",
    )
    name = models.CharField(_("訓練名"), max_length=100)
    group = models.ForeignKey(
        RecipientGroup, verbose_name=_("対象グループ"), on_delete=models.PROTECT
    )
    template = models.ForeignKey(
        MailTemplate, verbose_name=_("テンプレート"), on_delete=models.PROTECT
    )
    state = models.CharField(
        _("状態"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    run_by_association = models.BooleanField(_("医師会が実施"), default=False)
    window_start = models.DateTimeField(_("送信開始"))
    window_end = models.DateTimeField(_("送信終了"))
    day_start_hour = models.PositiveSmallIntegerField(_("毎日の送信開始時刻"), default=9)
    day_end_hour = models.PositiveSmallIntegerField(_("毎日の送信終了時刻"), default=17)
    weekdays_only = models.BooleanField(_("平日のみ"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    objects = TrainingScopedQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(TrainingScopedQuerySet)()

    class Meta:
        verbose_name = _("訓練キャンペーン")
        verbose_name_plural = _("訓練キャンペーン")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(state__in=CampaignState.values), name="training_campaign_state"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="training_campaign_window_order",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="training_campaign_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class MessageState(models.TextChoices):
    QUEUED = "queued", _("送信待ち")
    CLAIMED = "claimed", _("送信準備中")
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")
    UNCERTAIN = "uncertain", _("送信結果不明")
    CANCELLED = "cancelled", _("中止")


class Message(models.Model):
    """One training mail to one recipient: sent at most once, tracked by an unguessable token.

    The state is committed *before* the mail leaves (``claimed`` → ``sending`` → ``sent``):
    a worker that dies while ``claimed`` never handed the mail over, so it is queued again;
    one that dies while ``sending`` may have, so the mail is marked ``uncertain`` and never
    sent twice.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="messages")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    state = models.CharField(
        _("送信状態"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    due_at = models.DateTimeField(_("送信予定日時"))
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    opened_at = models.DateTimeField(_("開封日時"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("クリック日時"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("入力日時"), null=True, blank=True)
    reported_at = models.DateTimeField(_("報告日時"), null=True, blank=True)
    submit_count = models.PositiveIntegerField(default=0)

    objects = MessageQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(MessageQuerySet)()

    class Meta:
        verbose_name = _("訓練メール")
        verbose_name_plural = _("訓練メール")
        default_manager_name = "unscoped"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["campaign", "recipient"], name="training_message_once"),
            models.CheckConstraint(
                condition=Q(state__in=MessageState.values), name="training_message_state"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["state", "due_at"], name="training_message_due_idx"),
            models.Index(fields=["sent_at"], name="training_message_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.recipient_id} ({self.state})"


class TrackingKind(models.TextChoices):
    OPENED = "opened", _("開封")
    CLICKED = "clicked", _("クリック")
    SUBMITTED = "submitted", _("入力")
    REPORTED = "reported", _("報告")


class TrackingEvent(models.Model):
    """One hit on a tracking link: only what happened and when (no address, no typed value)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=TrackingKind.choices)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("訓練の記録")
        verbose_name_plural = _("訓練の記録")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["message", "kind"], name="training_event_msg_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
