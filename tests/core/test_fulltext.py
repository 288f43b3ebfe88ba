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
