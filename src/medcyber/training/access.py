"""Who may run training for which facilities (TRAIN-1, TRAIN-2).

A facility's training is run by its administrators (a current facility-admin link, or the
member who currently founds or manages it) and by association staff. Facility staff are the
people being trained: they see none of it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.registry.choices import FacilityStaffRole, MemberStatus
from medcyber.registry.models import FacilityManagement, FacilityStaff

#: Association staff who run and approve training for any facility.
TRAINING_STAFF_ROLES = frozenset({Role.ASSOCIATION_ADMIN})


def is_training_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.staff_cleared
        and (user.is_superuser or user.has_role(*TRAINING_STAFF_ROLES))
    )


def training_facility_ids(user: Any) -> list[int] | None:
    """Facilities whose training the user runs; ``None`` means every facility."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if is_training_staff(user):
        return None
    memo = user.__dict__.get("_training_facility_ids")
    today = timezone.localdate()
    if memo is not None and memo[0] == today:
        return list(memo[1])
    admin_of = (
        FacilityStaff.unscoped.current(today)
        .filter(user=user, role=FacilityStaffRole.ADMIN)
        .values_list("facility_id", flat=True)
        .order_by()
    )
    managed = (
        FacilityManagement.unscoped.current(today)
        .filter(member__user=user, member__status=MemberStatus.ACTIVE)
        .values_list("facility_id", flat=True)
        .order_by()
    )
    ids = sorted(set(admin_of.union(managed)))
    user.__dict__["_training_facility_ids"] = (today, ids)
    return list(ids)


def runs_training_for(user: Any, facility_id: int) -> bool:
    ids = training_facility_ids(user)
    return ids is None or facility_id in ids


def may_use_training(user: Any) -> bool:
    ids = training_facility_ids(user)
    return ids is None or bool(ids)
