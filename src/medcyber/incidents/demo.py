"""The incidents of the demo data set (``medcyber demo``): an open ransomware attack on the
demo clinic with some reports made and one overdue, and a closed mis-sent fax.

Each incident is matched by its facility and title; one that exists is left as it is, so a
second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone

from medcyber.registry import demo_data as registry_data
from medcyber.registry.models import Facility

from . import services
from .models import Incident, Obligation

D = dt.date


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))


RANSOMWARE: dict[str, Any] = {
    "title": "電子カルテサーバがランサムウェアに感染",
    "kind": "ransomware",
    "occurred_at": _at(D(2026, 10, 25), 23, 40),
    "discovered_at": _at(D(2026, 10, 26), 8, 15),
    "systems_affected": "電子カルテサーバ、院内ファイルサーバ、受付PC 3台",
    "care_interrupted": True,
    "persons_affected": 8200,
    "data_items": "患者の氏名、生年月日、住所、電話番号、保険者番号、診療録（病名・処方）",
    "sensitive_data": True,
    "description": "朝の診療開始前に電子カルテが起動せず、サーバに脅迫文が表示されていた。",
    "cause": "保守用VPN機器の既知の脆弱性を突かれ、侵入されたとみられる（調査中）。",
    "recurrence_measures": (
        "VPN機器の更新、保守回線の接続元制限、多要素認証の導入、オフラインバックアップ。"
    ),
}
RANSOMWARE_CLOSURE_DAYS = [D(2026, 10, 26), D(2026, 10, 27)]
RANSOMWARE_DONE = {
    "mhlw": (
        D(2026, 10, 26),
        "厚生労働省 医政局 特定医薬品開発支援・医療情報担当参事官室へ電話で報告",
    ),
    "police": (D(2026, 10, 27), "本富士警察署 サイバー犯罪相談窓口に相談（受理番号 R8-1027-003）"),
}

FAX: dict[str, Any] = {
    "title": "紹介状を誤った番号へFAX送信",
    "kind": "mis_sent",
    "occurred_at": _at(D(2026, 6, 10), 14, 5),
    "discovered_at": _at(D(2026, 6, 10), 16, 30),
    "systems_affected": "",
    "persons_affected": 1,
    "data_items": "患者1名の氏名、生年月日、病名、検査結果",
    "sensitive_data": True,
    "description": "紹介先病院へのFAXを、番号の押し間違いにより近隣の事業所へ送信した。",
    "cause": "短縮ダイヤルを使わず手入力した際の番号誤り。",
    "recurrence_measures": (
        "FAX送信時の宛先の二人確認、短縮ダイヤルの登録、紹介状の電子送付への移行。"
    ),
}
FAX_DONE = {
    "ppc_preliminary": (D(2026, 6, 12), "個人情報保護委員会の報告フォームで速報を送信"),
    "ppc_final": (D(2026, 7, 3), "個人情報保護委員会の報告フォームで確報を送信"),
    "individuals": (D(2026, 6, 11), "ご本人に来院いただき説明し、謝罪"),
}


def load(created: Counter[str], users: dict[str, Any]) -> None:
    """Load the demo incidents; counts what it created into ``created``."""
    facility = Facility.unscoped.get(name=registry_data.DEMO_FACILITY)
    member = users[f"member@{registry_data.DEMO_EMAIL_DOMAIN}"]
    if not Incident.unscoped.filter(facility=facility, title=RANSOMWARE["title"]).exists():
        incident, _changes = services.create_incident(
            by=member, facility=facility, closure_days=RANSOMWARE_CLOSURE_DAYS, **RANSOMWARE
        )
        _mark_done(incident, member, RANSOMWARE_DONE)
        services.file_jma_report(
            incident=incident,
            by=member,
            contents=_jma_contents(incident),
            contact_phone=facility.phone,
        )
        created[Incident._meta.label] += 1
    if not Incident.unscoped.filter(facility=facility, title=FAX["title"]).exists():
        incident, _changes = services.create_incident(by=member, facility=facility, **FAX)
        _mark_done(incident, member, FAX_DONE)
        services.set_status(incident=incident, by=member, status=Incident.Status.CLOSED)
        created[Incident._meta.label] += 1


def _mark_done(incident: Incident, by: Any, done: dict[str, tuple[dt.date, str]]) -> None:
    for code, (day, note) in done.items():
        services.record_obligation(
            obligation=Obligation.unscoped.get(incident=incident, code=code),
            by=by,
            status=Obligation.Status.DONE,
            done_on=day,
            note=note,
        )


def _jma_contents(incident: Incident) -> str:
    from .pdf import jma_report_text

    return jma_report_text(incident)
