"""Whole-page caching of the public portal pages for anonymous readers, and the language
switch that makes it possible.

Most of the portal's readers are anonymous and all of them see the same page for one
language, content state and set of alert banners, so the finished HTML is kept in the cache
and answered without rendering (rendering ``base.html`` is most of a page's cost). A page is
cached only when nothing in it can be personal: no session cookie, no pending message, not an
htmx request, not signed in. The page itself holds no CSRF token (the language switch is a
GET form to :func:`switch_language`, and the htmx CSRF header is left out), so the same
bytes are right for every anonymous reader.

The key holds the reader version (content generation and scheduled publications that have
come, :func:`queries.reader_version`), the alert banners showing now, the language, the
audience level and the full path: a publication, an edit of a published item, an
unpublication, a new or ended alert all make a new key, so a stale page is never served.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import queries
from .audience import reader_level

#: How long a finished page is kept (the key changes on every content or alert change).
PAGE_SECONDS = 300

#: Cookies whose presence means the page may say something to this visitor only.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _cacheable(request: HttpRequest) -> bool:
    """Only anonymous, cookie-less (apart from the language) plain GETs share a page."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if any(request.COOKIES.get(name) for name in PERSONAL_COOKIES):
        return False
    return not request.user.is_authenticated


def page_key(request: HttpRequest) -> str:
    level = reader_level(request.user)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    state = queries.reader_state()  # one round trip to the cache
    version = f"{queries.reader_version(state=state)}:{queries.alert_version(level, state=state)}"
    return f"portal:page:{version}:{get_language()}:{level}:{path}"


def _shared_headers(response: HttpResponse, etag: str) -> HttpResponse:
    # Browsers and proxies may keep the page but must ask again before using it (an alert
    # can start or end at any minute); the ETag makes asking again cheap. The page differs by
    # cookie (signed in, language) and by Accept-Language.
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    response["ETag"] = etag
    return response


def anonymous_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page from the cache for anonymous readers (see the module text);
    signed-in readers' pages are rendered every time and marked private."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Cookie",))
            return response
        key = page_key(request)
        etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
        cached = cache.get(key)
        if cached is not None:
            if request.headers.get("If-None-Match") == etag:
                return _shared_headers(HttpResponse(status=304), etag)
            content, content_type = cached
            return _shared_headers(HttpResponse(content, content_type=content_type), etag)
        request.cacheable_page = True  # type: ignore[attr-defined]  # base.html: no token
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
            return _shared_headers(response, etag)
        return response

    return wrapped


@never_cache
@require_GET
def switch_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and go back to the page: the header's switch is a GET form,
    so pages carry no CSRF token (a language preference is no state worth forging). ``next``
    must be a path on this site: anything else goes to the home page."""
    code = request.GET.get("language", "")
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
