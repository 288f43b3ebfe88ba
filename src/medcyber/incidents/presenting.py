"""What the screens and e-mails say about obligations: due dates in words, what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import queries, rules
from .models import Obligation


@dataclass(frozen=True)
class ObligationRow:
    obligation: Obligation
    urgency: str  # "overdue" | "due_soon" | "immediately" | "later" | ""
    due_text: str
    urgency_text: str


def due_text(obligation: Obligation) -> str:
    if obligation.due_on is not None:
        return date_format(obligation.due_on, "DATE_FORMAT")
    return str(Obligation.Timing(obligation.timing).label)


def urgency_text(urgency: str, obligation: Obligation, today: dt.date) -> str:
    if urgency == "overdue" and obligation.due_on is not None:
        return _("期限切れ（%(days)s日超過）") % {"days": (today - obligation.due_on).days}
    if urgency == "due_soon" and obligation.due_on is not None:
        days = (obligation.due_on - today).days
        return _("本日が期限") if days == 0 else _("あと%(days)s日") % {"days": days}
    if urgency == "immediately":
        return _("至急")
    return ""


def obligation_rows(obligations: list[Obligation], today: dt.date) -> list[ObligationRow]:
    out = []
    for o in obligations:
        urgency = queries.urgency(o, today)
        out.append(ObligationRow(o, urgency, due_text(o), urgency_text(urgency, o, today)))
    return out


def _label(code: rules.ObligationCode) -> str:
    return str(Obligation.Code(code.value).label)


def _date(day: dt.date | None) -> str:
    return date_format(day, "DATE_FORMAT") if day is not None else _("直ちに・速やかに")


def change_messages(changes: list[rules.Change]) -> list[str]:
    """One sentence per change, for the page the member lands on after editing."""
    out = []
    for change in changes:
        name = _label(change.code)
        if change.kind == "added":
            out.append(
                _("新たに必要になりました：%(name)s（期限 %(due)s）")
                % {"name": name, "due": _date(change.after)}
            )
        elif change.kind == "removed":
            out.append(_("不要になりました：%(name)s") % {"name": name})
        else:
            out.append(
                _("期限が変わりました：%(name)s %(before)s → %(after)s")
                % {"name": name, "before": _date(change.before), "after": _date(change.after)}
            )
    return out


@dataclass(frozen=True)
class HistoryRow:
    event: Any
    changes: list[tuple[str, str]]


_HISTORY_MODELS = {
    "incidents.incident": "Incident",
    "incidents.obligation": "Obligation",
    "incidents.jmareport": "JmaReport",
    "incidents.reportdraft": "ReportDraft",
}


def _field_label(object_type: str, name: str) -> str:
    from . import models

    model = getattr(models, _HISTORY_MODELS.get(object_type, ""), None)
    if model is not None:
        for field in model._meta.concrete_fields:
            if name in (field.name, field.attname):
                return str(field.verbose_name)
    return {"closure_days": _("新患受付を全面停止した日"), "changes": _("報告義務の変更")}.get(
        name, name
    )


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("はい")
    if value is False:
        return _("いいえ")
    if isinstance(value, list):
        return "、".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


def history_rows(events: Any) -> list[HistoryRow]:
    """Audit events with field names as the screens call them, and before → after."""
    out = []
    for event in events:
        changes = []
        for name, value in (event.changes or {}).items():
            label = _field_label(event.object_type, name)
            if isinstance(value, list) and len(value) == 2 and event.kind == "update":
                text = f"{_value(value[0])} → {_value(value[1])}"
            else:
                text = _value(value)
            changes.append((label, text[:300]))
        out.append(HistoryRow(event, changes))
    return out
