"""Shared set-up of the training tests: a facility with two administrators and a verified domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.registry.choices import FacilityStaffRole
from medcyber.training import services
from medcyber.training.models import (
    Campaign,
    MailTemplate,
    Recipient,
    RecipientGroup,
    VerificationMethod,
    VerifiedDomain,
)
from tests import factories
from tests.core.conftest import clamd, clamd_server  # noqa: F401 - real ClamAV for uploads
from tests.training.dovecot import Dovecot, start_dovecot

DOMAIN = "sakura-clinic.jp"


@dataclass
class Clinic:
    facility: Any
    admin: Any
    second_admin: Any
    group: RecipientGroup


def make_clinic(domain: str = DOMAIN, recipients: int = 5) -> Clinic:
    # The library comes with a migration; transactional tests flush it, so put it back.
    services.ensure_library()
    facility = factories.FacilityFactory()
    admin = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    second = factories.UserFactory(roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    factories.link_staff(facility, second, role=FacilityStaffRole.ADMIN)
    VerifiedDomain.unscoped.create(
        facility=facility,
        domain=domain,
        method=VerificationMethod.ASSOCIATION,
        verified_at=timezone.now(),
    )
    group = RecipientGroup.unscoped.create(facility=facility, name="全職員")
    departments = ["内科", "受付", "看護部"]
    Recipient.unscoped.bulk_create(
        [
            Recipient(
                group=group,
                name=f"職員{i}",
                email=f"staff{i}@{domain}",
                department=departments[i % 3],
                job_type="看護師" if i % 2 else "事務",
            )
            for i in range(recipients)
        ]
    )
    return Clinic(facility, admin, second, group)


@pytest.fixture
def clinic(db: Any) -> Clinic:
    return make_clinic()


def next_monday_9(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    days = (7 - local.weekday()) % 7 or 7
    return (local + dt.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)


def library_template(slug: str = "account-warning") -> MailTemplate:
    return MailTemplate.unscoped.get(slug=slug)


def draft_campaign(clinic: Clinic, slug: str = "account-warning", **kwargs: Any) -> Campaign:
    start = kwargs.pop("window_start", next_monday_9())
    return services.create_campaign(
        facility=clinic.facility,
        name="春の訓練",
        group=clinic.group,
        template=library_template(slug),
        window_start=start,
        window_end=kwargs.pop("window_end", start + dt.timedelta(days=5)),
        by=kwargs.pop("by", clinic.admin),
        **kwargs,
    )


def approved_campaign(clinic: Clinic, slug: str = "account-warning") -> Campaign:
    campaign = draft_campaign(clinic, slug)
    services.submit_for_approval(campaign=campaign, by=clinic.admin)
    return services.approve(campaign=campaign, by=clinic.second_admin)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    yield from start_dovecot()


@pytest.fixture
def report_mailbox(dovecot_server: Dovecot, settings: Any) -> Dovecot:
    """The report mailbox on a real dovecot, empty, and the settings pointing at it."""
    dovecot_server.empty()
    settings.TRAINING_REPORT_IMAP_HOST = "127.0.0.1"
    settings.TRAINING_REPORT_IMAP_PORT = dovecot_server.port
    settings.TRAINING_REPORT_IMAP_USER = dovecot_server.user
    settings.TRAINING_REPORT_IMAP_PASSWORD = dovecot_server.password
    settings.TRAINING_REPORT_IMAP_SSL = False
    return dovecot_server
