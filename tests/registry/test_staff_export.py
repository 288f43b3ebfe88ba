"""Association admins and auditors download the whole registry (issue 3, part 3).

The file has the import's columns and Japanese labels whatever language the screen is in, so
importing it again changes nothing; every download is one audit event; everyone else is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import ALL_FACILITIES_ROLES, Role
from medcyber.core.models import AuditEvent
from medcyber.registry.imports.apply import import_file
from medcyber.registry.imports.columns import COLUMNS
from medcyber.registry.models import Facility, FacilityManagement, Member
from tests import factories

pytestmark = pytest.mark.django_db

EXPORT_ROLES = [Role.ASSOCIATION_ADMIN, Role.AUDITOR]
MODELS: dict[str, type[Any]] = {
    "members": Member,
    "facilities": Facility,
    "links": FacilityManagement,
}


def _url(kind: str = "members", fmt: str = "csv") -> str:
    return reverse("registry:export", kwargs={"kind": kind, "fmt": fmt})


@pytest.fixture
def registry() -> None:
    """Two tenants' data, a withdrawn member and a facility without a code."""
    _user, member, facility = factories.member_with_facility(phone="090-1234-5678")
    factories.member_with_facility(family_name="佐藤", family_name_kana="サトウ")
    factories.MemberFactory(member_class="A2B", status="withdrawn", valid_to=dt.date(2024, 3, 31))
    factories.FacilityFactory(medical_institution_code="", name="ひまわり苑", kind="care_facility")
    factories.manage(
        facility, member, valid_from=dt.date(2010, 4, 1), valid_to=dt.date(2015, 3, 31)
    )


def _signed_in(client: Any, role: str) -> Any:
    client.force_login(factories.staff_user(role))
    return client


def _download(response: Any, path: Path) -> Path:
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _header(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
        return [str(cell) for cell in next(sheet.iter_rows(max_row=1, values_only=True))]
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return next(csv.reader(stream))


# --- who may download ----------------------------------------------------------------------
@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["members", "facilities", "links"])
@pytest.mark.parametrize("role", EXPORT_ROLES)
def test_admins_and_auditors_get_a_file_that_reimports_unchanged(
    client: Any, tmp_path: Path, role: str, kind: str, fmt: str
) -> None:
    response = _signed_in(client, role).get(_url(kind, fmt), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-{today}.{fmt}"'
    path = _download(response, tmp_path / f"{kind}.{fmt}")
    assert _header(path) == [column.label for column in COLUMNS[kind]]
    report = import_file(path, kind=kind, dry_run=True)
    assert (report.rejected_rows, report.created, report.updated) == (0, 0, 0), report.errors
    assert report.unchanged == MODELS[kind].unscoped.count()


@pytest.mark.usefixtures("registry")
def test_the_csv_opens_in_excel_and_names_codes_in_japanese(client: Any) -> None:
    response = _signed_in(client, Role.AUDITOR).get(_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "退会" in text and "A②(B)会員" in text and "Withdrawn" not in text


@pytest.mark.parametrize("role", sorted(ALL_FACILITIES_ROLES - set(EXPORT_ROLES)))
def test_other_registry_staff_are_refused(client: Any, role: str) -> None:
    factories.MemberFactory()
    assert _signed_in(client, role).get(_url()).status_code == 403
    assert _signed_in(client, role).get(_url("facilities", "xlsx")).status_code == 403
    assert not AuditEvent.objects.filter(action="registry.export").exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.FACILITY_ADMIN, Role.CONTENT_EDITOR])
def test_tenants_and_content_editors_are_refused(client: Any, role: str) -> None:
    user, _member, facility = factories.member_with_facility()
    if role == Role.FACILITY_ADMIN:
        user = factories.UserFactory(roles=[role])
        factories.link_staff(facility, user)
    elif role == Role.CONTENT_EDITOR:
        user = factories.staff_user(role)
    client.force_login(user)
    assert client.get(_url()).status_code == 403
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    response = client.get(_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_admin_without_a_second_factor_is_sent_to_set_one_up(client: Any) -> None:
    client.force_login(factories.staff_user(Role.ASSOCIATION_ADMIN, mfa=False))
    response = client.get(_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", ["users.csv", "members.pdf", "members.csv.xlsx", "members"])
def test_other_kinds_and_formats_do_not_exist(client: Any, path: str) -> None:
    client = _signed_in(client, Role.ASSOCIATION_ADMIN)
    assert client.get(f"/staff/registry/export/{path}").status_code == 404


# --- the audit trail -------------------------------------------------------------------------
@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_download_is_one_audit_event(client: Any, fmt: str) -> None:
    admin = factories.staff_user(Role.ASSOCIATION_ADMIN)
    client.force_login(admin)
    response = client.get(_url("members", fmt))
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="registry.export")
    assert (event.kind, event.actor_id, event.object_type) == ("view", admin.pk, "registry.members")
    assert event.changes == {"rows": Member.unscoped.count(), "format": fmt}


# --- the links on the search pages ------------------------------------------------------------
@pytest.mark.parametrize(
    ("page", "links"),
    [
        ("registry:member_search", [_url("members", "csv"), _url("members", "xlsx")]),
        ("registry:facility_search", [_url("facilities", "csv"), _url("links", "xlsx")]),
    ],
)
def test_the_search_pages_offer_the_download_only_to_those_allowed(
    client: Any, page: str, links: list[str]
) -> None:
    body = _signed_in(client, Role.AUDITOR).get(reverse(page)).content.decode()
    assert "登録データの書き出し" in body
    assert all(f'href="{link}"' in body for link in links)
    body = _signed_in(client, Role.DESK_TIER1).get(reverse(page)).content.decode()
    assert "登録データの書き出し" not in body
    assert "/staff/registry/export/" not in body
