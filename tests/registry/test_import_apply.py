"""Importing members, facilities and founder/manager links: all or nothing, upserts, full files."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
import pytest

from medcyber.core.models import AuditEvent
from medcyber.registry.choices import MemberStatus
from medcyber.registry.imports.apply import ImportReport, import_file
from medcyber.registry.imports.readers import ImportFileError
from medcyber.registry.models import DistrictAssociation, Facility, FacilityManagement, Member
from tests.factories import FacilityFactory, MemberFactory, manage

pytestmark = pytest.mark.usefixtures("db")

TODAY = dt.date(2026, 4, 1)
MEMBER_HEADER = [
    "会員番号",
    "氏",
    "名",
    "氏カナ",
    "名カナ",
    "会員種別",
    "都道府県",
    "郡市区医師会",
    "入会日",
    "電話番号",
]
YAMADA = [
    "１３０００１",
    "山田",
    "太郎",
    "やまだ",
    "ﾀﾛｳ",
    "Ａ①",
    "東京都",
    "文京区医師会",
    "令和5年4月1日",
    "０９０１２３４５６７８",
]
SUZUKI = [
    "130002",
    "鈴木",
    "花子",
    "スズキ",
    "ハナコ",
    "A②(B)",
    "13",
    "",
    "2023/4/1",
    "03-3946-2121",
]
SATO = ["130003", "佐藤", "一郎", "サトウ", "イチロウ", "C", "大阪府", "", "2020-10-01", ""]


def csv_file(
    tmp_path: Path,
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    name: str = "members.csv",
    encoding: str = "utf-8",
) -> Path:
    lines = [header or MEMBER_HEADER, *rows]
    path = tmp_path / name
    path.write_bytes("".join(",".join(line) + "\r\n" for line in lines).encode(encoding))
    return path


def run(path: Path, kind: str = "members", **options: object) -> ImportReport:
    return import_file(path, kind=kind, today=TODAY, **options)  # type: ignore[arg-type]


def import_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="registry.import").order_by("seq"))


# --- members


def test_a_clean_file_creates_normalised_members_with_one_audit_event(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [YAMADA, SUZUKI, SATO])
    report = run(path)
    assert (report.created, report.updated, report.rejected_rows, report.applied) == (3, 0, 0, True)
    yamada = Member.unscoped.get(membership_number="130001")
    assert (yamada.family_name_kana, yamada.given_name_kana) == ("ヤマダ", "タロウ")
    assert yamada.member_class == "A1"
    assert yamada.valid_from == dt.date(2023, 4, 1)
    assert yamada.phone == "090-1234-5678"
    assert yamada.prefectural_association.prefecture == "13"
    assert yamada.district_association is not None
    assert yamada.district_association.name == "文京区医師会"
    assert Member.unscoped.get(membership_number="130002").member_class == "A2B"
    # One event for the whole import, none per row.
    assert AuditEvent.objects.filter(object_type="registry.member").count() == 0
    (event,) = import_events()
    assert event.kind == "action"
    assert event.changes["created"] == 3
    assert event.changes["applied"] is True
    # The event names the exact file imported.
    assert event.changes["file_sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [YAMADA, SUZUKI])
    run(path)
    stamps = dict(Member.unscoped.values_list("membership_number", "updated_at"))
    report = run(path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert dict(Member.unscoped.values_list("membership_number", "updated_at")) == stamps
    assert import_events()[-1].changes["created"] == 0
    assert import_events()[-1].changes["updated"] == 0


def test_a_changed_row_updates_only_that_member_and_only_the_files_columns(
    tmp_path: Path,
) -> None:
    run(csv_file(tmp_path, [YAMADA, SUZUKI]))
    Member.unscoped.filter(membership_number="130002").update(email="hanako@example.jp")
    stamp = Member.unscoped.get(membership_number="130001").updated_at
    report = run(csv_file(tmp_path, [YAMADA, [*SUZUKI[:5], "B", *SUZUKI[6:]]]))
    assert (report.updated, report.unchanged) == (1, 1)
    suzuki = Member.unscoped.get(membership_number="130002")
    assert suzuki.member_class == "B"
    assert suzuki.email == "hanako@example.jp"  # no e-mail column: left alone
    assert Member.unscoped.get(membership_number="130001").updated_at == stamp


def test_one_bad_row_means_nothing_changes(tmp_path: Path) -> None:
    bad = [*SATO[:5], "Z", "大阪府", "", "2023-02-30", ""]
    report = run(csv_file(tmp_path, [YAMADA, SUZUKI, bad]))
    assert not report.applied
    assert report.rejected_rows == 1
    assert [(e.line, e.column, e.value) for e in report.errors] == [
        (4, "会員種別", "Z"),
        (4, "入会日", "2023-02-30"),
    ]
    assert report.errors[1].message == "2023年2月30日という日付はありません。"
    assert not Member.unscoped.exists()
    assert not DistrictAssociation.objects.exists()
    (event,) = import_events()  # the refusal is on record
    assert event.changes["applied"] is False
    assert event.changes["rejected"] == 1


def test_valid_only_imports_the_good_rows(tmp_path: Path) -> None:
    bad = [*SATO[:3], "さとう1", *SATO[4:]]
    report = run(csv_file(tmp_path, [YAMADA, bad, SUZUKI]), valid_only=True)
    assert report.applied
    assert (report.created, report.rejected_rows) == (2, 1)
    assert report.errors[0].column == "氏カナ"
    assert "全角カタカナ" in report.errors[0].message
    assert set(Member.unscoped.values_list("membership_number", flat=True)) == {"130001", "130002"}


def test_a_dry_run_reports_and_changes_nothing(tmp_path: Path) -> None:
    report = run(csv_file(tmp_path, [YAMADA, SUZUKI]), dry_run=True)
    assert (report.created, report.applied) == (2, False)
    assert not Member.unscoped.exists()
    assert not import_events()


def test_duplicated_numbers_in_the_file_are_rejected_even_across_chunks(tmp_path: Path) -> None:
    again = [*YAMADA[:1], "山田", "次郎", "ヤマダ", "ジロウ", *YAMADA[5:]]
    report = run(csv_file(tmp_path, [YAMADA, SUZUKI, SATO, again]), chunk_size=2)
    assert report.rejected_rows == 1
    assert report.errors[0].line == 5
    assert "2行目と重複しています" in report.errors[0].message
    assert not Member.unscoped.exists()


def test_over_long_fields_and_bad_emails_are_reported(tmp_path: Path) -> None:
    header = [*MEMBER_HEADER, "メールアドレス"]
    row = [YAMADA[0], "山" * 51, *YAMADA[2:], "not-an-address"]
    report = run(csv_file(tmp_path, [row], header=header))
    assert {e.column for e in report.errors} == {"氏", "メールアドレス"}
    assert "50文字以内" in next(e.message for e in report.errors if e.column == "氏")


def test_a_full_file_ends_the_memberships_it_does_not_list(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [YAMADA, SUZUKI, SATO]))
    withdrawn_before = MemberFactory(
        membership_number="130009", valid_to=dt.date(2020, 1, 1), status=MemberStatus.WITHDRAWN
    )
    report = run(csv_file(tmp_path, [YAMADA]), full=True)
    assert report.ended == 2
    for number in ("130002", "130003"):
        member = Member.unscoped.get(membership_number=number)  # never deleted
        assert (member.valid_to, member.status) == (TODAY, MemberStatus.WITHDRAWN)
    assert Member.unscoped.get(membership_number="130001").valid_to is None
    withdrawn_before.refresh_from_db()
    assert withdrawn_before.valid_to == dt.date(2020, 1, 1)
    assert import_events()[-1].changes["ended"] == 2


def test_a_rejected_row_still_counts_as_present_in_a_full_file(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [YAMADA, SUZUKI]))
    typo = [*SUZUKI[:5], "Q", *SUZUKI[6:]]
    report = run(csv_file(tmp_path, [YAMADA, typo]), full=True, valid_only=True)
    assert (report.ended, report.rejected_rows) == (0, 1)
    assert Member.unscoped.get(membership_number="130002").valid_to is None


def test_full_is_for_member_and_facility_files_only(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="会員か施設の取り込みでだけ"):
        run(csv_file(tmp_path, [YAMADA]), kind="links", full=True)


def test_a_formula_in_excel_is_rejected(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(MEMBER_HEADER)
    sheet.append(YAMADA)
    sheet.append([*SUZUKI[:1], '=B2&"子"', *SUZUKI[2:]])
    path = tmp_path / "members.xlsx"
    book.save(path)
    report = run(path)
    assert [(e.line, e.column) for e in report.errors] == [(3, "氏")]
    assert report.errors[0].message.startswith("数式は使えません")
    assert not Member.unscoped.exists()


# --- facilities

FACILITY_HEADER = [
    "医療機関コード",
    "施設名",
    "施設名カナ",
    "施設種別",
    "郵便番号",
    "都道府県",
    "住所",
    "電話番号",
]
SAKURA = [
    "1310000001",
    "さくら診療所",
    "サクラシンリョウジョ",
    "診療所",
    "1138621",
    "東京都",
    "東京都文京区本駒込２－２８－１６",
    "03-3946-2121",
]
NOCODE = ["", "ひまわり苑", "ひまわりえん", "介護", "", "大阪府", "大阪市北区1-1", ""]


def facility_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    return csv_file(tmp_path, rows, header=FACILITY_HEADER, name="facilities.csv")


def test_facilities_upsert_by_code_or_by_name_and_address(tmp_path: Path) -> None:
    report = run(facility_file(tmp_path, [SAKURA, NOCODE]), kind="facilities")
    assert report.created == 2
    sakura = Facility.unscoped.get(medical_institution_code="1310000001")
    assert (sakura.postal_code, sakura.address) == ("113-8621", "東京都文京区本駒込2-28-16")
    himawari = Facility.unscoped.get(name="ひまわり苑")
    assert (himawari.kind, himawari.name_kana) == ("care_facility", "ヒマワリエン")
    renamed = [*SAKURA[:1], "さくら内科クリニック", *SAKURA[2:]]
    report = run(facility_file(tmp_path, [renamed, NOCODE]), kind="facilities")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Facility.unscoped.count() == 2


def test_two_registered_facilities_with_the_same_name_and_address_are_ambiguous(
    tmp_path: Path,
) -> None:
    for _ in range(2):
        FacilityFactory(medical_institution_code="", name="ひまわり苑", address="大阪市北区1-1")
    report = run(facility_file(tmp_path, [NOCODE]), kind="facilities")
    assert "複数登録されています" in report.errors[0].message


# --- founder/manager links

LINK_HEADER = ["医療機関コード", "会員番号", "関係", "開始日", "終了日"]


def link_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    return csv_file(tmp_path, rows, header=LINK_HEADER, name="links.csv")


def test_links_are_created_then_left_alone(tmp_path: Path) -> None:
    facility = FacilityFactory(medical_institution_code="1310000001")
    member = MemberFactory(membership_number="130001")
    path = link_file(tmp_path, [["1310000001", "130001", "開設者・管理者", "2015-04-01", ""]])
    assert run(path, kind="links").created == 1
    link = FacilityManagement.unscoped.get()
    assert (link.facility, link.member, link.valid_from) == (facility, member, dt.date(2015, 4, 1))
    assert run(path, kind="links").unchanged == 1


def test_ending_a_link_and_handing_over_in_one_file(tmp_path: Path) -> None:
    facility = FacilityFactory(medical_institution_code="1310000001")
    manage(facility, MemberFactory(membership_number="130001"), valid_from=dt.date(2015, 4, 1))
    MemberFactory(membership_number="130002")
    path = link_file(
        tmp_path,
        [
            ["1310000001", "130001", "開設者・管理者", "2015-04-01", "2025-03-31"],
            ["1310000001", "130002", "管理者", "2025-04-01", ""],
        ],
    )
    report = run(path, kind="links")
    assert (report.updated, report.created, report.rejected_rows) == (1, 1, 0)
    assert FacilityManagement.unscoped.filter(facility=facility).count() == 2


def test_links_to_unknown_rows_and_overlapping_periods_are_rejected(tmp_path: Path) -> None:
    facility = FacilityFactory(medical_institution_code="1310000001")
    manage(facility, MemberFactory(membership_number="130001"), valid_from=dt.date(2015, 4, 1))
    MemberFactory(membership_number="130002")
    path = link_file(
        tmp_path,
        [
            ["1310000009", "130001", "", "2015-04-01", ""],
            ["1310000001", "139999", "", "2015-04-01", ""],
            ["1310000001", "130002", "管理者", "2020-04-01", ""],
        ],
    )
    report = run(path, kind="links")
    messages = {e.line: e.message for e in report.errors}
    assert "この施設は登録されていません" in messages[2]
    assert "この会員番号の会員は登録されていません" in messages[3]
    assert "すでに別の開設者・管理者が登録されています（2015-04-01 から）" in messages[4]
    assert FacilityManagement.unscoped.count() == 1
