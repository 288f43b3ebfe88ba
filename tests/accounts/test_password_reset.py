"""Password reset by e-mail, through a real SMTP server, in the user's language."""

from __future__ import annotations

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_member_resets_a_forgotten_password_by_email(client, smtp_sink) -> None:
    user = factories.UserFactory(email="sensei@clinic.example.jp")
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    (mail,) = smtp_sink.messages
    assert mail["To"] == user.email
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "パスワード" in mail["Subject"] + body  # Japanese by default
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[-1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "Atarashii-Pass-2026", "password2": "Atarashii-Pass-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Atarashii-Pass-2026")


def test_an_unknown_address_gets_the_same_answer_and_no_account_is_revealed(
    client, smtp_sink
) -> None:
    known = factories.UserFactory()
    for_member = client.post("/accounts/password/reset/", {"email": known.email})
    for_nobody = client.post("/accounts/password/reset/", {"email": "nobody@example.jp"})
    assert for_nobody.status_code == for_member.status_code == 302
    assert for_nobody["Location"] == for_member["Location"]
    # The unknown address may be told that no account uses it, but gets no reset link.
    for mail in smtp_sink.messages:
        if mail["To"] == "nobody@example.jp":
            assert "/password/reset/key/" not in mail.get_body(("plain",)).get_content()


def test_the_new_password_must_follow_the_guideline(client, smtp_sink) -> None:
    user = factories.UserFactory()
    client.post("/accounts/password/reset/", {"email": user.email})
    body = smtp_sink.messages[0].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"/accounts/password/reset/key/\S+", body).group(0)
    form = client.get(path, follow=True)
    target = form.redirect_chain[-1][0] if form.redirect_chain else path
    response = client.post(target, {"password1": "onlyletters", "password2": "onlyletters"})
    assert response.status_code == 200
    assert "英字と、数字または記号" in response.content.decode()


def test_the_email_is_in_english_for_english_readers(client, smtp_sink) -> None:
    user = factories.UserFactory()
    client.post("/accounts/password/reset/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE="en")
    (mail,) = smtp_sink.messages
    assert "Password Reset" in mail["Subject"]
