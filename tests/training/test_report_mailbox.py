"""A recipient forwards a suspicious training mail to the facility's report address; medcyber
reads that mailbox over IMAP (a real dovecot here) and records "reported" once."""

from __future__ import annotations

import io
import json
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medcyber.training import reports, sending
from medcyber.training.models import Message, TrackingEvent, TrackingKind

from .conftest import Clinic, approved_campaign
from .dovecot import Dovecot

pytestmark = pytest.mark.django_db


def _sent(clinic: Clinic) -> list[Message]:
    campaign = approved_campaign(clinic)
    return list(Message.unscoped.filter(campaign=campaign).order_by("pk"))


def _original(message: Message) -> bytes:
    return sending.build_email(message).message().as_bytes()


def _forward_attached(message: Message, to: str) -> bytes:
    """The way most mail clients forward "as attachment": the mail as message/rfc822."""
    from email import message_from_bytes, policy

    forward = EmailMessage()
    forward["From"] = message.recipient.email
    forward["To"] = to
    forward["Subject"] = "Fwd: 怪しいメール"
    forward["Message-ID"] = make_msgid()
    forward.set_content("怪しいメールが届きました。")
    forward.add_attachment(message_from_bytes(_original(message), policy=policy.default))
    return forward.as_bytes()


def _forward_eml_file(message: Message, to: str) -> bytes:
    forward = EmailMessage()
    forward["From"] = message.recipient.email
    forward["To"] = to
    forward["Subject"] = "怪しいメールを添付します"
    forward.set_content("添付の通りです。")
    forward.add_attachment(
        _original(message), maintype="application", subtype="octet-stream", filename="mail.eml"
    )
    return forward.as_bytes()


def _forward_inline(message: Message, to: str) -> bytes:
    """Forwarded "inline": only the quoted text, with the link the recipient did not click."""
    original = sending.build_email(message)
    forward = EmailMessage()
    forward["From"] = message.recipient.email
    forward["To"] = to
    forward["Subject"] = "Fw: " + original.subject
    forward.set_content("---------- 転送メッセージ ----------\n" + original.body)
    return forward.as_bytes()


def test_the_report_address_is_the_facilitys_own(clinic: Clinic, settings: Any) -> None:
    settings.TRAINING_REPORT_ADDRESS = "report@training.example.jp"
    assert reports.report_address(clinic.facility.pk) == (
        f"report+f{clinic.facility.pk}@training.example.jp"
    )


def test_every_way_of_forwarding_is_recognised(clinic: Clinic) -> None:
    one, two, three = _sent(clinic)[:3]
    assert reports.tokens_in(_forward_attached(one, "r@x")) == [one.token]
    assert reports.tokens_in(_forward_eml_file(two, "r@x")) == [two.token]
    assert reports.tokens_in(_forward_inline(three, "r@x")) == [three.token]
    assert reports.tokens_in(b"Subject: hello\r\n\r\nnothing to see\r\n") == []


def test_forwarded_mails_are_recorded_once_and_moved(
    clinic: Clinic, report_mailbox: Dovecot
) -> None:
    messages = _sent(clinic)
    address = reports.report_address(clinic.facility.pk)
    report_mailbox.deliver(_forward_attached(messages[0], address))
    report_mailbox.deliver(_forward_eml_file(messages[1], address))
    report_mailbox.deliver(_forward_inline(messages[2], address))
    report_mailbox.deliver(_forward_attached(messages[0], address))  # the same mail again
    report_mailbox.deliver(b"From: a@b\r\nSubject: ordinary mail\r\n\r\nhello\r\n")

    counts = reports.read_mailbox()

    assert (counts.read, counts.reported, counts.already, counts.unmatched) == (5, 3, 1, 1)
    reported = Message.unscoped.filter(reported_at__isnull=False)
    assert set(reported.values_list("pk", flat=True)) == {m.pk for m in messages[:3]}
    assert TrackingEvent.objects.filter(kind=TrackingKind.REPORTED).count() == 3
    assert report_mailbox.count("INBOX") == 0
    assert report_mailbox.count("Processed") == 4
    assert report_mailbox.count("Unmatched") == 1

    # read again: nothing left in the inbox, nothing recorded twice
    assert reports.read_mailbox().read == 0
    # a mail put back into the inbox (e.g. a crash before it was moved) adds nothing
    report_mailbox.deliver(_forward_inline(messages[2], address))
    again = reports.read_mailbox()
    assert (again.read, again.reported, again.already) == (1, 0, 1)
    assert TrackingEvent.objects.filter(kind=TrackingKind.REPORTED).count() == 3


def test_the_command_reads_the_mailbox(clinic: Clinic, report_mailbox: Dovecot) -> None:
    message = _sent(clinic)[0]
    report_mailbox.deliver(_forward_attached(message, reports.report_address(clinic.facility.pk)))
    out = io.StringIO()
    call_command("training", "read-reports", stdout=out)
    assert json.loads(out.getvalue()) == {"read": 1, "reported": 1, "already": 0, "unmatched": 0}
    message.refresh_from_db()
    assert message.reported_at is not None


def test_the_command_says_when_no_mailbox_is_set(settings: Any) -> None:
    settings.TRAINING_REPORT_IMAP_HOST = ""
    with pytest.raises(CommandError, match="TRAINING_REPORT_IMAP_HOST"):
        call_command("training", "read-reports")


def test_a_wrong_password_is_a_clear_error(
    clinic: Clinic, report_mailbox: Dovecot, settings: Any
) -> None:
    settings.TRAINING_REPORT_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="could not be read"):
        call_command("training", "read-reports")


def test_the_periodic_task_reads_the_mailbox(clinic: Clinic, report_mailbox: Dovecot) -> None:
    from medcyber.training.tasks import read_report_mailbox

    message = _sent(clinic)[0]
    report_mailbox.deliver(_forward_eml_file(message, "r@x"))
    assert read_report_mailbox.call()["reported"] == 1
    message.refresh_from_db()
    assert message.reported_at is not None
