"""Writes to incidents: one function per use case, one transaction each (audit included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcyber.core import audit
from medcyber.desk import services as desk_services
from medcyber.desk.models import Case
from medcyber.registry.models import Facility

from . import rules, ruleset
from .models import ClosureDay, Incident, JmaReport, Obligation, ReportDraft, category_of

#: The incident's fields a member edits (everything but facility, status and bookkeeping).
FACT_FIELDS = (
    "title",
    "kind",
    "occurred_at",
    "discovered_at",
    "systems_affected",
    "care_interrupted",
    "insider",
    "persons_affected",
    "data_items",
    "sensitive_data",
    "financial_damage_risk",
    "unlawful_purpose",
    "strongly_encrypted",
    "description",
    "cause",
    "recurrence_measures",
)


class IncidentError(ValueError):
    """A write that may not happen; the message is for the person who asked."""


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def facts_of(incident: Incident) -> rules.IncidentFacts:
    discovered_on = local_date(incident.discovered_at)
    assert discovered_on is not None
    return rules.IncidentFacts(
        category=category_of(incident.kind),
        discovered_on=discovered_on,
        persons=incident.persons_affected,
        sensitive_data=incident.sensitive_data,
        financial_damage_risk=incident.financial_damage_risk,
        unlawful_purpose=incident.unlawful_purpose,
        strongly_encrypted=incident.strongly_encrypted,
        occurred_on=local_date(incident.occurred_at),
    )


def check_facts(incident: Incident, *, today: dt.date | None = None) -> rules.Assessment:
    """The assessment of an unsaved incident's facts; :class:`IncidentError` when they cannot
    be right (the form shows the message)."""
    try:
        return ruleset.assess(facts_of(incident), today=today or timezone.localdate())
    except rules.FactsError as exc:
        raise IncidentError(str(exc)) from exc


def _check_closure_days(
    incident: Incident, days: Iterable[dt.date], today: dt.date
) -> list[dt.date]:
    out = sorted(set(days))
    first = local_date(incident.occurred_at) or local_date(incident.discovered_at)
    for day in out:
        if day > today:
            raise IncidentError(_("新患受付を停止した日に未来の日付があります。"))
        if first is not None and day < first:
            raise IncidentError(_("新患受付を停止した日に、発生日より前の日付があります。"))
    return out


@transaction.atomic
def create_incident(
    *,
    by: Any,
    facility: Facility,
    closure_days: Iterable[dt.date] = (),
    desk_case: Case | None = None,
    **facts: Any,
) -> tuple[Incident, list[rules.Change]]:
    """Record an incident and the reports it requires; raised from a desk case, the incident
    links to it and the case's timeline records it."""
    today = timezone.localdate()
    if desk_case is not None and desk_case.facility_id != facility.pk:
        raise IncidentError(_("相談の施設とインシデントの施設が一致しません。"))
    incident = Incident(facility=facility, created_by=by, desk_case=desk_case, **facts)
    check_facts(incident, today=today)
    days = _check_closure_days(incident, closure_days, today)
    incident.full_clean()
    incident.save()
    for day in days:
        ClosureDay.objects.create(incident=incident, day=day)
    if desk_case is not None:
        desk_services.note_incident(desk_case, by=by, incident=incident, now=timezone.now())
    return incident, recompute_obligations(incident, today=today)


@transaction.atomic
def update_incident(
    *, incident: Incident, by: Any, closure_days: Iterable[dt.date] | None = None, **facts: Any
) -> list[rules.Change]:
    """Change an incident's facts; the obligations follow (what changed is returned)."""
    today = timezone.localdate()
    for name, value in facts.items():
        if name not in FACT_FIELDS:
            raise ValueError(f"{name} is not an incident fact")
        setattr(incident, name, value)
    check_facts(incident, today=today)
    if closure_days is not None:
        wanted = set(_check_closure_days(incident, closure_days, today))
        have = {c.day: c for c in incident.closure_days.all()}
        for day, row in have.items():
            if day not in wanted:
                row.delete()
        for day in sorted(wanted - set(have)):
            ClosureDay.objects.create(incident=incident, day=day)
        if wanted != set(have):
            audit.record(
                "update",
                "incidents.incident.closure_days",
                incident,
                changes={"closure_days": [sorted(have), sorted(wanted)]},
            )
    incident.full_clean()
    incident.save()
    return recompute_obligations(incident, today=today)


@transaction.atomic
def set_status(*, incident: Incident, by: Any, status: str) -> None:
    incident.status = status
    incident.save()


def recompute_obligations(incident: Incident, *, today: dt.date) -> list[rules.Change]:
    """Bring the incident's obligation rows in line with its facts.

    Obligations no longer required are kept as 「不要になった」 (a done one stays done); one
    required again is reopened. The changes are returned for the page to show.
    """
    assessment = ruleset.assess(facts_of(incident), today=today)
    rows = {o.code: o for o in Obligation.unscoped.filter(incident=incident)}
    before = rules.Assessment(
        ppc_report_required=False,
        ppc_reasons=(),
        unlawful=False,
        obligations=tuple(
            rules.ObligationDue(rules.ObligationCode(o.code), rules.Timing(o.timing), o.due_on, "")
            for o in rows.values()
            if o.status != Obligation.Status.WITHDRAWN
        ),
    )
    wanted = {o.code.value: o for o in assessment.obligations}
    for code, due in wanted.items():
        row = rows.get(code)
        values = {"timing": due.timing.value, "due_on": due.due_on, "basis": due.basis[:300]}
        if row is None:
            Obligation.unscoped.create(incident=incident, code=code, **values)
            continue
        if row.status == Obligation.Status.WITHDRAWN:
            values["status"] = Obligation.Status.OPEN
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    for code, row in rows.items():
        if code not in wanted and row.status == Obligation.Status.OPEN:
            row.status = Obligation.Status.WITHDRAWN
            row.save()
    changes = rules.compare(before, assessment)
    if changes:
        audit.record(
            "action",
            "incidents.obligations.recomputed",
            incident,
            changes={
                "changes": [
                    {"code": c.code.value, "kind": c.kind, "before": c.before, "after": c.after}
                    for c in changes
                ]
            },
        )
    return changes


@transaction.atomic
def record_obligation(
    *,
    obligation: Obligation,
    by: Any,
    status: str,
    done_on: dt.date | None,
    note: str = "",
    document: Any = None,
) -> Obligation:
    """Mark a report made (with its date and evidence) or open again."""
    today = timezone.localdate()
    if status == Obligation.Status.DONE:
        if done_on is None:
            raise IncidentError(_("実施日を入力してください。"))
        if done_on > today:
            raise IncidentError(_("実施日が未来の日付になっています。"))
        discovered = local_date(obligation.incident.discovered_at)
        occurred = local_date(obligation.incident.occurred_at) or discovered
        if occurred is not None and done_on < occurred:
            raise IncidentError(_("実施日がインシデントの発生日より前になっています。"))
    elif status == Obligation.Status.OPEN:
        done_on = None
    else:
        raise IncidentError(_("状態を選んでください。"))
    obligation.status = status
    obligation.done_on = done_on
    obligation.evidence_note = note
    if document is not None:
        obligation.evidence_document = document
    obligation.save()
    return obligation


def _next_jma_number(year: int) -> str:
    prefix = f"JMA-{year}-"
    last = (
        JmaReport.unscoped.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def file_jma_report(
    *, incident: Incident, by: Any, contents: str, contact_phone: str = ""
) -> JmaReport:
    """File the programme's report to the JMA: a dated, numbered record the association sees;
    it marks the incident's JMA obligation done."""
    if not contents.strip():
        raise IncidentError(_("報告内容を入力してください。"))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                now = timezone.now()
                report = JmaReport(
                    incident=incident,
                    number=_next_jma_number(timezone.localdate(now).year),
                    filed_at=now,
                    filed_by=by,
                    contents=contents,
                    contact_phone=contact_phone,
                )
                report.save()
                obligation = Obligation.unscoped.filter(
                    incident=incident, code=Obligation.Code.JMA
                ).first()
                if obligation is not None and obligation.status != Obligation.Status.DONE:
                    obligation.status = Obligation.Status.DONE
                    obligation.done_on = timezone.localdate(now)
                    obligation.evidence_note = _("medcyberで報告（受付番号 %(number)s）") % {
                        "number": report.number
                    }
                    obligation.save()
                return report
        except IntegrityError:  # two reports numbered at once: take the next number
            continue
    raise IncidentError(_("受付番号を採番できませんでした。もう一度お試しください。"))


@transaction.atomic
def save_draft(*, draft: ReportDraft, by: Any, **fields: Any) -> ReportDraft:
    for name, value in fields.items():
        if name not in (*ReportDraft.PPC_FIELDS, "notice_text"):
            raise ValueError(f"{name} is not a draft field")
        setattr(draft, name, value)
    draft.save()
    return draft


@transaction.atomic
def redraft(*, draft: ReportDraft, by: Any) -> ReportDraft:
    """Write the drafts again from the incident record as it is now (edits are replaced)."""
    from .drafting import initial_draft

    return save_draft(draft=draft, by=by, **initial_draft(draft.incident))


@transaction.atomic
def draft_for(incident: Incident) -> ReportDraft:
    """The incident's drafts, written from its record the first time they are opened."""
    from .drafting import initial_draft

    draft = ReportDraft.unscoped.filter(incident=incident).first()
    if draft is None:
        draft = ReportDraft(incident=incident, **initial_draft(incident))
        draft.save()
    return draft
