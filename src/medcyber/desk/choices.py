"""The desk's vocabularies: categories from the flyer, severities, statuses and tiers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The flyer's four (DESK-2), the guideline question (pillar 4) and "other"."""

    NETWORK_DOWN = "network_down", _("ネットワークがつながらない")
    DIAGNOSIS = "diagnosis", _("セキュリティ診断を受けたい")
    PC_TAKEOVER = "pc_takeover", _("パソコンが乗っ取られた")
    CYBER_ATTACK = "cyber_attack", _("サイバー攻撃を受けた")
    GUIDELINE = "guideline", _("ガイドライン第6.0版・立入検査の質問")
    OTHER = "other", _("その他")


class Severity(models.TextChoices):
    URGENT = "urgent", _("緊急（診療が止まっている）")
    HIGH = "high", _("高（診療に影響がある）")
    NORMAL = "normal", _("通常")
    LOW = "low", _("低（相談・質問）")


class PatientData(models.TextChoices):
    YES = "yes", _("含まれる可能性がある")
    NO = "no", _("含まれない")
    UNKNOWN = "unknown", _("わからない")


class Channel(models.TextChoices):
    PHONE = "phone", _("電話")
    WEB = "web", _("ウェブ")


class Status(models.TextChoices):
    NEW = "new", _("新規")
    IN_PROGRESS = "in_progress", _("対応中")
    WAITING_MEMBER = "waiting_member", _("会員の回答待ち")
    RESOLVED = "resolved", _("解決")
    CLOSED = "closed", _("完了")
    REOPENED = "reopened", _("再開")


class Tier(models.IntegerChoices):
    TIER1 = 1, _("1次対応")
    TIER2 = 2, _("2次対応")


#: Which status may follow which (DESK-4); anything else is refused with a message.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING_MEMBER, Status.RESOLVED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING_MEMBER, Status.RESOLVED}),
    Status.WAITING_MEMBER: frozenset({Status.IN_PROGRESS, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset({Status.IN_PROGRESS, Status.WAITING_MEMBER, Status.RESOLVED}),
}

#: Statuses in which the case is still the desk's work (queues, SLA clocks running).
OPEN_STATUSES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.WAITING_MEMBER, Status.REOPENED})


class EventKind(models.TextChoices):
    OPENED = "opened", _("受付")
    STATUS = "status", _("状態の変更")
    ASSIGNED = "assigned", _("担当の変更")
    ESCALATED = "escalated", _("2次対応へ引き継ぎ")
    DEESCALATED = "deescalated", _("1次対応へ戻す")
    NOTE = "note", _("内部メモ")
    MESSAGE = "message", _("会員へのメッセージ")
    MATCHED = "matched", _("相談者の特定")
    ATTACHMENT = "attachment", _("添付ファイル")
    DETAILS = "details", _("内容の変更")
    REFERRED = "referred", _("専門事業者の紹介")
    REFERRAL_OUTCOME = "referral_outcome", _("紹介の結果")
    INCIDENT = "incident", _("インシデントとして登録")
    QUARANTINED = "quarantined", _("ウイルスを検出（ファイルは隔離）")


class PartnerKind(models.TextChoices):
    FORENSIC = "forensic", _("フォレンジック調査会社")
    LAWYER = "lawyer", _("弁護士")
    RECOVERY = "recovery", _("復旧事業者")


class ConsentMethod(models.TextChoices):
    PHONE = "phone", _("電話で口頭の同意")
    WEB = "web", _("ウェブ・メールで書面の同意")
    DOCUMENT = "document", _("同意書")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("紹介済み")
    ENGAGED = "engaged", _("契約・対応開始")
    DECLINED = "declined", _("見送り")
    COMPLETED = "completed", _("対応完了")
