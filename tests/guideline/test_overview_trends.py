"""The association compares fiscal years: completion per prefecture and “no” per item as SVG
charts drawn on the server, and as CSV — counts only, never a facility; the counts follow the
registry when a facility moves prefecture."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.guideline import charts, services, tallies
from medcyber.guideline.models import ChecklistItem, TallyState
from medcyber.registry.choices import FacilityKind
from tests import factories
from tests.guideline.factories import assessment_for, version

pytestmark = pytest.mark.django_db


def _answer_all(assessment: Any, value: str) -> None:
    entries = [
        services.AnswerEntry(
            item.pk,
            value,
            target_date=dt.date(assessment.fiscal_year + 1, 1, 31) if value == "no" else None,
        )
        for item in ChecklistItem.objects.filter(version=assessment.version)
    ]
    services.save_answers(assessment=assessment, entries=entries, by=None)


@pytest.fixture
def two_years() -> Any:
    tokyo = factories.FacilityFactory(prefecture="13", kind=FacilityKind.CLINIC, name="東京診療所")
    osaka = factories.FacilityFactory(prefecture="27", kind=FacilityKind.CLINIC, name="大阪診療所")
    _answer_all(assessment_for(tokyo, fiscal_year=2024, has_medical_system=True), "no")
    _answer_all(assessment_for(tokyo, fiscal_year=2025, has_medical_system=True), "yes")
    assessment_for(osaka, fiscal_year=2025, has_medical_system=True)
    for year in (2024, 2025):
        tallies.refresh(version(year))
    return tokyo, osaka


def test_the_trends_page_draws_both_years(client: Any, two_years: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN))
    page = client.get(reverse("guideline:overview_trends"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<svg") == 2
    assert "都道府県別の完了率（2024年度・2025年度）" in body
    assert "2025年度 東京都: 100%" in body  # the bar's own title, read out by screen readers
    assert "2025年度 大阪府: 0%" in body
    assert "東京診療所" not in body and "大阪診療所" not in body


def test_the_csv_has_a_row_per_year_and_prefecture(client: Any, two_years: Any) -> None:
    client.force_login(factories.staff_user(Role.AUDITOR))
    response = client.get(reverse("guideline:overview_trend_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["年度", "都道府県"]
    tokyo = [r for r in rows[1:] if r[1] == "東京都"]
    assert [(r[0], r[5], r[6]) for r in tokyo] == [("2024", "100", "100"), ("2025", "100", "0")]


def test_tenants_cannot_see_the_trends(client: Any) -> None:
    user, _member, _facility = factories.member_with_facility()
    client.force_login(user)
    assert client.get(reverse("guideline:overview_trends")).status_code == 403
    assert client.get(reverse("guideline:overview_trend_csv")).status_code == 403


def test_chart_text_is_escaped() -> None:
    svg = charts.grouped_bars(
        title="<b>", description="d", series=["2025年度"], groups=[charts.BarGroup("<x>", (50,))]
    )
    assert "<b>" not in svg and "&lt;x&gt;" in svg


def test_a_facility_moving_prefecture_queues_a_refresh(
    two_years: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tokyo, _osaka = two_years
    with django_capture_on_commit_callbacks(execute=True):
        tokyo.name = "東京診療所（改称）"
        tokyo.save()
    assert not TallyState.objects.filter(pending=True).exists()  # a name is not counted
    with django_capture_on_commit_callbacks(execute=True):
        tokyo.prefecture = "14"
        tokyo.save()
    assert set(
        TallyState.objects.filter(pending=True).values_list("version__fiscal_year", flat=True)
    ) == {2024, 2025}
