"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium against a live server.

Every test in this directory is marked ``browser``; run only these with
``pytest tests/e2e`` or skip them with ``pytest -m "not browser"``. Chromium comes from
Debian's ``chromium`` package; ``playwright install`` is never needed. A failing test leaves a
full-page screenshot in ``test-results/`` (gitignored).
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread, so Django
# takes the test's own ORM calls (factories, assertions, database flushes) for calls from
# async code and refuses them. Nothing here runs inside that loop concurrently, so the
# `browser` fixture switches the check off while it lives (for this package's tests only) —
# the known requirement of Playwright + pytest-django.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
E2E_DIR = Path(__file__).resolve().parent

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("MEDCYBER_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"Chromium is required (MEDCYBER_REQUIRE_BROWSER=1) but {CHROMIUM} is missing; "
                "install Debian's chromium package",
                pytrace=False,
            )
        pytest.skip(
            "Chromium is not installed (/usr/bin/chromium); "
            "install Debian's chromium to run browser tests"
        )
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        # The browser's event loop is gone with this package's tests: the check is back on.
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def programme_data(transactional_db: None) -> None:
    """The rows the programme's data migrations load (desk hours and SLA targets, payment
    schedules, the shipped checklists), put back for every browser test: each live-server test
    ends by emptying every table. Each loader leaves rows already there alone."""
    from django.apps import apps

    from medcyber.guideline.loading import load_shipped
    from medcyber.guideline.models import ChecklistVersion

    for migration in (
        "medcyber.desk.migrations.0002_desk_hours_and_sla_targets",
        "medcyber.claims.migrations.0002_programme_schedules",
    ):
        importlib.import_module(migration).load(apps, None)
    if not ChecklistVersion.objects.exists():
        load_shipped()


@pytest.fixture
def page(
    browser: Any, live_server: Any, programme_data: None, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A fresh browser context (no cookies) per test: Japanese locale, Tokyo time, desktop."""
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport=DESKTOP,
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            path = RESULTS_DIR / f"{name}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"\nscreenshot of the failing page: {path} (at {page.url})")
            except Exception as exc:  # the page may already be gone; the test's error matters
                print(f"\nno screenshot ({exc})")
        context.close()
