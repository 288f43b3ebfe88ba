from typing import Any

from django.http import HttpRequest

from .models import ProgrammeContact
from .navigation import navigation_for


def programme(request: HttpRequest) -> dict[str, Any]:
    return {
        "contact": ProgrammeContact.current,
        "nav_items": lambda: navigation_for(request.user),
    }
