"""Steps the journeys share: what a person does in the browser, in their words."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp

LOGIN_PATH = "/accounts/login/"
DASHBOARD_PATH = "/dashboard/"
TOTP_ACTIVATE_PATH = "/accounts/2fa/totp/activate/"
SECOND_FACTOR_PATH = "/accounts/2fa/authenticate/"
TOTP_PERIOD = 30

#: The login page's query after being sent away from the dashboard (quoted or not).
NEXT_DASHBOARD = r"\?next=(?:%2F|/)dashboard(?:%2F|/)"


def at_path(path: str, query: str = "") -> re.Pattern[str]:
    """A URL pattern for ``expect(page).to_have_url``: this path on any host, optional query."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}{query}$")


def sign_in(page: Any, email: str, password: str) -> None:
    """Open the login page, type the e-mail address and password, press 「ログイン」."""
    page.goto(LOGIN_PATH)
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    """Press 「ログアウト」 in the page header."""
    page.get_by_role("banner").get_by_role("button", name="ログアウト").click()
    page.wait_for_load_state()


def totp_period() -> tuple[int, float]:
    """The current 30-s TOTP period (allauth's MFA_TOTP_PERIOD default): its number and the
    seconds left in it."""
    now = time.time()
    return int(now // TOTP_PERIOD), TOTP_PERIOD - now % TOTP_PERIOD


def fresh_totp_code(secret: str, used: set[str], min_remaining: float = 2.0) -> str:
    """What the authenticator app shows now, waiting (≤ 30 s) for the next period if the code
    was already used — allauth refuses a code twice and MFA_TOTP_TOLERANCE is 0 — or if fewer
    than ``min_remaining`` seconds of this period are left for the server to check it in."""
    totp = pyotp.TOTP(secret, interval=TOTP_PERIOD)
    for _attempt in range(3):
        remaining = TOTP_PERIOD - time.time() % TOTP_PERIOD
        code = totp.now()
        if code not in used and remaining >= min_remaining:
            return code
        time.sleep(remaining + 0.05)
    raise AssertionError("no usable TOTP code after waiting for the next period")


def watch_failed_responses(page: Any) -> list[str]:
    """From now on, collect "status URL" for every response of 400 or more the page gets
    (its stylesheet, scripts, images …); the browser's own favicon probe is left out."""
    failed: list[str] = []

    def check(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", check)
    return failed


def has_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
        )
    )
