"""The portal's reading pages: lists, item pages, search, the journal's PDF, the feed."""

from __future__ import annotations

import hashlib

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from medcyber.core import audit
from medcyber.core.documents import open_document

from . import queries
from .audience import reader_level
from .forms import SearchForm
from .models import Audience, ContentImage, ContentItem, ContentKind
from .page_cache import anonymous_page_cache


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
@anonymous_page_cache
def index(request: HttpRequest) -> HttpResponse:
    new_since = queries.new_since(request.user)
    # The list is the same for every reader of one audience level (and last visit): its HTML
    # is kept for a minute under the content generation, so most requests render only the
    # page around it.
    key = "portal:list-html:{}:{}:{}:{}:{}".format(
        queries.reader_version(),
        get_language(),
        reader_level(request.user),
        new_since.timestamp() if new_since else "",
        hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:24],
    )
    list_html = cache.get(key)
    if list_html is None:
        listing = queries.reading_list(
            request.user,
            kind=request.GET.get("kind", ""),
            category_slug=request.GET.get("category", ""),
            checklist_item=request.GET.get("checklist", ""),
            page_number=_page_number(request),
        )
        list_html = render_to_string(
            "portal/_listing.html",
            {
                "listing": listing,
                "page_obj": listing.page,
                "categories": queries.categories(),
                "kinds": ContentKind.choices,
                "new_since": new_since,
            },
            request,
        )
        cache.set(key, list_html, queries.CACHE_SECONDS)
    return render(
        request,
        "portal/index.html",
        {
            "list_html": mark_safe(list_html),  # noqa: S308 - our own template's output
            "administered": queries.administered_facilities(request.user),
        },
    )


@require_GET
@anonymous_page_cache
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    level = reader_level(request.user)
    key = f"portal:item-html:{queries.reader_version()}:{get_language()}:{level}:{pk}"
    cached = cache.get(key)
    if cached is None:
        try:
            page = queries.item_page(request.user, pk)
        except ContentItem.DoesNotExist:
            raise Http404 from None
        html = render_to_string("portal/_article.html", {"page": page, "item": page.item}, request)
        cached = (page.item.title, html)
        cache.set(key, cached, queries.CACHE_SECONDS)
    title, html = cached
    return render(
        request,
        "portal/item_detail.html",
        {"title": title, "article_html": mark_safe(html)},  # noqa: S308 - our own template
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results: list[ContentItem] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = queries.search(request.user, query) if query else []
    return render(
        request,
        "portal/search.html",
        {"search_form": form, "query": query, "results": results},
    )


@require_GET
def journal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A journal issue's PDF, for the readers its audience allows (like the document view)."""
    try:
        issue = queries.journal_issue_for_download(request.user, pk)
    except ContentItem.DoesNotExist:
        raise Http404 from None
    assert issue.pdf is not None
    data = open_document(issue.pdf)
    if request.user.is_authenticated:
        audit.record_view(issue.pdf, action="portal.journal.download")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=issue.pdf.original_name)
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_GET
def image(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's image, for the readers the article's audience allows (and its editors).
    A public article's image may be kept by browsers and proxies; any other is private."""
    try:
        found = queries.image_for(request.user, pk)
    except ContentImage.DoesNotExist:
        raise Http404 from None
    response = HttpResponse(open_document(found.document), content_type=found.document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    shared = (
        found.item.audience == Audience.PUBLIC
        and ContentItem.objects.live().filter(pk=found.item_id).exists()
    )
    if shared:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie",))
    return response


class PublicNewsFeed(Feed):
    """An Atom feed of the public news (never anything for a narrower audience)."""

    feed_type = Atom1Feed
    title = _("日本医師会 サイバーセキュリティ支援制度 ポータルの新着情報")
    subtitle = _("一般公開の記事・お知らせ")

    def link(self) -> str:
        return reverse("portal:index")

    def items(self) -> list[ContentItem]:
        return queries.public_news()

    def item_title(self, item: ContentItem) -> str:
        return item.title

    def item_description(self, item: ContentItem) -> str:
        return item.summary

    def item_link(self, item: ContentItem) -> str:
        return reverse("portal:item", kwargs={"pk": item.pk})

    def item_pubdate(self, item: ContentItem):  # type: ignore[no-untyped-def]
        return item.publish_at

    def item_updateddate(self, item: ContentItem):  # type: ignore[no-untyped-def]
        return item.updated_at

    def item_categories(self, item: ContentItem) -> list[str]:
        return [item.category.name] if item.category else []


news_feed = PublicNewsFeed()
