from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def alerts(request: HttpRequest) -> dict[str, Any]:
    """The urgent alerts for the reader, as banners on every page (read lazily)."""

    def current() -> list[Any]:
        from .queries import current_alerts

        return current_alerts(getattr(request, "user", None))

    return {"portal_alerts": SimpleLazyObject(current)}
