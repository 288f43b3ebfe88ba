"""医籍番号 (a doctor's MHLW registration number) on members: import, export, search, page."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from medcyber.accounts.roles import Role
from medcyber.registry.exports import export_file
from medcyber.registry.models import Member
from medcyber.registry.search import search_members
from tests import factories
from tests.registry.test_import_apply import MEMBER_HEADER, SATO, SUZUKI, YAMADA, csv_file, run

pytestmark = pytest.mark.usefixtures("db")

HEADER = [*MEMBER_HEADER, "医籍番号"]


def test_the_number_is_imported_normalised_from_full_width(tmp_path: Path) -> None:
    report = run(
        csv_file(
            tmp_path, [[*YAMADA, "１２３４５６"], [*SUZUKI, ""], [*SATO, "7654321"]], header=HEADER
        )
    )
    assert report.ok, report.errors
    numbers = dict(Member.unscoped.values_list("membership_number", "medical_registration_number"))
    assert numbers == {"130001": "123456", "130002": "", "130003": "7654321"}


def test_the_english_header_is_taken(tmp_path: Path) -> None:
    header = [*MEMBER_HEADER, "medical_registration_number"]
    assert run(csv_file(tmp_path, [[*SATO, "111"]], header=header)).ok
    assert Member.unscoped.get().medical_registration_number == "111"


def test_bad_duplicated_and_taken_numbers_are_refused_in_japanese(tmp_path: Path) -> None:
    factories.MemberFactory(membership_number="999999", medical_registration_number="222222")
    rows = [[*YAMADA, "12345678"], [*SUZUKI, "333333"], [*SATO, "333333"]]
    rows.append(["130004", "森", "一", "モリ", "ハジメ", "B", "13", "", "2020-01-01", "", "222222"])
    report = run(csv_file(tmp_path, rows, header=HEADER))
    errors = {(e.line, e.column): e.message for e in report.errors}
    assert errors == {
        (2, "医籍番号"): "医籍番号は7桁までの半角数字で入力してください。",
        (4, "医籍番号"): "3行目と重複しています。同じものは1行にしてください。",
        (5, "医籍番号"): "この医籍番号は別の会員（会員番号 999999）に登録されています。",
    }
    assert not report.applied
    assert Member.unscoped.count() == 1


def test_re_importing_keeps_the_number_and_an_update_may_set_it(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [[*SATO, ""]], header=HEADER))
    report = run(csv_file(tmp_path, [[*SATO, "555555"]], header=HEADER))
    assert (report.updated, report.unchanged) == (1, 0)
    report = run(csv_file(tmp_path, [[*SATO, "555555"]], header=HEADER))
    assert (report.updated, report.unchanged) == (0, 1)
    report = run(csv_file(tmp_path, [SATO]))  # a file without the column leaves it alone
    assert Member.unscoped.get().medical_registration_number == "555555"


def test_the_database_keeps_a_number_to_one_member() -> None:
    factories.MemberFactory(medical_registration_number="101010")
    factories.MemberFactory(medical_registration_number="")
    factories.MemberFactory(medical_registration_number="")  # empty is not a number
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MemberFactory(medical_registration_number="101010")


def test_the_export_has_the_column_the_import_takes(tmp_path: Path) -> None:
    factories.MemberFactory(membership_number="130001", medical_registration_number="424242")
    path = tmp_path / "members.csv"
    export_file("members", Member.unscoped.all(), path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "医籍番号"
    assert rows[1][-1] == "424242"
    assert run(path).ok  # what was exported imports back


def test_staff_find_a_member_by_the_number_and_see_it_on_the_page(client: Any) -> None:
    staff = factories.staff_user(Role.DESK_TIER1)
    member = factories.MemberFactory(
        membership_number="130001", medical_registration_number="31337"
    )
    factories.MemberFactory(membership_number="313370")  # a member number starting alike
    found = list(search_members(staff, {"q": "３１３３７"}))
    assert member in found
    client.force_login(staff)
    page = client.get(reverse("registry:member_detail", args=[member.pk])).content.decode()
    assert "医籍番号" in page and "31337" in page
