"""Importing a facility's staff list: all or nothing, with a report that names each bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from medcyber.core.models import AuditEvent
from medcyber.training import services
from medcyber.training.models import Recipient
from tests import factories

from .conftest import DOMAIN, Clinic

pytestmark = pytest.mark.django_db

HEADER = "氏名,メールアドレス,部署,職種\n"


def _csv(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "staff.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def _group(clinic: Clinic) -> Any:
    return services.create_group(facility=clinic.facility, name="新人", by=clinic.admin)


def test_a_good_file_is_imported(clinic: Clinic, tmp_path: Path) -> None:
    group = _group(clinic)
    path = _csv(
        tmp_path,
        f"山田 花子,hanako@{DOMAIN},看護部,看護師\n鈴木 一郎,ICHIRO@{DOMAIN},受付,事務\n",
        "cp932",
    )
    report = services.import_recipients(group=group, path=path, by=clinic.admin)
    assert report.ok and report.created == 2
    people = {r.email: r for r in Recipient.unscoped.filter(group=group)}
    assert people[f"ichiro@{DOMAIN}"].department == "受付"
    assert people[f"hanako@{DOMAIN}"].job_type == "看護師"
    assert AuditEvent.objects.filter(action="training.recipients.import").count() == 1

    # the same file again changes nothing; a changed department is updated
    path = _csv(tmp_path, f"山田 花子,hanako@{DOMAIN},内科,看護師\n")
    report = services.import_recipients(group=group, path=path, by=clinic.admin)
    assert (report.created, report.updated) == (0, 1)


def test_one_bad_row_imports_nothing_and_names_the_rows(clinic: Clinic, tmp_path: Path) -> None:
    group = _group(clinic)
    path = _csv(
        tmp_path,
        f"山田 花子,hanako@{DOMAIN},看護部,看護師\n"
        "外部 太郎,taro@gmail.com,受付,事務\n"
        ",noname@{DOMAIN},受付,事務\n"
        f"重複 花子,hanako@{DOMAIN},看護部,看護師\n"
        "壊れ,not-an-address,受付,事務\n",
    )
    report = services.import_recipients(group=group, path=path, by=clinic.admin)
    assert not report.ok
    assert report.error_count == 4
    lines = dict(report.errors)
    assert "taro@gmail.com" in lines[3] and "確認済みのドメイン" in lines[3]
    assert "氏名が空" in lines[4]
    assert "重複" in lines[5]
    assert "メールアドレスとして正しくありません" in lines[6]
    assert not Recipient.unscoped.filter(group=group).exists()


def test_an_approved_address_outside_the_domains_is_accepted(
    clinic: Clinic, tmp_path: Path
) -> None:
    from medcyber.accounts.roles import Role

    staff = factories.staff_user(Role.ASSOCIATION_ADMIN)
    services.approve_address(facility=clinic.facility, email="incho@gmail.com", by=staff)
    path = _csv(tmp_path, "院長,incho@gmail.com,,医師\n")
    assert services.import_recipients(group=_group(clinic), path=path, by=clinic.admin).ok


def test_missing_columns_are_named(clinic: Clinic, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("名前だけ,部署\nx,y\n")
    report = services.import_recipients(group=_group(clinic), path=path, by=clinic.admin)
    assert not report.ok and "メールアドレス" in report.errors[0][1]


def test_an_excel_file_is_read(clinic: Clinic, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "email", "department", "job type"])
    sheet.append(["佐藤 三郎", f"saburo@{DOMAIN}", "医局", "医師"])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    report = services.import_recipients(group=_group(clinic), path=path, by=clinic.admin)
    assert report.ok and report.created == 1


def test_a_large_file_with_bad_rows_is_refused_quickly(clinic: Clinic, tmp_path: Path) -> None:
    def row(i: int) -> str:
        domain = "gmail.com" if i % 1000 == 0 else DOMAIN  # one bad row in a thousand
        return f"職員{i},s{i}@{domain},内科,事務\n"

    rows = "".join(row(i) for i in range(50_000))
    report = services.import_recipients(
        group=_group(clinic), path=_csv(tmp_path, rows), by=clinic.admin
    )
    assert report.rows == 50_000 and report.error_count == 50
    assert not Recipient.unscoped.filter(group__name="新人").exists()


def test_an_upload_is_scanned_and_stored_before_import(
    clinic: Clinic, clamd: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "files")
    upload = SimpleUploadedFile(
        "staff.csv", (HEADER + f"山田 花子,hanako@{DOMAIN},看護部,看護師\n").encode()
    )
    report = services.import_recipients_upload(group=_group(clinic), upload=upload, by=clinic.admin)
    assert report.ok and report.created == 1
