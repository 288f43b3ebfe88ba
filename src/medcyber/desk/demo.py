"""Demo consultations: a few cases in different states, tiers and categories, two of them
written in out of hours. Loaded by ``medcyber demo`` after the registry's demo data; a case
is matched by its subject, so loading twice changes nothing.

Times are relative to the moment of loading, so the queues show every SLA state.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from medcyber.accounts.models import User
from medcyber.registry import demo_data as registry_demo
from medcyber.registry.models import Facility, FacilityManagement

from . import services
from .choices import Channel, Status
from .models import Answer, Case, ReferralPartner
from .rules import DESK_TIME_ZONE

TIER1 = f"tier1@{registry_demo.DEMO_EMAIL_DOMAIN}"
TIER2 = f"tier2@{registry_demo.DEMO_EMAIL_DOMAIN}"
MEMBER = f"member@{registry_demo.DEMO_EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoCase:
    summary: str
    channel: str
    category: str
    severity: str
    patient_data: str
    description: str
    received: dt.timedelta | str  # before loading, or "last-night" (22:30 yesterday, JST)
    facility: str = ""
    caller_name: str = ""
    caller_phone: str = ""
    steps: tuple[tuple[str, str], ...] = field(default_factory=tuple)


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "受付端末に身代金要求の画面（ランサムウェアの疑い）",
        Channel.PHONE, "cyber_attack", "urgent", "yes",
        "朝、受付のパソコン2台で「ファイルを暗号化した」という英語の画面が出た。"
        "電子カルテのサーバーは未確認。",
        dt.timedelta(hours=2), facility=registry_demo.DEMO_FACILITY,
        steps=(
            ("message", "LANケーブルを抜き、電源は入れたままにしてください。"
                        "身代金は支払わないでください。"),
            ("note", "VPN装置の更新が止まっていた可能性。2次対応で調査会社の紹介を検討。"),
            ("escalate", "暗号化の範囲が広がっており、フォレンジック調査が必要な可能性が高い"),
            ("assign_tier2", ""),
            ("refer", "院長 佐藤様が電話で、調査会社への紹介と連絡先の共有に同意"),
        ),
    ),
    DemoCase(
        "パソコンの画面が勝手に動いている", Channel.WEB, "pc_takeover", "high", "unknown",
        "夜、事務室のパソコンでマウスが勝手に動き、見慣れないウィンドウが開いた。",
        "last-night", facility="文京中央病院",
    ),
    DemoCase(
        "院内のネットワークがつながらない", Channel.PHONE, "network_down", "normal", "no",
        "朝からインターネットと電子カルテがつながらない。ルーターのランプが赤い。",
        dt.timedelta(hours=5), caller_name="受付の田中さん（施設名不明）",
        caller_phone="03-5555-0101",
        steps=(
            ("message", "ルーターの型番と、ランプの写真を送ってください。"),
            ("status", Status.WAITING_MEMBER),
        ),
    ),
    DemoCase(
        "セキュリティ診断を受けたい", Channel.PHONE, "diagnosis", "low", "no",
        "開業して5年。VPNと電子カルテの設定を一度見てほしい。",
        dt.timedelta(days=6), facility="小石川こどもクリニック",
        steps=(
            ("message", "診断の日程をご案内しました。"),
            ("status", Status.RESOLVED),
            ("status", Status.CLOSED),
        ),
    ),
    DemoCase(
        "ガイドライン第6.0版のバックアップの要件について",
        Channel.WEB, "guideline", "normal", "no",
        "立入検査のチェックリストにあるバックアップの項目は、外付けHDDで足りるか知りたい。",
        dt.timedelta(days=1), facility=registry_demo.DEMO_FACILITY,
        steps=(("message", "オフラインの複数世代バックアップが必要です。"
                            "詳しい資料をお送りします。"),),
    ),
    DemoCase(
        "不審なメールの添付ファイルを開いてしまった", Channel.PHONE, "other", "high", "unknown",
        "請求書を装ったメールの添付を開いた。その後の変化はない。",
        dt.timedelta(days=10), facility="新宿西口病院",
    ),
)  # fmt: skip


PARTNERS: tuple[dict[str, str], ...] = (
    {
        "name": "東京デジタルフォレンジック株式会社", "kind": "forensic", "regions": "全国",
        "specialities": "ランサムウェア被害の調査、ログ解析、被害範囲の特定",
        "contact_name": "調査受付窓口", "phone": "03-6890-1200",
        "email": "ir@forensic.example.jp",
    },
    {
        "name": "医療情報法律事務所", "kind": "lawyer",
        "regions": "東京都、神奈川県、埼玉県、千葉県",
        "specialities": "個人情報保護委員会への報告、患者への通知、脅迫への対応",
        "contact_name": "弁護士 中村", "phone": "03-5212-7788",
        "email": "contact@medlaw.example.jp",
    },
    {
        "name": "関東システム復旧サービス", "kind": "recovery", "regions": "東京都、神奈川県",
        "specialities": "電子カルテ・レセコンの復旧、バックアップからの復元",
        "contact_name": "復旧チーム", "phone": "045-330-4411", "email": "",
    },
)  # fmt: skip


ANSWERS: tuple[dict[str, Any], ...] = (
    {
        "title": "身代金を要求する画面が出たとき", "category": "cyber_attack", "published": True,
        "body": "1. すぐにネットワークケーブルを抜き、Wi-Fiを切ってください。\n"
                "2. 電源は切らず、画面と脅迫文をそのまま残して写真を撮ってください。\n"
                "3. 身代金は支払わず、犯人に連絡しないでください。\n"
                "4. 相談窓口に電話してください。",
    },
    {
        "title": "VPN装置のファームウェア更新", "category": "diagnosis", "published": True,
        "body": "VPN装置は攻撃の入口になりやすい機器です。保守業者に最新のファームウェアへの"
                "更新を依頼し、管理画面をインターネットに公開しないでください。",
    },
    {
        "title": "ガイドライン第6.0版のバックアップ要件", "category": "guideline",
        "published": True,
        "body": "バックアップは複数の世代を、ネットワークから切り離した場所にも保管します。"
                "立入検査では保管方法と復元の手順を確認されます。",
    },
)  # fmt: skip


def _load_answers(created: Counter[str]) -> None:
    for values in ANSWERS:
        if not Answer.objects.filter(title=values["title"]).exists():
            Answer.objects.create(**values)
            created[Answer._meta.label] += 1


def _load_partners(created: Counter[str]) -> None:
    for values in PARTNERS:
        if not ReferralPartner.objects.filter(name=values["name"]).exists():
            ReferralPartner.objects.create(**values)
            created[ReferralPartner._meta.label] += 1


def _received(spec: DemoCase, now: dt.datetime) -> dt.datetime:
    if spec.received == "last-night":
        today = now.astimezone(DESK_TIME_ZONE).date()
        return dt.datetime.combine(today - dt.timedelta(days=1), dt.time(22, 30), DESK_TIME_ZONE)
    assert isinstance(spec.received, dt.timedelta)
    return now - spec.received


def _load_one(spec: DemoCase, users: dict[str, User], now: dt.datetime) -> Case:
    facility = Facility.unscoped.filter(name=spec.facility).first() if spec.facility else None
    member = None
    if facility is not None:
        management = (
            FacilityManagement.unscoped.filter(facility=facility).order_by("-valid_from").first()
        )
        member = management.member if management else None
    received = _received(spec, now)
    operator, tier2 = users[TIER1], users[TIER2]
    by = (
        operator
        if spec.channel == Channel.PHONE
        else (member.user if member and member.user else users[MEMBER])
    )
    case = services.open_case(
        by=by,
        channel=spec.channel,
        facility=facility,
        member=member,
        caller_name=spec.caller_name or (str(member) if member else ""),
        caller_phone=spec.caller_phone,
        caller_email=getattr(by, "email", "") if spec.channel == Channel.WEB else "",
        category=spec.category,
        severity=spec.severity,
        patient_data=spec.patient_data,
        summary=spec.summary,
        description=spec.description,
        now=received,
    )
    step_time = received
    for kind, text in spec.steps:
        step_time = min(step_time + dt.timedelta(minutes=20), now)
        if kind == "message":
            case = services.send_message(case, by=operator, text=text, version=None, now=step_time)
        elif kind == "note":
            case = services.add_note(case, by=operator, text=text, version=None, now=step_time)
        elif kind == "status":
            case = services.change_status(
                case, by=operator, status=text, version=None, now=step_time
            )
        elif kind == "escalate":
            case = services.escalate(case, by=operator, reason=text, version=None, now=step_time)
        elif kind == "assign_tier2":
            case = services.assign(case, by=tier2, assignee=tier2, version=None, now=step_time)
        elif kind == "refer":
            partner = ReferralPartner.objects.filter(kind="forensic").first()
            if partner is not None:
                services.refer(
                    case, by=tier2, partner=partner, consent_given=True, consent_method="phone",
                    consent_note=text, version=None, now=step_time,
                )  # fmt: skip
    return case


def load() -> Counter[str]:
    """Create the demo cases not there yet; returns what was created, by model label."""
    created: Counter[str] = Counter()
    users = {u.email: u for u in User.objects.filter(email__in=[TIER1, TIER2, MEMBER])}
    if len(users) < 3:
        return created  # the registry's demo accounts are not loaded
    _load_partners(created)
    _load_answers(created)
    now = timezone.now()
    existing = set(
        Case.unscoped.filter(summary__in=[c.summary for c in CASES]).values_list(
            "summary", flat=True
        )
    )
    for spec in CASES:
        if spec.summary not in existing:
            _load_one(spec, users, now)
            created[Case._meta.label] += 1
    return created
