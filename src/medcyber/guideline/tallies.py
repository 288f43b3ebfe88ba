"""The association overview's counts per version, prefecture, facility kind and item (GL-3's
association view at national scale).

Counting every answer of a fiscal year on each request takes seconds on national data, so the
overview reads :class:`~medcyber.guideline.models.OverviewTally` rows instead. They are rebuilt
from the answers by :func:`refresh`: a task queued :data:`DEBOUNCE` after a change to a
version's answers (one run however many changes come meanwhile), and ``medcyber guideline
refresh-counts`` (nightly, and after registry changes such as a facility's prefecture).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from . import rules
from .models import Answer, Assessment, ChecklistItem, ChecklistVersion, OverviewTally, TallyState

#: How long after a change the counts are rebuilt; changes meanwhile share the run.
DEBOUNCE = dt.timedelta(seconds=30)


def changed(version_id: int) -> None:
    """A version's answers changed (call on commit): queue one refresh unless one is queued."""
    from .tasks import refresh_overview_counts

    TallyState.objects.get_or_create(version_id=version_id)
    if not TallyState.objects.filter(version_id=version_id, pending=False).update(pending=True):
        return
    task = refresh_overview_counts
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + DEBOUNCE)
    task.enqueue(version_id)


def refresh(version: ChecklistVersion | int) -> int:
    """Rebuild one version's counts from its answers (facilities' own parts, not vendors');
    returns the number of rows written."""
    version_id = version if isinstance(version, int) else version.pk
    # cleared first: a change committed from here on queues another run
    TallyState.objects.update_or_create(version_id=version_id, defaults={"pending": False})
    total_items = ChecklistItem.objects.filter(version_id=version_id).count()
    tallies: dict[tuple[str, str, int | None], OverviewTally] = {}

    def tally(prefecture: str, kind: str, item_id: int | None) -> OverviewTally:
        key = (prefecture, kind, item_id)
        if key not in tallies:
            tallies[key] = OverviewTally(
                version_id=version_id, prefecture=prefecture, facility_kind=kind, item_id=item_id
            )
        return tallies[key]

    per_assessment = (
        Assessment.unscoped.filter(version_id=version_id, vendor_name="")
        .values("pk", "facility__prefecture", "facility__kind", "has_medical_system")
        .annotate(
            answered=Count("answers", filter=~Q(answers__value="")),
            no=Count("answers", filter=Q(answers__value=rules.NO)),
        )
        .order_by()
    )
    for row in per_assessment.iterator(chunk_size=5000):
        t = tally(row["facility__prefecture"], row["facility__kind"], None)
        t.assessments += 1
        t.complete += row["has_medical_system"] is False or row["answered"] >= total_items
        t.answered += row["answered"]
        t.no += row["no"]
    per_item = (
        Answer.unscoped.filter(assessment__version_id=version_id, assessment__vendor_name="")
        .values("assessment__facility__prefecture", "assessment__facility__kind", "item")
        .annotate(
            answered=Count("pk", filter=~Q(value="")),
            yes=Count("pk", filter=Q(value=rules.YES)),
            no=Count("pk", filter=Q(value=rules.NO)),
        )
        .order_by()
    )
    for row in per_item:
        t = tally(
            row["assessment__facility__prefecture"], row["assessment__facility__kind"], row["item"]
        )
        t.answered, t.yes, t.no = row["answered"], row["yes"], row["no"]
    with transaction.atomic():
        TallyState.objects.select_for_update().get(version_id=version_id)
        OverviewTally.objects.filter(version_id=version_id).delete()
        OverviewTally.objects.bulk_create(tallies.values(), batch_size=2000)
        TallyState.objects.filter(version_id=version_id).update(refreshed_at=timezone.now())
    return len(tallies)


def refreshed_at(version: ChecklistVersion) -> dt.datetime | None:
    state: Any = TallyState.objects.filter(version=version).first()
    return state.refreshed_at if state else None
