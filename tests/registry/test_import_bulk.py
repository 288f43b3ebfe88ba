"""The import's bulk path: keys remembered across chunks, COPY writes and merges, look-ups.

These run on SQLite (ORM and a dictionary) and on PostgreSQL (COPY, temporary tables), so the
two paths are held to the same results.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medcyber.registry.choices import MemberStatus
from medcyber.registry.imports.bulk import fetch
from medcyber.registry.models import Facility, Member
from tests.factories import FacilityFactory
from tests.registry.test_import_apply import MEMBER_HEADER, SATO, SUZUKI, YAMADA, csv_file, run

pytestmark = pytest.mark.usefixtures("db")


def test_a_row_after_a_rejected_row_with_the_same_number_is_a_duplicate(tmp_path: Path) -> None:
    typo = [*YAMADA[:5], "Q", *YAMADA[6:]]  # same number, impossible class
    report = run(csv_file(tmp_path, [typo, SUZUKI, SATO, YAMADA]), chunk_size=2)
    assert report.rejected_rows == 2
    duplicate = next(e for e in report.errors if e.line == 5)
    assert "ほかの行と重複しています" in duplicate.message


def test_a_full_file_read_in_small_chunks_ends_only_the_absent(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [YAMADA, SUZUKI, SATO]))
    report = run(csv_file(tmp_path, [SATO, YAMADA]), full=True, chunk_size=1)
    assert (report.ended, report.unchanged) == (1, 2)
    ended = Member.unscoped.get(membership_number="130002")
    assert (ended.valid_to, ended.status) == (dt.date(2026, 4, 1), MemberStatus.WITHDRAWN)
    assert Member.unscoped.filter(valid_to__isnull=True).count() == 2


def test_updates_in_several_chunks_change_only_the_changed_rows(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [YAMADA, SUZUKI, SATO]))
    before = {m.membership_number: m.updated_at for m in Member.unscoped.all()}
    renamed = [*SUZUKI[:2], "華子", *SUZUKI[3:]]
    moved = [*SATO[:6], "京都府", *SATO[7:]]
    report = run(csv_file(tmp_path, [YAMADA, renamed, moved]), chunk_size=1)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    members = {m.membership_number: m for m in Member.unscoped.select_related()}
    assert members["130002"].given_name == "華子"
    assert members["130003"].prefectural_association.prefecture == "26"
    assert members["130001"].updated_at == before["130001"]
    assert members["130002"].updated_at > before["130002"]


def test_new_rows_get_defaults_for_columns_the_file_does_not_have(tmp_path: Path) -> None:
    header = [*MEMBER_HEADER[:8], "入会日"]
    row = [*SATO[:8], SATO[8]]
    report = run(csv_file(tmp_path, [row], header=header))
    assert report.created == 1
    member = Member.unscoped.get()
    assert (member.status, member.email, member.phone, member.valid_to) == (
        MemberStatus.ACTIVE,
        "",
        "",
        None,
    )
    assert member.created_at is not None and member.user_id is None


def test_fetch_by_pairs_matches_both_values() -> None:
    wanted = FacilityFactory(medical_institution_code="", name="山田医院", address="東京都1-1")
    FacilityFactory(medical_institution_code="", name="山田医院", address="東京都9-9")
    FacilityFactory(medical_institution_code="", name="鈴木医院", address="東京都1-1")
    rows = fetch(
        Facility,
        ["pk", "name"],
        ("name", "address"),
        [("山田医院", "東京都1-1"), ("佐藤医院", "東京都1-1")],
        medical_institution_code="",
    )
    assert rows == [{"pk": wanted.pk, "name": "山田医院"}]
    assert fetch(Facility, ["pk"], "name", []) == []
