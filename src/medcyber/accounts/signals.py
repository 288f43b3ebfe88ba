"""Sign-in events enter the audit trail; changes of roles and second factors reach every
process's copy of them (access.py) on the next request."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.db.models import signals as model_signals
from django.dispatch import receiver

from medcyber.core import audit

from . import access
from .models import RoleGrant


def _ctx(request: Any, user: Any) -> audit.AuditContext:
    base = audit.current_context()
    return audit.context_for_user(user, ip_address=base.ip_address, request_id=base.request_id)


@receiver(auth_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth", "accounts.login", user, context=_ctx(request, user))


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth", "accounts.logout", user, context=_ctx(request, user))


@receiver(auth_signals.user_login_failed)
def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:200]
    audit.record(
        "auth",
        "accounts.login_failed",
        object_type="accounts.user",
        object_repr=attempted,
        context=_ctx(request, None),
    )


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    user.forget_cached_permissions()
    audit.record(
        "auth",
        "accounts.mfa_added",
        user,
        changes={"type": authenticator.type},
        context=_ctx(request, user),
    )


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    user.forget_cached_permissions()
    audit.record(
        "auth",
        "accounts.mfa_removed",
        user,
        changes={"type": authenticator.type},
        context=_ctx(request, user),
    )


@receiver(model_signals.post_save, sender=RoleGrant)
@receiver(model_signals.post_delete, sender=RoleGrant)
@receiver(model_signals.post_save, sender=Authenticator)
@receiver(model_signals.post_delete, sender=Authenticator)
def _access_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    access.changed(instance.user_id)
