"""What the screens and e-mails say about obligations: due dates in words, what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
