"""The training API: campaigns and their results, scoped like the screens."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import queries
from .models import Campaign

router = Router(tags=["training"])


class CampaignOut(Schema):
    id: int
    name: str
    facility_id: int
    state: str
    template: str
    window_start: dt.datetime
    window_end: dt.datetime
    recipients: int

    @staticmethod
    def resolve_template(obj: Campaign) -> str:
        return str(obj.template.slug or obj.template.name)


class FunnelOut(Schema):
    sent: int
    opened: int
    clicked: int
    submitted: int
    reported: int


class BreakdownOut(Schema):
    label: str
    funnel: FunnelOut


class ResultsOut(Schema):
    campaign: CampaignOut
    funnel: FunnelOut
    programme_average: FunnelOut | None
    pending: int
    failed: int
    uncertain: int
    by_department: list[BreakdownOut]
    by_job_type: list[BreakdownOut]
    first_report_minutes: int | None


@router.get("/campaigns", response=list[CampaignOut], summary="Training campaigns the caller runs")
@paginate(LimitOffsetPagination)
def list_campaigns(request: HttpRequest):  # type: ignore[no-untyped-def]
    return queries.campaigns_for(request.user)


@router.get("/campaigns/{campaign_id}", response=ResultsOut, summary="One campaign and its results")
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    try:
        campaign = queries.campaigns_for(request.user).get(pk=campaign_id)
    except Campaign.DoesNotExist:
        raise Http404 from None
    results = queries.campaign_results(campaign)
    return {
        "campaign": campaign,
        "funnel": results.funnel,
        "programme_average": queries.programme_average(),
        "pending": results.pending,
        "failed": results.failed,
        "uncertain": results.uncertain,
        "by_department": results.by_department,
        "by_job_type": results.by_job_type,
        "first_report_minutes": results.first_report_minutes,
    }
