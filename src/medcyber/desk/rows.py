"""The rows of the operators' queues, made ready for the template in Python.

A queue page shows 50 cases and every open operator screen reloads it each minute. Resolving
``get_FOO_display``, ``{% url %}``, date filters and an ``{% include %}`` per cell cost more
than the database's part of the page, so each row is a plain dict of finished strings (the
template engine looks dict keys up first) and the template only places them; Django still
escapes every value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import rules
from .choices import Category, Severity, Status
from .models import Case
from .queries import CaseSla


def sla_badge(state: rules.SlaState) -> dict[str, str]:
    """The words and CSS classes of one SLA state (as ``desk/_sla.html`` shows them)."""
    if state is rules.SlaState.BREACHED:
        return {"label": _("期限超過"), "css": f"sla--{state} status--off"}
    if state is rules.SlaState.DUE_SOON:
        return {"label": _("期限間近"), "css": f"sla--{state}"}
    if state is rules.SlaState.PAUSED:
        return {"label": _("停止中（会員の回答待ち）"), "css": f"sla--{state}"}
    if state is rules.SlaState.MET:
        return {"label": _("期限内に完了"), "css": f"sla--{state} status--on"}
    return {"label": _("期限内"), "css": f"sla--{state} status--on"}


def _moment(value: Any, dates: dict[dt.date, str]) -> dict[str, str]:
    """``value`` for a ``<time>`` element; ``dates`` remembers each day's words (a page's
    deadlines fall on a few days)."""
    local = timezone.localtime(value)
    day = local.date()
    if day not in dates:
        dates[day] = formats.date_format(day, "DATE_FORMAT")
    return {"iso": local.isoformat(), "text": f"{dates[day]} {local:%H:%M}"}


def queue_rows(rows: list[tuple[Case, CaseSla]]) -> list[dict[str, Any]]:
    """One dict per case of a queue page, in the page's order."""
    categories = {value: str(label) for value, label in Category.choices}
    severities = {value: str(label) for value, label in Severity.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    href = reverse("desk:case", args=[0])[: -len("0/")]
    badges = {state: sla_badge(state) for state in rules.SlaState}
    unknown = _("未特定")
    dates: dict[dt.date, str] = {}
    out = []
    for case, sla in rows:
        facility = case.facility
        out.append(
            {
                "pk": case.pk,
                "href": f"{href}{case.pk}/",
                "reference": case.reference,
                "summary": case.summary,
                "facility": facility.name if facility is not None else "",
                "caller_facility": case.caller_facility_name or unknown,
                "caller_name": case.caller_name,
                "category": categories.get(case.category, case.category),
                "severity": severities.get(case.severity, case.severity),
                "status": statuses.get(case.status, case.status),
                "assignee": str(case.assignee) if case.assignee_id else "—",
                "first_response": badges[sla.first_response],
                "resolution": badges[sla.resolution],
                "resolution_due": _moment(case.resolution_due, dates),
                "virus_found": case.virus_found_at is not None,
            }
        )
    return out
