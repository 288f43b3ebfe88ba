"""Signing in: e-mail and password, the same answer for unknown accounts, lockout, audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medcyber.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def test_a_member_signs_in_with_email_and_password(client) -> None:
    user, _member, _facility = factories.member_with_facility()
    response = _login(client, user.email, factories.TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert AuditEvent.objects.filter(action="accounts.login", actor_id=user.pk).exists()


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client) -> None:
    user = factories.UserFactory(email="known@example.jp")
    wrong_password = _login(client, user.email, "Not-The-Password-1")
    unknown_account = _login(client, "nobody@example.jp", "Not-The-Password-1")
    assert wrong_password.status_code == unknown_account.status_code == 200
    assert wrong_password.context["form"].errors == unknown_account.context["form"].errors
    message = str(wrong_password.context["form"].non_field_errors())
    assert "メールアドレス" in message or "パスワード" in message  # said in Japanese
    assert "known@example.jp" not in message


def test_failed_sign_ins_are_recorded_without_the_password(client) -> None:
    user = factories.UserFactory()
    _login(client, user.email, "Wrong-Guess-2026")
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert event.object_repr == user.email
    assert "Wrong-Guess-2026" not in str(event.changes)


def test_an_account_is_locked_after_repeated_failures(client) -> None:
    user = factories.UserFactory()
    for _ in range(5):
        _login(client, user.email, "Wrong-Guess-2026")
    response = _login(client, user.email, factories.TEST_PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_english_speakers_get_english_errors(client) -> None:
    client.cookies["django_language"] = "en"
    response = _login(client, "nobody@example.jp", "Wrong-Guess-2026")
    message = str(response.context["form"].non_field_errors())
    assert "e-mail address" in message.lower() or "password" in message.lower()
