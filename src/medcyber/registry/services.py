"""Writes to the registry: one function per use case, one transaction each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from .choices import FacilityStaffRole, ManagementRelation
from .models import Facility, FacilityManagement, FacilityStaff, Member


@transaction.atomic
def assign_manager(
    *,
    facility: Facility,
    member: Member,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    relation: str = ManagementRelation.FOUNDER_MANAGER,
) -> FacilityManagement:
    """Record who founds/manages a facility; refuses overlapping periods."""
    link = FacilityManagement(
        facility=facility,
        member=member,
        relation=relation,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    link.full_clean()
    link.save()
    return link


@transaction.atomic
def link_staff(
    *,
    facility: Facility,
    user: Any,
    role: str = FacilityStaffRole.STAFF,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> FacilityStaff:
    """Give a login account access to a facility's data."""
    link = FacilityStaff(
        facility=facility, user=user, role=role, valid_from=valid_from, valid_to=valid_to
    )
    link.full_clean()
    link.save()
    return link
