"""Demo data of the guideline app, loaded by ``medcyber demo`` after the registry's.

Idempotent: assessments and assets are found by their natural keys and answers are written
only when they differ, so a second run writes no rows and no audit events. The demo clinic has
a finished FY2024 assessment and a FY2025 one in progress, a VPN appliance and a remote-
maintenance link; a hospital has finished FY2025; a clinic without a medical information
system has answered the opening question "no".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from medcyber.registry.demo_data import DEMO_FACILITY
from medcyber.registry.models import Facility

from . import services, tallies
from .kev import import_catalogue, match_assets
from .models import Asset, ChecklistItem, ChecklistVersion, KevEntry

ASSETS: tuple[dict[str, Any], ...] = (
    {
        "kind": "server",
        "name": "電子カルテサーバ",
        "vendor": "NEC",
        "product": "Express5800",
        "version": "R120j",
        "location": "2階サーバ室",
        "owner": "院長",
        "maintainer": "北斗メディカルシステム",
    },
    {
        "kind": "pc",
        "name": "受付端末1",
        "vendor": "Fujitsu",
        "product": "ESPRIMO",
        "version": "Windows 11 23H2",
        "location": "受付",
        "owner": "事務長",
        "maintainer": "",
    },
    {
        "kind": "vpn",
        "name": "本院VPN装置",
        "vendor": "Fortinet",
        "product": "FortiOS",
        "version": "7.0.12",
        "location": "2階サーバ室",
        "owner": "院長",
        "internet_exposed": True,
        "maintainer": "北斗メディカルシステム",
    },
    {
        "kind": "remote_maintenance",
        "name": "電子カルテ保守回線",
        "vendor": "Ivanti",
        "product": "Connect Secure",
        "version": "22.7",
        "location": "2階サーバ室",
        "owner": "院長",
        "internet_exposed": True,
        "maintainer": "北斗メディカルシステム",
    },
)

#: (facility, fiscal year, has a medical information system, answers: key → (value, target))
ASSESSMENTS: tuple[tuple[str, int, bool, dict[str, tuple[str, dt.date | None]]], ...] = (
    (
        DEMO_FACILITY,
        2024,
        True,
        {
            "security-manager": ("yes", None),
            "asset-ledger": ("no", dt.date(2025, 3, 31)),
            "remote-maintenance": ("yes", None),
            "vendor-disclosure": ("no", dt.date(2025, 3, 31)),
            "access-rights": ("yes", None),
            "unused-accounts": ("yes", None),
            "access-logs": ("yes", None),
            "security-patches": ("no", dt.date(2025, 2, 28)),
            "restrict-connections": ("yes", None),
            "unneeded-services": ("yes", None),
            "incident-contacts": ("yes", None),
            "backup-recovery": ("no", dt.date(2025, 3, 31)),
            "cyber-bcp": ("no", dt.date(2025, 3, 31)),
        },
    ),
    (
        DEMO_FACILITY,
        2025,
        True,
        {
            "security-manager": ("yes", None),
            "asset-ledger": ("yes", None),
            "remote-maintenance": ("yes", None),
            "vendor-disclosure": ("yes", None),
            "security-patches": ("no", dt.date(2025, 12, 26)),
            "two-factor": ("no", dt.date(2026, 3, 31)),
        },
    ),
    ("文京中央病院", 2025, True, {}),  # every item "yes" (filled below)
    ("白山診療所", 2025, False, {}),
)


#: A few real entries of the CISA KEV catalogue (CC0) that hit the demo clinic's devices.
DEMO_KEV = Path(__file__).resolve().parent / "demo_kev.json"


def load() -> Counter[str]:
    counts: Counter[str] = Counter()
    facilities = {f.name: f for f in Facility.unscoped.filter(name__in={a[0] for a in ASSESSMENTS})}
    clinic = facilities.get(DEMO_FACILITY)
    if clinic is None:
        return counts
    for spec in ASSETS:
        values = {"internet_exposed": False, **spec}
        found = Asset.unscoped.filter(facility=clinic, name=spec["name"]).first()
        if found is None:
            Asset(facility=clinic, **values).save()
            counts["guideline.Asset"] += 1
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            found.save()
    # as the register's own screens do: a device saved is matched against the catalogue
    counts["guideline.KevFinding"] += match_assets(Asset.unscoped.filter(facility=clinic))
    for name, year, has_system, answers in ASSESSMENTS:
        version = ChecklistVersion.objects.filter(
            checklist__code="institution", fiscal_year=year
        ).first()
        if version is None or name not in facilities:
            continue
        assessment = services.start_assessment(facility=facilities[name], version=version, by=None)
        if assessment.has_medical_system != has_system:
            services.answer_opening_question(
                assessment=assessment, has_medical_system=has_system, by=None
            )
            counts["guideline.Assessment"] += 1
        if not has_system:
            continue
        items = ChecklistItem.objects.filter(version=version)
        chosen = answers or {i.key: ("yes", None) for i in items}
        checked = dt.date(year, 6, 1)
        entries = [
            services.AnswerEntry(
                item_id=i.pk,
                value=chosen[i.key][0],
                checked_on=checked,
                target_date=chosen[i.key][1],
            )
            for i in items
            if i.key in chosen
        ]
        counts["guideline.AnswerChange"] += len(
            services.save_answers(assessment=assessment, entries=entries, by=None)
        )
    for version in ChecklistVersion.objects.filter(assessments__isnull=False).distinct():
        tallies.refresh(version)  # the overview at once, not after the queued refresh
    if not KevEntry.objects.exists():
        counts["guideline.KevFinding"] += import_catalogue(DEMO_KEV).findings
    return +counts  # without zero counts: a second run reports nothing created
