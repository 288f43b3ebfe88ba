"""Consultation cases, their timeline and attachments; desk hours and SLA targets as data."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcyber.accounts.roles import Role
from medcyber.core import fulltext
from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import ScopedQuerySet, UnscopedManager, facilities_visible_to

from . import rules
from .choices import (
    OPEN_STATUSES,
    Category,
    Channel,
    ConsentMethod,
    EventKind,
    PartnerKind,
    PatientData,
    ReferralStatus,
    Severity,
    Status,
    Tier,
)

#: Staff who see every case: the desk itself, and the association's admins and auditors.
CASE_ROLES = (Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN, Role.AUDITOR)
#: Staff who work cases (intake, replies, status, escalation).
OPERATOR_ROLES = (Role.DESK_TIER1, Role.DESK_TIER2)


class DeskHours(AuditedModel):
    """One period of the desk's opening hours (DESK-3), in force from ``effective_from`` until
    the next period starts."""

    effective_from = models.DateField(_("適用開始日"), unique=True)
    opens = models.TimeField(_("開始時刻"))
    closes = models.TimeField(_("終了時刻"))
    weekdays = models.CharField(
        _("受付曜日"),
        max_length=7,
        default="0123456",
        help_text=_("月曜=0 … 日曜=6 の数字を並べて書きます（毎日なら 0123456）。"),
    )
    open_on_holidays = models.BooleanField(_("祝日も受け付ける"), default=True)

    class Meta:
        verbose_name = _("相談窓口の受付時間")
        verbose_name_plural = _("相談窓口の受付時間")
        ordering: ClassVar[list[str]] = ["effective_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(opens__lt=models.F("closes")), name="desk_hours_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.opens:%H:%M}–{self.closes:%H:%M}"

    def as_period(self) -> rules.DeskHoursPeriod:
        return rules.DeskHoursPeriod(
            effective_from=self.effective_from,
            opens=self.opens,
            closes=self.closes,
            weekdays=frozenset(int(d) for d in self.weekdays),
            open_on_holidays=self.open_on_holidays,
        )


class SlaTarget(AuditedModel):
    """Desk time allowed for the first response and the resolution of a case."""

    category = models.CharField(
        _("相談の種類"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("空欄はその緊急度の既定値です。"),
    )
    severity = models.CharField(_("緊急度"), max_length=10, choices=Severity.choices)
    first_response_minutes = models.PositiveIntegerField(_("初回応答の目標（受付時間内の分）"))
    resolution_minutes = models.PositiveIntegerField(_("解決の目標（受付時間内の分）"))

    class Meta:
        verbose_name = _("対応目標（SLA）")
        verbose_name_plural = _("対応目標（SLA）")
        ordering: ClassVar[list[str]] = ["severity", "category"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["category", "severity"], name="sla_target_unique"),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0, resolution_minutes__gt=0),
                name="sla_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'}/{self.severity}"

    def as_target(self) -> rules.SlaTarget:
        return rules.SlaTarget(
            category=self.category,
            severity=self.severity,
            first_response=dt.timedelta(minutes=self.first_response_minutes),
            resolution=dt.timedelta(minutes=self.resolution_minutes),
        )


def sees_all_cases(user: Any) -> bool:
    return bool(user.staff_cleared and (user.is_superuser or user.has_role(*CASE_ROLES)))


def works_cases(user: Any) -> bool:
    """Desk operators (tier 1 and 2) with their second factor set up."""
    return bool(user.staff_cleared and user.has_role(*OPERATOR_ROLES))


class CaseQuerySet(ScopedQuerySet["Case"]):
    def scope_for(self, user: Any) -> Self:
        """The desk, association admins and auditors see every case; members and facility
        staff the cases of their facilities and the ones they filed; other staff none."""
        if sees_all_cases(user):
            return self.all()
        if user.is_programme_staff:
            return self.none()
        ids = facilities_visible_to(user) or []
        return self.filter(Q(facility__in=ids) | Q(reported_by=user))

    def open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)


class Case(AuditedModel):
    """One consultation (DESK-1): a call or a web form, and everything done about it."""

    channel = models.CharField(_("受付方法"), max_length=10, choices=Channel.choices)
    facility = models.ForeignKey(
        "registry.Facility",
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_cases",
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("会員"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_cases",
    )
    caller_name = models.CharField(_("相談者の氏名"), max_length=100, blank=True)
    caller_phone = models.CharField(_("相談者の電話番号"), max_length=20, blank=True)
    caller_email = models.EmailField(_("相談者のメールアドレス"), blank=True)
    caller_facility_name = models.CharField(_("相談者の名乗った施設名"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(_("相談の種類"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("緊急度"), max_length=10, choices=Severity.choices)
    patient_data = models.CharField(
        _("患者情報が含まれる可能性"), max_length=10, choices=PatientData.choices
    )
    summary = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("相談内容"), blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    tier = models.PositiveSmallIntegerField(_("対応段階"), choices=Tier.choices, default=Tier.TIER1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受付日時"))
    out_of_hours = models.BooleanField(_("受付時間外の受付"), default=False)
    first_response_due = models.DateTimeField(_("初回応答の期限"))
    resolution_due = models.DateTimeField(_("解決の期限"))
    resolution_paused_at = models.DateTimeField(
        _("解決の期限の停止日時"),
        null=True,
        blank=True,
        help_text=_("会員の回答待ちの間は解決の期限の時計が止まります。"),
    )
    first_responded_at = models.DateTimeField(_("初回応答日時"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解決日時"), null=True, blank=True)
    virus_found_at = models.DateTimeField(
        _("ウイルス検出日時"),
        null=True,
        blank=True,
        help_text=_("添付されたファイルからウイルスが見つかった日時（ファイルは保存されません）。"),
    )
    version = models.PositiveIntegerField(_("版"), default=1)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = CaseQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(CaseQuerySet)()

    class Meta:
        verbose_name = _("相談")
        verbose_name_plural = _("相談")
        ordering: ClassVar[list[str]] = ["-received_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["tier", "status", "resolution_due"]),
            models.Index(fields=["status", "first_response_due"]),
            models.Index(fields=["facility", "received_at"]),
            # the operators' queues: open cases of a tier, nearest deadline first
            models.Index(
                fields=["tier", "resolution_due", "id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="desk_case_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    @property
    def reference(self) -> str:
        return f"D-{self.pk:06d}" if self.pk else "D-"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every saved case makes the operators' queues render again (desk.queue_cache)."""
        from .queue_cache import case_changed

        super().save(*args, **kwargs)
        case_changed()


class CaseEventQuerySet(ScopedQuerySet["CaseEvent"]):
    def scope_for(self, user: Any) -> Self:
        cases = Case.objects.visible_to(user)
        events = self.filter(case__in=cases.values("pk"))
        if not sees_all_cases(user):
            events = events.filter(internal=False)
        return events


class CaseEvent(AuditedModel):
    """One line of a case's timeline: who did what, when (DESK-4). ``internal`` lines (notes,
    assignment, escalation) are never shown to the member."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("種類"), max_length=20, choices=EventKind.choices)
    internal = models.BooleanField(_("内部のみ"), default=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実行者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("詳細"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("日時"))

    objects = CaseEventQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(CaseEventQuerySet)()

    class Meta:
        verbose_name = _("相談の経過")
        verbose_name_plural = _("相談の経過")
        ordering: ClassVar[list[str]] = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def resolution_due_moved_to(self) -> dt.datetime | None:
        """The new resolution deadline when this status change ended a wait for the member."""
        moved = self.data.get("resolution_due") if self.kind == EventKind.STATUS else None
        return dt.datetime.fromisoformat(moved["new"]) if moved else None

    @property
    def new_status_label(self) -> str:
        new = self.data.get("new") if self.kind == EventKind.STATUS else None
        return str(Status(new).label) if new in Status.values else ""

    def audit_facility_id(self) -> int | None:
        return self.case.facility_id


class CaseAttachment(AuditedModel):
    """A file on a case (DESK-7): stored, scanned and encrypted by ``core.documents``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("core.StoredDocument", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("相談の添付ファイル")
        verbose_name_plural = _("相談の添付ファイル")

    def __str__(self) -> str:
        return str(self.document_id)

    def audit_facility_id(self) -> int | None:
        return self.case.facility_id


class ReferralPartner(AuditedModel):
    """A specialist firm the desk may refer members to (DESK-5): forensic investigators,
    lawyers, recovery vendors. The association keeps the directory in the admin."""

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種別"), max_length=20, choices=PartnerKind.choices)
    regions = models.CharField(
        _("対応地域"), max_length=300, help_text=_("都道府県名を「、」で区切るか「全国」。")
    )
    specialities = models.TextField(_("専門分野"), blank=True)
    contact_name = models.CharField(_("担当者"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20)
    email = models.EmailField(_("メールアドレス"), blank=True)
    active = models.BooleanField(_("紹介可能"), default=True)

    class Meta:
        verbose_name = _("紹介先の専門事業者")
        verbose_name_plural = _("紹介先の専門事業者")
        ordering: ClassVar[list[str]] = ["kind", "name"]

    def __str__(self) -> str:
        return str(self.name)


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    def scope_for(self, user: Any) -> Self:
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class Referral(AuditedModel):
    """A referral of a case to a partner, made only with the member's recorded consent; its
    outcome is tracked on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        ReferralPartner, verbose_name=_("紹介先"), on_delete=models.PROTECT, related_name="+"
    )
    consent_method = models.CharField(_("同意の方法"), max_length=20, choices=ConsentMethod.choices)
    consent_note = models.CharField(_("同意の記録"), max_length=500)
    consent_recorded_at = models.DateTimeField(_("同意の記録日時"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("同意を記録した担当者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("結果"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    outcome = models.TextField(_("結果の内容"), blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = ReferralQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ReferralQuerySet)()

    class Meta:
        verbose_name = _("専門事業者の紹介")
        verbose_name_plural = _("専門事業者の紹介")
        ordering: ClassVar[list[str]] = ["created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=~Q(consent_note=""), name="referral_consent_recorded"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.partner_id}"

    def audit_facility_id(self) -> int | None:
        return self.case.facility_id


class Answer(AuditedModel):
    """An article of the answers library (DESK-6): what tier 1 tells members, written once.
    Members read the published ones; the desk links them into replies."""

    title = models.CharField(_("題名"), max_length=200)
    body = models.TextField(_("本文"))
    category = models.CharField(
        _("相談の種類"), max_length=20, choices=Category.choices, blank=True
    )
    published = models.BooleanField(_("公開"), default=False)
    search_text = models.TextField(editable=False, blank=True, default="")  # see save()
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    audit_exclude = frozenset({"search_text"})

    class Meta:
        verbose_name = _("回答集の記事")
        verbose_name_plural = _("回答集")
        ordering: ClassVar[list[str]] = ["category", "title"]

    def __str__(self) -> str:
        return str(self.title)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the searchable text (core.fulltext) in step with the title and body."""
        self.search_text = fulltext.document(self.title, self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "body"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
