"""Who may read what: the audiences a user belongs to (pure decisions over a few facts)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from medcyber.registry.choices import MemberClass, MemberStatus

from .models import AUDIENCE_ORDER, Audience


def audiences_for_level(level: str) -> list[str]:
    """Every audience up to and including ``level`` (a member also reads public items)."""
    return [a.value for a in AUDIENCE_ORDER[: AUDIENCE_ORDER.index(Audience(level)) + 1]]


def is_programme_member(user: Any) -> bool:
    """An A① member's facility is in the programme: its founder/manager, its administrators
    and its staff are programme members while the member's membership is active."""
    from medcyber.registry.models import FacilityManagement
    from medcyber.registry.queries import visible_facility_ids

    ids = visible_facility_ids(user)
    if ids is None:
        return True
    if not ids:
        return False
    return (
        FacilityManagement.unscoped.current(timezone.localdate())
        .filter(
            facility_id__in=ids,
            member__member_class=MemberClass.A1,
            member__status=MemberStatus.ACTIVE,
        )
        .exists()
    )


def reader_level(user: Any) -> str:
    """The narrowest audience a user reaches. Remembered on the user for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Audience.PUBLIC
    memo = user.__dict__.get("_portal_level")
    if memo is not None:
        return str(memo)
    if user.staff_cleared:
        level = Audience.STAFF
    elif is_programme_member(user):
        level = Audience.MEMBERS
    elif EmailAddress.objects.filter(user=user, verified=True).exists():
        level = Audience.REGISTERED
    else:  # registered but not verified yet: public items only until the link is followed
        level = Audience.PUBLIC
    user.__dict__["_portal_level"] = level
    return str(level)


def audiences_for(user: Any) -> list[str]:
    return audiences_for_level(reader_level(user))


def may_edit(user: Any) -> bool:
    """Content editors (and association admins) write; staff need their second factor."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.staff_cleared
        and (user.has_role("content_editor", "association_admin") or user.is_superuser)
    )


def may_publish_alerts(user: Any) -> bool:
    return may_edit(user)
