"""A user's roles and second-factor state, read once and shared by every web process.

Every signed-in request asks both (the staff MFA middleware, the navigation, each scoping
rule): two queries a request for facts that change a few times a year. They live in the
shared cache under a per-user version that every save and delete of the user's
``RoleGrant`` or allauth ``Authenticator`` rows moves on (see ``signals.py``): at once, and
again when the transaction commits, so a state read from the database before the commit is
stored under a version nobody asks for again. A revoked role or a removed second factor
therefore takes effect on the very next request, in every process.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

#: A backstop only: every change moves the version on, so entries are never used stale.
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    mfa_enabled: bool


def _version_key(user_pk: int) -> str:
    return f"accounts:access:version:{user_pk}"


def _bump(user_pk: int) -> None:
    try:
        cache.incr(_version_key(user_pk))
    except ValueError:  # not set yet, or evicted: a value never used before
        cache.set(_version_key(user_pk), _fresh_version(), None)


def _fresh_version() -> int:
    return int(timezone.now().timestamp() * 1_000_000)


def changed(user_pk: int) -> None:
    """The user's roles or second factors changed: states read before now are not used."""
    _bump(user_pk)
    transaction.on_commit(lambda: _bump(user_pk))


def _from_database(user_pk: int) -> Access:
    from allauth.mfa.models import Authenticator

    from .models import RoleGrant

    roles = frozenset(RoleGrant.objects.filter(user_id=user_pk).values_list("role", flat=True))
    mfa = (
        Authenticator.objects.filter(user_id=user_pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )
    return Access(roles=roles, mfa_enabled=mfa)


def access_of(user_pk: int) -> Access:
    """The user's roles and whether a second factor is set up (recovery codes alone are not
    one), from the shared cache when it holds the current version."""
    version = cache.get(_version_key(user_pk))
    if version is None:
        cache.add(_version_key(user_pk), _fresh_version(), None)
        version = cache.get(_version_key(user_pk))
    if version is None:  # the cache keeps nothing: ask the database every time
        return _from_database(user_pk)
    state_key = f"accounts:access:{user_pk}:{version}"
    found = cache.get(state_key)
    if isinstance(found, tuple) and len(found) == 2:
        return Access(roles=frozenset(found[0]), mfa_enabled=bool(found[1]))
    access = _from_database(user_pk)
    cache.set(state_key, (sorted(access.roles), access.mfa_enabled), TIMEOUT_SECONDS)
    return access
