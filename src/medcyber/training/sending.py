"""Sending training mail: each message at most once, retried on temporary SMTP errors.

A message is *claimed* (one conditional UPDATE naming this run) and then marked *sending* in
its own committed write before the mail is handed to the SMTP server; *sent* once the server
accepted it. A worker killed while a message is ``claimed`` never handed it over: when the lease
runs out the message is queued again. One killed while ``sending`` may have handed it over: the
message becomes ``uncertain`` and is never sent again (a person sees it in the results).

The rate limit is per SMTP server: every worker sends through the one relay of the settings
(``EMAIL_HOST``), so the count of mails handed over in the last minute is the server's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import secrets
import smtplib
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from . import rules
from .models import Campaign, CampaignState, Message, MessageState

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5


@dataclass
class SendCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __iadd__(self, other: SendCounts) -> SendCounts:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        return self


def absolute(path: str) -> str:
    return f"{settings.MEDCYBER_BASE_URL.rstrip('/')}{path}"


_PLACEHOLDER = "TOKEN-PLACEHOLDER"


@functools.cache
def _link_patterns(base_url: str) -> dict[str, str]:
    """The three links with a placeholder for the token: resolved once, not per message."""
    return {
        name: f"{base_url.rstrip('/')}{reverse(f'training:{name}', args=[_PLACEHOLDER])}"
        for name in ("click", "open", "report")
    }


def links_for(token: str) -> dict[str, str]:
    patterns = _link_patterns(settings.MEDCYBER_BASE_URL)
    return {name: url.replace(_PLACEHOLDER, token) for name, url in patterns.items()}


def build_email(message: Message) -> EmailMultiAlternatives:
    template = message.campaign.template
    recipient = message.recipient
    links = links_for(message.token)
    values = {
        "recipient_name": recipient.name,
        "facility_name": message.campaign.facility.name,
        "department": recipient.department,
        "today": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    subject = rules.render(template.subject, values)
    text = rules.render(template.body_text, {**values, "link": links["click"]})
    # The HTML part is made from the text (no authored HTML): escaped, with the link as a link.
    link_html = f'<a href="{escape(links["click"])}">{escape(template.link_label)}</a>'
    html_body = escape(rules.render(template.body_text, {**values, "link": "\x00"}))
    html_body = html_body.replace("\x00", link_html).replace("\n", "<br>\n")
    html = (
        f'<html><body><div style="font-family:sans-serif">{html_body}</div>'
        f'<img src="{escape(links["open"])}" width="1" height="1" alt=""></body></html>'
    )
    domain = getattr(settings, "TRAINING_SENDER_DOMAIN", "training.invalid")
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=f"{template.sender_name} <{template.sender_local_part}@{domain}>",
        to=[f"{recipient.name} <{recipient.email}>"],
        headers={
            "X-Medcyber-Training": message.token,
            "Message-ID": f"<training.{message.token}@{domain}>",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def recover_stale(now: dt.datetime | None = None) -> tuple[int, int]:
    """Leases of dead workers: claimed → queued again; sending → uncertain (never re-sent)."""
    now = now or timezone.now()
    requeued = Message.unscoped.filter(state=MessageState.CLAIMED, lease_until__lt=now).update(
        state=MessageState.QUEUED, claimed_by="", lease_until=None
    )
    uncertain = Message.unscoped.filter(state=MessageState.SENDING, lease_until__lt=now).update(
        state=MessageState.UNCERTAIN,
        last_error="interrupted while handing over: not re-sent, to avoid a duplicate",
    )
    return requeued, uncertain


def rate_allowance(now: dt.datetime) -> int:
    rate: int = getattr(settings, "TRAINING_SEND_RATE_PER_MINUTE", 60)
    recent = Message.unscoped.filter(
        Q(sent_at__gte=now - dt.timedelta(minutes=1)) | Q(state=MessageState.SENDING)
    ).count()
    return max(0, rate - recent)


def claim(
    *, limit: int, now: dt.datetime, campaign_id: int | None = None, ignore_due: bool = False
) -> list[Message]:
    """Claim up to ``limit`` queued messages for this run (safe with any number of workers)."""
    if limit <= 0:
        return []
    run = secrets.token_hex(8)
    candidates = Message.unscoped.filter(state=MessageState.QUEUED)
    if campaign_id is not None:
        candidates = candidates.filter(campaign_id=campaign_id)
    else:
        candidates = candidates.filter(campaign__state=CampaignState.SENDING)
    if ignore_due:  # "now" means first attempts; a retry still waits for its back-off
        candidates = candidates.filter(Q(attempts=0) | Q(due_at__lte=now))
    else:
        candidates = candidates.filter(due_at__lte=now)
    with transaction.atomic():
        ids = list(
            candidates.order_by("due_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)[:limit]
        )
        Message.unscoped.filter(pk__in=ids, state=MessageState.QUEUED).update(
            state=MessageState.CLAIMED, claimed_by=run, lease_until=now + LEASE
        )
    return list(
        Message.unscoped.filter(claimed_by=run, state=MessageState.CLAIMED)
        .select_related("campaign__template", "campaign__facility", "recipient")
        .order_by("due_at", "pk")
    )


def _temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(rules.is_temporary_smtp_code(code) for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return rules.is_temporary_smtp_code(error.smtp_code)
    return isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _after_failure(message: Message, error: Exception, counts: SendCounts) -> None:
    attempts = message.attempts + 1
    text = f"{type(error).__name__}: {error}"[:300]
    update = {"attempts": attempts, "last_error": text, "claimed_by": "", "lease_until": None}
    if _temporary(error) and attempts < MAX_ATTEMPTS:
        update.update(
            state=MessageState.QUEUED, due_at=timezone.now() + rules.retry_delay(attempts)
        )
        counts.retried += 1
    else:
        update["state"] = MessageState.FAILED
        counts.failed += 1
    Message.unscoped.filter(pk=message.pk, state=MessageState.SENDING).update(**update)


def _mark_sent(delivered: list[tuple[int, dt.datetime]]) -> None:
    for pk, at in delivered:
        Message.unscoped.filter(pk=pk, state=MessageState.SENDING).update(
            state=MessageState.SENT, sent_at=at, claimed_by="", lease_until=None
        )
    delivered.clear()


def send_claimed(messages: list[Message]) -> SendCounts:
    """Hand each claimed message to the SMTP server. One commit a message: the previous
    message's "sent" is written together with this one's "sending"."""
    counts = SendCounts()
    if not messages:
        return counts
    delivered: list[tuple[int, dt.datetime]] = []
    connection = get_connection(fail_silently=False)
    try:
        for message in messages:
            email = build_email(message)
            with transaction.atomic():
                _mark_sent(delivered)
                handed = Message.unscoped.filter(
                    pk=message.pk, state=MessageState.CLAIMED, claimed_by=message.claimed_by
                ).update(state=MessageState.SENDING, lease_until=timezone.now() + LEASE)
            if not handed:  # cancelled, or the lease was taken over
                continue
            try:
                # Opened here, the connection stays open for the next message (Django's
                # backend closes only a connection it opened itself inside send_messages).
                connection.open()
                email.connection = connection
                email.send()
            except (smtplib.SMTPException, OSError) as error:
                _after_failure(message, error, counts)
                with contextlib.suppress(Exception):  # the server may already be gone
                    connection.close()
                continue
            delivered.append((message.pk, timezone.now()))
            counts.sent += 1
    finally:
        with transaction.atomic():
            _mark_sent(delivered)
        with contextlib.suppress(Exception):  # closing a dead connection
            connection.close()
    return counts


def send_due(now: dt.datetime | None = None, batch: int = 100) -> SendCounts:
    """The worker's step: recover dead leases, start campaigns whose window opened, send what is
    due within the rate limit, and close campaigns with nothing left."""
    from . import services

    now = now or timezone.now()
    recover_stale(now)
    for campaign in Campaign.unscoped.filter(state=CampaignState.SCHEDULED, window_start__lte=now):
        services.start_if_due(campaign)
    counts = SendCounts()
    while True:
        allowance = rate_allowance(timezone.now())
        claimed = claim(limit=min(batch, allowance), now=timezone.now())
        if not claimed:
            break
        counts += send_claimed(claimed)
    for campaign in Campaign.unscoped.filter(state=CampaignState.SENDING):
        services.finish_if_done(campaign)
    return counts


def next_due() -> dt.datetime | None:
    message = (
        Message.unscoped.filter(
            state=MessageState.QUEUED,
            campaign__state__in=[CampaignState.SCHEDULED, CampaignState.SENDING],
        )
        .order_by("due_at")
        .first()
    )
    return message.due_at if message else None


def send_campaign_now(campaign: Campaign, batch: int = 200) -> SendCounts:
    """Every unsent message of an approved campaign, now (ignoring the window and the rate)."""
    from . import services

    services.start_if_due(campaign)
    if campaign.state == CampaignState.SCHEDULED:
        with transaction.atomic():
            campaign = services._transition(campaign, "start", None)
    counts = SendCounts()
    recover_stale()
    while claimed := claim(
        limit=batch, now=timezone.now(), campaign_id=campaign.pk, ignore_due=True
    ):
        counts += send_claimed(claimed)
    services.finish_if_done(campaign)
    return counts
