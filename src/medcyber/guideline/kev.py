"""Known-exploited-vulnerability warnings: the CISA KEV catalogue (its published JSON) loaded
offline and matched against facilities' assets by normalised vendor and product.

Loading is all or nothing: a file that is not the catalogue's schema changes nothing. Matching
adds a finding for every (asset, entry) pair not yet known; findings the facility has already
marked keep their status.

Both sides carry their normalised names (:mod:`.keys`): an asset its ``vendor_key`` and
``product_key``, an entry one ``KevEntryKey`` row per product it names, so matching is one
``INSERT … SELECT`` in the database. Assets are matched whenever they are saved, so loading the
catalogue again matches only the entries that are new or now name other products.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit

from .keys import name_key, product_keys
from .models import Asset, KevEntry, KevEntryKey, KevFinding

__all__ = ["KevFileError", "import_catalogue", "match_assets", "name_key", "product_keys"]

REQUIRED = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded")
CVE = re.compile(r"^CVE-\d{4}-\d{4,19}$")
#: Above this many entries to match, one statement matches them all: pairs already found are
#: skipped anyway, and one join beats a list of ids that long.
MATCH_ALL_ABOVE = 500
#: Ids per ``IN (…)`` list, well under SQLite's limit of bound parameters.
ID_BATCH = 500


class KevFileError(Exception):
    """The file is not a catalogue this loader can take; ``str(error)`` is for the person."""


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
        known = {
            cve: (vendor, keys)
            for cve, vendor, keys in KevEntry.objects.values_list(
                "cve_id", "vendor_key", "product_keys"
            )
        }
        report.added = sum(1 for e in entries if e.cve_id not in known)
        # Assets are matched when they are saved, so only entries that are new or now name
        # other products can add findings.
        changed = {
            e.cve_id for e in entries if known.get(e.cve_id) != (e.vendor_key, e.product_keys)
        }
        KevEntry.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["cve_id"],
            update_fields=FIELDS,
        )
        if changed:
            ids = [
                pk
                for cve, pk in KevEntry.objects.values_list("cve_id", "pk").iterator()
                if cve in changed
            ]
            KevEntryKey.rebuild(ids)
            _refresh_statistics(KevEntryKey._meta.db_table)
            report.findings = match_assets(entries=None if len(ids) > MATCH_ALL_ABOVE else ids)
        report.proposals = _propose_for_new(entries, set(known))
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
    from .kev_alerts import propose_alerts

    new = [e.cve_id for e in entries if e.cve_id not in known]
    if not new:
        return 0
    ids = KevEntry.objects.filter(cve_id__in=new).values_list("pk", flat=True)
    return len(propose_alerts(now=timezone.now(), entry_ids=list(ids)))


def _refresh_statistics(table: str) -> None:
    """PostgreSQL's planner must know the key rows just written: believing the table empty, it
    would match one facility's register by walking every asset that any entry names."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def entries_matching(asset: Asset) -> set[int]:
    """The catalogue entries that name this asset's maker and product."""
    return set(
        KevEntryKey.objects.filter(
            vendor_key=asset.vendor_key, product_key=asset.product_key
        ).values_list("entry_id", flat=True)
    )


def match_assets(
    assets: QuerySet[Asset] | Iterable[Asset] | None = None,
    *,
    entries: Iterable[int] | None = None,
) -> int:
    """Add a finding for every in-use asset (of ``assets``, or all) that an entry (of
    ``entries``, or any) names; returns how many were new.

    One ``INSERT … SELECT`` joining the assets' keys with the entries' key rows; a pair already
    found is skipped (its status is the facility's word)."""
    asset_filter: list[tuple[str, list[Any]]] = []
    if isinstance(assets, QuerySet):
        sql, params = assets.order_by().values("pk").query.sql_with_params()
        asset_filter.append((f"a.id IN ({sql})", list(params)))
    elif assets is not None:
        asset_ids = [a.pk for a in assets]
        asset_filter = [_in_list("a.id", asset_ids[i : i + ID_BATCH]) for i in _starts(asset_ids)]
        if not asset_filter:
            return 0
    entry_filter: list[tuple[str, list[Any]]] = []
    if entries is not None:
        entry_ids = list(entries)
        entry_filter = [
            _in_list("k.entry_id", entry_ids[i : i + ID_BATCH]) for i in _starts(entry_ids)
        ]
        if not entry_filter:
            return 0
    added = 0
    for where_asset in asset_filter or [("", [])]:
        for where_entry in entry_filter or [("", [])]:
            added += _insert_findings([where_asset, where_entry])
    return added


def _starts(ids: list[int]) -> range:
    return range(0, len(ids), ID_BATCH)


def _in_list(column: str, ids: list[int]) -> tuple[str, list[Any]]:
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _insert_findings(conditions: list[tuple[str, list[Any]]]) -> int:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    where = ["a.retired_on IS NULL", *(sql for sql, _params in conditions if sql)]
    params: list[Any] = [KevFinding.Status.OPEN.value, now, now]
    for _sql, more in conditions:
        params += more
    # SQLite needs the WHERE for its parser to tell the upsert's ON from the join's.
    sql = (
        f"INSERT INTO {KevFinding._meta.db_table} "  # noqa: S608 - names from _meta
        "(asset_id, entry_id, status, planned_on, found_at, updated_at) "
        "SELECT a.id, k.entry_id, %s, NULL, %s, %s "
        f"FROM {Asset._meta.db_table} a JOIN {KevEntryKey._meta.db_table} k "
        "ON k.vendor_key = a.vendor_key AND k.product_key = a.product_key "
        f"WHERE {' AND '.join(where)} "
        # in the assets' order: the foreign-key checks then visit each asset page once
        "ORDER BY a.id, k.entry_id "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)
