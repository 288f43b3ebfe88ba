"""Every write of the desk: one function per use case, one transaction, timeline and audit
included. Changes to a case name the version the operator saw; if someone else changed the
case meanwhile, :class:`CaseConflict` says so and nothing is overwritten."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from medcyber.accounts.roles import Role
from medcyber.core.documents import ALL_TYPES, DocumentRejected, store_upload
from medcyber.core.documents.services import clean_file_name
from medcyber.registry.models import Facility, Member

from . import queries, rules
from .choices import (
    OPEN_STATUSES,
    TRANSITIONS,
    Category,
    Channel,
    EventKind,
    Severity,
    Status,
    Tier,
)
from .models import (
    Answer,
    Case,
    CaseAttachment,
    CaseEvent,
    Referral,
    ReferralPartner,
    works_cases,
)

#: What may be attached: screenshots, logs and documents (core.documents refuses the rest).
ATTACHMENT_TYPES = ALL_TYPES


class CaseError(Exception):
    """A change the desk's rules refuse; the message is for the person who asked."""


class CaseConflict(CaseError):
    """Someone else changed the case since it was opened on this screen."""


def _require_operator(user: Any) -> None:
    if not works_cases(user):
        raise CaseError(_("相談窓口の担当者だけが行えます。"))


def _event(
    case: Case,
    kind: str,
    by: Any,
    now: dt.datetime,
    *,
    text: str = "",
    internal: bool = True,
    **data: Any,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        internal=internal,
        actor=by if getattr(by, "is_authenticated", False) else None,
        text=text,
        data=data,
        occurred_at=now,
    )
    event.save()
    return event


def _locked(case: Case, version: int | None) -> Case:
    """The case row locked for this transaction, refused when its version moved on."""
    current = Case.unscoped.select_for_update().get(pk=case.pk)
    if version is not None and current.version != version:
        raise CaseConflict(
            _(
                "この相談は他の担当者が先に更新しました（%(who)s）。画面を読み込み直して、"
                "最新の内容を確認してからやり直してください。"
            )
            % {"who": _last_actor(current)}
        )
    return current


def _last_actor(case: Case) -> str:
    event = CaseEvent.unscoped.filter(case=case).select_related("actor").order_by("-pk").first()
    return str(event.actor) if event and event.actor else _("不明")


def _saved(case: Case) -> Case:
    case.version += 1
    case.save()
    return case


# --- intake ----------------------------------------------------------------------------------
def open_case(
    *,
    by: Any,
    channel: str,
    category: str,
    severity: str,
    patient_data: str,
    summary: str,
    description: str = "",
    facility: Facility | None = None,
    member: Member | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    caller_email: str = "",
    caller_facility_name: str = "",
    now: dt.datetime,
) -> Case:
    """Log a call (an operator on the line) or a web form (a member or facility staff).

    SLA clocks start at once and count desk hours only; a web case out of hours is accepted,
    queued and acknowledged with the next opening time (by e-mail after the commit).
    """
    if channel == Channel.PHONE:
        _require_operator(by)
    schedule = queries.desk_schedule(now)
    target = rules.target_for(queries.sla_targets(), category, severity)
    with transaction.atomic():
        case = Case(
            channel=channel,
            facility=facility,
            member=member,
            caller_name=caller_name,
            caller_phone=caller_phone,
            caller_email=caller_email,
            caller_facility_name=caller_facility_name,
            reported_by=by,
            category=category,
            severity=severity,
            patient_data=patient_data,
            summary=summary,
            description=description,
            received_at=now,
            out_of_hours=not rules.is_open(schedule, now),
            first_response_due=rules.add_desk_time(schedule, now, target.first_response),
            resolution_due=rules.add_desk_time(schedule, now, target.resolution),
            # on the phone the operator is answering already
            first_responded_at=now if channel == Channel.PHONE else None,
            status=Status.IN_PROGRESS if channel == Channel.PHONE else Status.NEW,
            assignee=by if channel == Channel.PHONE else None,
        )
        case.save()
        _event(case, EventKind.OPENED, by, now, internal=False, channel=channel)
        if channel == Channel.WEB:
            from .tasks import send_acknowledgement

            transaction.on_commit(lambda: send_acknowledgement.enqueue(case.pk))
    return case


def next_opening(now: dt.datetime) -> dt.datetime:
    return rules.next_opening(queries.desk_schedule(now), now)


def attach_files(
    case: Case, *, by: Any, files: list[Any], now: dt.datetime
) -> list[CaseAttachment]:
    """Store files on a case (checked, scanned, encrypted); call outside a transaction.

    Raises ``DocumentRejected`` for the first file that may not be kept; files before it stay.
    A file clamd finds infected is never stored (core.documents refuses it and audits it):
    the case is flagged and its timeline says which file and what was found.
    """
    added = []
    for file in files:
        try:
            document = store_upload(
                file,
                purpose="desk_attachment",
                owner=by,
                facility=case.facility,
                allowed_types=ATTACHMENT_TYPES,
            )
        except DocumentRejected as refused:
            if refused.reason == "infected":
                flag_infected_file(case, by=by, file=file, signature=refused.signature, now=now)
            raise
        with transaction.atomic():
            attachment = CaseAttachment.objects.create(case=case, document=document)
            _event(
                case,
                EventKind.ATTACHMENT,
                by,
                now,
                internal=False,
                text=document.original_name,
                document=str(document.public_id),
            )
        added.append(attachment)
    return added


def flag_infected_file(case: Case, *, by: Any, file: Any, signature: str, now: dt.datetime) -> Case:
    """Flag the case: a file sent with it carried malware. The bytes were never stored; the
    timeline keeps the name, the signature and the SHA-256 (to match the sample later)."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    name = clean_file_name(file.name or "")
    with transaction.atomic():
        case = _locked(case, None)
        if case.virus_found_at is None:
            case.virus_found_at = now
        _event(
            case,
            EventKind.QUARANTINED,
            by,
            now,
            internal=False,
            text=_(
                "「%(name)s」からウイルス（%(signature)s）が検出されました。ファイルは保存していません。"
            )
            % {"name": name, "signature": signature},
            file_name=name,
            signature=signature,
            sha256=digest.hexdigest(),
        )
        return _saved(case)


def match_caller(
    case: Case,
    *,
    by: Any,
    facility: Facility | None,
    member: Member | None,
    version: int | None,
    now: dt.datetime,
) -> Case:
    """Link an unidentified caller to the registry once they are known."""
    _require_operator(by)
    with transaction.atomic():
        case = _locked(case, version)
        case.facility, case.member = facility, member
        _event(
            case,
            EventKind.MATCHED,
            by,
            now,
            text=" / ".join(str(x) for x in (facility, member) if x is not None),
            facility=facility.pk if facility else None,
            member=member.pk if member else None,
        )
        return _saved(case)


# --- SLA clocks ------------------------------------------------------------------------------
def _resolution_pauses(
    case: Case, pending: tuple[dt.datetime, str, str] | None = None
) -> list[rules.Pause]:
    """The times the case waited for its member, read from its timeline's status changes
    (and ``pending``, a change about to be written)."""
    changes = [
        (event.occurred_at, event.data.get("old", ""), event.data.get("new", ""))
        for event in CaseEvent.unscoped.filter(case=case, kind=EventKind.STATUS).order_by(
            "occurred_at", "pk"
        )
    ]
    return rules.pauses_from([*changes, *([pending] if pending else [])], Status.WAITING_MEMBER)


def _recompute_due_times(
    case: Case, now: dt.datetime, pending: tuple[dt.datetime, str, str] | None = None
) -> None:
    """Both deadlines again from the receipt, with the case's current category and severity
    and every finished wait for the member (the resolution clock stood still meanwhile)."""
    schedule = queries.desk_schedule(now)
    target = rules.target_for(queries.sla_targets(), case.category, case.severity)
    case.first_response_due = rules.add_desk_time(schedule, case.received_at, target.first_response)
    case.resolution_due = rules.resolution_due(
        schedule, case.received_at, target.resolution, _resolution_pauses(case, pending)
    )


def _set_status(case: Case, status: str, *, by: Any, now: dt.datetime, text: str = "") -> None:
    """Change the status with its timeline line; waiting for the member stops the resolution
    clock, and leaving that wait starts it again with the due time moved on."""
    old = case.status
    case.status = status
    if status == Status.RESOLVED:
        case.resolved_at = now
    elif status == Status.REOPENED:
        case.resolved_at = None
    if status not in OPEN_STATUSES and case.first_responded_at is None:
        case.first_responded_at = now
    moved: dict[str, Any] = {}
    if status == Status.WAITING_MEMBER:
        case.resolution_paused_at = now
    elif old == Status.WAITING_MEMBER:
        case.resolution_paused_at = None
        before = case.resolution_due
        _recompute_due_times(case, now, pending=(now, old, status))
        if case.resolution_due != before:
            moved = {
                "resolution_due": {
                    "old": before.isoformat(),
                    "new": case.resolution_due.isoformat(),
                }
            }
    _event(case, EventKind.STATUS, by, now, internal=False, text=text, old=old, new=status, **moved)


# --- workflow --------------------------------------------------------------------------------
def change_status(
    case: Case, *, by: Any, status: str, version: int | None, now: dt.datetime, text: str = ""
) -> Case:
    _require_operator(by)
    with transaction.atomic():
        case = _locked(case, version)
        if status not in TRANSITIONS.get(case.status, frozenset()):
            raise CaseError(
                _("「%(old)s」から「%(new)s」には変更できません。")
                % {"old": Status(case.status).label, "new": Status(status).label}
            )
        _set_status(case, status, by=by, now=now, text=text)
        return _saved(case)


def recategorise(
    case: Case,
    *,
    by: Any,
    category: str,
    severity: str,
    version: int | None,
    now: dt.datetime,
) -> Case:
    """Correct a case's category or severity once the desk knows more; both deadlines are
    worked out again from the receipt with the new targets, and the timeline says so."""
    _require_operator(by)
    with transaction.atomic():
        case = _locked(case, version)
        if (case.category, case.severity) == (category, severity):
            raise CaseError(_("相談の種類も緊急度も変わっていません。"))
        old = {
            "category": case.category,
            "severity": case.severity,
            "first_response_due": case.first_response_due.isoformat(),
            "resolution_due": case.resolution_due.isoformat(),
        }
        case.category, case.severity = category, severity
        _recompute_due_times(case, now)
        new = {
            "category": category,
            "severity": severity,
            "first_response_due": case.first_response_due.isoformat(),
            "resolution_due": case.resolution_due.isoformat(),
        }
        _event(case, EventKind.DETAILS, by, now, text=_details_text(old, case), old=old, new=new)
        return _saved(case)


def _details_text(old: dict[str, str], case: Case) -> str:
    """The timeline's words for a re-categorisation: what changed and the new deadlines."""
    parts = []
    if old["category"] != case.category:
        parts.append(
            _("相談の種類: %(old)s → %(new)s")
            % {"old": Category(old["category"]).label, "new": Category(case.category).label}
        )
    if old["severity"] != case.severity:
        parts.append(
            _("緊急度: %(old)s → %(new)s")
            % {"old": Severity(old["severity"]).label, "new": Severity(case.severity).label}
        )
    parts.append(
        _("期限を計算し直しました（初回応答 %(first)s、解決 %(resolution)s）。")
        % {
            "first": _when(case.first_response_due),
            "resolution": _when(case.resolution_due),
        }
    )
    return "\n".join(parts)


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}"


def _may_work_tier(user: Any, tier: int) -> bool:
    if tier == Tier.TIER2:
        return bool(user.has_role(Role.DESK_TIER2))
    return bool(user.has_role(Role.DESK_TIER1, Role.DESK_TIER2))


def assign(case: Case, *, by: Any, assignee: Any, version: int | None, now: dt.datetime) -> Case:
    """Give the case to an operator of its tier (or to nobody, back to the queue)."""
    _require_operator(by)
    with transaction.atomic():
        case = _locked(case, version)
        if assignee is not None and not (
            works_cases(assignee) and _may_work_tier(assignee, case.tier)
        ):
            raise CaseError(_("この担当者はこの段階の相談を担当できません。"))
        case.assignee = assignee
        _event(
            case,
            EventKind.ASSIGNED,
            by,
            now,
            text=str(assignee or ""),
            assignee=getattr(assignee, "pk", None),
        )
        case = _saved(case)
        if assignee is not None and assignee != by:
            from .tasks import notify_assignee

            transaction.on_commit(lambda: notify_assignee.enqueue(case.pk))
        return case


def escalate(case: Case, *, by: Any, reason: str, version: int | None, now: dt.datetime) -> Case:
    """Tier 1 → tier 2, with the reason tier 2 reads first; the case goes back to the queue."""
    _require_operator(by)
    if not reason.strip():
        raise CaseError(_("2次対応へ引き継ぐ理由を入力してください。"))
    with transaction.atomic():
        case = _locked(case, version)
        if case.tier == Tier.TIER2:
            raise CaseError(_("この相談はすでに2次対応です。"))
        case.tier, case.assignee = Tier.TIER2, None
        _event(case, EventKind.ESCALATED, by, now, text=reason.strip())
        return _saved(case)


def de_escalate(case: Case, *, by: Any, reason: str, version: int | None, now: dt.datetime) -> Case:
    """Tier 2 hands a case back to tier 1 (tier 2 operators only)."""
    _require_operator(by)
    if not by.has_role(Role.DESK_TIER2):
        raise CaseError(_("1次対応へ戻せるのは2次対応の担当者だけです。"))
    if not reason.strip():
        raise CaseError(_("1次対応へ戻す理由を入力してください。"))
    with transaction.atomic():
        case = _locked(case, version)
        if case.tier == Tier.TIER1:
            raise CaseError(_("この相談はすでに1次対応です。"))
        case.tier, case.assignee = Tier.TIER1, None
        _event(case, EventKind.DEESCALATED, by, now, text=reason.strip())
        return _saved(case)


def add_note(case: Case, *, by: Any, text: str, version: int | None, now: dt.datetime) -> Case:
    """An internal note: the desk sees it, the member never does."""
    _require_operator(by)
    if not text.strip():
        raise CaseError(_("メモを入力してください。"))
    with transaction.atomic():
        case = _locked(case, version)
        _event(case, EventKind.NOTE, by, now, text=text.strip())
        return _saved(case)


def note_incident(case: Case, *, by: Any, incident: Any, now: dt.datetime) -> Case:
    """The case's timeline records the incident raised from it (internal: the incident page
    decides who may open it)."""
    with transaction.atomic():
        case = _locked(case, None)
        _event(
            case,
            EventKind.INCIDENT,
            by,
            now,
            text=f"{incident.number} {incident.title}",
            incident=incident.pk,
        )
        return _saved(case)


def send_message(
    case: Case,
    *,
    by: Any,
    text: str,
    version: int | None,
    now: dt.datetime,
    answer: Answer | None = None,
) -> Case:
    """A message between the desk and the member, on the member's timeline too.

    The desk's first message stops the first-response clock; a member's reply to a case
    waiting for them puts it back in progress.
    """
    if not text.strip():
        raise CaseError(_("メッセージを入力してください。"))
    from_desk = works_cases(by)
    if not from_desk and by.is_programme_staff:
        raise CaseError(_("相談窓口の担当者だけが行えます。"))
    with transaction.atomic():
        case = _locked(case, version)
        if from_desk and case.first_responded_at is None:
            case.first_responded_at = now
        if not from_desk and case.status == Status.WAITING_MEMBER:
            _set_status(
                case, Status.IN_PROGRESS, by=by, now=now, text=_("会員から回答がありました。")
            )
        linked = {"answer": answer.pk, "answer_title": answer.title} if answer else {}
        _event(
            case,
            EventKind.MESSAGE,
            by,
            now,
            internal=False,
            text=text.strip(),
            from_desk=from_desk,
            **linked,
        )
        return _saved(case)


# --- referrals (DESK-5) ----------------------------------------------------------------------
def refer(
    case: Case,
    *,
    by: Any,
    partner: ReferralPartner,
    consent_given: bool,
    consent_method: str,
    consent_note: str,
    version: int | None,
    now: dt.datetime,
) -> Referral:
    """Refer the member to a specialist firm; refused without the member's recorded consent.
    Tier 2 refers (the case has been assessed by then)."""
    _require_operator(by)
    if not by.has_role(Role.DESK_TIER2):
        raise CaseError(_("専門事業者の紹介は2次対応の担当者が行います。"))
    if not consent_given or not consent_note.strip():
        raise CaseError(
            _("紹介には会員の同意が必要です。同意を得たことと、その内容を記録してください。")
        )
    if not partner.active:
        raise CaseError(_("この事業者は現在紹介できません。"))
    with transaction.atomic():
        case = _locked(case, version)
        referral = Referral.objects.create(
            case=case,
            partner=partner,
            consent_method=consent_method,
            consent_note=consent_note.strip(),
            consent_recorded_at=now,
            consent_recorded_by=by,
        )
        _event(
            case, EventKind.REFERRED, by, now, internal=False, text=partner.name, partner=partner.pk
        )
        _saved(case)
    return referral


def record_referral_outcome(
    referral: Referral, *, by: Any, status: str, outcome: str, now: dt.datetime
) -> Referral:
    _require_operator(by)
    with transaction.atomic():
        referral = (
            Referral.unscoped.select_for_update()
            .select_related("case", "partner")
            .get(pk=referral.pk)
        )
        referral.status, referral.outcome = status, outcome.strip()
        referral.save()
        label = referral.get_status_display()
        _event(
            referral.case,
            EventKind.REFERRAL_OUTCOME,
            by,
            now,
            text=f"{referral.partner.name}: {label} {referral.outcome}".strip(),
            referral=referral.pk,
        )
    return referral
