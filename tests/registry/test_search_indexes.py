"""On PostgreSQL the staff searches are answered by indexes, not by reading every row.

With sequential scans switched off, the plan of each part of a search must name its index: if
the search's SQL and the index's expression ever drift apart, the plan falls back to a scan and
this test says which search lost its index (bench/ measures the speed itself). The parts read
in index order must need no sort: with sorting switched off as well, their plans have none.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from medcyber.accounts.roles import Role
from medcyber.registry import search
from tests import factories

pytestmark = pytest.mark.django_db


def _plan(queryset: Any, *settings: str) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _parts(kind: str, query: str) -> list[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("the indexes that serve these searches are PostgreSQL's")
    factories.member_with_facility()
    staff = factories.staff_user(Role.DESK_TIER1)
    find = search.search_members if kind == "members" else search.search_facilities
    return find(staff, {"q": query}).parts


@pytest.mark.parametrize(
    ("kind", "query", "part", "index"),
    [
        ("members", "やまだ", 0, "member_kana_prefix_idx"),  # 姓 ヤ/ヤマ + 名
        ("members", "やまだ", 1, "member_kana_prefix_idx"),  # 姓 ヤマダ…
        ("members", "山田", 0, "member_family_kana_order_idx"),  # 姓 山田
        ("members", "山田", 1, "member_given_name_prefix_idx"),  # 姓 山田…, 名 山田…
        ("members", "130", 1, "membership_number"),
        ("facilities", "さくら", 0, "facility_kana_prefix_idx"),
        ("facilities", "さくら", 1, "facility_name_trgm_idx"),
        ("facilities", "サクラシン", 0, "facility_kana_prefix_idx"),
        ("facilities", "0339", 0, "facility_code_prefix_idx"),
        ("facilities", "0339", 1, "facility_care_prefix_idx"),
        ("facilities", "0339", 2, "facility_phone_digits_trgm_idx"),
    ],
)
def test_each_search_is_served_by_its_index(kind: str, query: str, part: int, index: str) -> None:
    plan = _plan(_parts(kind, query)[part])
    assert index in plan, plan


@pytest.mark.parametrize(
    ("kind", "query", "part"),
    [
        ("members", "やまだ", 1),
        ("members", "山田", 0),
        ("members", "130", 1),
        ("members", "", 0),
        ("facilities", "さくら", 0),
        ("facilities", "1312", 0),
        ("facilities", "1312", 1),
        ("facilities", "", 0),
    ],
)
def test_big_parts_are_read_in_the_order_shown(kind: str, query: str, part: int) -> None:
    plan = _plan(_parts(kind, query)[part], "enable_sort = off")
    # an "Incremental Sort" only orders rows with the same name or number by id
    assert not re.search(r"(^|-> +)Sort ", plan, re.MULTILINE), plan
