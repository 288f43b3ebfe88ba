"""Finding the caller in the registry while they are on the line (DESK-1).

One box takes a member number, a facility's name (kanji or kana, any width), a phone number
or a medical-institution code; the registry's own searches do the matching (and scoping).
Each match is a facility with the member who currently founds or manages it, or a member
with each facility they manage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medcyber.registry import search
from medcyber.registry.models import Facility, Member

MAX_MATCHES = 10


@dataclass(frozen=True)
class CallerMatch:
    facility: Facility | None
    member: Member | None

    @property
    def key(self) -> str:
        """The value the intake form sends back: ``facility_id:member_id`` (either may be 0)."""
        return f"{getattr(self.facility, 'pk', 0) or 0}:{getattr(self.member, 'pk', 0) or 0}"


def find_callers(user: Any, query: str) -> list[CallerMatch]:
    text = search.normalise(query)
    if not text.text:
        return []
    matches: list[CallerMatch] = []
    seen: set[str] = set()

    def add(match: CallerMatch) -> None:
        if match.key not in seen and len(matches) < MAX_MATCHES:
            seen.add(match.key)
            matches.append(match)

    for member in search.search_members(user, {"q": query})[:MAX_MATCHES]:
        managements = getattr(member, "current_managements", [])
        for management in managements:
            add(CallerMatch(management.facility, member))
        if not managements:
            add(CallerMatch(None, member))
    for facility in search.search_facilities(user, {"q": query})[:MAX_MATCHES]:
        managements = getattr(facility, "current_managements", [])
        add(CallerMatch(facility, managements[0].member if managements else None))
    return matches


def resolve(user: Any, key: str) -> CallerMatch:
    """The facility and member a form's ``facility_id:member_id`` names, scoped to the user;
    ``ValueError`` for anything the user may not see or that does not exist."""
    try:
        facility_id, member_id = (int(part) for part in key.split(":", 1))
    except ValueError:
        raise ValueError(key) from None
    facility = (
        Facility.objects.visible_to(user).filter(pk=facility_id).first() if facility_id else None
    )
    member = Member.objects.visible_to(user).filter(pk=member_id).first() if member_id else None
    if (facility_id and facility is None) or (member_id and member is None):
        raise ValueError(key)
    return CallerMatch(facility, member)
