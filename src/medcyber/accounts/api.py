from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    roles: list[str]
    mfa_enabled: bool
    membership_number: str | None


@router.get("/me", response=MeOut, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    member = getattr(user, "member", None)
    return MeOut(
        id=user.pk or 0,
        email=user.email,  # type: ignore[union-attr]
        display_name=user.display_name,  # type: ignore[union-attr]
        roles=sorted(user.roles),  # type: ignore[union-attr]
        mfa_enabled=user.mfa_enabled,  # type: ignore[union-attr]
        membership_number=member.membership_number if member else None,
    )
