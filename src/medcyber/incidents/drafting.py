"""First drafts of the PPC report's nine items (規則8条1項) and of the notice to individuals
(規則10条), written from the incident record for the member to correct and copy (INC-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Incident


def japanese_date(day: dt.date | None) -> str:
    if day is None:
        return _("不明")
    return f"{day.year}年{day.month}月{day.day}日"


def japanese_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return _("不明")
    local = timezone.localtime(value)
    return f"{japanese_date(local.date())} {local.hour}時{local.minute:02d}分"


def initial_draft(incident: Incident) -> dict[str, Any]:
    facility = incident.facility
    kind = incident.get_kind_display()
    summary = _(
        "%(discovered)s、%(facility)sにおいて、%(kind)sによる個人データの漏えい等"
        "（又はそのおそれ）が発覚した。発生日時：%(occurred)s。"
    ) % {
        "discovered": japanese_datetime(incident.discovered_at),
        "facility": facility.name,
        "kind": kind,
        "occurred": japanese_datetime(incident.occurred_at),
    }
    if incident.description:
        summary += "\n" + incident.description
    if incident.systems_affected:
        summary += "\n" + _("影響を受けたシステム：%(systems)s") % {
            "systems": incident.systems_affected
        }
    persons = _("%(n)s人（推定）") % {"n": f"{incident.persons_affected:,}"}
    items = incident.data_items or _("（調査中）")
    if incident.sensitive_data:
        items += "\n" + _("要配慮個人情報（診療録等の医療情報）を含む。")
    damage = (
        _("財産的被害が生じるおそれがある。")
        if incident.financial_damage_risk
        else _("現時点で二次被害は確認されていない。")
    )
    cause = incident.cause or _("（調査中）")
    if incident.insider:
        cause += "\n" + _("内部の者による行為である。")
    notice = _(
        "（お名前）様\n\n"
        "このたび、当院（%(facility)s）において、%(kind)sにより、（お名前）様の個人情報が"
        "漏えいした（又はそのおそれがある）ことが判明いたしました。"
        "ご迷惑とご心配をおかけしますことを、心よりお詫び申し上げます。\n\n"
        "1. 概要\n%(discovered)sに発覚しました。\n\n"
        "2. 漏えい等した（おそれがある）情報の項目\n%(items)s\n\n"
        "3. 原因\n%(cause)s\n\n"
        "4. 二次被害又はそのおそれ\n%(damage)s\n\n"
        "5. 当院の対応と再発防止策\n%(measures)s\n\n"
        "不審な連絡等がありましたら、下記までご連絡ください。\n\n"
        "%(facility)s\n%(address)s\n電話：%(phone)s"
    ) % {
        "facility": facility.name,
        "kind": kind,
        "discovered": japanese_date(timezone.localdate(incident.discovered_at)),
        "items": items,
        "cause": cause,
        "damage": damage,
        "measures": incident.recurrence_measures or _("（検討中）"),
        "address": facility.address,
        "phone": facility.phone or "—",
    }
    return {
        "summary": summary,
        "data_items": items,
        "persons": persons,
        "cause": cause,
        "secondary_damage": damage,
        "response_to_persons": _("本人への通知を準備中。"),
        "publication": _("公表の要否を検討中。"),
        "recurrence_measures": incident.recurrence_measures or _("（検討中）"),
        "other": _("警察・厚生労働省への連絡状況：（記入してください）"),
        "notice_text": notice,
    }
