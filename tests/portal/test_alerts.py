"""Urgent alerts: an editor publishes one; it is a banner for the audiences chosen only, and
the task worker e-mails it to every facility administrator through SMTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.accounts.roles import Role
from medcyber.portal.models import Alert
from medcyber.registry.choices import FacilityStaffRole
from tests import factories

from .conftest import registered_user

TITLE = "VPN装置の脆弱性が悪用されています"


def _when(delta: dt.timedelta) -> str:
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def _publish(editor: Any, audiences: list[str], **overrides: Any) -> Any:
    client = Client()
    client.force_login(editor)
    data = {
        "title": TITLE,
        "body": "製品Xをお使いの施設は、今日中に更新してください。",
        "link": "https://www.example.jp/advisory",
        "audiences": audiences,
        "starts_at": _when(-dt.timedelta(minutes=5)),
        "ends_at": _when(dt.timedelta(days=3)),
    }
    data.update(overrides)
    return client.post(reverse("portal:alert_new"), data)


@pytest.mark.django_db
def test_the_banner_reaches_the_chosen_audiences_only(editor: Any) -> None:
    response = _publish(editor, ["members"])
    assert response.status_code == 302
    member, _m, _f = factories.member_with_facility()
    for user, sees in (
        (None, False),
        (registered_user(), False),
        (member, True),
        (factories.staff_user(Role.DESK_TIER1), True),
    ):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert (TITLE in client.get(reverse("portal:index")).content.decode()) == sees


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused(editor: Any) -> None:
    response = _publish(editor, ["public"], ends_at=_when(-dt.timedelta(days=1)))
    assert "表示終了は表示開始より後にしてください" in response.content.decode()
    response = _publish(editor, [])
    assert "表示する相手を1つ以上選んでください" in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.django_db(transaction=True)  # the alert is enqueued once it is committed
def test_facility_admins_are_emailed_by_the_worker(settings: Any, smtp_sink: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    editor = factories.staff_user(Role.CONTENT_EDITOR)
    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(email="kanri@clinic.example.jp", roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    staff = factories.UserFactory(email="shokuin@clinic.example.jp", roles=[Role.FACILITY_STAFF])
    factories.link_staff(facility, staff)
    _publish(editor, ["public"])
    assert smtp_sink.messages == []  # sent by the worker, not the request
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m["To"] for m in smtp_sink.messages] == ["kanri@clinic.example.jp"]
    message = smtp_sink.messages[0]
    assert TITLE in message["Subject"] and "【緊急】" in message["Subject"]
    assert "今日中に更新してください" in message.get_content()
    alert = Alert.objects.get()
    assert alert.emailed_at is not None and alert.emailed_count == 1
