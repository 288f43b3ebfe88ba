"""Reads of the portal, always for one reader: only the items their audience may see.

Lists and pages are the same for every reader of one audience level, so they are cached per
level under the content generation (:func:`services.generation`), which every publication,
edit of a published item and unpublication moves on; a short timeout lets scheduled items
appear without a write.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.utils import timezone

from medcyber.core import fulltext

from .audience import audiences_for_level, may_edit, reader_level
from .models import (
    Alert,
    Category,
    ContentImage,
    ContentItem,
    ContentKind,
    ContentStatus,
    ReaderVisit,
)
from .services import GENERATION_KEY, STATE_MEMO, generation

PAGE_SIZE = 20
CACHE_SECONDS = 60
RELATED_COUNT = 5

#: A reader who comes back after this long has "visited again": the marker moves on.
VISIT_GAP = dt.timedelta(minutes=30)


def _readable(level: str) -> Any:
    return (
        ContentItem.objects.live()
        .for_audiences(audiences_for_level(level))
        .select_related("category")
        .defer("body", "body_html", "search_text", "captions", "table_of_contents")
    )


@dataclass(frozen=True)
class Listing:
    page: Page[ContentItem]
    category: Category | None
    kind: str
    checklist_item: str = ""


def reading_list(
    user: Any,
    *,
    kind: str = "",
    category_slug: str = "",
    checklist_item: str = "",
    page_number: int = 1,
) -> Listing:
    """Published items the user may read, newest first, by kind, category and the checklist
    item they explain."""
    level = reader_level(user)
    checklist_item = checklist_item[:20]
    where = f"{kind}:{category_slug}:{checklist_item}:{page_number}"
    key = f"portal:list:{reader_version()}:{level}:{where}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    items = _readable(level)
    if kind in ContentKind.values:
        items = items.filter(kind=kind)
    category = Category.objects.filter(slug=category_slug).first() if category_slug else None
    if category is not None:
        items = items.filter(category=category)
    if checklist_item:
        items = items.filter(
            Q(checklist_items=checklist_item)
            | Q(checklist_items__startswith=f"{checklist_item},")
            | Q(checklist_items__endswith=f",{checklist_item}")
            | Q(checklist_items__contains=f",{checklist_item},")
        )
    paginator = Paginator(items.order_by("-publish_at", "-pk"), PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)  # evaluate before caching
    listing = Listing(page, category, kind if kind in ContentKind.values else "", checklist_item)
    cache.set(key, listing, CACHE_SECONDS)
    return listing


def categories() -> list[Category]:
    key = f"portal:categories:{generation()}"
    found = cache.get(key)
    if found is None:
        found = list(Category.objects.all())
        cache.set(key, found, CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ItemPage:
    item: ContentItem
    tags: list[str]
    related: list[ContentItem]


def item_page(user: Any, pk: int) -> ItemPage:
    """A published item the user may read, its tags and related items;
    ``ContentItem.DoesNotExist`` otherwise."""
    level = reader_level(user)
    key = f"portal:item:{reader_version()}:{level}:{pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    item = (
        ContentItem.objects.live()
        .for_audiences(audiences_for_level(level))
        .select_related("category", "pdf")
        .get(pk=pk)
    )
    tags = list(item.tags.values_list("name", flat=True))
    found = ItemPage(item, tags, related_items(item, level))
    cache.set(key, found, CACHE_SECONDS)
    return found


def related_items(item: ContentItem, level: str) -> list[ContentItem]:
    """Items sharing the most tags with ``item``, then its category's newest."""
    tag_ids = list(item.tags.values_list("pk", flat=True))
    condition = Q(tags__in=tag_ids) if tag_ids else Q(pk__in=[])
    if item.category_id:
        condition |= Q(category_id=item.category_id)
    return list(
        _readable(level)
        .filter(condition)
        .exclude(pk=item.pk)
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared", "-publish_at")[:RELATED_COUNT]
    )


def search(user: Any, query: str) -> list[ContentItem]:
    """Published items the user may read that hold every word of ``query`` (Japanese
    substring search, see :mod:`medcyber.core.fulltext`), title matches first."""
    found = fulltext.search(_readable(reader_level(user)), query, boost_fields=["search_title"])
    return list(found.order_by("-search_rank", "-publish_at")[: PAGE_SIZE * 2])


def public_news(limit: int = 20) -> list[ContentItem]:
    """The feed: public articles only, whoever asks."""
    return list(
        ContentItem.objects.live()
        .filter(audience="public", kind=ContentKind.ARTICLE)
        .select_related("category")
        .order_by("-publish_at")[:limit]
    )


def journal_issue_for_download(user: Any, pk: int) -> ContentItem:
    return (
        ContentItem.objects.live()
        .for_audiences(audiences_for_level(reader_level(user)))
        .filter(kind=ContentKind.JOURNAL, pdf__isnull=False)
        .select_related("pdf")
        .get(pk=pk)
    )


def image_for(user: Any, pk: int) -> ContentImage:
    """An image of an item the user may read now (editors: of any item, for previews);
    ``ContentImage.DoesNotExist`` otherwise."""
    images = ContentImage.objects.select_related("document", "item")
    if not may_edit(user):
        readable = ContentItem.objects.live().for_audiences(audiences_for_level(reader_level(user)))
        images = images.filter(item__in=readable)
    return images.get(pk=pk)


def new_since(user: Any, now: dt.datetime | None = None) -> dt.datetime | None:
    """The reader's previous visit (items published after it are new), and note this one."""
    if not getattr(user, "is_authenticated", False):
        return None
    now = now or timezone.now()
    visit = ReaderVisit.objects.filter(user=user).first()
    if visit is None:
        ReaderVisit.objects.create(user=user, last_seen_at=now)
        return None
    if now - visit.last_seen_at > VISIT_GAP:
        visit.previous_visit_at = visit.last_seen_at
    visit.last_seen_at = now
    visit.save(update_fields=["previous_visit_at", "last_seen_at"])
    return visit.previous_visit_at


#: The readers' state (generation, publication times, alerts not ended): one cache entry,
#: read together with the generation in one round trip on every public page.
STATE_KEY = "portal:reader-state"

#: A web process reuses the state this long before asking the cache again: a change made in
#: another process shows there at most this much later (the cache round trip was a third of
#: a cached page's cost).
STATE_MEMO_SECONDS = 1.0


@dataclass(frozen=True)
class ReaderState:
    """What every reader's page depends on besides the item itself.

    ``times`` holds the latest publication time already come and those still to come (the
    latest past one is there so that a refill after a scheduled time has come gives the same
    :func:`reader_version` as before it); ``alerts`` every alert not ended yet, showing or
    scheduled, so each request picks the ones showing at its own minute and a banner appears
    and disappears on time without a write.
    """

    generation: int
    times: tuple[float, ...]
    alerts: tuple[Alert, ...]


def _build_state(generation_value: int) -> ReaderState:
    now = timezone.now()
    published = ContentItem.objects.filter(status=ContentStatus.PUBLISHED)
    latest = published.filter(publish_at__lte=now).aggregate(at=Max("publish_at"))["at"]
    future = published.filter(publish_at__gt=now).values_list("publish_at", flat=True)
    times = sorted(at.timestamp() for at in [latest, *future] if at is not None)
    alerts = Alert.objects.filter(ends_at__gt=now, is_draft=False).order_by("starts_at", "pk")
    return ReaderState(generation_value, tuple(times), tuple(alerts))


def reader_state() -> ReaderState:
    """The current :class:`ReaderState`: rebuilt when the generation has moved on."""
    memo = STATE_MEMO.get("state")
    if memo is not None and memo[0] > time.monotonic():
        return memo[1]  # type: ignore[no-any-return]
    found = cache.get_many([GENERATION_KEY, STATE_KEY])
    value = found.get(GENERATION_KEY)
    current = int(value) if value is not None else generation()
    state = found.get(STATE_KEY)
    if not isinstance(state, ReaderState) or state.generation != current:
        state = _build_state(current)
        cache.set(STATE_KEY, state, CACHE_SECONDS)
    STATE_MEMO["state"] = (time.monotonic() + STATE_MEMO_SECONDS, state)
    return state


def current_alerts(user: Any, now: dt.datetime | None = None) -> list[Alert]:
    """The alerts to show the user as banners now."""
    return alerts_for_level(reader_level(user), now)


def alerts_for_level(
    level: str, now: dt.datetime | None = None, state: ReaderState | None = None
) -> list[Alert]:
    now = now or timezone.now()
    reached = set(audiences_for_level(level))
    return [
        a
        for a in (state or reader_state()).alerts
        if a.starts_at <= now < a.ends_at and reached.intersection(a.audiences)
    ]


def alert_version(
    level: str, now: dt.datetime | None = None, state: ReaderState | None = None
) -> str:
    """Which banners a reader of ``level`` sees now, as a short string for cache keys."""
    return ".".join(str(a.pk) for a in alerts_for_level(level, now, state)) or "-"


def reader_version(now: dt.datetime | None = None, state: ReaderState | None = None) -> str:
    """What readers may see, as a cache key part: the content generation and the latest
    publication time that has come (so a scheduled item appears on time, without a write)."""
    state = state or reader_state()
    stamp = (now or timezone.now()).timestamp()
    come = max((at for at in state.times if at <= stamp), default=0.0)
    return f"{state.generation}.{come:.0f}"


def alerts_for_staff(now: dt.datetime | None = None) -> dict[str, list[Alert]]:
    """Every alert by state for the staff list: drafts, showing, scheduled, recently ended."""
    now = now or timezone.now()
    grouped: dict[str, list[Alert]] = {"draft": [], "active": [], "scheduled": [], "ended": []}
    for alert in Alert.objects.filter(is_draft=True).order_by("-created_at"):
        grouped["draft"].append(alert)
    for alert in Alert.objects.filter(is_draft=False, ends_at__gt=now).order_by("starts_at"):
        grouped[alert.state(now)].append(alert)
    grouped["ended"] = list(
        Alert.objects.filter(is_draft=False, ends_at__lte=now).order_by("-ends_at")[:50]
    )
    return grouped


def administered_facilities(user: Any) -> list[Any]:
    """The facilities a user administers now (for the links to their staff pages)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from medcyber.registry.choices import FacilityStaffRole
    from medcyber.registry.models import FacilityStaff

    links = (
        FacilityStaff.objects.visible_to(user)
        .current(timezone.localdate())
        .filter(user=user, role=FacilityStaffRole.ADMIN)
        .select_related("facility")
        .order_by("facility__name_kana")
    )
    return [link.facility for link in links]
