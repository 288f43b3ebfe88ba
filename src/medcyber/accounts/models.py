"""Users, the roles they hold, and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcyber.core.audit import AuditedModel

from .access import Access, access_of
from .access import changed as access_changed
from .roles import ALL_FACILITIES_ROLES, AUDIT_ROLES, STAFF_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create(email, password, **extra)
        RoleGrant.objects.get_or_create(user=user, role=Role.ASSOCIATION_ADMIN)
        return user


class User(AuditedModel, AbstractUser):
    """A person who signs in: by e-mail address, never by a user name."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    audit_exclude = frozenset({"password", "last_login"})

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.display_name or self.email

    def audit_person_user_id(self) -> int | None:
        return self.pk

    # --- roles -------------------------------------------------------------------------------
    def _access(self) -> Access:
        """Roles and second-factor state, read once per request (shared cache, see access.py)."""
        cached: Access | None = self.__dict__.get("_access_cache")
        if cached is None:
            cached = access_of(self.pk) if self.pk else Access(frozenset(), mfa_enabled=False)
            self.__dict__["_access_cache"] = cached
        return cached

    @property
    def roles(self) -> frozenset[str]:
        return self._access().roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_programme_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES) or self.is_superuser

    @property
    def mfa_enabled(self) -> bool:
        return self._access().mfa_enabled

    @property
    def staff_cleared(self) -> bool:
        """Staff may see programme data only once their second factor is set up."""
        return self.is_programme_staff and self.mfa_enabled

    @property
    def sees_all_facilities(self) -> bool:
        return self.staff_cleared and (bool(self.roles & ALL_FACILITIES_ROLES) or self.is_superuser)

    @property
    def may_search_audit(self) -> bool:
        return self.staff_cleared and (bool(self.roles & AUDIT_ROLES) or self.is_superuser)

    def forget_cached_permissions(self) -> None:
        """Read roles, second factors and facilities afresh, here and in every process."""
        for name in ("_access_cache", "_visible_facility_ids"):
            self.__dict__.pop(name, None)
        if self.pk:
            access_changed(self.pk)


class RoleGrant(AuditedModel):
    user = models.ForeignKey(
        User, verbose_name=_("ユーザー"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("ロール"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(_("付与日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("ロール")
        verbose_name_plural = _("ロール")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


TOKEN_PREFIX = "mcy"  # noqa: S105 - a public marker, not a secret


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(AuditedModel):
    """A personal token for integrations: shown once, stored only as a SHA-256 digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名前"), max_length=100)
    key_id = models.CharField(_("識別子"), max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有効期限"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    audit_exclude = frozenset({"digest", "last_used_at"})

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @classmethod
    def issue(cls, *, user: Any, name: str, expires_at: Any = None) -> tuple[ApiToken, str]:
        """Create a token; the plain value is returned once and never stored."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            digest=_hash_secret(secret),
            expires_at=expires_at,
        )
        return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"

    @classmethod
    def authenticate(cls, presented: str) -> ApiToken | None:
        try:
            prefix, key_id, secret = presented.split("_", 2)
        except ValueError:
            return None
        if prefix != TOKEN_PREFIX:
            return None
        token = cls.objects.select_related("user").filter(key_id=key_id).first()
        if token is None or not token.is_active or not token.user.is_active:
            return None
        if not secrets.compare_digest(token.digest, _hash_secret(secret)):
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token
