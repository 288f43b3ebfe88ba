"""The MHLW checklist as data (versions per fiscal year), facilities' self-assessments against
it, and the asset register the checklist asks for (GL-1, GL-2).

Checklist structure belongs to no facility (association data); assessments, answers, vendor
links and assets are facility-owned and read through ``.visible_to(user)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import FacilityOwnedQuerySet, UnscopedManager

from . import rules
from .keys import KEY_LENGTH, asset_keys, split_product_keys


class ChecklistKind(models.TextChoices):
    INSTITUTION = "institution", _("医療機関確認用")
    VENDOR = "vendor", _("事業者確認用")
    PHARMACY = "pharmacy", _("薬局確認用")


class Checklist(AuditedModel):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    kind = models.CharField(_("種類"), max_length=20, choices=ChecklistKind.choices)
    name = models.CharField(_("名称"), max_length=200)

    class Meta:
        verbose_name = _("チェックリスト")
        verbose_name_plural = _("チェックリスト")
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return str(self.name)


class ChecklistVersion(AuditedModel):
    checklist = models.ForeignKey(
        Checklist,
        verbose_name=_("チェックリスト"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("表題"), max_length=200)
    source = models.CharField(_("出典"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("読み込み日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("チェックリストの版")
        verbose_name_plural = _("チェックリストの版")
        ordering: ClassVar[list[str]] = ["checklist__code", "-fiscal_year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["checklist", "fiscal_year"], name="guideline_version_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} {self.fiscal_year}"


class ChecklistSection(AuditedModel):
    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("版"), on_delete=models.CASCADE, related_name="sections"
    )
    code = models.CharField(_("区分番号"), max_length=20)
    title = models.CharField(_("区分"), max_length=200)
    order = models.PositiveSmallIntegerField(_("順序"))

    class Meta:
        verbose_name = _("チェックリストの区分")
        verbose_name_plural = _("チェックリストの区分")
        ordering: ClassVar[list[str]] = ["version", "order"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "code"], name="guideline_section_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class ChecklistItem(AuditedModel):
    """One item of one version. ``key`` is the item's identity across versions: the same key in
    FY2024 and FY2025 is the same question, so year-on-year answers line up."""

    class Derivation(models.TextChoices):
        NONE = "", _("なし")
        ASSET_LEDGER = "asset_ledger", _("資産台帳")
        REMOTE_MAINTENANCE = "remote_maintenance", _("リモート保守の登録")

    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("版"), on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(
        ChecklistSection, verbose_name=_("区分"), on_delete=models.CASCADE, related_name="items"
    )
    key = models.SlugField(_("項目ID"), max_length=60)
    number = models.CharField(_("項番"), max_length=20)
    text = models.TextField(_("確認事項"))
    scope = models.CharField(_("対象"), max_length=60, default="all")
    required_from = models.PositiveSmallIntegerField(_("必須となった年度"))
    derived_from = models.CharField(
        _("自動判定の根拠"), max_length=30, choices=Derivation.choices, blank=True, default=""
    )
    order = models.PositiveSmallIntegerField(_("順序"))

    class Meta:
        verbose_name = _("チェック項目")
        verbose_name_plural = _("チェック項目")
        ordering: ClassVar[list[str]] = ["version", "order"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["version", "key"], name="guideline_item_key"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:40]}"

    @property
    def scope_codes(self) -> list[str]:
        return [code for code in self.scope.split(",") if code]

    @property
    def scope_labels(self) -> list[str]:
        return [rules.SCOPES.get(code, code) for code in self.scope_codes]


class AssessmentQuerySet(FacilityOwnedQuerySet["Assessment"]):
    pass


class Assessment(AuditedModel):
    """One facility's answers to one checklist version (its own, or one vendor's part)."""

    facility = models.ForeignKey(
        "registry.Facility",
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        related_name="guideline_assessments",
    )
    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("版"), on_delete=models.PROTECT, related_name="assessments"
    )
    vendor_name = models.CharField(
        _("事業者名"), max_length=200, blank=True, default="", help_text=_("事業者確認用のみ")
    )
    has_medical_system = models.BooleanField(
        _("医療情報システムの有無"), null=True, blank=True, default=None
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(AssessmentQuerySet)()

    class Meta:
        verbose_name = _("自己点検")
        verbose_name_plural = _("自己点検")
        ordering: ClassVar[list[str]] = ["-version__fiscal_year", "vendor_name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["facility", "version", "vendor_name"], name="guideline_assessment_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.version}" + (
            f" {self.vendor_name}" if self.vendor_name else ""
        )

    @property
    def fiscal_year(self) -> int:
        return int(self.version.fiscal_year)

    @property
    def finished_without_system(self) -> bool:
        return self.has_medical_system is False


class AnswerQuerySet(FacilityOwnedQuerySet["Answer"]):
    facility_lookup = "assessment__facility"


class Answer(AuditedModel):
    class Value(models.TextChoices):
        YES = rules.YES, _("はい")
        NO = rules.NO, _("いいえ")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("自己点検"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("チェック項目"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.CharField(_("回答"), max_length=3, choices=Value.choices, blank=True)
    checked_on = models.DateField(_("確認日"), null=True, blank=True)
    target_date = models.DateField(_("対応予定日"), null=True, blank=True)
    note = models.TextField(_("備考"), blank=True)
    evidence_document = models.ForeignKey(
        "core.StoredDocument",
        verbose_name=_("根拠資料"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence_asset = models.ForeignKey(
        "guideline.Asset",
        verbose_name=_("根拠となる資産"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回答者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by_label = models.CharField(_("回答者（記録時）"), max_length=254, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = AnswerQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(AnswerQuerySet)()

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["assessment", "item"], name="guideline_answer_once"),
            models.CheckConstraint(
                condition=~models.Q(value=rules.NO) | models.Q(target_date__isnull=False),
                name="guideline_no_needs_target_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.number}: {self.get_value_display() or '—'}"

    def audit_facility_id(self) -> int | None:
        return int(self.assessment.facility_id)


class AnswerChangeQuerySet(FacilityOwnedQuerySet["AnswerChange"]):
    facility_lookup = "assessment__facility"


class AnswerChange(models.Model):
    """The history of an assessment: one row per change of an item's answer (append-only)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("自己点検"), on_delete=models.CASCADE, related_name="changes"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("チェック項目"), on_delete=models.PROTECT, related_name="+"
    )
    before = models.CharField(_("変更前"), max_length=3, blank=True)
    after = models.CharField(_("変更後"), max_length=3, blank=True)
    changed_by_label = models.CharField(_("変更者"), max_length=254)
    changed_at = models.DateTimeField(_("変更日時"), auto_now_add=True, db_index=True)

    objects = AnswerChangeQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(AnswerChangeQuerySet)()

    class Meta:
        verbose_name = _("回答の履歴")
        verbose_name_plural = _("回答の履歴")
        ordering: ClassVar[list[str]] = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.before or '—'} → {self.after or '—'}"


class VendorRequestQuerySet(FacilityOwnedQuerySet["VendorRequest"]):
    facility_lookup = "assessment__facility"


class VendorRequest(AuditedModel):
    """A link sent to a vendor to fill their part (no account): only the hash of its secret is
    kept; it opens one assessment until it expires or is revoked."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"token_hash"})

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("自己点検"), on_delete=models.CASCADE, related_name="requests"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    vendor_email = models.EmailField(_("事業者のメールアドレス"), blank=True)
    expires_at = models.DateTimeField(_("有効期限"))
    revoked_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼者"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)

    objects = VendorRequestQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(VendorRequestQuerySet)()

    class Meta:
        verbose_name = _("事業者への記入依頼")
        verbose_name_plural = _("事業者への記入依頼")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.assessment} → {self.vendor_email or '—'}"

    def audit_facility_id(self) -> int | None:
        return int(self.assessment.facility_id)


class AssetKind(models.TextChoices):
    SERVER = "server", _("サーバ")
    PC = "pc", _("端末PC")
    NETWORK = "network", _("ネットワーク機器")
    VPN = "vpn", _("VPN装置")
    REMOTE_MAINTENANCE = "remote_maintenance", _("リモート保守回線")


class AssetQuerySet(FacilityOwnedQuerySet["Asset"]):
    def in_use(self) -> AssetQuerySet:
        """Assets not retired: the register, the warnings and derived answers count these."""
        return self.filter(retired_on__isnull=True)


class Asset(AuditedModel):
    facility = models.ForeignKey(
        "registry.Facility",
        verbose_name=_("施設"),
        on_delete=models.PROTECT,
        related_name="guideline_assets",
    )
    kind = models.CharField(_("種類"), max_length=20, choices=AssetKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    vendor = models.CharField(_("メーカー"), max_length=200, blank=True)
    product = models.CharField(_("製品名"), max_length=200, blank=True)
    version = models.CharField(_("バージョン"), max_length=100, blank=True)
    location = models.CharField(_("設置場所"), max_length=200, blank=True)
    owner = models.CharField(_("管理責任者"), max_length=200, blank=True)
    internet_exposed = models.BooleanField(_("インターネットに接続"), default=False)
    maintainer = models.CharField(_("保守事業者"), max_length=200, blank=True)
    note = models.TextField(_("備考"), blank=True)
    retired_on = models.DateField(
        _("廃棄・撤去日"),
        null=True,
        blank=True,
        help_text=_("使わなくなった資産は消さずに、この日付で台帳から外します。"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    # The maker's and product's names normalised (keys.asset_keys), kept in step by save():
    # what known-exploited flaws are matched on, in SQL.
    vendor_key = models.CharField(max_length=KEY_LENGTH, blank=True, editable=False)
    product_key = models.CharField(max_length=KEY_LENGTH, blank=True, editable=False)

    objects = AssetQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(AssetQuerySet)()

    audit_exclude: ClassVar[frozenset[str]] = frozenset({"vendor_key", "product_key"})

    class Meta:
        verbose_name = _("資産")
        verbose_name_plural = _("資産台帳")
        ordering: ClassVar[list[str]] = ["kind", "name"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["facility", "name"], name="guideline_asset_name"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["vendor_key", "product_key"],
                name="guideline_asset_kev_key",
                condition=models.Q(retired_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.vendor_key, self.product_key = asset_keys(self.vendor, self.product)
        fields = kwargs.get("update_fields")
        if fields is not None and {"vendor", "product"} & set(fields):
            kwargs["update_fields"] = {*fields, "vendor_key", "product_key"}
        super().save(*args, **kwargs)

    def as_row(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in ("kind", "name", "vendor", "product", "version")}


class KevEntry(models.Model):
    """One entry of the CISA Known Exploited Vulnerabilities catalogue (CC0), loaded offline.

    ``vendor_key``/``product_keys`` are the normalised names assets are matched on (see
    :func:`medcyber.guideline.kev.name_key`); a catalogue product such as "FortiOS and
    FortiProxy" gives one key per product, kept as ``|fortios|fortiproxy|``."""

    cve_id = models.CharField("CVE", max_length=30, unique=True)
    vendor_project = models.CharField(_("ベンダー"), max_length=200)
    product = models.CharField(_("製品"), max_length=300)
    vulnerability_name = models.CharField(_("脆弱性の名称"), max_length=500)
    date_added = models.DateField(_("追加日"))
    short_description = models.TextField(_("概要"), blank=True)
    required_action = models.TextField(_("求められる対応"), blank=True)
    due_date = models.DateField(_("対応期限（CISA）"), null=True, blank=True)
    known_ransomware = models.BooleanField(_("ランサムウェアでの悪用"), default=False)
    vendor_key = models.CharField(max_length=200, db_index=True)
    product_keys = models.CharField(max_length=400)

    class Meta:
        verbose_name = _("既知の悪用された脆弱性")
        verbose_name_plural = _("既知の悪用された脆弱性")
        ordering: ClassVar[list[str]] = ["-date_added", "cve_id"]

    def __str__(self) -> str:
        return str(self.cve_id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            KevEntryKey.rebuild([self.pk])


class KevEntryKey(models.Model):
    """One (vendor key, product key) of a catalogue entry: ``KevEntry.product_keys`` as rows
    that SQL joins with the assets' keys. Derived data, rebuilt whenever the entry's keys may
    have changed (:meth:`rebuild`)."""

    entry = models.ForeignKey(KevEntry, on_delete=models.CASCADE, related_name="+")
    vendor_key = models.CharField(max_length=KEY_LENGTH)
    product_key = models.CharField(max_length=KEY_LENGTH)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["entry", "product_key"], name="guideline_kev_key_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["vendor_key", "product_key"], name="guideline_kev_key_match"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.vendor_key}/{self.product_key}"

    @staticmethod
    def rebuild(entry_ids: list[int], batch: int = 500) -> None:
        """Replace the key rows of these entries with ones made from their current keys."""
        for start in range(0, len(entry_ids), batch):
            ids = entry_ids[start : start + batch]
            KevEntryKey.objects.filter(entry_id__in=ids).delete()
            KevEntryKey.objects.bulk_create(
                [
                    KevEntryKey(entry_id=pk, vendor_key=vendor, product_key=product)
                    for pk, vendor, stored in KevEntry.objects.filter(pk__in=ids).values_list(
                        "pk", "vendor_key", "product_keys"
                    )
                    for product in split_product_keys(stored)
                ]
            )


class KevAlertProposal(AuditedModel):
    """A portal alert drafted for a new catalogue entry that hits many members, waiting for a
    content editor to publish it (through the portal's service) or set it aside. Counts only:
    no facility is named."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("確認待ち")
        PUBLISHED = "published", _("掲載済み")
        DISMISSED = "dismissed", _("見送り")

    entry = models.OneToOneField(
        KevEntry, verbose_name=_("脆弱性"), on_delete=models.CASCADE, related_name="alert_proposal"
    )
    facilities = models.PositiveIntegerField(_("影響を受ける施設数"))
    threshold = models.PositiveIntegerField(_("提案の基準（施設数）"))
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    status = models.CharField(
        _("状態"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("提案日時"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("判断した人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    portal_alert_id = models.PositiveIntegerField(_("ポータルのお知らせ"), null=True, blank=True)

    class Meta:
        verbose_name = _("注意喚起の提案")
        verbose_name_plural = _("ポータルの注意喚起の提案")
        ordering: ClassVar[list[str]] = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return str(self.title)


class KevFindingQuerySet(FacilityOwnedQuerySet["KevFinding"]):
    facility_lookup = "asset__facility"


class KevFinding(AuditedModel):
    """A registered asset that a known-exploited vulnerability affects, and what the facility
    says about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("未対応")
        PLANNED = "planned", _("対応予定")
        PATCHED = "patched", _("対応済み")
        NOT_AFFECTED = "not_affected", _("該当しない")

    asset = models.ForeignKey(
        Asset, verbose_name=_("資産"), on_delete=models.CASCADE, related_name="kev_findings"
    )
    entry = models.ForeignKey(
        KevEntry, verbose_name=_("脆弱性"), on_delete=models.CASCADE, related_name="findings"
    )
    status = models.CharField(_("状況"), max_length=20, choices=Status.choices, default=Status.OPEN)
    planned_on = models.DateField(_("対応予定日"), null=True, blank=True)
    found_at = models.DateTimeField(_("検出日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = KevFindingQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(KevFindingQuerySet)()

    class Meta:
        verbose_name = _("脆弱性の警告")
        verbose_name_plural = _("脆弱性の警告")
        ordering: ClassVar[list[str]] = ["status", "-entry__date_added"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["asset", "entry"], name="guideline_kev_once"),
            models.CheckConstraint(
                condition=~models.Q(status="planned") | models.Q(planned_on__isnull=False),
                name="guideline_kev_planned_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} {self.entry_id}"

    def audit_facility_id(self) -> int | None:
        return int(self.asset.facility_id)


class OverviewTally(models.Model):
    """The association overview's counts for one version, prefecture and facility kind: per
    item (``item`` set) how many answered yes / no, or (``item`` empty) the assessments, how
    many are complete and their answers. Counts only, never a facility; rebuilt from the
    answers by :func:`medcyber.guideline.tallies.refresh` (see there)."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="+")
    prefecture = models.CharField(max_length=2)
    facility_kind = models.CharField(max_length=32)
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assessments = models.PositiveIntegerField(default=0)
    complete = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("集計")
        verbose_name_plural = _("集計")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["version", "item"], name="guideline_tally_version_item"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}/{self.prefecture}/{self.facility_kind}/{self.item_id or '-'}"


class TallyState(models.Model):
    """Whether a version's counts await a refresh (the debounce) and when they were made."""

    version = models.OneToOneField(
        ChecklistVersion, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    pending = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("集計の状態")
        verbose_name_plural = _("集計の状態")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.refreshed_at or '-'}"


class ItemQuestionQuerySet(FacilityOwnedQuerySet["ItemQuestion"]):
    facility_lookup = "assessment__facility"


class ItemQuestion(AuditedModel):
    """A question a facility asked the desk about one checklist item (pillar 4's consultation):
    the desk case lives in the desk app; this row ties it to the item so the facility sees the
    case's status beside the item, and the desk sees which item is meant."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("自己点検"), on_delete=models.CASCADE, related_name="questions"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("チェック項目"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "desk.Case", verbose_name=_("相談"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("質問者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("質問日時"), auto_now_add=True)

    objects = ItemQuestionQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ItemQuestionQuerySet)()

    class Meta:
        verbose_name = _("項目についての質問")
        verbose_name_plural = _("項目についての質問")
        ordering: ClassVar[list[str]] = ["-asked_at", "-pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case"], name="guideline_question_case_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.case_id}"

    def audit_facility_id(self) -> int | None:
        return int(self.assessment.facility_id)
