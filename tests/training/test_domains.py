"""A facility proves it owns a mail domain before any of its addresses can be trained."""

from __future__ import annotations

from typing import Any

import pytest

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent
from medcyber.training import services
from medcyber.training.models import VerificationMethod
from tests import factories

from .conftest import Clinic

pytestmark = pytest.mark.django_db


def test_a_facility_admin_verifies_a_domain_by_dns_txt(clinic: Clinic) -> None:
    domain = services.add_domain(
        facility=clinic.facility, domain="Honkomagome.example.jp", by=clinic.admin
    )
    assert domain.domain == "honkomagome.example.jp"
    assert domain.method == VerificationMethod.DNS_TXT
    assert domain.verified_at is None and len(domain.token) == 32

    with pytest.raises(services.TrainingError, match="TXT レコード"):
        services.verify_domain(domain=domain, by=clinic.admin, lookup=lambda name: ["v=spf1 -all"])
    assert domain.verified_at is None

    services.verify_domain(
        domain=domain, by=clinic.admin, lookup=lambda name: ["v=spf1 -all", domain.txt_record]
    )
    domain.refresh_from_db()
    assert domain.verified_at is not None and domain.verified_by == clinic.admin
    assert AuditEvent.objects.filter(
        object_type="training.verifieddomain", object_id=str(domain.pk), kind="update"
    ).exists()


def test_association_staff_approve_a_domain_at_once(clinic: Clinic) -> None:
    staff = factories.staff_user(Role.ASSOCIATION_ADMIN)
    domain = services.add_domain(facility=clinic.facility, domain="kaigo.example.jp", by=staff)
    assert domain.method == VerificationMethod.ASSOCIATION and domain.verified_at is not None


@pytest.mark.parametrize("bad", ["not a domain", "example", "-x.jp", "a..jp"])
def test_a_malformed_domain_is_refused(clinic: Clinic, bad: str) -> None:
    with pytest.raises(services.TrainingError, match="ドメイン名として正しくありません"):
        services.add_domain(facility=clinic.facility, domain=bad, by=clinic.admin)


def test_another_facility_admin_cannot_add_a_domain(clinic: Clinic) -> None:
    other = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(factories.FacilityFactory(), other, role="facility_admin")
    with pytest.raises(services.TrainingError, match="権限がありません"):
        services.add_domain(facility=clinic.facility, domain="evil.example.jp", by=other)


def test_facility_staff_who_are_not_admins_run_no_training(clinic: Clinic) -> None:
    staff = factories.UserFactory(roles=[Role.FACILITY_STAFF])
    factories.link_staff(clinic.facility, staff)
    with pytest.raises(services.TrainingError):
        services.add_domain(facility=clinic.facility, domain="x.example.jp", by=staff)


def test_only_association_staff_approve_single_addresses(clinic: Clinic, settings: Any) -> None:
    with pytest.raises(services.TrainingError, match="医師会の担当者"):
        services.approve_address(facility=clinic.facility, email="dr@gmail.com", by=clinic.admin)
    staff = factories.staff_user(Role.ASSOCIATION_ADMIN)
    address = services.approve_address(facility=clinic.facility, email="Dr@Gmail.com", by=staff)
    assert address.email == "dr@gmail.com"
