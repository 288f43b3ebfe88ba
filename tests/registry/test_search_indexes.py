"""On PostgreSQL the staff searches are answered by indexes, not by reading every row.

With sequential scans switched off, the plan of each search must name its index: if the
search's SQL and the index's expression ever drift apart, the plan falls back to a scan and
this test says which search lost its index (bench/ measures the speed itself).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from medcyber.accounts.roles import Role
from medcyber.registry import search
from tests import factories

pytestmark = pytest.mark.django_db


def _plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("kind", "query", "index"),
    [
        ("members", "やまだ", "member_kana_prefix_idx"),
        ("members", "山田", "member_name_prefix_idx"),
        ("members", "130", "membership_number"),
        ("facilities", "さくら", "facility_name_trgm_idx"),
        ("facilities", "サクラシン", "facility_kana_prefix_idx"),
        ("facilities", "0339", "facility_phone_digits_trgm_idx"),
    ],
)
def test_each_search_is_served_by_its_index(kind: str, query: str, index: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the indexes that serve these searches are PostgreSQL's")
    factories.member_with_facility()
    staff = factories.staff_user(Role.DESK_TIER1)
    find = search.search_members if kind == "members" else search.search_facilities
    plan = _plan(find(staff, {"q": query}))
    assert index in plan, plan
