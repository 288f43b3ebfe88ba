"""Incidents (INC-1), the reports they require (INC-2), the report to the JMA and the drafts of
the PPC report and the notice to individuals (INC-3), and the rules table behind them."""

from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel
from medcyber.core.scoping import FacilityOwnedQuerySet, UnscopedManager

from . import rules


class IncidentKind(models.TextChoices):
    RANSOMWARE = "ransomware", _("ランサムウェア")
    EMOTET = "emotet", _("Emotet等のマルウェア")
    TARGETED_EMAIL = "targeted_email", _("標的型攻撃メール")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("不正アクセス")
    DEVICE_LOSS = "device_loss", _("機器・媒体の紛失・盗難")
    MIS_SENT = "mis_sent", _("メール・FAXの誤送信")
    OTHER_LEAK = "other_leak", _("その他の漏えい（攻撃によらないもの）")


ATTACK_KINDS = frozenset(
    {
        IncidentKind.RANSOMWARE,
        IncidentKind.EMOTET,
        IncidentKind.TARGETED_EMAIL,
        IncidentKind.UNAUTHORISED_ACCESS,
    }
)


def category_of(kind: str) -> rules.Category:
    return rules.Category.CYBER_ATTACK if kind in ATTACK_KINDS else rules.Category.DATA_LEAK


class IncidentQuerySet(FacilityOwnedQuerySet["Incident"]):
    pass


class Incident(AuditedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("対応中")
        CLOSED = "closed", _("終了")

    facility = models.ForeignKey(
        "registry.Facility", verbose_name=_("施設"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("件名"), max_length=200)
    kind = models.CharField(_("種類"), max_length=30, choices=IncidentKind.choices)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    occurred_at = models.DateTimeField(_("発生日時"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("発覚日時"))
    systems_affected = models.TextField(_("影響を受けたシステム"), blank=True)
    care_interrupted = models.BooleanField(_("診療に支障が出た"), default=False)
    insider = models.BooleanField(_("内部の者による"), default=False)
    persons_affected = models.PositiveIntegerField(_("個人データの本人の数（推定）"), default=0)
    data_items = models.TextField(_("漏えい等した個人データの項目"), blank=True)
    sensitive_data = models.BooleanField(_("要配慮個人情報（診療録など）を含む"), default=False)
    financial_damage_risk = models.BooleanField(_("財産的被害のおそれ"), default=False)
    unlawful_purpose = models.BooleanField(_("不正の目的によるおそれ"), default=False)
    strongly_encrypted = models.BooleanField(
        _("高度な暗号化がされ、鍵は漏えいしていない"), default=False
    )
    description = models.TextField(_("概要"), blank=True)
    cause = models.TextField(_("原因"), blank=True)
    recurrence_measures = models.TextField(_("再発防止策"), blank=True)
    desk_case = models.ForeignKey(
        "desk.Case",
        verbose_name=_("元の相談"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登録者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = IncidentQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(IncidentQuerySet)()

    class Meta:
        verbose_name = _("インシデント")
        verbose_name_plural = _("インシデント")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["-discovered_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True)
                | Q(occurred_at__lte=models.F("discovered_at")),
                name="incident_discovered_after_occurred",
                violation_error_message=_("発覚日が発生日より前になっています。"),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=IncidentKind.values), name="incident_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"INC-{self.pk or 0:06d}"

    @property
    def category(self) -> rules.Category:
        return category_of(self.kind)


class ClosureDay(AuditedModel):
    """A day on which the facility stopped all consultations of new patients."""

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("インシデント"),
        on_delete=models.CASCADE,
        related_name="closure_days",
    )
    day = models.DateField(_("新患受付を全面停止した日"))

    objects = models.Manager()

    class Meta:
        verbose_name = _("新患受付停止日")
        verbose_name_plural = _("新患受付停止日")
        ordering: ClassVar[list[str]] = ["day"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["incident", "day"], name="closure_day_unique"),
        ]

    def __str__(self) -> str:
        return str(self.day)

    def audit_facility_id(self) -> int | None:
        return (
            Incident.unscoped.filter(pk=self.incident_id)
            .values_list("facility_id", flat=True)
            .first()
        )


class ObligationQuerySet(FacilityOwnedQuerySet["Obligation"]):
    facility_lookup = "incident__facility"

    def open(self) -> Self:
        return self.filter(status=Obligation.Status.OPEN)


class Obligation(AuditedModel):
    """One report an incident requires, with its due date, status and evidence."""

    class Code(models.TextChoices):
        MHLW = "mhlw", _("厚生労働省への報告")
        JMA = "jma", _("日本医師会への報告")
        POLICE = "police", _("警察への通報・相談")
        PPC_PRELIMINARY = "ppc_preliminary", _("個人情報保護委員会への速報")
        PPC_FINAL = "ppc_final", _("個人情報保護委員会への確報")
        INDIVIDUALS = "individuals", _("本人への通知")

    class Status(models.TextChoices):
        OPEN = "open", _("未対応")
        DONE = "done", _("完了")
        WITHDRAWN = "withdrawn", _("不要になった")

    class Timing(models.TextChoices):
        IMMEDIATELY = "immediately", _("直ちに")
        PROMPTLY = "promptly", _("速やかに")
        DAYS = "days", _("期限日まで")

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("インシデント"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    code = models.CharField(_("報告・通知"), max_length=20, choices=Code.choices)
    timing = models.CharField(_("期限の種類"), max_length=12, choices=Timing.choices)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    basis = models.CharField(_("根拠"), max_length=300)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("実施日"), null=True, blank=True)
    evidence_note = models.TextField(_("実施の記録（メモ）"), blank=True)
    evidence_document = models.ForeignKey(
        "core.StoredDocument",
        verbose_name=_("実施の記録（ファイル）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_on = models.DateField(_("最後の督促日"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ObligationQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ObligationQuerySet)()

    class Meta:
        verbose_name = _("報告義務")
        verbose_name_plural = _("報告義務")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["incident", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["incident", "code"], name="obligation_one_per_code"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="obligation_done_has_date",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return str(self.get_code_display())

    def audit_facility_id(self) -> int | None:
        return (
            Incident.unscoped.filter(pk=self.incident_id)
            .values_list("facility_id", flat=True)
            .first()
        )


class JmaReportQuerySet(FacilityOwnedQuerySet["JmaReport"]):
    facility_lookup = "incident__facility"


class JmaReport(AuditedModel):
    """The programme's report to the JMA, filed inside medcyber: a dated, numbered record."""

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("インシデント"),
        on_delete=models.PROTECT,
        related_name="jma_reports",
    )
    number = models.CharField(_("受付番号"), max_length=20, unique=True)
    filed_at = models.DateTimeField(_("報告日時"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("報告者"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contents = models.TextField(_("報告内容"))
    contact_phone = models.CharField(_("連絡先電話番号"), max_length=20, blank=True)

    objects = JmaReportQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(JmaReportQuerySet)()

    class Meta:
        verbose_name = _("日本医師会への報告")
        verbose_name_plural = _("日本医師会への報告")
        default_manager_name = "unscoped"
        ordering: ClassVar[list[str]] = ["-filed_at"]

    def __str__(self) -> str:
        return str(self.number)

    def audit_facility_id(self) -> int | None:
        return (
            Incident.unscoped.filter(pk=self.incident_id)
            .values_list("facility_id", flat=True)
            .first()
        )


class ReportDraftQuerySet(FacilityOwnedQuerySet["ReportDraft"]):
    facility_lookup = "incident__facility"


class ReportDraft(AuditedModel):
    """The PPC report's nine items (規則8条1項) and the notice to individuals, drafted from the
    incident and edited by the member before they copy them into the PPC's form."""

    incident = models.OneToOneField(
        Incident, verbose_name=_("インシデント"), on_delete=models.CASCADE, related_name="draft"
    )
    summary = models.TextField(_("(1) 概要"), blank=True)
    data_items = models.TextField(
        _("(2) 漏えい等が発生し、又は発生したおそれがある個人データの項目"), blank=True
    )
    persons = models.TextField(_("(3) 本人の数"), blank=True)
    cause = models.TextField(_("(4) 原因"), blank=True)
    secondary_damage = models.TextField(
        _("(5) 二次被害又はそのおそれの有無及びその内容"), blank=True
    )
    response_to_persons = models.TextField(_("(6) 本人への対応の実施状況"), blank=True)
    publication = models.TextField(_("(7) 公表の実施状況"), blank=True)
    recurrence_measures = models.TextField(_("(8) 再発防止のための措置"), blank=True)
    other = models.TextField(_("(9) その他参考となる事項"), blank=True)
    notice_text = models.TextField(_("本人への通知文"), blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ReportDraftQuerySet.as_manager()
    unscoped = UnscopedManager.from_queryset(ReportDraftQuerySet)()

    PPC_FIELDS: ClassVar[tuple[str, ...]] = (
        "summary",
        "data_items",
        "persons",
        "cause",
        "secondary_damage",
        "response_to_persons",
        "publication",
        "recurrence_measures",
        "other",
    )

    class Meta:
        verbose_name = _("報告書の下書き")
        verbose_name_plural = _("報告書の下書き")
        default_manager_name = "unscoped"

    def __str__(self) -> str:
        return f"{self.incident_id}"

    def audit_facility_id(self) -> int | None:
        return (
            Incident.unscoped.filter(pk=self.incident_id)
            .values_list("facility_id", flat=True)
            .first()
        )


class ObligationRule(AuditedModel):
    """A row of the rules table (regulations.md §1–§2), in force from ``valid_from``."""

    code = models.CharField(_("報告・通知"), max_length=20, choices=Obligation.Code.choices)
    condition = models.CharField(
        _("対象"),
        max_length=20,
        choices=[
            (rules.Condition.CYBER_ATTACK.value, _("サイバー攻撃")),
            (rules.Condition.PPC_REPORT.value, _("個人情報保護委員会への報告が必要な漏えい等")),
        ],
    )
    timing = models.CharField(_("期限の種類"), max_length=12, choices=Obligation.Timing.choices)
    days = models.PositiveSmallIntegerField(_("日数（知った日を1日目）"), null=True, blank=True)
    days_if_unlawful = models.PositiveSmallIntegerField(
        _("不正の目的の場合の日数"), null=True, blank=True
    )
    roll_forward = models.BooleanField(_("末日が休日なら翌開庁日"), default=True)
    basis = models.CharField(_("根拠"), max_length=200)
    valid_from = models.DateField(_("適用開始日"))
    valid_to = models.DateField(_("適用終了日"), null=True, blank=True)

    class Meta:
        verbose_name = _("報告義務の規則")
        verbose_name_plural = _("報告義務の規則")
        ordering: ClassVar[list[str]] = ["code", "valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=~Q(timing="days") | Q(days__gte=1), name="obligation_rule_days_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.valid_from}〜)"

    def as_rule(self) -> rules.ObligationRule:
        return rules.ObligationRule(
            code=rules.ObligationCode(self.code),
            condition=rules.Condition(self.condition),
            timing=rules.Timing(self.timing),
            basis=self.basis,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            days=self.days,
            days_if_unlawful=self.days_if_unlawful,
            roll_forward=self.roll_forward,
        )


class LeakReportCriteria(AuditedModel):
    """When a leak must be reported to the PPC (規則7条), in force from ``valid_from``."""

    persons_over = models.PositiveIntegerField(_("この人数を超えると報告対象"))
    attack_is_unlawful = models.BooleanField(
        _("個人データに及んだサイバー攻撃を不正の目的とみなす"), default=True
    )
    valid_from = models.DateField(_("適用開始日"))
    valid_to = models.DateField(_("適用終了日"), null=True, blank=True)

    class Meta:
        verbose_name = _("個人情報保護委員会への報告基準")
        verbose_name_plural = _("個人情報保護委員会への報告基準")
        ordering: ClassVar[list[str]] = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}〜"

    def as_criteria(self) -> rules.LeakCriteria:
        return rules.LeakCriteria(
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            persons_over=self.persons_over,
            attack_is_unlawful=self.attack_is_unlawful,
        )
