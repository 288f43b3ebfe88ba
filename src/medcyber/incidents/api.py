"""The incidents API: the obligations computation (same shape as ``medcyber incidents
obligations``) and the caller's incidents with their obligations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from . import contract, queries

router = Router(tags=["incidents"])


class ObligationOut(Schema):
    code: str
    due_on: str | None
    basis: str


class ObligationsOut(Schema):
    ppc_report_required: bool
    obligations: list[ObligationOut]


class Problem(Schema):
    detail: str


@router.post(
    "/obligations",
    response={200: ObligationsOut, 422: Problem},
    summary="The reports an incident needs and their due dates",
)
def compute_obligations(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> Any:  # noqa: B008 - ninja's way of taking the raw object
    try:
        return Status(200, contract.compute(payload, today=timezone.localdate()))
    except contract.ContractError as exc:
        return Status(422, {"detail": str(exc)})


class IncidentObligationOut(Schema):
    code: str
    status: str
    due_on: dt.date | None
    done_on: dt.date | None


class IncidentOut(Schema):
    id: int
    number: str
    facility_id: int
    title: str
    kind: str
    status: str
    discovered_at: dt.datetime
    obligations: list[IncidentObligationOut]

    @staticmethod
    def resolve_obligations(obj: Any) -> list[Any]:
        return list(obj.obligations.all())


@router.get("", response=list[IncidentOut], summary="Incidents the caller may see")
@paginate(LimitOffsetPagination)
def list_incidents(request: HttpRequest):  # type: ignore[no-untyped-def]
    return queries.incidents_for(request.user).prefetch_related("obligations")
