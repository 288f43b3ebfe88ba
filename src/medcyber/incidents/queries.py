"""Reads of incidents, always scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet

from medcyber.accounts.roles import Role
from medcyber.core.models import AuditEvent

from .models import Incident, JmaReport, Obligation, ReportDraft

#: Staff who raise and update incidents for members (the desk, the association's admins);
#: the other staff who see every facility (claims, audit) read them only.
WRITE_STAFF_ROLES = frozenset({Role.DESK_TIER1, Role.DESK_TIER2, Role.ASSOCIATION_ADMIN})

#: Obligations due within this many days count as due soon.
DUE_SOON_DAYS = 7


def may_edit(user: Any) -> bool:
    """Facility people edit their own facilities' incidents (scoping decides which); staff
    only when their role works on cases."""
    if not user.is_authenticated:
        return False
    if not user.is_programme_staff:
        return True
    return user.staff_cleared and (user.is_superuser or user.has_role(*WRITE_STAFF_ROLES))


def incidents_for(user: Any) -> QuerySet[Incident]:
    return Incident.objects.visible_to(user).select_related("facility")


def incident_for(user: Any, pk: int) -> Incident:
    """The incident, or ``Incident.DoesNotExist`` when it is not the user's to see."""
    return incidents_for(user).get(pk=pk)


def obligations_of(incident: Incident) -> list[Obligation]:
    rows = Obligation.unscoped.filter(incident=incident).select_related("evidence_document")
    order = [c.value for c in Obligation.Code]
    return sorted(rows, key=lambda o: order.index(o.code))


def needing_attention(user: Any, *, today: dt.date) -> QuerySet[Obligation]:
    """Open obligations of open incidents that are overdue, due soon, or due immediately."""
    return (
        Obligation.objects.visible_to(user)
        .filter(status=Obligation.Status.OPEN, incident__status=Incident.Status.OPEN)
        .filter(Q(due_on__isnull=True) | Q(due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)))
        .select_related("incident__facility")
        .order_by(F("due_on").asc(nulls_first=True), "incident_id")
    )


def urgency(obligation: Obligation, today: dt.date) -> str:
    """「overdue」, 「due_soon」, 「immediately」 or 「later」 for an open obligation."""
    if obligation.status != Obligation.Status.OPEN:
        return ""
    if obligation.due_on is None:
        return "immediately"
    if obligation.due_on < today:
        return "overdue"
    if obligation.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "later"


def history(incident: Incident) -> QuerySet[AuditEvent]:
    """Every recorded change to the incident and to what hangs on it, newest first."""
    related = Q(object_type="incidents.incident", object_id=str(incident.pk))
    for model, label in (
        (Obligation, "incidents.obligation"),
        (JmaReport, "incidents.jmareport"),
        (ReportDraft, "incidents.reportdraft"),
    ):
        rows = model._default_manager.filter(incident=incident)  # type: ignore[attr-defined]
        ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        related |= Q(object_type=label, object_id__in=ids)
    return AuditEvent.objects.filter(related).exclude(kind=AuditEvent.Kind.VIEW).order_by("-seq")


def jma_reports_for(user: Any) -> QuerySet[JmaReport]:
    return JmaReport.objects.visible_to(user).select_related("incident__facility", "filed_by")
