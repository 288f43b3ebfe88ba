"""Payment schedules: the amounts and conditions of the one-off support payments, as data.

Each row holds the rules for one kind of incident over an effective-date range. Association
administrators edit them in the admin; once a decision has used a row (``first_used_at``), its
amounts and conditions are frozen and the row cannot be deleted, so every past decision can be
reproduced from the version it recorded. A change in the programme is a new row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import FacilityOwnedQuerySet, UnscopedManager
from medcyber.registry.choices import FacilityKind, MemberClass

from . import rules


class IncidentKind(models.TextChoices):
    CYBER_ATTACK = "cyber_attack", _("サイバー攻撃")
    DATA_LEAK = "data_leak", _("サイバー攻撃に起因しない個人情報漏えい")


class ScheduleInUse(Exception):
    """A schedule used by a decision cannot be deleted or have its rules changed."""


#: What stays as it was once a decision used the row (``note`` may still be edited, and an
#: open ``valid_until`` may be closed — see ``PaymentSchedule.clean``).
FROZEN_FIELDS = (
    "version",
    "kind",
    "valid_from",
    "base_amount",
    "closure_per_day",
    "closure_cap",
    "closure_flat",
    "requirements",
    "insider_excluded",
    "member_classes",
    "facility_kinds",
)


class PaymentScheduleQuerySet(models.QuerySet["PaymentSchedule"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(first_used_at__isnull=False).exists():
            raise ScheduleInUse(gettext("決定に使われた支給基準は削除できません。"))
        deleted = 0
        counts: dict[str, int] = {}
        for row in self:  # one by one, so each deletion enters the audit trail
            n, per_model = row.delete()
            deleted += n
            for label, count in per_model.items():
                counts[label] = counts.get(label, 0) + count
        return deleted, counts


class PaymentSchedule(AuditedModel):
    version = models.CharField(
        _("版"),
        max_length=40,
        unique=True,
        help_text=_("決定に記録される基準の版（例: cyber_attack-2023-06-01）"),
    )
    kind = models.CharField(_("事案の種類"), max_length=20, choices=IncidentKind.choices)
    valid_from = models.DateField(_("適用開始日（発生日）"))
    valid_until = models.DateField(_("適用終了日（発生日、この日を含む）"), null=True, blank=True)
    base_amount = models.PositiveIntegerField(_("基本額（円）"))
    closure_per_day = models.PositiveIntegerField(_("休業1日あたりの加算額（円）"), default=0)
    closure_cap = models.PositiveIntegerField(
        _("休業加算の上限（円）"), default=0, help_text=_("0は上限なし")
    )
    closure_flat = models.PositiveIntegerField(
        _("休業加算の定額（円）"),
        default=0,
        help_text=_("1日あたりの加算額が0のとき、1日以上休業した場合に1回加算する額"),
    )
    requirements = models.JSONField(
        _("支給要件"),
        default=list,
        blank=True,
        help_text=_(
            '要件ごとに {"code": "要件コード", "any_of": ["mhlw", "jma"]} の形で、'
            "いずれかの報告があれば満たされる。報告: mhlw, jma, police, ppc, individuals"
        ),
    )
    insider_excluded = models.BooleanField(_("内部犯罪は支給対象外"), default=True)
    member_classes = models.JSONField(_("対象の会員種別"), default=list)
    facility_kinds = models.JSONField(_("対象の施設種別"), default=list)
    note = models.TextField(_("根拠・備考"), blank=True)
    first_used_at = models.DateTimeField(_("初めて決定に使われた日時"), null=True, editable=False)
    last_used_at = models.DateTimeField(_("最後に決定に使われた日時"), null=True, editable=False)

    objects = PaymentScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("支給基準")
        verbose_name_plural = _("支給基準")
        ordering = ("kind", "valid_from")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="claims_schedule_range_ordered",
            ),
            models.UniqueConstraint(fields=("kind", "valid_from"), name="claims_schedule_start"),
        ]

    def __str__(self) -> str:
        return self.version

    @property
    def in_use(self) -> bool:
        return self.first_used_at is not None

    def to_rule(self) -> rules.Schedule:
        return rules.Schedule(
            version=self.version,
            kind=self.kind,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            base_amount=self.base_amount,
            closure_per_day=self.closure_per_day,
            closure_cap=self.closure_cap,
            closure_flat=self.closure_flat,
            requirements=tuple(
                rules.Requirement(code=r["code"], any_of=frozenset(r["any_of"]))
                for r in self.requirements
            ),
            insider_excluded=self.insider_excluded,
            member_classes=frozenset(self.member_classes),
            facility_kinds=frozenset(self.facility_kinds),
        )

    # --- invariants ---
    def clean(self) -> None:
        errors: dict[str, Any] = {}
        self._check_lists(errors)
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = gettext("適用終了日が適用開始日より前です。")
        elif self.valid_from and self.kind and self._overlapping().exists():
            other = self._overlapping().first()
            errors["valid_from"] = gettext(
                "同じ種類の支給基準「%(other)s」と適用期間が重なっています。"
            ) % {"other": other}
        errors.update(self._frozen_changes())
        if errors:
            raise ValidationError(errors)

    def _overlapping(self) -> PaymentScheduleQuerySet:
        rows = PaymentSchedule.objects.filter(kind=self.kind).exclude(pk=self.pk)
        rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        if self.valid_until is not None:
            rows = rows.filter(valid_from__lte=self.valid_until)
        return rows

    def _check_lists(self, errors: dict[str, Any]) -> None:
        if not _is_list_of(self.member_classes, MemberClass.values):
            errors["member_classes"] = gettext("会員種別のリストで指定してください: %(v)s") % {
                "v": ", ".join(MemberClass.values)
            }
        if not _is_list_of(self.facility_kinds, FacilityKind.values):
            errors["facility_kinds"] = gettext("施設種別のリストで指定してください: %(v)s") % {
                "v": ", ".join(FacilityKind.values)
            }
        requirements = self.requirements
        if not isinstance(requirements, list) or not all(
            isinstance(r, dict)
            and set(r) == {"code", "any_of"}
            and isinstance(r["code"], str)
            and r["code"]
            and r["any_of"]
            and _is_list_of(r["any_of"], list(rules.REPORTS))
            for r in requirements
        ):
            errors["requirements"] = gettext(
                '支給要件は [{"code": "…", "any_of": ["mhlw", …]}] の形で指定してください。'
            )

    def _frozen_changes(self) -> dict[str, str]:
        if self._state.adding or not self.in_use:
            return {}
        loaded = getattr(self, "_audit_loaded", {})
        message = gettext(
            "決定に使われた支給基準のため変更できません。新しい版を追加してください。"
        )
        errors = {
            name: message
            for name in FROZEN_FIELDS
            if name in loaded and loaded[name] != getattr(self, name)
        }
        before_until: date | None = loaded.get("valid_until")
        if before_until != self.valid_until and (
            before_until is not None
            or self.valid_until is None
            or (self.last_used_at and self.valid_until < timezone.localdate(self.last_used_at))
        ):
            errors["valid_until"] = gettext(
                "決定に使われた支給基準の終了日は、未設定のときに最後の使用日以降の日付で"
                "設定することだけができます。"
            )
        return errors

    def save(self, *args: Any, **kwargs: Any) -> None:
        frozen = self._frozen_changes()
        if frozen:
            raise ScheduleInUse(next(iter(frozen.values())))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.in_use:
            raise ScheduleInUse(gettext("決定に使われた支給基準は削除できません。"))
        return super().delete(*args, **kwargs)


def _is_list_of(value: Any, allowed: list[str]) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(v, str) and v in allowed for v in value)
        and len(set(value)) == len(value)
    )


# --- payment batches (PAY-4) ---


class PaymentBatch(AuditedModel):
    """Transfers sent to the bank in one Zengin general-transfer file.

    The file itself is not kept: it is written again from the rows and the requester as they
    were (``batch_file``), and its SHA-256 proves it is the file that was sent.
    """

    class Status(models.TextChoices):
        EXPORTED = "exported", _("振込ファイル出力済み")
        PAID = "paid", _("支払済み")

    created_at = models.DateTimeField(_("作成日時"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    transfer_date = models.DateField(_("振込指定日"))
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.EXPORTED
    )
    transfer_count = models.PositiveIntegerField(_("件数"))
    total_amount = models.PositiveBigIntegerField(_("合計金額（円）"))
    requester_code = models.CharField(_("依頼人コード"), max_length=10)
    requester_name = models.CharField(_("依頼人名"), max_length=40)
    requester_bank_code = models.CharField(_("仕向金融機関コード"), max_length=4)
    requester_branch_code = models.CharField(_("仕向支店コード"), max_length=3)
    requester_account_type = models.CharField(_("依頼人の預金種目"), max_length=1)
    requester_account_number = models.CharField(_("依頼人の口座番号"), max_length=7)
    record_separator = models.CharField(_("レコード区切り"), max_length=4, default="\r\n")
    file_sha256 = models.CharField(_("振込ファイルのSHA-256"), max_length=64)
    paid_at = models.DateTimeField(_("支払確認日時"), null=True, blank=True)
    paid_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("支払確認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("振込バッチ")
        verbose_name_plural = _("振込バッチ")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(transfer_count__gt=0), name="claims_batch_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status="exported") | Q(paid_at__isnull=False),
                name="claims_batch_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return gettext("振込バッチ%(pk)s（%(date)s振込）") % {
            "pk": self.pk,
            "date": self.transfer_date,
        }


class PaymentTransferQuerySet(FacilityOwnedQuerySet["PaymentTransfer"]):
    pass


class PaymentTransfer(AuditedModel):
    """One transfer of a batch: the account and amount as written in the file."""

    class Status(models.TextChoices):
        SENT = "sent", _("振込依頼済み")
        PAID = "paid", _("振込完了")
        FAILED = "failed", _("振込不能")

    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("振込バッチ"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    position = models.PositiveIntegerField(_("ファイル内の順番"))
    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("施設"), on_delete=models.PROTECT, related_name="+"
    )
    bank_code = models.CharField(_("金融機関コード"), max_length=4)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    account_type = models.CharField(_("預金種目"), max_length=1)
    account_number = models.CharField(_("口座番号"), max_length=7)
    holder_name = models.CharField(_("受取人名（全銀の文字）"), max_length=30)
    amount = models.PositiveBigIntegerField(_("金額（円）"))
    customer_code = models.CharField(_("顧客コード"), max_length=10, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.SENT)
    failure_reason = models.TextField(_("振込不能の理由"), blank=True)
    settled_at = models.DateTimeField(_("結果の確認日時"), null=True, blank=True)

    objects = PaymentTransferQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(PaymentTransferQuerySet)()

    class Meta:
        verbose_name = _("振込")
        verbose_name_plural = _("振込")
        ordering = ("batch", "position")
        constraints = [
            models.UniqueConstraint(fields=("batch", "position"), name="claims_transfer_position"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=9_999_999_999),
                name="claims_transfer_amount_fits",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure_reason=""),
                name="claims_transfer_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}-{self.position} {self.holder_name} ¥{self.amount:,}"


# --- claims (PAY-2, PAY-3) ---


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("申請受付")
    UNDER_REVIEW = "under_review", _("審査中")
    INFO_REQUESTED = "info_requested", _("追加資料の依頼中")
    APPROVED = "approved", _("支給決定")
    REFUSED = "refused", _("不支給決定")
    BATCHED = "batched", _("振込手続中")
    PAID = "paid", _("支払済み")


class ClaimQuerySet(FacilityOwnedQuerySet["Claim"]):
    def unbatched_approved(self) -> ClaimQuerySet:
        return self.filter(status=ClaimStatus.APPROVED)


class Claim(AuditedModel):
    """A facility's claim for the one-off support payment for one incident.

    The facts the quote needs are copied from the incident (and the registry) when the claim is
    submitted, so the reviewer and the approver decide on what the member saw; ``version``
    rises with every change so a decision taken on an older page is refused.
    """

    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("施設"), on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("インシデント"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(_("更新番号"), default=1)
    # the facts of the quote, as they were when the claim was made
    kind = models.CharField(_("事案の種類"), max_length=20, choices=IncidentKind.choices)
    occurred_on = models.DateField(_("発生日"))
    closure_days = models.PositiveIntegerField(_("休業日数"))
    insider = models.BooleanField(_("内部犯罪"))
    member_class = models.CharField(_("会員種別"), max_length=3, choices=MemberClass.choices)
    facility_kind = models.CharField(_("施設種別"), max_length=20, choices=FacilityKind.choices)
    reports = models.JSONField(_("実施した報告"), default=list)
    # the quote when the claim was made (the decision quotes again and records its version)
    entitlement = models.PositiveIntegerField(_("申請時の算定額（円）"))
    rules_version = models.CharField(_("申請時の基準の版"), max_length=40)
    # where to pay
    bank_code = models.CharField(_("金融機関コード"), max_length=4)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    account_type = models.CharField(
        _("預金種目"), max_length=1, choices=[("1", _("普通")), ("2", _("当座")), ("4", _("貯蓄"))]
    )
    account_number = models.CharField(_("口座番号"), max_length=7)
    holder_name = models.CharField(_("口座名義（カナ）"), max_length=100)
    holder_name_zengin = models.CharField(_("口座名義（全銀の文字）"), max_length=30)
    # duplicates (one incident, one payment)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重複の疑いがある申請"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # review (four eyes)
    recommendation = models.CharField(
        _("審査担当の意見"),
        max_length=10,
        blank=True,
        choices=[("approve", _("支給")), ("refuse", _("不支給"))],
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("審査担当"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)
    approved_amount = models.PositiveIntegerField(_("支給額（円）"), null=True, blank=True)
    decision_reason = models.TextField(_("決定の理由"), blank=True)
    decision_rules_version = models.CharField(_("決定に使った基準の版"), max_length=40, blank=True)
    transfer = models.ForeignKey(
        PaymentTransfer,
        verbose_name=_("振込"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申請者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("申請日時"))

    objects = ClaimQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ClaimQuerySet)()

    class Meta:
        verbose_name = _("支援金申請")
        verbose_name_plural = _("支援金申請")
        default_manager_name = "unscoped"
        ordering = ("-submitted_at",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "batched", "paid"]) | Q(approved_amount__gt=0),
                name="claims_claim_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["batched", "paid"]) | Q(transfer__isnull=False),
                name="claims_claim_batched_has_transfer",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"CLM-{self.pk or 0:06d}"

    def facts(self) -> rules.IncidentFacts:
        return rules.IncidentFacts(
            kind=self.kind,
            occurred_on=self.occurred_on,
            closure_days=self.closure_days,
            insider=self.insider,
            member_class=self.member_class,
            facility_kind=self.facility_kind,
            reports=frozenset(self.reports),
        )


class ClaimDocumentQuerySet(FacilityOwnedQuerySet["ClaimDocument"]):
    facility_lookup = "claim__facility"


class ClaimDocument(AuditedModel):
    """A document sent with a claim for one requirement (or for the closure days)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("申請"), on_delete=models.CASCADE, related_name="documents"
    )
    requirement = models.CharField(_("要件"), max_length=40)
    document = models.ForeignKey(
        "core.StoredDocument", verbose_name=_("書類"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("提出日時"))

    objects = ClaimDocumentQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ClaimDocumentQuerySet)()

    class Meta:
        verbose_name = _("申請書類")
        verbose_name_plural = _("申請書類")
        default_manager_name = "unscoped"
        ordering = ("claim", "added_at")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.requirement}"

    def audit_facility_id(self) -> int | None:
        return Claim.unscoped.filter(pk=self.claim_id).values_list("facility_id", flat=True).first()


class ClaimStepQuerySet(FacilityOwnedQuerySet["ClaimStep"]):
    facility_lookup = "claim__facility"


class ClaimStep(AuditedModel):
    """One step of a claim's life with who took it, why, and the rules version it used."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("申請")
        REVIEW_STARTED = "review_started", _("審査開始")
        INFO_REQUESTED = "info_requested", _("追加資料の依頼")
        INFO_SUPPLIED = "info_supplied", _("追加資料の提出")
        RECOMMENDED = "recommended", _("審査担当の意見")
        APPROVED = "approved", _("支給決定")
        REFUSED = "refused", _("不支給決定")
        BATCHED = "batched", _("振込バッチに追加")
        PAID = "paid", _("支払")
        RETURNED = "returned", _("振込不能により再振込待ち")

    claim = models.ForeignKey(
        Claim, verbose_name=_("申請"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("手続"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("日時"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("理由・連絡事項"), blank=True)
    rules_version = models.CharField(_("基準の版"), max_length=40, blank=True)
    amount = models.PositiveIntegerField(_("算定額（円）"), null=True, blank=True)

    objects = ClaimStepQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ClaimStepQuerySet)()

    class Meta:
        verbose_name = _("申請の手続")
        verbose_name_plural = _("申請の手続")
        default_manager_name = "unscoped"
        ordering = ("claim", "at", "pk")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.action}"

    def audit_facility_id(self) -> int | None:
        return Claim.unscoped.filter(pk=self.claim_id).values_list("facility_id", flat=True).first()
