"""Reads of the registry, always scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .choices import MemberStatus
from .models import Facility, FacilityManagement, FacilityStaff, Member


def visible_facility_ids(user: Any) -> QuerySet[Any] | None:
    """Facility ids a user may see, as a subquery; ``None`` when the role sees every facility.

    A member sees the facilities they currently found or manage while their membership is
    active; facility administrators and staff see the facilities they are linked to now.
    """
    if user.sees_all_facilities:
        return None
    today = timezone.localdate()
    managed = (
        FacilityManagement.unscoped.current(today)
        .filter(member__user=user, member__status=MemberStatus.ACTIVE)
        .values("facility_id")
    )
    staffed = FacilityStaff.unscoped.current(today).filter(user=user).values("facility_id")
    return Facility.unscoped.filter(Q(pk__in=managed) | Q(pk__in=staffed)).values("pk")


def facilities_for(user: Any) -> QuerySet[Facility]:
    return Facility.objects.visible_to(user).order_by("name_kana")


def facility_for(user: Any, pk: int) -> Facility:
    """The facility, or ``Facility.DoesNotExist`` when it is not the user's to see."""
    return Facility.objects.visible_to(user).get(pk=pk)


def current_manager(facility: Facility) -> FacilityManagement | None:
    today = timezone.localdate()
    return (
        FacilityManagement.unscoped.current(today)
        .filter(facility=facility)
        .select_related("member")
        .first()
    )


def member_of(user: Any) -> Member | None:
    return Member.objects.visible_to(user).filter(user=user).first()
