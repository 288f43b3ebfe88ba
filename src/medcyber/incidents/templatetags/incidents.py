"""``{% incident_alerts %}``: the due-soon and overdue reports on the dashboard (INC-2)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from .. import queries

register = template.Library()


@register.inclusion_tag("incidents/_dashboard_alerts.html", takes_context=True)
def incident_alerts(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    rows = list(queries.needing_attention(user, today=today)[:20])
    attention = [(o, queries.urgency(o, today)) for o in rows]
    return {
        "attention": attention,
        "overdue": sum(1 for _o, u in attention if u == "overdue"),
        # the desk sees every facility: the dashboard shows counts, the list shows the rows
        "summary_only": user.sees_all_facilities,
    }
