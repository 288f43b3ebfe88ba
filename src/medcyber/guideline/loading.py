"""Loading a checklist version from a file (YAML, CSV or .xlsx), all or nothing.

The MHLW revises the checklist every spring; association admins load the new fiscal year's
version with the ministry's wording. A file is read into a :class:`VersionSpec`, checked row by
row (every problem reported, with its row), compared with the previous fiscal year's version,
and written only when nothing is wrong and it is not a dry run. The same code loads the
versions the repository ships (``checklists/*.yaml``) from a data migration, which passes its
historical models in ``apps``.

YAML: ``checklist, checklist_name, fiscal_year, title, source, sections[code, title,
items[key, number, text, scope, required_from, derived_from]]``. CSV/.xlsx: one row per item
with the columns of :data:`COLUMNS` (English or Japanese headers); the version's own fields
are taken from the first row and must be the same on every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules

SHIPPED_DIR = Path(__file__).resolve().parent / "checklists"

CHECKLIST_CODES = ("institution", "vendor", "pharmacy")
DERIVATIONS = ("", "asset_ledger", "remote_maintenance")

#: CSV/Excel columns: name → accepted headers (the first is what our template writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "checklist": ("チェックリスト", "checklist"),
    "checklist_name": ("チェックリスト名", "checklist_name"),
    "fiscal_year": ("年度", "fiscal_year"),
    "title": ("表題", "title"),
    "source": ("出典", "source"),
    "section_code": ("区分番号", "section_code"),
    "section_title": ("区分", "section_title"),
    "key": ("項目ID", "key"),
    "number": ("項番", "number"),
    "text": ("確認事項", "text"),
    "scope": ("対象", "scope"),
    "required_from": ("必須となった年度", "required_from"),
    "derived_from": ("自動判定", "derived_from"),
}
VERSION_FIELDS = ("checklist", "checklist_name", "fiscal_year", "title", "source")
REQUIRED_COLUMNS = (
    "checklist",
    "fiscal_year",
    "section_code",
    "section_title",
    "key",
    "number",
    "text",
)


class ChecklistFileError(Exception):
    """The file as a whole cannot be read or loaded; ``str(error)`` is for the person."""


@dataclass
class ItemSpec:
    where: str
    key: str
    number: str
    text: str
    scope: str
    required_from: int
    derived_from: str
    section_code: str


@dataclass
class SectionSpec:
    code: str
    title: str


@dataclass
class ReportRow:
    where: str
    key: str
    outcome: str  # "new" | "changed" | "same" | "error" | "dropped"
    message: str = ""


@dataclass
class VersionSpec:
    checklist: str = ""
    checklist_name: str = ""
    fiscal_year: int = 0
    title: str = ""
    source: str = ""
    sections: list[SectionSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    raw_fiscal_year: Any = None  # as written in the file, checked by build()


def _spec(values: dict[str, Any]) -> VersionSpec:
    return VersionSpec(
        checklist=_text(values.get("checklist")),
        checklist_name=_text(values.get("checklist_name")),
        title=_text(values.get("title")),
        source=_text(values.get("source")),
        raw_fiscal_year=values.get("fiscal_year"),
    )


@dataclass
class LoadReport:
    file_name: str
    dry_run: bool
    spec: VersionSpec | None = None
    rows: list[ReportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the file or version as a whole
    applied: bool = False
    replaced: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.outcome == "error" for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(1 for r in self.rows if r.outcome == "error")

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.outcome] = out.get(row.outcome, 0) + 1
        return out


# --- reading -------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _year(value: Any, label: str, errors: list[str]) -> int:
    text = _text(value)
    try:
        year = int(text)
    except ValueError:
        errors.append(_("%(label)sは西暦の年（例: 2025）で書いてください。") % {"label": label})
        return 0
    if not 2000 <= year <= 2100:
        errors.append(_("%(label)s「%(value)s」は範囲外です。") % {"label": label, "value": text})
        return 0
    return year


def read_yaml(path: Path) -> tuple[VersionSpec, list[tuple[str, dict[str, Any]]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ChecklistFileError(_("YAML ファイルは UTF-8 で保存してください。")) from error
    except yaml.YAMLError as error:
        raise ChecklistFileError(
            _("YAML として読めません: %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict):
        raise ChecklistFileError(_("YAML の一番上は「checklist:」などの項目の並びにしてください。"))
    spec = _spec(data)
    raw_items: list[tuple[str, dict[str, Any]]] = []
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise ChecklistFileError(_("区分（sections）がありません。"))
    for s_index, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            raise ChecklistFileError(_("%(n)d番目の区分が読めません。") % {"n": s_index})
        items = section.get("items") or []
        if not isinstance(items, list):
            raise ChecklistFileError(
                _("%(n)d番目の区分の items が一覧になっていません。") % {"n": s_index}
            )
        if not items:
            raw_items.append(
                (
                    _("区分%(n)d") % {"n": s_index},
                    {
                        "section_code": section.get("code"),
                        "section_title": section.get("title"),
                        "_empty_section": True,
                    },
                )
            )
        for i_index, item in enumerate(items, start=1):
            where = _("区分%(s)d・項目%(i)d") % {"s": s_index, "i": i_index}
            values = dict(item) if isinstance(item, dict) else {}
            values["section_code"] = section.get("code")
            values["section_title"] = section.get("title")
            raw_items.append((where, values))
    return spec, raw_items


def _header_map(cells: list[str]) -> dict[str, int]:
    lookup = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = lookup.get(cell.strip().lower())
        if name is None:
            raise ChecklistFileError(_("見出し「%(cell)s」は使えない列名です。") % {"cell": cell})
        positions[name] = index
    missing = [COLUMNS[name][0] for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ChecklistFileError(_("必要な列がありません: %(cols)s") % {"cols": "、".join(missing)})
    return positions


def read_table(path: Path) -> tuple[VersionSpec, list[tuple[str, dict[str, Any]]]]:
    from medcyber.registry.imports.readers import ImportFileError, Table

    try:
        rows = Table(path).rows()
        header = next(rows, None)
        if header is None:
            raise ChecklistFileError(_("ファイルが空です。"))
        positions = _header_map(header.cells)
        raw_items = []
        for row in rows:
            values = {
                name: row.cells[index] if index < len(row.cells) else ""
                for name, index in positions.items()
            }
            raw_items.append((_("%(line)d行目") % {"line": row.line}, values))
    except ImportFileError as error:
        raise ChecklistFileError(str(error)) from error
    if not raw_items:
        raise ChecklistFileError(_("項目の行がありません。"))
    first = raw_items[0][1]
    spec = _spec(first)
    return spec, raw_items


def read_file(path: Path) -> tuple[VersionSpec, list[tuple[str, dict[str, Any]]]]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml(path)
    if suffix in (".csv", ".txt", ".xlsx", ".xls"):
        return read_table(path)
    raise ChecklistFileError(
        _(
            "ファイルの種類（%(suffix)s）に対応していません。"
            "YAML、CSV、.xlsx のいずれかにしてください。"
        )
        % {"suffix": suffix or _("拡張子なし")}
    )


# --- checking ------------------------------------------------------------------------------------
def build(
    spec: VersionSpec, raw_items: list[tuple[str, dict[str, Any]]], report: LoadReport
) -> None:
    """Check the version's fields and every item; fill ``spec`` and ``report.rows``."""
    problems = report.problems
    if spec.checklist not in CHECKLIST_CODES:
        problems.append(
            _("チェックリスト「%(code)s」は使えません（%(known)s のいずれか）。")
            % {"code": spec.checklist, "known": ", ".join(CHECKLIST_CODES)}
        )
    spec.fiscal_year = _year(spec.raw_fiscal_year, _("年度"), problems)
    if not spec.title:
        problems.append(_("表題（title）がありません。"))
    seen_keys: dict[str, str] = {}
    sections: dict[str, SectionSpec] = {}
    for where, values in raw_items:
        errors: list[str] = []
        key = _text(values.get("key"))
        section_code = _text(values.get("section_code"))
        section_title = _text(values.get("section_title"))
        if not section_code or not section_title:
            errors.append(_("区分（番号と名称）がありません。"))
        elif section_code in sections and sections[section_code].title != section_title:
            errors.append(
                _("区分番号「%(code)s」の名称が「%(title)s」と食い違っています。")
                % {"code": section_code, "title": sections[section_code].title}
            )
        elif section_code not in sections:
            sections[section_code] = SectionSpec(section_code, section_title)
            spec.sections.append(sections[section_code])
        if values.get("_empty_section"):
            errors.append(_("この区分には項目がありません。"))
            report.rows.append(ReportRow(where, "", "error", " ".join(errors)))
            continue
        for name in ("checklist", "checklist_name", "fiscal_year", "title", "source"):
            if name in values and _text(values[name]) != _text(getattr(spec, name)):
                errors.append(
                    _(
                        "列「%(col)s」が1行目と違います（1つのファイルには1つの版だけを入れてください）。"
                    )
                    % {"col": COLUMNS[name][0]}
                )
        if not key:
            errors.append(_("項目IDがありません。"))
        elif not all(c.isascii() and (c.isalnum() or c in "-_") for c in key):
            errors.append(
                _("項目ID「%(key)s」には半角英数字とハイフンだけを使ってください。") % {"key": key}
            )
        elif key in seen_keys:
            errors.append(
                _("項目ID「%(key)s」が重複しています（%(other)sと同じ）。")
                % {"key": key, "other": seen_keys[key]}
            )
        else:
            seen_keys[key] = where
        number = _text(values.get("number"))
        text = _text(values.get("text"))
        if not number:
            errors.append(_("項番がありません。"))
        if not text:
            errors.append(_("確認事項がありません。"))
        try:
            scope = ",".join(rules.parse_scope(_text(values.get("scope")) or "all"))
        except ValueError as error:
            errors.append(str(error))
            scope = ""
        required_from = _year(
            values.get("required_from") or spec.fiscal_year, _("必須となった年度"), errors
        )
        if required_from and spec.fiscal_year and required_from > spec.fiscal_year:
            errors.append(_("必須となった年度が版の年度より後になっています。"))
        derived = _text(values.get("derived_from"))
        if derived not in DERIVATIONS:
            errors.append(
                _("自動判定「%(value)s」は使えません（%(known)s）。")
                % {"value": derived, "known": ", ".join(d for d in DERIVATIONS if d)}
            )
        if errors:
            report.rows.append(ReportRow(where, key, "error", " ".join(errors)))
            continue
        spec.items.append(
            ItemSpec(where, key, number, text, scope, required_from, derived, section_code)
        )
        report.rows.append(ReportRow(where, key, "new"))
    if not spec.items and not report.rows:
        problems.append(_("項目がありません。"))


def compare_with_previous(report: LoadReport, previous: dict[str, str] | None) -> None:
    """Mark each item new / changed / same against last year's wording; list dropped items."""
    if previous is None or report.spec is None:
        return
    for row in report.rows:
        if row.outcome != "new":
            continue
        if row.key in previous:
            item = next(i for i in report.spec.items if i.key == row.key)
            row.outcome = "same" if previous[row.key] == item.text else "changed"
    kept = {i.key for i in report.spec.items}
    for key in previous:
        if key not in kept:
            report.rows.append(
                ReportRow("", key, "dropped", _("前年度の版にあり、この版にはない項目です。"))
            )


# --- writing -------------------------------------------------------------------------------------
def _models(apps: Any) -> tuple[Any, Any, Any, Any, Any]:
    if apps is None:
        from . import models as m

        return m.Checklist, m.ChecklistVersion, m.ChecklistSection, m.ChecklistItem, m.Assessment
    names = ("Checklist", "ChecklistVersion", "ChecklistSection", "ChecklistItem", "Assessment")
    return tuple(apps.get_model("guideline", n) for n in names)  # type: ignore[return-value]


def load(path: Path, *, dry_run: bool, apps: Any = None, file_name: str = "") -> LoadReport:
    """Read, check and (unless ``dry_run`` or anything is wrong) write one version."""
    report = LoadReport(file_name=file_name or path.name, dry_run=dry_run)
    try:
        spec, raw_items = read_file(path)
    except ChecklistFileError as error:
        report.problems.append(str(error))
        return report
    report.spec = spec
    build(spec, raw_items, report)
    Checklist, Version, Section, Item, Assessment = _models(apps)
    if not report.problems:
        previous = (
            Version.objects.filter(checklist__code=spec.checklist, fiscal_year__lt=spec.fiscal_year)
            .order_by("-fiscal_year")
            .first()
        )
        compare_with_previous(
            report,
            None
            if previous is None
            else dict(Item.objects.filter(version=previous).values_list("key", "text")),
        )
        existing = Version.objects.filter(
            checklist__code=spec.checklist, fiscal_year=spec.fiscal_year
        ).first()
        if existing is not None:
            answered = getattr(Assessment, "unscoped", Assessment.objects)
            if answered.filter(version=existing).exists():
                report.problems.append(
                    _("%(year)d年度の版にはすでに回答があるため、置き換えられません。")
                    % {"year": spec.fiscal_year}
                )
            else:
                report.replaced = True
    if not report.ok or dry_run:
        return report
    with transaction.atomic():
        _write(spec, Checklist, Version, Section, Item)
    report.applied = True
    return report


def _write(spec: VersionSpec, Checklist: Any, Version: Any, Section: Any, Item: Any) -> Any:
    from .models import ChecklistKind

    checklist = Checklist.objects.filter(code=spec.checklist).first()
    name = spec.checklist_name or dict(ChecklistKind.choices)[spec.checklist]
    if checklist is None:
        checklist = Checklist(code=spec.checklist, kind=spec.checklist, name=name)
        checklist.save()
    elif spec.checklist_name and checklist.name != spec.checklist_name:
        checklist.name = spec.checklist_name
        checklist.save()
    existing = Version.objects.filter(checklist=checklist, fiscal_year=spec.fiscal_year).first()
    if existing is not None:
        for item in Item.objects.filter(version=existing):
            item.delete()
        for section in Section.objects.filter(version=existing):
            section.delete()
        existing.delete()
    version = Version(
        checklist=checklist, fiscal_year=spec.fiscal_year, title=spec.title, source=spec.source
    )
    version.save()
    sections = {}
    for order, s in enumerate(spec.sections, start=1):
        section = Section(version=version, code=s.code, title=s.title, order=order)
        section.save()
        sections[s.code] = section
    for order, i in enumerate(spec.items, start=1):
        Item(
            version=version,
            section=sections[i.section_code],
            key=i.key,
            number=i.number,
            text=i.text,
            scope=i.scope,
            required_from=i.required_from,
            derived_from=i.derived_from,
            order=order,
        ).save()
    return version


def shipped_files() -> list[Path]:
    """The versions the repository ships, oldest fiscal year first (so changes are compared)."""
    return sorted(SHIPPED_DIR.glob("*.yaml"), key=lambda p: (p.stem.split("-")[-1], p.stem))


def load_shipped(apps: Any = None) -> list[LoadReport]:
    return [load(path, dry_run=False, apps=apps) for path in shipped_files()]
