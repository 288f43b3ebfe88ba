"""Reads of the registry, always scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .choices import MemberStatus
from .models import Facility, FacilityManagement, FacilityStaff, Member


def visible_facility_ids(user: Any) -> list[int] | None:
    """Ids of the facilities a user may see; ``None`` when the role sees every facility.

    A member sees the facilities they currently found or manage while their membership is
    active; facility administrators and staff see the facilities they are linked to now.
    One small query, remembered on the user object for the rest of the request, so every
    scoped read after it filters on a short list of ids (index-friendly at national scale).
    """
    if user.sees_all_facilities:
        return None
    today = timezone.localdate()
    memo = user.__dict__.get("_visible_facility_ids")
    if memo is not None and memo[0] == today:
        return list(memo[1])
    managed = (
        FacilityManagement.unscoped.current(today)
        .filter(member__user=user, member__status=MemberStatus.ACTIVE)
        .values_list("facility_id", flat=True)
        .order_by()
    )
    staffed = (
        FacilityStaff.unscoped.current(today)
        .filter(user=user)
        .values_list("facility_id", flat=True)
        .order_by()
    )
    ids = sorted(set(managed.union(staffed)))
    user.__dict__["_visible_facility_ids"] = (today, ids)
    return list(ids)


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
