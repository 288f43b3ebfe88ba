"""Known-exploited-vulnerability warnings: the CISA KEV catalogue (its published JSON) loaded
offline and matched against facilities' assets by normalised vendor and product.

Loading is all or nothing: a file that is not the catalogue's schema changes nothing. Matching
adds a finding for every (asset, entry) pair not yet known; findings the facility has already
marked keep their status.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medcyber.core import audit

from .models import Asset, KevEntry, KevFinding

REQUIRED = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded")
CVE = re.compile(r"^CVE-\d{4}-\d{4,19}$")
_SPLIT = re.compile(r",|/|\band\b|&", re.IGNORECASE)
_NOISE = re.compile(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+")
#: Words that say nothing about which product is meant.
_GENERIC = frozenset({"multipleproducts", "products", "firmware"})


class KevFileError(Exception):
    """The file is not a catalogue this loader can take; ``str(error)`` is for the person."""


def name_key(text: str) -> str:
    """``"Pulse Connect Secure"`` → ``"pulseconnectsecure"``: width, case, spaces and marks
    do not matter (ＦｏｒｔｉＯＳ, FortiOS and forti-os are one product)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"\([^)]*\)", "", folded)  # "Endpoint Manager (EPM)" → "endpoint manager"
    return _NOISE.sub("", folded)


def product_keys(product: str) -> list[str]:
    keys = [name_key(part) for part in _SPLIT.split(product)]
    return [k for k in dict.fromkeys([name_key(product), *keys]) if k and k not in _GENERIC]


@dataclass
class KevReport:
    file_name: str
    entries: int = 0
    added: int = 0
    findings: int = 0
    proposals: int = 0  # portal alerts proposed for new entries that hit many members
    problems: list[str] = field(default_factory=list)


def _date(value: Any, where: str, name: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(
            _("%(where)s: %(name)s が日付ではありません。") % {"where": where, "name": name}
        )
        return None


def parse(data: Any) -> tuple[list[KevEntry], list[str]]:
    """Entries from the catalogue's JSON, or the problems that keep it from loading."""
    if not isinstance(data, dict) or not isinstance(data.get("vulnerabilities"), list):
        return [], [_("CISA KEV の形式（vulnerabilities の一覧）ではありません。")]
    entries: list[KevEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["vulnerabilities"], start=1):
        where = _("%(n)d件目") % {"n": index}
        if not isinstance(raw, dict):
            problems.append(_("%(where)s: 項目が読めません。") % {"where": where})
            continue
        missing = [name for name in REQUIRED if not str(raw.get(name) or "").strip()]
        if missing:
            problems.append(
                _("%(where)s: %(names)s がありません。")
                % {"where": where, "names": ", ".join(missing)}
            )
            continue
        cve = str(raw["cveID"]).strip()
        if not CVE.match(cve) or cve in seen:
            problems.append(
                _("%(where)s: CVE番号「%(cve)s」が正しくないか重複しています。")
                % {"where": where, "cve": cve}
            )
            continue
        seen.add(cve)
        added = _date(raw["dateAdded"], where, "dateAdded", problems)
        due = _date(raw["dueDate"], where, "dueDate", problems) if raw.get("dueDate") else None
        if added is None:
            continue
        entries.append(
            KevEntry(
                cve_id=cve,
                vendor_project=str(raw["vendorProject"])[:200],
                product=str(raw["product"])[:300],
                vulnerability_name=str(raw["vulnerabilityName"])[:500],
                date_added=added,
                short_description=str(raw.get("shortDescription") or ""),
                required_action=str(raw.get("requiredAction") or ""),
                due_date=due,
                known_ransomware=str(raw.get("knownRansomwareCampaignUse", "")).lower() == "known",
                vendor_key=name_key(str(raw["vendorProject"]))[:200],
                product_keys=("|" + "|".join(product_keys(str(raw["product"]))) + "|")[:400],
            )
        )
    return entries, problems


FIELDS = [f.name for f in KevEntry._meta.concrete_fields if f.name not in ("id", "cve_id")]


def import_catalogue(path: Path) -> KevReport:
    report = KevReport(file_name=path.name)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(_("JSON として読めません: %(error)s") % {"error": error})
        return report
    entries, problems = parse(data)
    if problems:
        report.problems = problems
        return report
    report.entries = len(entries)
    with transaction.atomic():
        known = set(KevEntry.objects.values_list("cve_id", flat=True))
        report.added = sum(1 for e in entries if e.cve_id not in known)
        KevEntry.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["cve_id"],
            update_fields=FIELDS,
        )
        report.findings = match_assets(Asset.unscoped.in_use())
        report.proposals = _propose_for_new(entries, known)
        audit.record(
            "update",
            "guideline.kev.import",
            object_type="guideline.keventry",
            changes={
                "file": path.name,
                "catalogue_version": str(data.get("catalogVersion", "")),
                "entries": report.entries,
                "added": report.added,
                "findings": report.findings,
                "proposals": report.proposals,
            },
        )
    return report


def _propose_for_new(entries: list[KevEntry], known: set[str]) -> int:
    """New entries that hit many members: drafted as portal alerts for staff to review."""
    from django.utils import timezone

    from .kev_alerts import propose_alerts

    new = [e.cve_id for e in entries if e.cve_id not in known]
    if not new:
        return 0
    ids = KevEntry.objects.filter(cve_id__in=new).values_list("pk", flat=True)
    return len(propose_alerts(now=timezone.now(), entry_ids=list(ids)))


def _index() -> dict[str, list[tuple[int, frozenset[str]]]]:
    index: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for pk, vendor, keys in KevEntry.objects.values_list("pk", "vendor_key", "product_keys"):
        index.setdefault(vendor, []).append((pk, frozenset(k for k in keys.split("|") if k)))
    return index


def matches_for(
    vendor: str, product: str, index: dict[str, list[tuple[int, frozenset[str]]]]
) -> list[int]:
    product_key = name_key(product)
    if not product_key:
        return []
    return [pk for pk, keys in index.get(name_key(vendor), []) if product_key in keys]


def match_assets(assets: Iterable[Asset] | Any, chunk: int = 5000) -> int:
    """Add findings for the given assets (a queryset or list); returns how many were new."""
    index = _index()
    if not index:
        return 0
    before = KevFinding.unscoped.count()
    batch: list[KevFinding] = []
    rows = (
        assets.values_list("pk", "vendor", "product").iterator(chunk_size=chunk)
        if hasattr(assets, "values_list")
        else ((a.pk, a.vendor, a.product) for a in assets)
    )
    for pk, vendor, product in rows:
        for entry_id in matches_for(vendor, product, index):
            batch.append(KevFinding(asset_id=pk, entry_id=entry_id))
        if len(batch) >= chunk:
            _insert(batch)
            batch = []
    _insert(batch)
    return KevFinding.unscoped.count() - before


def _insert(batch: list[KevFinding]) -> None:
    """Bulk insert, skipping pairs already found (their status is the facility's word)."""
    if batch:
        KevFinding.unscoped.bulk_create(batch, ignore_conflicts=True)
