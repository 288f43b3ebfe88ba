"""Members, facilities and who founds, manages or works at which facility over time (REG-1, 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import FacilityOwnedQuerySet, ScopedQuerySet, UnscopedManager

from . import validators
from .choices import (
    FacilityKind,
    FacilityStaffRole,
    FacilityStatus,
    ManagementRelation,
    MemberClass,
    MemberStatus,
    Prefecture,
)


class PrefecturalAssociation(AuditedModel):
    """都道府県医師会."""

    prefecture = models.CharField(
        _("都道府県"), max_length=2, choices=Prefecture.choices, unique=True
    )
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("都道府県医師会")
        verbose_name_plural = _("都道府県医師会")
        ordering: ClassVar[list[str]] = ["prefecture"]

    def __str__(self) -> str:
        return str(self.name)


class DistrictAssociation(AuditedModel):
    """郡市区医師会."""

    prefectural = models.ForeignKey(
        PrefecturalAssociation,
        verbose_name=_("都道府県医師会"),
        on_delete=models.PROTECT,
        related_name="districts",
    )
    name = models.CharField(_("名称"), max_length=100)
    name_kana = models.CharField(
        _("名称（フリガナ）"), max_length=200, blank=True, validators=[validators.validate_katakana]
    )

    class Meta:
        verbose_name = _("郡市区医師会")
        verbose_name_plural = _("郡市区医師会")
        ordering: ClassVar[list[str]] = ["prefectural", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["prefectural", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return str(self.name)


def validity_in_order(name: str) -> models.CheckConstraint:
    """A period never ends before it starts (open-ended periods have no end)."""
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name=name
    )


class ValidityQuerySetMixin:
    def current(self, on: dt.date) -> Any:
        return self.filter(  # type: ignore[attr-defined]
            Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        )


class MemberQuerySet(ValidityQuerySetMixin, ScopedQuerySet["Member"]):
    def scope_for(self, user: Any) -> Self:
        if user.sees_all_facilities:
            return self.all()
        return self.filter(user=user)


class Member(AuditedModel):
    """A JMA member (REG-1). Personal data: every view of a member's page is audited."""

    membership_number = models.CharField(
        _("会員番号"),
        max_length=20,
        unique=True,
        validators=[validators.validate_membership_number],
    )
    family_name = models.CharField(_("氏"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50)
    family_name_kana = models.CharField(
        _("氏（フリガナ）"), max_length=100, validators=[validators.validate_katakana]
    )
    given_name_kana = models.CharField(
        _("名（フリガナ）"), max_length=100, validators=[validators.validate_katakana]
    )
    member_class = models.CharField(_("会員種別"), max_length=3, choices=MemberClass.choices)
    prefectural_association = models.ForeignKey(
        PrefecturalAssociation,
        verbose_name=_("都道府県医師会"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    district_association = models.ForeignKey(
        DistrictAssociation,
        verbose_name=_("郡市区医師会"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    valid_from = models.DateField(_("入会日"))
    valid_to = models.DateField(_("退会日"), null=True, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(
        _("電話番号"), max_length=20, blank=True, validators=[validators.validate_phone]
    )
    # Callers to the desk give it instead of their membership number (regulations §7).
    medical_registration_number = models.CharField(
        _("医籍番号"),
        max_length=7,
        blank=True,
        default="",
        validators=[validators.validate_medical_registration_number],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ログインアカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(MemberQuerySet)()

    class Meta:
        verbose_name = _("会員")
        verbose_name_plural = _("会員")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["family_name_kana", "given_name_kana"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["family_name", "given_name"],
                name="member_name_prefix_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["given_name"],
                name="member_given_name_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            # The search's kana prefixes (LIKE 'ヤマ%'): a plain index serves them only under
            # the "C" collation, pattern_ops under any (PostgreSQL; other databases ignore
            # opclasses). It replaces the plain kana index, which PostgreSQL preferred for the
            # search's ORDER BY … LIMIT and then walked from ア (80 ms at national scale).
            # membership_number needs none: unique=True makes Django add a pattern_ops index.
            models.Index(
                fields=["family_name_kana", "given_name_kana"],
                name="member_kana_prefix_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            validity_in_order("member_validity_order"),
            models.CheckConstraint(
                condition=Q(member_class__in=MemberClass.values), name="member_class_known"
            ),
            # Optional, but one doctor's number belongs to one member.
            models.UniqueConstraint(
                fields=["medical_registration_number"],
                condition=~Q(medical_registration_number=""),
                name="member_registration_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    def audit_person_user_id(self) -> int | None:
        return self.user_id

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"

    @property
    def is_programme_participant(self) -> bool:
        """A① members are the ones the payments cover."""
        return self.member_class == MemberClass.A1


class FacilityQuerySet(ScopedQuerySet["Facility"]):
    def scope_for(self, user: Any) -> Self:
        from .queries import visible_facility_ids

        ids = visible_facility_ids(user)
        return self.all() if ids is None else self.filter(pk__in=ids)


class Facility(AuditedModel):
    """A hospital, clinic or care facility founded or managed by a member (REG-2)."""

    name = models.CharField(_("施設名"), max_length=200)
    name_kana = models.CharField(
        _("施設名（フリガナ）"), max_length=400, validators=[validators.validate_katakana]
    )
    kind = models.CharField(_("施設種別"), max_length=20, choices=FacilityKind.choices)
    medical_institution_code = models.CharField(
        _("医療機関コード"),
        max_length=10,
        blank=True,
        validators=[validators.validate_institution_code],
    )
    # 介護保険事業所番号: the key of a care facility, which has no medical-institution code.
    care_provider_number = models.CharField(
        _("介護保険事業所番号"),
        max_length=10,
        blank=True,
        validators=[validators.validate_care_provider_number],
    )
    postal_code = models.CharField(
        _("郵便番号"), max_length=8, blank=True, validators=[validators.validate_postal_code]
    )
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=Prefecture.choices)
    address = models.CharField(_("住所"), max_length=300)
    phone = models.CharField(
        _("電話番号"), max_length=20, blank=True, validators=[validators.validate_phone]
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = FacilityQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(FacilityQuerySet)()

    class Meta:
        verbose_name = _("施設")
        verbose_name_plural = _("施設")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["name_kana"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["prefecture", "kind"]),
            # Prefix searches (see Member.Meta): kana names and medical-institution codes.
            models.Index(
                fields=["name_kana"],
                name="facility_kana_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["medical_institution_code"],
                name="facility_code_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["care_provider_number"],
                name="facility_care_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            # The import's key for a facility without a code: (name, address). Without it
            # every chunk of an import scanned the whole table.
            models.Index(
                fields=["name", "address"],
                condition=Q(medical_institution_code=""),
                name="facility_codeless_key_idx",
            ),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["medical_institution_code"],
                condition=~Q(medical_institution_code=""),
                name="facility_institution_code_unique",
            ),
            models.UniqueConstraint(
                fields=["care_provider_number"],
                condition=~Q(care_provider_number=""),
                name="facility_care_provider_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FacilityKind.values), name="facility_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    def audit_facility_id(self) -> int | None:
        return self.pk


class FacilityManagementQuerySet(
    ValidityQuerySetMixin, FacilityOwnedQuerySet["FacilityManagement"]
):
    pass


class FacilityManagement(AuditedModel):
    """Who founds and/or manages a facility, from when to when (開設・管理)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("施設"), on_delete=models.CASCADE, related_name="managements"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("会員"), on_delete=models.PROTECT, related_name="managements"
    )
    relation = models.CharField(
        _("関係"),
        max_length=20,
        choices=ManagementRelation.choices,
        default=ManagementRelation.FOUNDER_MANAGER,
    )
    valid_from = models.DateField(_("開始日"))
    valid_to = models.DateField(_("終了日"), null=True, blank=True)

    objects = FacilityManagementQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(FacilityManagementQuerySet)()

    class Meta:
        verbose_name = _("開設者・管理者")
        verbose_name_plural = _("開設者・管理者")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["facility", "-valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            validity_in_order("management_validity_order"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} — {self.member} ({self.get_relation_display()})"

    def clean(self) -> None:
        """A facility has one founder/manager of record at any date."""
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": gettext("終了日は開始日以降の日付にしてください。")})
        far_future = dt.date.max
        overlapping = (
            FacilityManagement.unscoped.filter(facility_id=self.facility_id)
            .exclude(pk=self.pk)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            .filter(valid_from__lte=self.valid_to or far_future)
        )
        if self.facility_id and overlapping.exists():
            raise ValidationError(
                gettext("この期間には、すでに別の開設者・管理者が登録されています。"),
                code="management_overlap",
            )


class FacilityStaffQuerySet(ValidityQuerySetMixin, FacilityOwnedQuerySet["FacilityStaff"]):
    pass


class FacilityStaff(AuditedModel):
    """A login account that works for a facility: its administrator or a staff member."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("施設"), on_delete=models.CASCADE, related_name="staff_links"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="facility_links",
    )
    role = models.CharField(
        _("役割"), max_length=20, choices=FacilityStaffRole.choices, default=FacilityStaffRole.STAFF
    )
    valid_from = models.DateField(_("開始日"))
    valid_to = models.DateField(_("終了日"), null=True, blank=True)

    objects = FacilityStaffQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(FacilityStaffQuerySet)()

    class Meta:
        verbose_name = _("施設の職員")
        verbose_name_plural = _("施設の職員")
        default_manager_name = "unscoped"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["facility", "user", "valid_from"], name="facility_staff_unique"
            ),
            validity_in_order("facility_staff_validity_order"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} — {self.user} ({self.get_role_display()})"


class ImportRunQuerySet(ScopedQuerySet["ImportRun"]):
    """Imports are the association admins' work: they see every run, nobody else sees any."""

    def scope_for(self, user: Any) -> Self:
        if user.sees_all_facilities and user.has_role("association_admin"):
            return self.all()
        return self.none()


class ImportRun(AuditedModel):
    """One file uploaded on the staff screen: checked (a dry run), then imported on request.

    The uploaded file itself is a :class:`~medcyber.core.models.StoredDocument` (encrypted,
    scanned); the run keeps the report of its last pass, so the page shows it without
    reading the file again.
    """

    class Kind(models.TextChoices):
        MEMBERS = "members", _("会員")
        FACILITIES = "facilities", _("施設")
        LINKS = "links", _("開設者・管理者")

    class Status(models.TextChoices):
        QUEUED = "queued", _("確認待ち")
        CHECKING = "checking", _("確認中")
        CHECKED = "checked", _("確認済み")
        IMPORTING = "importing", _("取り込み中")
        IMPORTED = "imported", _("取り込み済み")
        REFUSED = "refused", _("取り込み中止")
        FAILED = "failed", _("失敗")

    #: While in these states a background task is (or will be) working on the run.
    BUSY: ClassVar[frozenset[str]] = frozenset({"queued", "checking", "importing"})
    #: At most this many errors are kept on the run (all of them are counted).
    ERRORS_KEPT: ClassVar[int] = 1000

    kind = models.CharField(_("取り込みの種類"), max_length=20, choices=Kind.choices)
    document = models.ForeignKey(
        "core.StoredDocument",
        verbose_name=_("ファイル"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_only = models.BooleanField(_("正しい行だけ取り込む"), default=False)
    full = models.BooleanField(_("全件ファイル"), default=False)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    counts = models.JSONField(_("件数"), default=dict, blank=True)
    errors = models.JSONField(_("取り込めない行"), default=list, blank=True)
    errors_total = models.PositiveIntegerField(_("取り込めない値の数"), default=0)
    message = models.TextField(_("メッセージ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取り込みを指示した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    checked_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("取り込み日時"), null=True, blank=True)

    # The error list can hold personal data from the file; the trail keeps the counts only.
    audit_exclude: ClassVar[frozenset[str]] = frozenset({"errors"})

    objects = ImportRunQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ImportRunQuerySet)()

    class Meta:
        verbose_name = _("取り込み")
        verbose_name_plural = _("取り込み")
        default_manager_name = "unscoped"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def has_errors(self) -> bool:
        return self.errors_total > 0

    @property
    def may_confirm(self) -> bool:
        """Only a checked run, and with rejected rows only when the valid rows alone were asked."""
        return self.status == self.Status.CHECKED and (not self.has_errors or self.valid_only)


class ExportRunQuerySet(ScopedQuerySet["ExportRun"]):
    """Whole-registry files are for association admins and auditors (second factor on)."""

    def scope_for(self, user: Any) -> Self:
        if user.sees_all_facilities and user.has_role("association_admin", "auditor"):
            return self.all()
        return self.none()


class ExportRun(AuditedModel):
    """An Excel file of the whole registry, written by a background task.

    A national file takes tens of seconds to write, too long for a request. The finished file
    is a :class:`~medcyber.core.models.StoredDocument` (encrypted at rest, without a facility:
    its requester's and staff who see every facility's), downloaded through the document view,
    which records each download.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("作成待ち")
        RUNNING = "running", _("作成中")
        READY = "ready", _("ダウンロードできます")
        FAILED = "failed", _("失敗")
        EXPIRED = "expired", _("期限切れ")

    BUSY: ClassVar[frozenset[str]] = frozenset({"queued", "running"})

    kind = models.CharField(_("書き出す種類"), max_length=20, choices=ImportRun.Kind.choices)
    status = models.CharField(
        _("状態"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows = models.PositiveIntegerField(_("行数"), default=0)
    document = models.ForeignKey(
        "core.StoredDocument",
        verbose_name=_("ファイル"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("メッセージ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("作成日時"), null=True, blank=True)
    expired_at = models.DateTimeField(_("削除日時"), null=True, blank=True)

    objects = ExportRunQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ExportRunQuerySet)()

    class Meta:
        verbose_name = _("書き出し")
        verbose_name_plural = _("書き出し")
        default_manager_name = "unscoped"
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_busy(self) -> bool:
        return self.status in self.BUSY

    @property
    def expires_at(self) -> dt.datetime | None:
        """When the file is deleted: ``REGISTRY_EXPORT_RETENTION_DAYS`` after it was written.

        Registry files hold every member's personal data; a copy left on the server for
        months is a copy nobody looks after.
        """
        if self.finished_at is None or self.status != self.Status.READY:
            return None
        return self.finished_at + dt.timedelta(days=settings.REGISTRY_EXPORT_RETENTION_DAYS)
