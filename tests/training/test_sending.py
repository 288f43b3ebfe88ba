"""Sending through a real SMTP server: every message once, retried on temporary errors,
never twice when a worker dies, within the send window and the per-server rate."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from medcyber.training import sending
from medcyber.training.models import CampaignState, Message, MessageState

from .conftest import Clinic, approved_campaign, next_monday_9

pytestmark = pytest.mark.django_db


def _addressees(inbox: Any) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in inbox.messages)


def test_an_approved_campaign_is_sent_once_to_each_recipient(
    clinic: Clinic, smtp_sink: Any, settings: Any
) -> None:
    settings.MEDCYBER_BASE_URL = "https://medcyber.example.jp/"
    campaign = approved_campaign(clinic)
    counts = sending.send_campaign_now(campaign)
    assert counts.sent == 5
    assert sorted(_addressees(smtp_sink)) == [f"staff{i}@sakura-clinic.jp" for i in range(5)]
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.FINISHED

    mail = smtp_sink.messages[0]
    message = Message.unscoped.get(token=mail["X-Medcyber-Training"])
    assert message.state == MessageState.SENT and message.sent_at is not None
    assert (
        str(mail["Subject"]).strip() == "【重要】メールボックスの容量超過により受信が停止されます"
    )
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"{message.recipient.name} 様" in text
    assert f"https://medcyber.example.jp/training/t/c/{message.token}/" in text
    assert f'src="https://medcyber.example.jp/training/t/o/{message.token}.gif"' in html
    assert "{{" not in text and "{{" not in html

    # a second run sends nothing more
    assert sending.send_campaign_now(campaign).sent == 0
    assert len(smtp_sink.messages) == 5


def test_a_temporary_smtp_error_is_retried_later(clinic: Clinic, smtp_sink: Any) -> None:
    refused: list[str] = []
    accept = smtp_sink.handle_DATA

    async def busy_once(server: Any, session: Any, envelope: Any) -> str:
        if not refused:
            refused.append(envelope.rcpt_tos[0])
            return "451 4.3.0 Mailbox busy, try again later"
        return await accept(server, session, envelope)

    smtp_sink.handle_DATA = busy_once
    campaign = approved_campaign(clinic)
    counts = sending.send_campaign_now(campaign)
    assert (counts.sent, counts.retried, counts.failed) == (4, 1, 0)
    waiting = Message.unscoped.get(campaign=campaign, state=MessageState.QUEUED)
    assert waiting.attempts == 1 and "451" in waiting.last_error
    assert waiting.due_at > timezone.now()

    with time_machine.travel(waiting.due_at + dt.timedelta(seconds=1)):
        assert sending.send_due().sent == 1
    waiting.refresh_from_db()
    assert waiting.state == MessageState.SENT
    assert _addressees(smtp_sink).count(refused[0]) == 1
    assert len(smtp_sink.messages) == 5


def test_a_permanent_smtp_error_fails_the_message(clinic: Clinic, smtp_sink: Any) -> None:
    async def no_such_user(server: Any, session: Any, envelope: Any) -> str:
        return "550 5.1.1 No such user"

    smtp_sink.handle_DATA = no_such_user
    campaign = approved_campaign(clinic)
    counts = sending.send_campaign_now(campaign)
    assert counts.failed == 5
    assert set(Message.unscoped.filter(campaign=campaign).values_list("state", flat=True)) == {
        MessageState.FAILED
    }
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.FINISHED


def test_a_server_that_is_down_is_retried_then_given_up(
    clinic: Clinic, smtp_sink: Any, settings: Any
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]  # nothing listens there
    campaign = approved_campaign(clinic)
    counts = sending.send_campaign_now(campaign)
    assert counts.retried == 5
    now = timezone.now()
    for _attempt in range(sending.MAX_ATTEMPTS):
        now += dt.timedelta(hours=2)
        with time_machine.travel(now):
            sending.send_due()
    states = list(Message.unscoped.filter(campaign=campaign).values_list("state", "attempts"))
    assert states == [(MessageState.FAILED, sending.MAX_ATTEMPTS)] * 5
    assert smtp_sink.messages == []


def test_a_worker_that_dies_never_causes_a_second_mail(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic)
    Message.unscoped.filter(campaign=campaign).update(due_at=timezone.now())
    campaign.state = CampaignState.SENDING
    campaign.save()
    # a worker claimed three messages, marked one as being handed over, then was killed
    claimed = sending.claim(limit=3, now=timezone.now())
    Message.unscoped.filter(pk=claimed[0].pk).update(state=MessageState.SENDING)
    assert len(claimed) == 3

    # while its lease runs, other workers leave its messages alone
    assert sending.send_due().sent == 2
    later = timezone.now() + sending.LEASE + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        counts = sending.send_due()
    assert counts.sent == 2  # the two it had only claimed
    uncertain = Message.unscoped.get(pk=claimed[0].pk)
    assert uncertain.state == MessageState.UNCERTAIN  # maybe handed over: never re-sent
    assert len(smtp_sink.messages) == 4
    assert len(set(_addressees(smtp_sink))) == 4


def test_nothing_is_sent_before_the_window_opens(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic)
    assert sending.send_due().sent == 0
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SCHEDULED
    first = Message.unscoped.filter(campaign=campaign).order_by("due_at").first()
    assert first is not None
    with time_machine.travel(first.due_at + dt.timedelta(seconds=1)):
        assert sending.send_due().sent == 1
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.SENDING
    assert first.due_at == next_monday_9()


def test_the_rate_limit_per_server_holds(clinic: Clinic, smtp_sink: Any, settings: Any) -> None:
    settings.TRAINING_SEND_RATE_PER_MINUTE = 2
    campaign = approved_campaign(clinic)
    Message.unscoped.filter(campaign=campaign).update(due_at=timezone.now())
    campaign.state = CampaignState.SENDING
    campaign.save()
    assert sending.send_due().sent == 2
    assert sending.send_due().sent == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert sending.send_due().sent == 2


def test_a_paused_campaign_sends_nothing(clinic: Clinic, smtp_sink: Any) -> None:
    from medcyber.training import services

    campaign = approved_campaign(clinic)
    services.pause(campaign=campaign, by=clinic.admin)
    with time_machine.travel(timezone.now() + dt.timedelta(days=14)):
        assert sending.send_due().sent == 0


def test_the_command_line_lists_and_sends(clinic: Clinic, smtp_sink: Any) -> None:
    campaign = approved_campaign(clinic)
    out = StringIO()
    call_command("training", "list", "--json", stdout=out)
    assert json.loads(out.getvalue()) == [
        {"id": campaign.pk, "name": "春の訓練", "state": "scheduled", "recipients": 5}
    ]
    out = StringIO()
    call_command("training", "send", "--campaign", str(campaign.pk), stdout=out)
    assert "sent 5" in out.getvalue()
    assert len(smtp_sink.messages) == 5


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_task_worker_sends_what_is_due(smtp_sink: Any, settings: Any) -> None:
    from medcyber.training.tasks import send_due_messages

    from .conftest import make_clinic

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    clinic = make_clinic()
    campaign = approved_campaign(clinic)
    Message.unscoped.filter(campaign=campaign).update(due_at=timezone.now())
    campaign.state = CampaignState.SENDING
    campaign.save()
    result = send_due_messages.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    # the approval queued a run of its own: between the two runs, each message went once
    assert result.return_value["failed"] == 0
    assert len(smtp_sink.messages) == 5


def test_approving_wakes_the_task_workers(
    clinic: Clinic, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        approved_campaign(clinic)
    assert DBTaskResult.objects.filter(task_path__endswith="send_due_messages").count() == 1
