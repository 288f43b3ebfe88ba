"""The API: ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``. Each app adds its router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from medcyber.accounts.api import router as accounts_router
from medcyber.accounts.api_auth import api_auth
from medcyber.claims.api import router as claims_router
from medcyber.desk.api import router as desk_router
from medcyber.guideline.api import router as guideline_router
from medcyber.incidents.api import router as incidents_router
from medcyber.registry.api import router as registry_router
from medcyber.training.api import router as training_router

api = NinjaAPI(
    title="medcyber API",
    version="1",
    description="日本医師会サイバーセキュリティ支援制度 — medcyber API",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("認証が必要です。")}, status=401)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = exc.errors
    return api.create_response(
        request, {"detail": _("入力内容に誤りがあります。"), "errors": errors}, status=422
    )


api.add_router("/", accounts_router)
api.add_router("/facilities", registry_router)
api.add_router("/claims", claims_router)
api.add_router("/cases", desk_router)
api.add_router("/incidents", incidents_router)
api.add_router("/training", training_router)
api.add_router("/guideline", guideline_router)
