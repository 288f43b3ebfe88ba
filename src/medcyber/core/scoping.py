"""Scoping: the one mechanism that decides which rows a user may see (REG-4).

Every facility-owned model's default ``objects`` manager returns a :class:`ScopedQuerySet`
that refuses to run until it has been narrowed with ``.visible_to(user)``. Code that really
needs every row (services acting for the system, the admin of association staff, commands)
says so with ``Model.unscoped`` or ``.unscoped()``, which reads as a decision in review.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class UnscopedQueryError(RuntimeError):
    """A facility-owned queryset was evaluated before ``visible_to(user)``."""


class ScopedQuerySet(models.QuerySet[M]):
    _scoped: bool = False

    # --- the rule, one per model
    def scope_for(self, user: Any) -> Self:  # pragma: no cover - each model defines its rule
        raise NotImplementedError

    # --- public API
    def visible_to(self, user: Any) -> Self:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            qs = self.none()
        else:
            qs = self.scope_for(user)
        qs._scoped = True
        return qs

    def unscoped(self) -> Self:
        qs = self._chain()  # type: ignore[attr-defined]
        qs._scoped = True
        return qs

    # --- enforcement
    def _check_scoped(self) -> None:
        if not self._scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} rows must be read through .visible_to(user) "
                "(or .unscoped() where every row is meant)"
            )

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._scoped = self._scoped
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._check_scoped()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        self._check_scoped()
        return super().count()

    def exists(self) -> bool:
        self._check_scoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scoped()
        return super().delete()


class UnscopedManager(models.Manager[M]):
    """``Model.unscoped``: every row, for system code, the association admin and relations."""

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        if isinstance(qs, ScopedQuerySet):
            qs._scoped = True
        return qs


def facilities_visible_to(user: Any) -> list[int] | None:
    """The facility ids a user may see (``None`` meaning every facility)."""
    from medcyber.registry.queries import visible_facility_ids

    return visible_facility_ids(user)


class FacilityOwnedQuerySet(ScopedQuerySet[M]):
    """For models with a ``facility`` foreign key: visible when the facility is."""

    facility_lookup = "facility"

    def scope_for(self, user: Any) -> Self:
        ids = facilities_visible_to(user)
        if ids is None:
            return self.all()
        return self.filter(**{f"{self.facility_lookup}__in": ids})
