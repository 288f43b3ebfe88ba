"""Association admins load a fiscal year's checklist from a file: dry run, row report, all or
nothing. The repository's own versions are loaded by a migration."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medcyber.guideline.loading import load
from medcyber.guideline.models import Checklist, ChecklistItem, ChecklistVersion

pytestmark = pytest.mark.django_db

YAML_2026 = """
checklist: institution
fiscal_year: 2026
title: 令和8年度版 医療機関確認用
sections:
  - code: "1"
    title: 体制構築
    items:
      - key: security-manager
        number: "1-1"
        text: 医療情報システムの安全管理について責任者を決めている。
        scope: all
        required_from: 2023
      - key: new-item
        number: "1-2"
        text: 新しい確認事項。
        scope: servers, pcs
        required_from: 2026
"""

HEADER = "チェックリスト,年度,表題,区分番号,区分,項目ID,項番,確認事項,対象,必須となった年度\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_shipped_versions_are_loaded_with_stable_item_ids() -> None:
    years = dict(
        ChecklistVersion.objects.filter(checklist__code="institution").values_list(
            "fiscal_year", "title"
        )
    )
    assert set(years) == {2024, 2025}
    assert set(Checklist.objects.values_list("code", flat=True)) == {
        "institution",
        "vendor",
        "pharmacy",
    }
    keys_2024 = set(
        ChecklistItem.objects.filter(
            version__checklist__code="institution", version__fiscal_year=2024
        ).values_list("key", flat=True)
    )
    items_2025 = ChecklistItem.objects.filter(
        version__checklist__code="institution", version__fiscal_year=2025
    )
    new_2025 = {i.key for i in items_2025 if i.key not in keys_2024}
    assert new_2025 == {
        "operation-rules",
        "password-rule",
        "password-reuse",
        "removable-media",
        "two-factor",
    }
    assert keys_2024 <= {i.key for i in items_2025}
    ledger = items_2025.get(key="asset-ledger")
    assert ledger.derived_from == "asset_ledger"
    assert items_2025.get(key="security-patches").scope_codes == ["servers", "pcs", "network"]


def test_a_dry_run_reports_each_row_and_changes_nothing(tmp_path: Path) -> None:
    report = load(write(tmp_path, "r8.yaml", YAML_2026), dry_run=True)
    assert report.ok and not report.applied
    outcomes = {row.key: row.outcome for row in report.rows}
    assert outcomes["security-manager"] == "same"
    assert outcomes["new-item"] == "new"
    assert outcomes["asset-ledger"] == "dropped"
    assert not ChecklistVersion.objects.filter(fiscal_year=2026).exists()


def test_loading_writes_the_version_once_everything_is_right(tmp_path: Path) -> None:
    report = load(write(tmp_path, "r8.yaml", YAML_2026), dry_run=False)
    assert report.applied
    version = ChecklistVersion.objects.get(checklist__code="institution", fiscal_year=2026)
    assert [i.key for i in version.items.all()] == ["security-manager", "new-item"]
    assert version.items.get(key="new-item").scope == "servers,pcs"


def test_duplicate_item_ids_and_a_missing_section_are_refused_with_their_rows(
    tmp_path: Path,
) -> None:
    text = HEADER + (
        "institution,2026,令和8年度版,1,体制構築,a-item,1-1,確認事項A,all,2023\n"
        "institution,2026,令和8年度版,,,b-item,1-2,確認事項B,all,2023\n"
        "institution,2026,令和8年度版,1,体制構築,a-item,1-3,確認事項C,all,2023\n"
        "institution,2026,令和8年度版,1,体制構築,c-item,1-4,確認事項D,printers,2027\n"
    )
    report = load(write(tmp_path, "r8.csv", text, "cp932"), dry_run=False)
    assert not report.ok and not report.applied
    errors = {row.where: row.message for row in report.rows if row.outcome == "error"}
    assert "区分（番号と名称）がありません。" in errors["3行目"]
    assert "項目ID「a-item」が重複しています（2行目と同じ）。" in errors["4行目"]
    assert "対象「printers」は使えません" in errors["5行目"]
    assert "必須となった年度が版の年度より後になっています。" in errors["5行目"]
    assert not ChecklistVersion.objects.filter(fiscal_year=2026).exists()


def test_an_excel_file_loads_like_a_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["pharmacy", 2026, "令和8年度版 薬局", "1", "体制構築", "x", "1-1", "文", "all", 2026]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "r8.xlsx"
    path.write_bytes(buffer.getvalue())
    assert load(path, dry_run=False).applied
    assert ChecklistVersion.objects.filter(checklist__code="pharmacy", fiscal_year=2026).exists()


def test_a_version_with_answers_is_not_replaced(tmp_path: Path) -> None:
    from tests.guideline.factories import assessment_for

    assessment_for(fiscal_year=2025)
    text = YAML_2026.replace("2026", "2025")
    report = load(write(tmp_path, "r7.yaml", text), dry_run=True)
    assert report.problems == ["2025年度の版にはすでに回答があるため、置き換えられません。"]


def test_a_file_that_is_not_a_checklist_is_refused(tmp_path: Path) -> None:
    report = load(write(tmp_path, "x.yaml", "- just\n- a list\n"), dry_run=True)
    assert report.problems and not report.rows
    report = load(write(tmp_path, "x.pdf", "%PDF"), dry_run=True)
    assert "対応していません" in report.problems[0]


def test_the_command_prints_the_report_and_fails_on_problems(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "guideline",
        "load-checklist",
        str(write(tmp_path, "r8.yaml", YAML_2026)),
        "--dry-run",
        stdout=out,
    )
    assert "ドライラン" in out.getvalue()
    bad = write(tmp_path, "bad.yaml", YAML_2026.replace("new-item", "security-manager"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("guideline", "load-checklist", str(bad), stderr=err)
    assert "重複しています" in err.getvalue()
