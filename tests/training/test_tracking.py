"""What a recipient does with a training mail is recorded through unguessable per-recipient
links; the teaching page explains the signs of that very mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medcyber.training.models import Message, TrackingEvent
from medcyber.training.track_views import PIXEL

from .conftest import Clinic, approved_campaign

pytestmark = pytest.mark.django_db


def _message(clinic: Clinic, slug: str = "account-warning") -> Message:
    campaign = approved_campaign(clinic, slug)
    message = Message.unscoped.filter(campaign=campaign).order_by("pk").first()
    assert message is not None
    return message


def test_tokens_are_long_random_and_unique(clinic: Clinic) -> None:
    campaign = approved_campaign(clinic)
    tokens = list(Message.unscoped.filter(campaign=campaign).values_list("token", flat=True))
    assert len(set(tokens)) == len(tokens)
    assert all(len(t) >= 32 for t in tokens)


def test_the_open_pixel_records_an_open(clinic: Clinic) -> None:
    message = _message(clinic)
    response = Client().get(reverse("training:open", args=[message.token]))
    assert response.status_code == 200 and response.content == PIXEL
    assert response["Content-Type"] == "image/gif"
    assert "no-cache" in response["Cache-Control"]
    message.refresh_from_db()
    assert message.opened_at is not None and message.clicked_at is None
    # an unknown token still gets the image, and nothing is recorded
    assert Client().get(reverse("training:open", args=["x" * 32])).status_code == 200
    assert TrackingEvent.objects.count() == 1


def test_a_click_without_a_form_lands_on_the_teaching_page(clinic: Clinic) -> None:
    message = _message(clinic, "delivery-notice")
    client = Client()
    response = client.get(reverse("training:click", args=[message.token]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "これは標的型攻撃メールの訓練でした" in page
    # the signs of this very mail, and the mail as this recipient received it
    assert "送り状番号も荷物の中身も書かれていません" in page
    assert "お荷物お届けにあがりましたが不在のため持ち帰りました" in page
    assert f"{message.recipient.name} 様" in page
    message.refresh_from_db()
    assert message.clicked_at is not None and message.opened_at is not None


def test_the_imitation_login_form_records_only_the_fact(clinic: Clinic) -> None:
    message = _message(clinic, "account-warning")
    client = Client()
    page = client.get(reverse("training:click", args=[message.token])).content.decode()
    assert "メールシステム ログイン" in page
    assert 'type="password"' in page
    assert "name=" not in page.split("<form", 1)[1].split("</form>", 1)[0]  # inputs unnamed
    response = client.post(reverse("training:submit", args=[message.token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:learn", args=[message.token])
    learn = client.get(response["Location"]).content.decode()
    assert "入力された内容は、どこにも送信・保存されていません" in learn
    message.refresh_from_db()
    assert message.submitted_at is not None and message.submit_count == 1


def test_reporting_is_confirmed_then_recorded(clinic: Clinic) -> None:
    message = _message(clinic)
    client = Client()
    url = reverse("training:report", args=[message.token])
    assert "報告する" in client.get(url).content.decode()
    message.refresh_from_db()
    assert message.reported_at is None  # a link scanner's GET reports nothing
    assert "報告ありがとうございます" in client.post(url).content.decode()
    message.refresh_from_db()
    assert message.reported_at is not None


@pytest.mark.parametrize("name", ["click", "learn", "report"])
def test_an_unknown_token_is_not_found(name: str, db: Any) -> None:
    assert Client().get(reverse(f"training:{name}", args=["guess" * 8])).status_code == 404


def test_submitting_to_an_unknown_token_is_not_found(db: Any) -> None:
    assert Client().post(reverse("training:submit", args=["guess" * 8])).status_code == 404
