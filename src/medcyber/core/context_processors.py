from typing import Any

from django.http import HttpRequest

from .models import ProgrammeContact
from .navigation import navigation_for


def programme(request: HttpRequest) -> dict[str, Any]:
    return {
        "contact": ProgrammeContact.current,
        # Some error pages render before authentication has run: no user means no menu.
        "nav_items": lambda: navigation_for(getattr(request, "user", None)),
    }
