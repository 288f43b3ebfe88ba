"""Markdown from editors is rendered, and nothing unsafe in it ever is."""

from __future__ import annotations

import re

import pytest

from medcyber.portal.markdown import render

TAG = re.compile(r"<[a-z][^>]*>")
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=")


def test_ordinary_markdown_is_rendered() -> None:
    html = render("## 見出し\n\n**太字**と[リンク](https://www.med.or.jp/)\n\n- 項目")
    assert "<h2>見出し</h2>" in html
    assert "<strong>太字</strong>" in html
    assert 'href="https://www.med.or.jp/"' in html
    assert "<li>項目</li>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "前文<script>alert(1)</script>後文",
        '<iframe src="https://evil.example/"></iframe>',
        "[押してください](javascript:alert(1))",
        "[押してください](JAVASCRIPT:alert(1))",
        '<a href="javascript:alert(1)">押す</a>',
        '<img src="x" onerror="alert(1)">',
        "![画像](javascript:alert(1))",
        '<div onclick="alert(1)">クリック</div>',
    ],
)
def test_nothing_unsafe_is_rendered(source: str) -> None:
    tags = TAG.findall(render(source).lower())
    for tag in tags:
        assert not tag.startswith(("<script", "<iframe", "<div")), tag
        assert "javascript:" not in tag, tag
        assert not EVENT_HANDLER.search(tag), tag


def test_raw_html_is_shown_as_text_not_markup() -> None:
    html = render("<script>alert(1)</script>")
    assert "&lt;script&gt;" in html


def test_links_get_a_safe_rel() -> None:
    assert 'rel="noopener noreferrer nofollow"' in render("[外部](https://example.jp/)")
