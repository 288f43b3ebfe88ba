"""The asset register from a CSV or .xlsx file (GL-2): all or nothing, with a row report.

Reads with the registry's reader (UTF-8 or CP932 CSV, .xlsx values only). Rows are matched to
the facility's assets by name: a known name updates the asset, a new one adds it; assets not
in the file are kept (the file may be one part of the register).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from medcyber.registry.imports.normalize import normalize_text
from medcyber.registry.imports.readers import ImportFileError, Table

from .models import Asset, AssetKind

COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("種類", "kind"),
    "name": ("名称", "name"),
    "vendor": ("メーカー", "vendor"),
    "product": ("製品名", "product"),
    "version": ("バージョン", "version"),
    "location": ("設置場所", "location"),
    "owner": ("管理責任者", "owner"),
    "internet_exposed": ("インターネット接続", "internet_exposed"),
    "maintainer": ("保守事業者", "maintainer"),
    "note": ("備考", "note"),
}
REQUIRED = ("kind", "name")
TRUE_WORDS = frozenset({"はい", "あり", "有", "yes", "y", "true", "1", "○", "〇"})
FALSE_WORDS = frozenset({"", "いいえ", "なし", "無", "no", "n", "false", "0", "×"})
LIMITS: dict[str, int] = {
    f.name: f.max_length for f in Asset._meta.fields if isinstance(f.max_length, int)
}


@dataclass
class AssetRow:
    line: int
    name: str
    outcome: str  # "new" | "update" | "same" | "error"
    message: str = ""

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)


@dataclass
class AssetReport:
    file_name: str
    dry_run: bool
    rows: list[AssetRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.outcome == "error" for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(1 for r in self.rows if r.outcome == "error")


def _kind(value: str) -> str | None:
    key = normalize_text(value).lower()
    for choice in AssetKind:
        if key in (choice.value, str(choice.label).lower()):
            return str(choice.value)
    return None


def _parse(values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    clean: dict[str, Any] = {
        name: normalize_text(values.get(name, "")) for name in COLUMNS if name != "internet_exposed"
    }
    kind = _kind(values.get("kind", ""))
    if kind is None:
        errors.append(
            _("種類「%(value)s」は使えません（%(known)s）。")
            % {"value": values.get("kind", ""), "known": "、".join(str(c.label) for c in AssetKind)}
        )
    clean["kind"] = kind
    if not clean["name"]:
        errors.append(_("名称がありません。"))
    exposure = normalize_text(values.get("internet_exposed", "")).lower()
    if exposure in TRUE_WORDS:
        clean["internet_exposed"] = True
    elif exposure in FALSE_WORDS:
        clean["internet_exposed"] = False
    else:
        errors.append(_("インターネット接続は「あり」か「なし」で書いてください。"))
    for name, limit in LIMITS.items():
        if isinstance(clean.get(name), str) and len(clean[name]) > limit:
            errors.append(
                _("%(col)sが長すぎます（%(n)d文字まで）。") % {"col": COLUMNS[name][0], "n": limit}
            )
    return clean, errors


def _positions(cells: list[str]) -> dict[str, int]:
    lookup = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = lookup.get(normalize_text(cell).lower())
        if name is None:
            raise ImportFileError(_("見出し「%(cell)s」は使えない列名です。") % {"cell": cell})
        positions[name] = index
    missing = [COLUMNS[n][0] for n in REQUIRED if n not in positions]
    if missing:
        raise ImportFileError(_("必要な列がありません: %(cols)s") % {"cols": "、".join(missing)})
    return positions


def import_assets(path: Path, *, facility: Any, dry_run: bool, file_name: str = "") -> AssetReport:
    report = AssetReport(file_name=file_name or path.name, dry_run=dry_run)
    parsed: list[tuple[int, dict[str, Any]]] = []
    try:
        rows = Table(path).rows()
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("ファイルが空です。"))
        positions = _positions(header.cells)
        seen: dict[str, int] = {}
        for raw in rows:
            values = {n: raw.cells[i] if i < len(raw.cells) else "" for n, i in positions.items()}
            clean, errors = _parse(values)
            if raw.formulas:
                errors.append(_("数式のセルがあります。値にしてください。"))
            if clean["name"] in seen:
                errors.append(
                    _("名称「%(name)s」が%(line)d行目と重複しています。")
                    % {"name": clean["name"], "line": seen[clean["name"]]}
                )
            seen.setdefault(clean["name"], raw.line)
            if errors:
                report.rows.append(AssetRow(raw.line, clean["name"], "error", " ".join(errors)))
            else:
                parsed.append((raw.line, clean))
    except ImportFileError as error:
        report.problems.append(str(error))
        return report
    if not parsed and not report.rows:
        report.problems.append(_("資産の行がありません。"))
    existing = {a.name: a for a in Asset.unscoped.filter(facility=facility)}
    for line, clean in parsed:
        found = existing.get(clean["name"])
        if found is None:
            outcome = "new"
        elif all(getattr(found, k) == v for k, v in clean.items()):
            outcome = "same"
        else:
            outcome = "update"
        report.rows.append(AssetRow(line, clean["name"], outcome))
    report.rows.sort(key=lambda r: r.line)
    if not report.ok or dry_run:
        return report
    from .kev import match_assets

    with transaction.atomic():
        for _line, clean in parsed:
            found = existing.get(clean["name"])
            if found is None:
                Asset(facility=facility, **clean).save()
            elif any(getattr(found, k) != v for k, v in clean.items()):
                for k, v in clean.items():
                    setattr(found, k, v)
                found.save()
        match_assets(Asset.unscoped.filter(facility=facility).in_use())
    report.applied = True
    return report


def outcome_label(outcome: str) -> str:
    labels = {
        "new": _("追加"),
        "update": _("更新"),
        "same": _("変更なし"),
        "error": _("エラー"),
    }
    return labels.get(outcome, outcome)


def format_asset_report(report: AssetReport) -> str:
    lines = [report.file_name, *[f"! {p}" for p in report.problems]]
    for row in report.rows:
        text = _("%(line)d行目") % {"line": row.line}
        lines.append(f"{text}\t{row.name}\t{outcome_label(row.outcome)}\t{row.message}".rstrip())
    if not report.ok:
        lines.append(_("問題が%(n)d件あるため、何も変更していません。") % {"n": report.error_count})
    elif report.dry_run:
        lines.append(_("確認のみ（ドライラン）: 問題はありません。何も変更していません。"))
    else:
        lines.append(_("取り込みました。"))
    return "\n".join(lines)
