"""Markdown as editors write it, turned into HTML that is safe to show to every reader.

markdown-it-py parses (CommonMark, raw HTML switched off: it is shown as text), then nh3
(the Ammonia sanitiser) keeps only the tags and attributes a text needs: never a script, an
iframe, an event handler or a ``javascript:`` link, whatever the Markdown said. Images only
from the portal's own image view (``portal:image``), which checks the item's audience.
"""

from __future__ import annotations

import functools
import re

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_parser.enable("strikethrough")


@functools.cache
def _image_source() -> re.Pattern[str]:
    """The only image addresses allowed: the portal's own access-checked image view."""
    prefix = reverse("portal:image", kwargs={"pk": 0}).removesuffix("0/")
    return re.compile(re.escape(prefix) + r"[0-9]+/")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    # An image from elsewhere would bypass the audience check (and tell another site who
    # reads the page): only the portal's image view is kept as an image source.
    if tag == "img" and name == "src" and not _image_source().fullmatch(value):
        return None
    return value


def render(text: str) -> str:
    """Sanitised HTML for a Markdown text."""
    html = _parser.render(text or "")
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
