"""HTML templates to PDF with a Japanese font embedded (core.pdf)."""

from __future__ import annotations

import pytest

from medcyber.core import pdf


def test_a_template_prints_with_the_japanese_font_embedded() -> None:
    if pdf.installed_japanese_font() is None:
        pytest.skip("no Japanese font installed (Debian fonts-noto-cjk)")
    data = pdf.render_pdf("pdf/base.html", {})
    assert data.startswith(b"%PDF")
    response = pdf.pdf_response("pdf/base.html", {}, filename="お知らせ.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]


def test_without_a_japanese_font_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "installed_japanese_font", lambda: None)
    with pytest.raises(pdf.JapaneseFontMissing, match="fonts-noto-cjk"):
        pdf.render_pdf("pdf/base.html", {})
