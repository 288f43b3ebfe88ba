"""The association overview reads per-version counts (prefecture × facility kind × item) that a
task rebuilds after answers change: they must equal a direct count of the answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q

from medcyber.accounts.roles import Role
from medcyber.guideline import queries, rules, services, tallies
from medcyber.guideline.models import Answer, Assessment, ChecklistItem, TallyState
from medcyber.guideline.tasks import refresh_overview_counts
from medcyber.registry.choices import FacilityKind, Prefecture
from tests import factories
from tests.guideline.factories import assessment_for, version

pytestmark = pytest.mark.django_db


def _items() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(version=version()))


def _answer(assessment: Assessment, values: dict[int, str]) -> None:
    services.save_answers(
        assessment=assessment,
        entries=[
            services.AnswerEntry(
                pk,
                value,
                dt.date(2025, 6, 1) if value == rules.YES else None,
                dt.date(2026, 1, 31) if value == rules.NO else None,
            )
            for pk, value in values.items()
        ],
        by=None,
    )


def _direct_items(kind: str = "") -> dict[int, tuple[int, int, int]]:
    answers = Answer.unscoped.filter(assessment__version=version(), assessment__vendor_name="")
    if kind:
        answers = answers.filter(assessment__facility__kind=kind)
    return {
        row["item"]: (row["answered"], row["yes"], row["no"])
        for row in answers.values("item").annotate(
            answered=Count("pk", filter=~Q(value="")),
            yes=Count("pk", filter=Q(value=rules.YES)),
            no=Count("pk", filter=Q(value=rules.NO)),
        )
        if row["answered"]
    }


def _direct_prefectures() -> dict[str, tuple[int, int, int, int]]:
    total = len(_items())
    out: dict[str, list[int]] = {}
    for a in Assessment.unscoped.filter(version=version(), vendor_name="").select_related(
        "facility"
    ):
        values = list(
            Answer.unscoped.filter(assessment=a).exclude(value="").values_list("value", flat=True)
        )
        s = out.setdefault(a.facility.prefecture, [0, 0, 0, 0])
        s[0] += 1
        s[1] += a.has_medical_system is False or len(values) >= total
        s[2] += values.count(rules.NO)
        s[3] += len(values)
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}


def _assert_counts_match(admin: Any) -> None:
    tallies.refresh(version())
    for kind in ("", *FacilityKind.values):
        read = {
            r.item.pk: (r.answered, r.yes, r.no)
            for r in queries.item_rates(admin, version(), kind)
            if r.answered
        }
        assert read == _direct_items(kind), kind
    rows = {
        r.prefecture: (r.started, r.complete, r.no_answers, r.answers)
        for r in queries.association_overview(admin, version())
        if r.started
    }
    assert rows == _direct_prefectures()


def test_the_counts_equal_a_direct_count_after_changes() -> None:
    admin = factories.staff_user(Role.ASSOCIATION_ADMIN)
    items = _items()
    osaka = factories.FacilityFactory(prefecture=Prefecture.OSAKA, kind=FacilityKind.HOSPITAL)
    tokyo = factories.FacilityFactory()
    other = factories.FacilityFactory(prefecture=Prefecture.OSAKA)
    first = assessment_for(osaka, has_medical_system=True)
    second = assessment_for(tokyo, has_medical_system=True)
    assessment_for(other, has_medical_system=False)
    assessment_for(other, code="vendor", vendor_name="保守会社")  # vendors' parts: not counted
    _answer(first, {i.pk: rules.YES for i in items})
    _answer(second, {items[0].pk: rules.NO, items[1].pk: rules.YES})
    _assert_counts_match(admin)
    _answer(first, {items[0].pk: rules.NO, items[2].pk: rules.NO})
    _answer(second, {i.pk: rules.YES for i in items[1:]})
    services.answer_opening_question(assessment=second, has_medical_system=False, by=None)
    services.start_assessment(facility=factories.FacilityFactory(), version=version(), by=None)
    _assert_counts_match(admin)


def test_changes_queue_one_refresh_until_it_has_run(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    admin = factories.staff_user(Role.ASSOCIATION_ADMIN)
    items = _items()
    assessment = assessment_for(has_medical_system=True)
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_overview_counts")
    with django_capture_on_commit_callbacks(execute=True):
        _answer(assessment, {items[0].pk: rules.NO})
    with django_capture_on_commit_callbacks(execute=True):
        _answer(assessment, {items[1].pk: rules.YES})
    assert queued.count() == 1  # debounced: one run for both changes
    task = queued.get()
    assert task.run_after > task.enqueued_at + dt.timedelta(seconds=20)
    assert refresh_overview_counts.call(version().pk) > 0
    assert not TallyState.objects.get(version=version()).pending
    read = {r.item.pk: (r.answered, r.yes, r.no) for r in queries.item_rates(admin, version())}
    assert read[items[0].pk] == (1, 0, 1) and read[items[1].pk] == (1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        _answer(assessment, {items[1].pk: rules.NO})
    assert queued.count() == 2  # after the run, the next change queues again


def test_only_staff_who_see_every_facility_read_the_counts() -> None:
    user, _member, _facility = factories.member_with_facility()
    with pytest.raises(PermissionDenied):
        queries.item_rates(user, version())
    with pytest.raises(PermissionDenied):
        queries.association_overview(user, version())
