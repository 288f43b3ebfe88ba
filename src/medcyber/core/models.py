"""Shared tables: the audit trail, the programme's contact details and stored documents."""

from __future__ import annotations

import time
import uuid
from typing import Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import AuditedModel
from .scoping import FacilityOwnedQuerySet, UnscopedManager, facilities_visible_to


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One link of the hash chain: who did or saw what, when, from where.

    ``hash`` covers every other column and the previous event's hash, so editing, deleting or
    inserting a row anywhere breaks every later link (``medcyber audit verify``).
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("作成")
        UPDATE = "update", _("変更")
        DELETE = "delete", _("削除")
        VIEW = "view", _("閲覧")
        AUTH = "auth", _("認証")
        ACTION = "action", _("操作")

    seq = models.BigIntegerField(_("連番"), unique=True)
    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実行者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("実行者（記録時）"), max_length=254)
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("対象の種類"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("対象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("対象"), max_length=200, blank=True)
    facility_id = models.BigIntegerField(_("施設ID"), null=True, blank=True, db_index=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)
    request_id = models.CharField(_("リクエストID"), max_length=32, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering: ClassVar[list[str]] = ["-seq"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id", "seq"]),
            models.Index(fields=["actor", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditChainHead(models.Model):
    """The single row that serialises appends: the last link's sequence and hash."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("監査ログの末尾")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="audit_head_singleton"),
        ]

    def __str__(self) -> str:
        return f"#{self.last_seq}"


class ProgrammeContact(AuditedModel):
    """The desk's and the JMA office's contact details, shown on every relevant page (ADM-2)."""

    desk_name = models.CharField(_("相談窓口の名称"), max_length=100)
    desk_phone = models.CharField(_("相談窓口の電話番号"), max_length=20)
    desk_hours = models.CharField(_("相談窓口の受付時間"), max_length=100)
    office_name = models.CharField(_("事務局の名称"), max_length=100)
    office_phone = models.CharField(_("事務局の電話番号"), max_length=20)
    office_fax = models.CharField(_("事務局のFAX番号"), max_length=20, blank=True)
    office_email = models.EmailField(_("事務局のメールアドレス"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    #: Every process keeps the row for this long: an edit shows everywhere within it.
    MEMO_SECONDS = 30.0

    class Meta:
        verbose_name = _("制度の連絡先")
        verbose_name_plural = _("制度の連絡先")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="programme_contact_singleton"),
        ]

    def __str__(self) -> str:
        return str(self.desk_name)

    @classmethod
    def current(cls) -> ProgrammeContact:
        """The contact details, read at most every MEMO_SECONDS per process (every page shows
        them; they change a few times a year)."""
        now = time.monotonic()
        memo = _contact_memo.get("value")
        if memo is None or now - _contact_memo["at"] > cls.MEMO_SECONDS:
            memo, _created = cls.objects.get_or_create(
                pk=1, defaults=settings.MEDCYBER_CONTACT_DEFAULTS
            )
            _contact_memo.update(value=memo, at=now)
        return memo

    @classmethod
    def forget_memo(cls) -> None:
        _contact_memo.clear()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget_memo()


_contact_memo: dict[str, Any] = {}


class StoredDocumentQuerySet(FacilityOwnedQuerySet["StoredDocument"]):
    def scope_for(self, user: Any) -> Self:
        """A facility's documents go with the facility; one without a facility is its
        uploader's (and visible to staff who see every facility)."""
        ids = facilities_visible_to(user)
        if ids is None:
            return self.all()
        return self.filter(
            models.Q(facility__in=ids) | models.Q(facility__isnull=True, uploaded_by=user)
        )


class StoredDocument(AuditedModel):
    """An uploaded file: checked, scanned clean, encrypted at rest (``core.documents``).

    The bytes live in Django's storage under a random name; ``original_name`` is what the
    uploader called the file, kept for display and downloads only (escape it when shown).
    """

    class ScanResult(models.TextChoices):
        CLEAN = "clean", _("問題なし")

    public_id = models.UUIDField(_("公開ID"), default=uuid.uuid4, unique=True, editable=False)
    purpose = models.CharField(_("用途"), max_length=40, db_index=True)
    original_name = models.CharField(_("元のファイル名"), max_length=255)
    content_type = models.CharField(_("ファイルの種類"), max_length=100)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    storage_name = models.CharField(_("保存名"), max_length=255, unique=True, editable=False)
    scanned_at = models.DateTimeField(_("ウイルス検査日時"))
    scan_result = models.CharField(_("ウイルス検査結果"), max_length=10, choices=ScanResult.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    facility = models.ForeignKey(
        "registry.Facility",
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_documents",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    objects = StoredDocumentQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(StoredDocumentQuerySet)()

    class Meta:
        verbose_name = _("保管ファイル")
        verbose_name_plural = _("保管ファイル")
        ordering: ClassVar[list[str]] = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(scan_result="clean"), name="stored_document_scanned_clean"
            ),
        ]

    def __str__(self) -> str:
        return str(self.original_name)
