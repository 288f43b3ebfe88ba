"""The overview counts follow the registry: they are kept per prefecture and facility kind, so
a facility that moves prefecture or changes kind (on its page, or by a registry import) makes
the counts of every version it answered stale. The refresh is the debounced task of
:mod:`.tallies`, queued after the registry's commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from . import tallies
from .models import Assessment, ChecklistVersion

#: The facility fields the counts are grouped by.
GROUPED_BY = ("prefecture", "kind")


def _queue(version_ids: list[int]) -> None:
    for version_id in version_ids:
        tallies.changed(version_id)


def facility_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A facility's prefecture or kind changed: refresh the versions it has answered."""
    if created or kwargs.get("raw"):
        return
    loaded = getattr(instance, "_audit_loaded", None) or {}
    if all(
        loaded.get(name, getattr(instance, name)) == getattr(instance, name) for name in GROUPED_BY
    ):
        return
    version_ids = list(
        Assessment.unscoped.filter(facility_id=instance.pk, vendor_name="")
        .values_list("version_id", flat=True)
        .distinct()
    )
    if version_ids:
        transaction.on_commit(lambda: _queue(version_ids))


def import_run_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A facilities import wrote rows in bulk (no per-row signal): refresh every version."""
    if kwargs.get("raw") or instance.status != "imported" or instance.kind != "facilities":
        return
    version_ids = list(ChecklistVersion.objects.values_list("pk", flat=True))
    transaction.on_commit(lambda: _queue(version_ids))
