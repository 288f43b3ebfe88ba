"""core.fulltext: the normalisation table and the search over a real database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcyber.core import fulltext


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("パスワード", "パスワード"),
        ("ﾊﾟｽﾜｰﾄﾞ", "パスワード"),
        ("ぱすわーど", "パスワード"),
        ("ＶＰＮ　機器", "vpn 機器"),
        ("VPN", "vpn"),
        ("１２３", "123"),
        ("  ランサム\tウェア  ", "ランサム ウェア"),
    ],
)
def test_normalise(typed: str, normalised: str) -> None:
    assert fulltext.normalise(typed) == normalised


def test_terms_drop_repeats_and_blanks() -> None:
    assert fulltext.terms("  VPN ｖｐｎ 更新 ") == ["vpn", "更新"]
    assert fulltext.terms("　") == []


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = fulltext.normalise(text)
    assert fulltext.normalise(once) == once


@pytest.mark.django_db
def test_postgresql_answers_a_japanese_word_from_the_trigram_index() -> None:
    from django.db import connection

    from medcyber.portal.models import ContentItem

    if connection.vendor != "postgresql":
        pytest.skip("the trigram index exists on PostgreSQL only")
    query = fulltext.search(ContentItem.objects.all(), "脆弱性").values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "portal_item_search_trgm_idx" in plan
