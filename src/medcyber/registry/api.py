from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from . import queries
from .models import Facility

router = Router(tags=["registry"])


class FacilityOut(Schema):
    id: int
    name: str
    name_kana: str
    kind: str
    kind_label: str
    medical_institution_code: str
    postal_code: str
    prefecture: str
    prefecture_label: str
    address: str
    phone: str
    status: str

    @staticmethod
    def resolve_kind_label(obj: Facility) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_prefecture_label(obj: Facility) -> str:
        return str(obj.get_prefecture_display())


@router.get("", response=list[FacilityOut], summary="Facilities the caller may see")
@paginate(LimitOffsetPagination)
def list_facilities(request: HttpRequest):  # type: ignore[no-untyped-def]
    return queries.facilities_for(request.user)


@router.get("/{facility_id}", response=FacilityOut, summary="One facility")
def get_facility(request: HttpRequest, facility_id: int) -> Facility:
    try:
        return queries.facility_for(request.user, facility_id)
    except Facility.DoesNotExist:
        raise Http404 from None
