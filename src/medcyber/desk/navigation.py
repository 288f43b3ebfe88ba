"""The desk's entries in the main navigation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medcyber.core.navigation import NavItem

from .models import sees_all_cases, works_cases


def desk_items(user: Any) -> list[NavItem]:
    if works_cases(user):
        return [
            NavItem(_("電話受付"), reverse("desk:phone_intake")),
            NavItem(_("相談の一覧"), reverse("desk:queue")),
            NavItem(_("回答集"), reverse("desk:answers")),
        ]
    if sees_all_cases(user):
        return [NavItem(_("相談の一覧"), reverse("desk:queue"))]
    if not user.is_programme_staff:
        return [
            NavItem(_("相談窓口へのご相談"), reverse("desk:my_cases")),
            NavItem(_("回答集"), reverse("desk:answers")),
        ]
    return []
