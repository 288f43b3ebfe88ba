"""A search that matches a huge share of the registry says 「10,000件以上」 instead of counting."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.registry import search
from medcyber.registry.models import Facility
from tests import factories

pytestmark = pytest.mark.usefixtures("db")
FACILITIES = reverse("registry:facility_search")


@pytest.fixture
def desk(client: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    client.force_login(factories.staff_user(Role.DESK_TIER1))
    return client


def _clinics(n: int) -> None:
    for i in range(n):
        factories.FacilityFactory(medical_institution_code=f"13100000{i:02d}")


def test_more_matches_than_the_cap_are_shown_as_at_least(desk: Any) -> None:
    _clinics(5)
    response = desk.get(FACILITIES, {"q": "1310"})
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.capped) == (3, True)
    assert "3 件以上あります。1〜3 件を表示しています。" in response.content.decode()


def test_matches_within_the_cap_are_counted_exactly(desk: Any) -> None:
    _clinics(3)
    response = desk.get(FACILITIES, {"q": "1310"})
    assert response.context["page"].paginator.capped is False
    assert "3 件中 1〜3 件を表示" in response.content.decode()


def test_the_capped_count_ignores_the_order_and_counts_a_plain_list() -> None:
    _clinics(2)
    paginator = search.SearchPaginator(Facility.unscoped.order_by("-name_kana"), 50)
    assert (paginator.count, paginator.capped) == (2, False)
    assert search.SearchPaginator([1, 2, 3], 2).count == 3
