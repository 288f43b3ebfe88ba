"""Alerts for staff: the list by state, ending one early (the banner goes at once), and
draft alerts made by another part of the programme, shown to nobody until staff publish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcyber.portal import services
from medcyber.portal.models import Alert

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _alert(editor: Any, title: str, start: dt.timedelta, end: dt.timedelta) -> Alert:
    now = timezone.now()
    return services.publish_alert(
        by=editor,
        title=title,
        body="本文",
        audiences=["public"],
        starts_at=now + start,
        ends_at=now + end,
    )


def test_the_staff_list_shows_each_state(editor: Any) -> None:
    _alert(editor, "表示中のお知らせ", dt.timedelta(minutes=-5), dt.timedelta(hours=1))
    _alert(editor, "予定のお知らせ", dt.timedelta(hours=1), dt.timedelta(hours=2))
    ended = _alert(editor, "終わったお知らせ", dt.timedelta(minutes=-5), dt.timedelta(minutes=5))
    services.create_alert_draft("下書きのお知らせ", "本文", ["members"], "kev:CVE-2026-0001")
    with time_machine.travel(ended.ends_at + dt.timedelta(seconds=1)):
        page = _client(editor).get(reverse("portal:alert_list")).content.decode()
    page = page[page.index('id="main"') :]  # after the banners
    for title in ("表示中のお知らせ", "予定のお知らせ", "終わったお知らせ", "下書きのお知らせ"):
        assert title in page
    assert page.index("下書きのお知らせ") < page.index("表示中のお知らせ")
    assert page.index("表示中のお知らせ") < page.index("予定のお知らせ")
    assert page.index("予定のお知らせ") < page.index("終わったお知らせ")


def test_ending_an_alert_early_removes_the_banner_at_once(editor: Any) -> None:
    alert = _alert(editor, "早く終えるお知らせ", dt.timedelta(minutes=-5), dt.timedelta(days=3))
    assert "早く終えるお知らせ" in Client().get(reverse("portal:index")).content.decode()
    response = _client(editor).post(
        reverse("portal:alert_end", kwargs={"pk": alert.pk}), follow=True
    )
    assert "表示を終了しました" in response.content.decode()
    alert.refresh_from_db()
    assert alert.ended_early_at is not None and alert.ended_by == editor
    assert "早く終えるお知らせ" not in Client().get(reverse("portal:index")).content.decode()
    with pytest.raises(services.PortalError, match="すでに終了"):
        services.end_alert(alert=alert, by=editor)


def test_a_scheduled_alert_ended_early_never_shows(editor: Any) -> None:
    alert = _alert(editor, "取りやめたお知らせ", dt.timedelta(hours=1), dt.timedelta(hours=2))
    services.end_alert(alert=alert, by=editor)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=30)):
        assert "取りやめたお知らせ" not in Client().get(reverse("portal:index")).content.decode()


@pytest.mark.django_db(transaction=True)  # the alert is enqueued once it is committed
def test_a_draft_alert_shows_nowhere_until_staff_publish_it(
    editor: Any, smtp_sink: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.core.management import call_command

    from medcyber.accounts.roles import Role
    from medcyber.registry.choices import FacilityStaffRole
    from tests import factories

    _u, _m, facility = factories.member_with_facility()
    admin = factories.UserFactory(email="admin@clinic.example.jp", roles=[Role.FACILITY_ADMIN])
    factories.link_staff(facility, admin, role=FacilityStaffRole.ADMIN)
    draft = services.create_alert_draft(
        "VPN装置の脆弱性が悪用されています",
        "多くの会員施設が使う製品です。",
        ["public", "members"],
        "kev:CVE-2026-0001",
    )
    assert draft.is_draft
    again = services.create_alert_draft("別の件名", "別の本文", ["public"], "kev:CVE-2026-0001")
    assert again.pk == draft.pk  # the same source makes no second alert
    assert "VPN装置の脆弱性" not in Client().get(reverse("portal:index")).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert smtp_sink.messages == []

    now = timezone.localtime()
    response = _client(editor).post(
        reverse("portal:alert_draft", kwargs={"pk": draft.pk}),
        {
            "title": draft.title,
            "body": draft.body,
            "audiences": ["public", "members"],
            "starts_at": (now - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft and draft.published_by == editor
    assert "VPN装置の脆弱性" in Client().get(reverse("portal:index")).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m["To"] for m in smtp_sink.messages] == ["admin@clinic.example.jp"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "本文", ["public"], "kev:1"), "件名と本文"),
        (("件名", "本文", [], "kev:1"), "表示する相手"),
        (("件名", "本文", ["everyone"], "kev:1"), "表示する相手"),
        (("件名", "本文", ["public"], " "), "作成元"),
    ],
)
def test_a_bad_draft_is_refused(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(services.PortalError, match=message):
        services.create_alert_draft(*args)
    assert not Alert.objects.exists()
