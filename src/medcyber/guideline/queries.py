"""Reads of the guideline app, always scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum

from medcyber.registry.models import Facility
from medcyber.registry.queries import facility_for

from . import rules
from .models import (
    Answer,
    AnswerChange,
    Assessment,
    Asset,
    ChecklistItem,
    ChecklistVersion,
    KevEntry,
    KevFinding,
    OverviewTally,
)


@dataclass
class ItemRow:
    item: ChecklistItem
    answer: Answer | None
    last_year: str  # last fiscal year's answer to the same item key ("new" when it had none)
    derived: tuple[str, str] | None = None
    questions: list[Any] = field(default_factory=list)  # asked of the desk about this item


@dataclass
class SectionRows:
    code: str
    title: str
    rows: list[ItemRow] = field(default_factory=list)


def may_edit(user: Any) -> bool:
    """Facility people fill their facility's checklist; association staff read it."""
    return not user.sees_all_facilities


def version_for(code: str, fiscal_year: int) -> ChecklistVersion | None:
    return (
        ChecklistVersion.objects.select_related("checklist")
        .filter(checklist__code=code, fiscal_year=fiscal_year)
        .first()
    )


def latest_year(code: str, current: int) -> int:
    """This fiscal year, or the newest loaded before it while the new version is not loaded."""
    years = ChecklistVersion.objects.filter(checklist__code=code, fiscal_year__lte=current)
    newest = years.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    return int(newest) if newest is not None else current


def facility_and_assessment(
    user: Any, facility_pk: int, version: ChecklistVersion
) -> tuple[Facility, Assessment | None]:
    """``Facility.DoesNotExist`` when the facility is not the user's to see."""
    facility = facility_for(user, facility_pk)
    assessment = (
        Assessment.objects.visible_to(user)
        .filter(facility=facility, version=version, vendor_name="")
        .first()
    )
    return facility, assessment


def answers_by_key(assessment: Assessment | None) -> dict[str, str]:
    if assessment is None:
        return {}
    return dict(Answer.unscoped.filter(assessment=assessment).values_list("item__key", "value"))


def last_year_assessment(assessment: Assessment) -> Assessment | None:
    return (
        Assessment.unscoped.filter(
            facility_id=assessment.facility_id,
            version__checklist_id=assessment.version.checklist_id,
            version__fiscal_year=assessment.fiscal_year - 1,
            vendor_name=assessment.vendor_name,
        )
        .select_related("version")
        .first()
    )


def section_rows(
    version: ChecklistVersion, assessment: Assessment | None, facility_id: int
) -> list[SectionRows]:
    from .services import derived_answer

    answers = (
        {
            a.item_id: a
            for a in Answer.unscoped.filter(assessment=assessment).select_related(
                "evidence_document", "evidence_asset"
            )
        }
        if assessment is not None
        else {}
    )
    previous = last_year_assessment(assessment) if assessment is not None else None
    if previous is None:
        last_keys: dict[str, str] = {}
        had_version = ChecklistVersion.objects.filter(
            checklist_id=version.checklist_id, fiscal_year=version.fiscal_year - 1
        ).first()
        known = (
            set(ChecklistItem.objects.filter(version=had_version).values_list("key", flat=True))
            if had_version
            else set()
        )
    else:
        last_keys = answers_by_key(previous)
        known = set(
            ChecklistItem.objects.filter(version=previous.version).values_list("key", flat=True)
        )
    out: list[SectionRows] = []
    sections: dict[int, SectionRows] = {}
    for item in ChecklistItem.objects.filter(version=version).select_related("section"):
        if item.section_id not in sections:
            sections[item.section_id] = SectionRows(item.section.code, item.section.title)
            out.append(sections[item.section_id])
        sections[item.section_id].rows.append(
            ItemRow(
                item=item,
                answer=answers.get(item.pk),
                last_year=last_keys.get(item.key, "") if item.key in known else "new",
                derived=derived_answer(item, facility_id) if item.derived_from else None,
            )
        )
    return out


def progress_of(assessment: Assessment | None, version: ChecklistVersion) -> rules.Progress:
    total = ChecklistItem.objects.filter(version=version).count()
    if assessment is None:
        return rules.progress([], total)
    if assessment.finished_without_system:
        return rules.Progress(total, 0, 0, total)
    values = Answer.unscoped.filter(assessment=assessment).values_list("value", flat=True)
    return rules.progress(values, total)


def changes_since_last_year(assessment: Assessment) -> list[tuple[ChecklistItem, rules.Change]]:
    previous = last_year_assessment(assessment)
    items = list(ChecklistItem.objects.filter(version=assessment.version))
    if previous is None:
        return []
    last = answers_by_key(previous)
    known = set(
        ChecklistItem.objects.filter(version=previous.version).values_list("key", flat=True)
    )
    last_with_new = {k: last.get(k, "") for k in known}
    this = answers_by_key(assessment)
    changes = rules.changes_since(last_with_new, this, [i.key for i in items])
    return [(i, c) for i, c in zip(items, changes, strict=True) if c.kind != "same"]


def history_of(user: Any, assessment: Assessment, limit: int = 50) -> list[AnswerChange]:
    return list(
        AnswerChange.objects.visible_to(user)
        .filter(assessment=assessment)
        .select_related("item")[:limit]
    )


def assessments_of_facility(user: Any, facility: Facility) -> list[Assessment]:
    return list(
        Assessment.objects.visible_to(user)
        .filter(facility=facility)
        .select_related("version__checklist")
        .annotate(answered=Count("answers", filter=~Q(answers__value="")))
    )


def assets_of(user: Any, facility: Facility) -> list[Asset]:
    return list(Asset.objects.visible_to(user).filter(facility=facility).in_use())


@dataclass(frozen=True)
class PrefectureRow:
    prefecture: str
    label: str
    facilities: int
    started: int
    complete: int
    no_answers: int
    answers: int

    @property
    def no_rate(self) -> int:
        return round(100 * self.no_answers / self.answers) if self.answers else 0

    @property
    def complete_rate(self) -> int:
        return round(100 * self.complete / self.facilities) if self.facilities else 0


def _require_all_facilities(user: Any) -> None:
    """The counts cover every facility: only for those who may see them all."""
    if not getattr(user, "sees_all_facilities", False):
        raise PermissionDenied


def active_facilities_by_prefecture(user: Any) -> dict[str, int]:
    _require_all_facilities(user)
    return dict(
        Facility.objects.visible_to(user)
        .filter(status="active")
        .values_list("prefecture")
        .annotate(n=Count("pk"))
        .values_list("prefecture", "n")
    )


def association_overview(
    user: Any, version: ChecklistVersion, facilities: dict[str, int] | None = None
) -> list[PrefectureRow]:
    """Where members stand, per prefecture: counts only — never one facility's answers (read
    from the version's :class:`OverviewTally` rows, see :mod:`.tallies`). ``facilities``: the
    active facilities per prefecture, when the caller has counted them already."""
    _require_all_facilities(user)
    from medcyber.registry.choices import Prefecture

    if facilities is None:
        facilities = active_facilities_by_prefecture(user)
    stats = {
        row["prefecture"]: [row["started"], row["complete"], row["no"], row["answered"]]
        for row in OverviewTally.objects.filter(version=version, item=None)
        .values("prefecture")
        .annotate(
            started=Sum("assessments"),
            complete=Sum("complete"),
            no=Sum("no"),
            answered=Sum("answered"),
        )
        .order_by()
    }
    labels = dict(Prefecture.choices)
    return [
        PrefectureRow(
            code,
            str(labels.get(code, code)),
            facilities.get(code, 0),
            *stats.get(code, [0, 0, 0, 0]),
        )
        for code in sorted(set(facilities) | set(stats))
    ]


def findings_of(user: Any, facility: Facility) -> list[KevFinding]:
    return list(
        KevFinding.objects.visible_to(user)
        .filter(asset__facility=facility, asset__retired_on__isnull=True)
        .select_related("asset", "entry")
    )


@dataclass(frozen=True)
class KevCount:
    entry: KevEntry
    facilities: int
    open: int


def kev_counts(user: Any, limit: int = 20) -> list[KevCount]:
    """The catalogue entries that hit the most facilities, with how many are still open."""
    rows: list[dict[str, Any]] = list(
        KevFinding.objects.visible_to(user)
        .filter(asset__retired_on__isnull=True)
        .values("entry")
        .annotate(
            facilities=Count("asset__facility", distinct=True),
            open=Count("pk", filter=Q(status=KevFinding.Status.OPEN)),
        )
        .order_by("-facilities", "entry")[:limit]
    )
    entries = KevEntry.objects.in_bulk([r["entry"] for r in rows])
    return [KevCount(entries[r["entry"]], r["facilities"], r["open"]) for r in rows]


@dataclass(frozen=True)
class ItemRate:
    item: ChecklistItem
    answered: int
    yes: int
    no: int

    @property
    def no_rate(self) -> int:
        return round(100 * self.no / self.answered) if self.answered else 0


def item_rates(user: Any, version: ChecklistVersion, kind: str = "") -> list[ItemRate]:
    """Per item of a version: how many facilities answered, and how many said yes and no
    (counts over every facility, optionally of one kind; from :mod:`.tallies`)."""
    _require_all_facilities(user)
    tallies = OverviewTally.objects.filter(version=version, item__isnull=False)
    if kind:
        tallies = tallies.filter(facility_kind=kind)
    counts = {
        row["item"]: row
        for row in tallies.values("item")
        .annotate(answered=Sum("answered"), yes=Sum("yes"), no=Sum("no"))
        .order_by()
    }
    return [
        ItemRate(
            item,
            counts.get(item.pk, {}).get("answered", 0),
            counts.get(item.pk, {}).get("yes", 0),
            counts.get(item.pk, {}).get("no", 0),
        )
        for item in ChecklistItem.objects.filter(version=version)
    ]
