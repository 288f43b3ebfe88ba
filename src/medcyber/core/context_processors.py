from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import ProgrammeContact
from .navigation import navigation_for


def programme(request: HttpRequest) -> dict[str, Any]:
    # Lazy: evaluated at most once per page, and not at all by pages that never show them.
    return {
        "contact": SimpleLazyObject(ProgrammeContact.current),
        # Some error pages render before authentication has run: no user means no menu.
        "nav_items": SimpleLazyObject(lambda: navigation_for(getattr(request, "user", None))),
    }
