"""Reminder e-mails for reports that are overdue, due soon or due immediately (INC-2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from medcyber.registry.choices import FacilityStaffRole
from medcyber.registry.models import FacilityStaff
from medcyber.registry.queries import current_manager

from . import queries
from .models import Incident, Obligation
from .presenting import obligation_rows


def recipients(incident: Incident, today: dt.date) -> list[str]:
    """The facility's manager (the member) and its facility administrators."""
    out = []
    manager = current_manager(incident.facility)
    if manager is not None:
        member = manager.member
        email = member.user.email if member.user_id else member.email  # type: ignore[union-attr]
        if email:
            out.append(email)
    admins = (
        FacilityStaff.unscoped.current(today)
        .filter(facility=incident.facility, role=FacilityStaffRole.ADMIN, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    out.extend(admins)
    return sorted(set(out))


def send_due_reminders(*, today: dt.date) -> int:
    """One e-mail per incident with obligations needing attention, at most once a day each;
    returns the number of e-mails sent."""
    due = (
        Obligation.unscoped.filter(
            status=Obligation.Status.OPEN, incident__status=Incident.Status.OPEN
        )
        .exclude(reminded_on=today)
        .select_related("incident__facility")
        .order_by("incident_id", "pk")
    )
    by_incident: dict[Incident, list[Obligation]] = defaultdict(list)
    for obligation in due:
        if queries.urgency(obligation, today) in ("overdue", "due_soon", "immediately"):
            by_incident[obligation.incident].append(obligation)
    sent = 0
    with translation.override("ja"):
        for incident, obligations in by_incident.items():
            to = recipients(incident, today)
            if not to:
                continue
            url = settings.MEDCYBER_BASE_URL.rstrip("/") + reverse(
                "incidents:detail", kwargs={"pk": incident.pk}
            )
            context = {
                "incident": incident,
                "rows": obligation_rows(obligations, today),
                "url": url,
            }
            send_mail(
                subject=render_to_string("incidents/email/reminder_subject.txt", context).strip(),
                message=render_to_string("incidents/email/reminder.txt", context),
                from_email=None,
                recipient_list=to,
            )
            Obligation.unscoped.filter(pk__in=[o.pk for o in obligations]).update(reminded_on=today)
            sent += 1
    return sent
