"""``medcyber demo``: the demo data set loads, loads again without change, and its accounts work."""

from __future__ import annotations

import base64
import io
from typing import Any

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth import password_validation
from django.core.management import call_command
from django.urls import reverse

from medcyber.accounts.models import RoleGrant, User
from medcyber.accounts.roles import STAFF_ROLES, Role
from medcyber.core import audit
from medcyber.core.models import AuditEvent
from medcyber.registry import demo_data
from medcyber.registry.choices import FacilityKind, FacilityStaffRole, MemberClass
from medcyber.registry.models import (
    DistrictAssociation,
    Facility,
    FacilityManagement,
    FacilityStaff,
    Member,
    PrefecturalAssociation,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

MEMBER_EMAIL = "member@demo.medcyber.jp"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table the demo could write to, plus the audit trail."""
    counts: dict[str, int] = {}
    for app_label in ("registry", "accounts", "account", "mfa", "core"):
        for model in apps.get_app_config(app_label).get_models():
            manager = getattr(model, "unscoped", model._default_manager)
            counts[model._meta.label] = manager.all().count()
    return counts


def staff_account(role: str) -> demo_data.AccountData:
    return next(a for a in demo_data.ACCOUNTS if a.role == role)


# --- the data itself ------------------------------------------------------------------------------


def test_demo_data_is_shaped_as_documented() -> None:
    classes = [m.member_class for m in demo_data.MEMBERS]
    assert 18 <= len(classes) <= 22
    assert set(classes) == set(MemberClass.values)
    assert 0.45 <= classes.count(MemberClass.A1) / len(classes) <= 0.60
    assert 28 <= len(demo_data.FACILITIES) <= 32
    assert {f.kind for f in demo_data.FACILITIES} == set(FacilityKind.values)
    assert sorted(a.role for a in demo_data.ACCOUNTS) == sorted(Role.values)
    for facility in demo_data.FACILITIES:
        has_code = facility.kind in {FacilityKind.HOSPITAL, FacilityKind.CLINIC}
        assert bool(facility.medical_institution_code) == has_code, facility.name


def test_staff_accounts_have_valid_fixed_totp_secrets() -> None:
    secrets = []
    for account in demo_data.ACCOUNTS:
        if account.role in STAFF_ROLES:
            assert len(account.totp_secret) >= 16
            base64.b32decode(account.totp_secret)  # valid base32, no padding needed
            secrets.append(account.totp_secret)
        else:
            assert account.totp_secret == ""
    assert len(set(secrets)) == len(STAFF_ROLES)


def test_demo_password_passes_the_staff_password_rules() -> None:
    run_demo()
    for account in demo_data.ACCOUNTS:
        user = User.objects.get(email=account.email)
        password_validation.validate_password(demo_data.DEMO_PASSWORD, user)


# --- loading ------------------------------------------------------------------------------------


def test_loads_the_demo_set() -> None:
    out = run_demo()

    assert PrefecturalAssociation.objects.filter(prefecture="13", name="東京都医師会").exists()
    assert DistrictAssociation.objects.count() >= 3
    assert 18 <= Member.unscoped.count() <= 22
    assert set(Member.unscoped.values_list("member_class", flat=True)) == set(MemberClass.values)
    assert 28 <= Facility.unscoped.count() <= 32
    assert set(Facility.unscoped.values_list("kind", flat=True)) == set(FacilityKind.values)
    for role in Role.values:
        assert RoleGrant.objects.filter(role=role, user__email__endswith="@demo.medcyber.jp")
    assert User.objects.filter(email__endswith="@demo.medcyber.jp").count() == len(Role.values)
    assert not User.objects.filter(is_superuser=True).exists()

    for account in demo_data.ACCOUNTS:
        assert account.email in out
        assert account.role in out
        if account.totp_secret:
            assert account.totp_secret in out
            assert f"otpauth://totp/{account.email.replace('@', '%40')}?secret=" in out
    assert demo_data.DEMO_PASSWORD in out
    assert "Created:" in out
    assert "registry.Member 20" in out


def test_history_of_managers_is_loaded() -> None:
    run_demo()
    links = FacilityManagement.unscoped.filter(facility__name="八王子駅前内科クリニック").order_by(
        "valid_from"
    )
    assert [(link.member.membership_number, link.valid_to is None) for link in links] == [
        ("1342001", False),
        ("1342002", True),
    ]
    managing_several = [
        m for m in Member.unscoped.all() if m.managements.filter(valid_to__isnull=True).count() > 1
    ]
    assert len(managing_several) >= 3
    assert all(m.member_class == MemberClass.A1 for m in managing_several)


def test_second_run_creates_nothing() -> None:
    run_demo()
    before = row_counts()
    events_before = AuditEvent.objects.count()

    out = run_demo()

    assert row_counts() == before
    assert AuditEvent.objects.count() == events_before
    assert "Nothing to change" in out
    assert audit.verify().ok


def test_rerun_restores_a_changed_password_without_new_rows() -> None:
    run_demo()
    user = User.objects.get(email=MEMBER_EMAIL)
    user.set_password("Something-else-2026")
    user.save()
    before = row_counts()

    out = run_demo()

    user.refresh_from_db()
    assert user.check_password(demo_data.DEMO_PASSWORD)
    assert row_counts() == before
    assert "Updated: accounts.User.password 1" in out


def test_if_empty_skips_when_members_exist() -> None:
    MemberFactory()
    before = row_counts()

    out = run_demo("--if-empty")

    assert out.strip() == "demo data skipped: the database already has members"
    assert row_counts() == before


def test_if_empty_loads_an_empty_database() -> None:
    out = run_demo("--if-empty")
    assert "Created:" in out
    assert Member.unscoped.exists()


def test_refuses_production(settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run_demo()
    assert not Member.unscoped.exists()


def test_audit_chain_verifies_and_names_the_demo_actor() -> None:
    run_demo()
    result = audit.verify()
    assert result.ok, result.reason
    assert result.checked > 0
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"system:demo"}


# --- the accounts ---------------------------------------------------------------------------------


def test_member_account_signs_in_and_sees_only_its_own_facilities(client: Any) -> None:
    run_demo()
    assert client.login(email=MEMBER_EMAIL, password=demo_data.DEMO_PASSWORD)

    user = User.objects.get(email=MEMBER_EMAIL)
    member = Member.unscoped.get(user=user)
    assert member.membership_number == demo_data.DEMO_MEMBER_NUMBER
    assert member.member_class == MemberClass.A1
    visible = set(Facility.objects.visible_to(user).values_list("name", flat=True))
    managed = {
        m.facility for m in demo_data.MANAGEMENTS if m.membership_number == member.membership_number
    }
    assert 2 <= len(visible) <= 3
    assert visible == managed
    assert Facility.unscoped.count() > len(visible)


def test_member_signs_in_through_the_login_form(client: Any) -> None:
    """The demo addresses are verified, so allauth's mandatory verification lets them in."""
    run_demo()
    response = client.post(
        reverse("account_login"),
        {"login": MEMBER_EMAIL, "password": demo_data.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert "_auth_user_id" in client.session
    assert EmailAddress.objects.filter(email=MEMBER_EMAIL, verified=True, primary=True).exists()


def test_facility_accounts_see_only_the_demo_facility() -> None:
    run_demo()
    for email, role in (
        ("facility-admin@demo.medcyber.jp", FacilityStaffRole.ADMIN),
        ("facility-staff@demo.medcyber.jp", FacilityStaffRole.STAFF),
    ):
        user = User.objects.get(email=email)
        assert FacilityStaff.unscoped.get(user=user).role == role
        assert list(Facility.objects.visible_to(user).values_list("name", flat=True)) == [
            demo_data.DEMO_FACILITY
        ]


def test_association_admin_is_not_a_superuser_but_holds_the_role() -> None:
    run_demo()
    admin = User.objects.get(email="admin@demo.medcyber.jp")
    assert not admin.is_superuser
    assert admin.has_role(Role.ASSOCIATION_ADMIN)
    assert admin.staff_cleared
    assert admin.sees_all_facilities


def test_staff_totp_secret_validates_through_allauth() -> None:
    run_demo()
    account = staff_account(Role.DESK_TIER1)
    authenticator = Authenticator.objects.get(
        user__email=account.email, type=Authenticator.Type.TOTP
    )
    code = pyotp.TOTP(account.totp_secret).now()
    assert TOTP(authenticator).validate_code(code)


def test_every_staff_account_has_exactly_one_totp_and_member_side_none() -> None:
    run_demo()
    run_demo()
    for account in demo_data.ACCOUNTS:
        count = Authenticator.objects.filter(
            user__email=account.email, type=Authenticator.Type.TOTP
        ).count()
        assert count == (1 if account.role in STAFF_ROLES else 0), account.email
