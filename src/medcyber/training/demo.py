"""Demo data of the training service: 本駒込内科クリニック's verified domain, its staff and one
approved campaign whose template has an imitation login form (``medcyber demo``).

Idempotent like the registry's demo data: every record is found by its natural key and only
created when missing, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from medcyber.accounts.models import User
from medcyber.registry import demo_data
from medcyber.registry.models import Facility

from . import services
from .models import (
    Campaign,
    MailTemplate,
    Recipient,
    RecipientGroup,
    VerificationMethod,
    VerifiedDomain,
)

DOMAIN = "honkomagome.demo.medcyber.jp"
GROUP = "全職員"
CAMPAIGN = "2026年度 第1回 標的型攻撃メール訓練"
TEMPLATE = "account-warning"

STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("岡田 真理", "okada", "事務部", "事務"),
    ("石井 優花", "ishii", "受付", "事務"),
    ("高木 美穂", "takagi", "看護部", "看護師"),
    ("森 直樹", "mori", "看護部", "看護師"),
    ("西村 彩", "nishimura", "検査室", "臨床検査技師"),
    ("佐藤 健一", "sato", "診療部", "医師"),
)


def _next_weekday_morning() -> dt.datetime:
    local = timezone.localtime() + dt.timedelta(days=1)
    while local.weekday() >= 5:
        local += dt.timedelta(days=1)
    return local.replace(hour=9, minute=0, second=0, microsecond=0)


def load(created: Counter[str]) -> None:
    services.ensure_library()
    facility = Facility.unscoped.get(name=demo_data.DEMO_FACILITY)
    admin = User.objects.get(email=f"facility-admin@{demo_data.DEMO_EMAIL_DOMAIN}")
    manager = User.objects.get(email=f"member@{demo_data.DEMO_EMAIL_DOMAIN}")
    if not VerifiedDomain.unscoped.filter(facility=facility, domain=DOMAIN).exists():
        VerifiedDomain.unscoped.create(
            facility=facility,
            domain=DOMAIN,
            method=VerificationMethod.ASSOCIATION,
            verified_at=timezone.now(),
        )
        created["training.VerifiedDomain"] += 1
    group = RecipientGroup.unscoped.filter(facility=facility, name=GROUP).first()
    if group is None:
        group = services.create_group(facility=facility, name=GROUP, by=admin)
        created["training.RecipientGroup"] += 1
    for name, local, department, job_type in STAFF:
        email = f"{local}@{DOMAIN}"
        if not Recipient.unscoped.filter(group=group, email=email).exists():
            Recipient.unscoped.create(
                group=group, name=name, email=email, department=department, job_type=job_type
            )
            created["training.Recipient"] += 1
    if Campaign.unscoped.filter(facility=facility, name=CAMPAIGN).exists():
        return
    start = _next_weekday_morning()
    campaign = services.create_campaign(
        facility=facility,
        name=CAMPAIGN,
        group=group,
        template=MailTemplate.unscoped.get(slug=TEMPLATE),
        window_start=start,
        window_end=start + dt.timedelta(days=7),
        by=admin,
    )
    services.submit_for_approval(campaign=campaign, by=admin)
    services.approve(campaign=campaign, by=manager)  # the facility's manager, a second person
    created["training.Campaign"] += 1
