"""Self-assessments, assets and known-exploited-vulnerability warnings for integrations (a
facility's own tools, the association's reporting).

Scoped as the screens are: members and facility staff reach their facilities, association staff
read every facility; writes (an asset, a warning's status) are the facility's own, so staff get
403. Another tenant's facility, assessment or warning answers 404; a body the screens would
refuse answers 400 with their Japanese messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from medcyber.core import audit
from medcyber.registry.models import Facility
from medcyber.registry.queries import facility_for

from . import queries, services
from .forms import AssetForm
from .models import Answer, Assessment, Asset, KevFinding

router = Router(tags=["guideline"])


class ProgressOut(Schema):
    total: int
    answered: int
    yes: int
    no: int
    percent: int


class AssessmentOut(Schema):
    id: int
    facility_id: int
    checklist: str
    fiscal_year: int
    vendor_name: str
    has_medical_system: bool | None
    updated_at: dt.datetime
    progress: ProgressOut

    @staticmethod
    def resolve_checklist(obj: Assessment) -> str:
        return str(obj.version.checklist.code)

    @staticmethod
    def resolve_progress(obj: Assessment) -> dict[str, int]:
        p = queries.progress_of(obj, obj.version)
        return {
            "total": p.total,
            "answered": p.answered,
            "yes": p.yes,
            "no": p.no,
            "percent": p.percent,
        }


class AnswerOut(Schema):
    item_key: str
    number: str
    value: str
    checked_on: dt.date | None
    target_date: dt.date | None
    note: str


class AssessmentDetailOut(AssessmentOut):
    answers: list[AnswerOut]

    @staticmethod
    def resolve_answers(obj: Assessment) -> list[dict[str, Any]]:
        return getattr(obj, "answer_rows", [])


class AssetOut(Schema):
    id: int
    facility_id: int
    kind: str
    name: str
    vendor: str
    product: str
    version: str
    location: str
    owner: str
    internet_exposed: bool
    maintainer: str
    note: str


class AssetIn(Schema):
    """Every field optional in the schema: the screen's form checks them, in Japanese."""

    kind: str = ""
    name: str = ""
    vendor: str = ""
    product: str = ""
    version: str = ""
    location: str = ""
    owner: str = ""
    internet_exposed: bool = False
    maintainer: str = ""
    note: str = ""


class FindingOut(Schema):
    id: int
    asset_id: int
    asset_name: str
    cve_id: str
    vulnerability_name: str
    required_action: str
    known_ransomware: bool
    status: str
    planned_on: dt.date | None

    @staticmethod
    def resolve_asset_name(obj: KevFinding) -> str:
        return str(obj.asset.name)

    @staticmethod
    def resolve_cve_id(obj: KevFinding) -> str:
        return str(obj.entry.cve_id)

    @staticmethod
    def resolve_vulnerability_name(obj: KevFinding) -> str:
        return str(obj.entry.vulnerability_name)

    @staticmethod
    def resolve_required_action(obj: KevFinding) -> str:
        return str(obj.entry.required_action)

    @staticmethod
    def resolve_known_ransomware(obj: KevFinding) -> bool:
        return bool(obj.entry.known_ransomware)


class FindingIn(Schema):
    status: str = ""
    planned_on: dt.date | None = None


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    try:
        return facility_for(request.user, facility_id)
    except Facility.DoesNotExist:
        raise Http404 from None


def _require_facility_side(request: HttpRequest) -> None:
    if not queries.may_edit(request.user):
        raise HttpError(403, _("施設の方だけが変更できます。"))


@router.get(
    "/assessments",
    response=list[AssessmentOut],
    summary="Self-assessments the caller may see (filter by facility and fiscal year)",
)
@paginate(LimitOffsetPagination)
def list_guideline_assessments(  # type: ignore[no-untyped-def]
    request: HttpRequest, facility_id: int | None = None, fiscal_year: int | None = None
):
    rows = Assessment.objects.visible_to(request.user).select_related("version__checklist")
    if facility_id is not None:
        rows = rows.filter(facility_id=facility_id)
    if fiscal_year is not None:
        rows = rows.filter(version__fiscal_year=fiscal_year)
    return rows.order_by("facility_id", "-version__fiscal_year", "version__checklist__code", "pk")


@router.get(
    "/assessments/{assessment_id}",
    response=AssessmentDetailOut,
    summary="One self-assessment with its answers",
)
def get_guideline_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.visible_to(request.user)
        .select_related("version__checklist")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404
    audit.record_view(assessment, action="guideline.assessment.api_view")
    answers = (
        Answer.objects.visible_to(request.user)
        .filter(assessment=assessment)
        .select_related("item")
        .order_by("item__order")
    )
    assessment.answer_rows = [  # type: ignore[attr-defined]
        {
            "item_key": a.item.key,
            "number": a.item.number,
            "value": a.value,
            "checked_on": a.checked_on,
            "target_date": a.target_date,
            "note": a.note,
        }
        for a in answers
    ]
    return assessment


@router.get(
    "/facilities/{facility_id}/assets",
    response=list[AssetOut],
    summary="A facility's asset register (assets in use)",
)
def list_guideline_assets(request: HttpRequest, facility_id: int) -> list[Asset]:
    return queries.assets_of(request.user, _facility(request, facility_id))


@router.post(
    "/facilities/{facility_id}/assets",
    response={201: AssetOut},
    summary="Register one asset (warned at once of known-exploited flaws)",
)
def create_guideline_asset(
    request: HttpRequest, facility_id: int, payload: AssetIn
) -> Status[Asset]:
    facility = _facility(request, facility_id)
    _require_facility_side(request)
    data = payload.dict()
    data["internet_exposed"] = "on" if data["internet_exposed"] else ""
    form = AssetForm(data=data)
    if not form.is_valid():
        messages = [f"{name}: {error}" for name, errors in form.errors.items() for error in errors]
        raise HttpError(400, "; ".join(messages))
    asset = form.save(commit=False)
    asset.facility = facility
    try:
        services.save_asset(asset=asset, by=request.user)
    except services.AssetInvalid as error:
        raise HttpError(400, str(error)) from None
    return Status(201, asset)


@router.get(
    "/facilities/{facility_id}/kev-findings",
    response=list[FindingOut],
    summary="A facility's known-exploited-vulnerability warnings",
)
def list_guideline_kev_findings(request: HttpRequest, facility_id: int) -> list[KevFinding]:
    return queries.findings_of(request.user, _facility(request, facility_id))


@router.post(
    "/kev-findings/{finding_id}",
    response=FindingOut,
    summary="Mark a warning patched, not affected, or planned (with its date)",
)
def mark_guideline_kev_finding(
    request: HttpRequest, finding_id: int, payload: FindingIn
) -> KevFinding:
    finding = (
        KevFinding.objects.visible_to(request.user)
        .select_related("asset", "entry")
        .filter(pk=finding_id, asset__retired_on__isnull=True)
        .first()
    )
    if finding is None:
        raise Http404
    _require_facility_side(request)
    try:
        services.mark_finding(
            finding=finding, status=payload.status, planned_on=payload.planned_on, by=request.user
        )
    except services.FindingInvalid as error:
        raise HttpError(400, str(error)) from None
    return finding
