"""Cases for integrations (DESK, issue item 9): list, read, create, add a message.

Scoped as the screens are: members and facility staff reach their facilities' cases, the desk
(and admins, auditors) every case, other staff none. A case another user may not see answers
404; a change the caller may not make answers 403; a body that is not a case answers 400 with
the form's messages in Japanese.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from medcyber.core import audit
from medcyber.registry.models import Facility, Member
from medcyber.registry.queries import current_manager, facilities_for

from . import queries, services
from .choices import Channel
from .forms import CaseDetailsForm
from .models import Case, CaseEvent, works_cases

router = Router(tags=["desk"])


class CaseOut(Schema):
    id: int
    reference: str
    channel: str
    facility_id: int | None
    category: str
    severity: str
    patient_data: str
    summary: str
    description: str
    status: str
    tier: int
    received_at: dt.datetime
    out_of_hours: bool
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    version: int


class EventOut(Schema):
    kind: str
    text: str
    occurred_at: dt.datetime
    internal: bool


class CaseDetailOut(CaseOut):
    events: list[EventOut]


class CaseIn(Schema):
    """Every field optional in the schema: the desk's own form checks them, in Japanese."""

    facility_id: int | None = None
    category: str = ""
    severity: str = ""
    patient_data: str = ""
    summary: str = ""
    description: str = ""
    caller_name: str = ""
    caller_phone: str = ""


class MessageIn(Schema):
    text: str = ""


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return queries.case_for(request.user, case_id)
    except Case.DoesNotExist:
        raise Http404 from None


def _manager_of(facility: Facility | None) -> Member | None:
    management = current_manager(facility) if facility is not None else None
    return management.member if management is not None else None


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    events: list[CaseEvent] = list(queries.timeline(request.user, case))
    return {**CaseOut.from_orm(case).dict(), "events": [EventOut.from_orm(e) for e in events]}


@router.get("", response=list[CaseOut], summary="Cases the caller may see, newest first")
@paginate(LimitOffsetPagination)
def list_desk_cases(request: HttpRequest):  # type: ignore[no-untyped-def]
    return queries.my_cases(request.user)


@router.get("/{case_id}", response=CaseDetailOut, summary="One case with its timeline")
def get_desk_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = _case(request, case_id)
    audit.record_view(case, action="desk.case.api_view")
    return _detail(request, case)


@router.post("", response={201: CaseOut}, summary="Open a case (desk: a call; members: a web case)")
def create_desk_case(request: HttpRequest, payload: CaseIn) -> HttpStatus[Case]:
    user: Any = request.user
    operator = works_cases(user)
    if user.is_programme_staff and not operator:
        raise HttpError(403, _("相談を登録できるのは相談窓口の担当者と会員・施設の職員です。"))
    form = CaseDetailsForm(data=payload.dict())
    if not form.is_valid():
        messages = [f"{name}: {error}" for name, errors in form.errors.items() for error in errors]
        raise HttpError(400, "; ".join(messages))
    facilities = {f.pk: f for f in facilities_for(user)} if payload.facility_id else {}
    facility = facilities.get(payload.facility_id) if payload.facility_id else None
    if payload.facility_id and facility is None:
        raise HttpError(400, _("施設が見つかりません。"))
    if not operator and facility is None and facilities_for(user).exists():
        raise HttpError(400, _("施設を選んでください。"))
    data = form.cleaned_data
    case = services.open_case(
        by=user,
        channel=Channel.PHONE if operator else Channel.WEB,
        facility=facility,
        member=_manager_of(facility),
        caller_name=payload.caller_name or ("" if operator else str(user)),
        caller_phone=payload.caller_phone,
        caller_email="" if operator else user.email,
        category=data["category"],
        severity=data["severity"],
        patient_data=data["patient_data"],
        summary=data["summary"],
        description=data["description"],
        now=timezone.now(),
    )
    return HttpStatus(201, case)


@router.post("/{case_id}/messages", response={201: CaseDetailOut}, summary="Add a message")
def add_desk_case_message(
    request: HttpRequest, case_id: int, payload: MessageIn
) -> HttpStatus[dict[str, Any]]:
    case = _case(request, case_id)
    user: Any = request.user
    if user.is_programme_staff and not works_cases(user):
        raise HttpError(403, _("相談窓口の担当者だけが行えます。"))
    try:
        case = services.send_message(
            case, by=user, text=payload.text, version=None, now=timezone.now()
        )
    except services.CaseError as exc:
        raise HttpError(400, str(exc)) from None
    return HttpStatus(201, _detail(request, case))
