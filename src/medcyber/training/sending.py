"""Sending training mail: each message at most once, retried on temporary SMTP errors.

Mail goes out in batches. A batch is *claimed* (one conditional UPDATE naming this run) and
rendered (each campaign's shared parts once); then the whole batch is marked *sending* in one
committed write before the first mail is handed to the SMTP server over one connection; what
the server answered (*sent*, or queued again / *failed*) is written in one transaction every
second and at the end of the batch. A worker killed while its batch is ``claimed`` handed
nothing over: when the lease runs out the messages are queued again. One killed while
``sending`` may have handed any unanswered mail of the batch over: those messages become
``uncertain`` and are never sent again (a person sees them in the results) — a killed worker can
cost some mails, never a second copy.

The rate limit is per SMTP server: every worker sends through the one relay of the settings
(``EMAIL_HOST``), so the count of mails handed over in the last minute is the server's.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import secrets
import smtplib
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from email.header import Header
from email.utils import formataddr, formatdate
from html import escape
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from . import attachments, rules
from .models import Campaign, CampaignState, Message, MessageState

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
#: What the server answered is written at least this often while a batch is handed over.
FLUSH_SECONDS = 1.0


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


@dataclass(frozen=True)
class CampaignParts:
    """What every mail of one campaign shares, worked out once per campaign and batch (the
    template's texts, the sender, the facility's name, the date) instead of once per mail."""

    subject: str
    body_text: str
    link_label_html: str
    from_email: str
    domain: str
    facility_name: str
    today: str
    envelope_from: str
    from_header: str
    attachment: attachments.Attachment | None
    attachment_part: bytes
    boundary: str

    @classmethod
    def of(cls, campaign: Campaign) -> CampaignParts:
        template = campaign.template
        domain = getattr(settings, "TRAINING_SENDER_DOMAIN", "training.invalid")
        address = f"{template.sender_local_part}@{domain}"
        attachment = _attachment(
            template.attachment_kind, template.attachment_name, campaign.facility.name
        )
        return cls(
            subject=template.subject,
            body_text=template.body_text,
            link_label_html=escape(template.link_label),
            from_email=f"{template.sender_name} <{address}>",
            domain=domain,
            facility_name=campaign.facility.name,
            today=formats.date_format(timezone.localdate(), "DATE_FORMAT"),
            envelope_from=address,
            from_header=formataddr((template.sender_name, address), "utf-8"),
            attachment=attachment,
            attachment_part=_attachment_part(attachment),
            boundary=f"=_medcyber_{secrets.token_hex(12)}",
        )


@functools.lru_cache(maxsize=32)
def _attachment(kind: str, name: str, facility_name: str) -> attachments.Attachment | None:
    """Made once per process for a campaign's template and facility (a PDF takes a while)."""
    return attachments.build(kind, name, facility_name)


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _attachment_part(attachment: attachments.Attachment | None) -> bytes:
    if attachment is None:
        return b""
    filename = quote(attachment.filename, safe="")
    charset = '; charset="utf-8"' if attachment.mimetype.startswith("text/") else ""
    return (
        f"Content-Type: {attachment.mimetype}{charset}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment; filename*=utf-8''{filename}\r\n\r\n"
    ).encode("ascii") + _base64(attachment.content)


def _texts(message: Message, parts: CampaignParts) -> tuple[str, str, str]:
    """Subject, text and HTML of one mail (the HTML is made from the text, with no authored
    HTML: escaped, with the link as a link)."""
    recipient = message.recipient
    links = links_for(message.token)
    values = {
        "recipient_name": recipient.name,
        "facility_name": parts.facility_name,
        "department": recipient.department,
        "today": parts.today,
    }
    subject = rules.render(parts.subject, values)
    text = rules.render(parts.body_text, {**values, "link": links["click"]})
    link_html = f'<a href="{escape(links["click"])}">{parts.link_label_html}</a>'
    html_body = escape(rules.render(parts.body_text, {**values, "link": "\x00"}))
    html_body = html_body.replace("\x00", link_html).replace("\n", "<br>\n")
    html = (
        f'<html><body><div style="font-family:sans-serif">{html_body}</div>'
        f'<img src="{escape(links["open"])}" width="1" height="1" alt=""></body></html>'
    )
    return subject, text, html


@functools.lru_cache(maxsize=256)
def _encoded_subject(subject: str) -> str:
    return Header(subject, "utf-8").encode()


def render_mime(message: Message, parts: CampaignParts) -> bytes:
    """The mail as the bytes handed to the SMTP server: the same MIME structure Django's
    ``EmailMultiAlternatives`` makes, written directly (the campaign's shared parts — sender,
    attachment, boundary — are encoded once, not once per mail)."""
    subject, text, html = _texts(message, parts)
    recipient = message.recipient
    inner = parts.boundary + "a"
    alternative = (
        f"--{inner}\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    ).encode("ascii")
    alternative += _base64(text.encode("utf-8"))
    alternative += (
        f"--{inner}\r\n"
        'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    ).encode("ascii")
    alternative += _base64(html.encode("utf-8")) + f"--{inner}--\r\n".encode("ascii")
    head = (
        f"From: {parts.from_header}\r\n"
        f"To: {formataddr((recipient.name, recipient.email), 'utf-8')}\r\n"
        f"Subject: {_encoded_subject(subject)}\r\n"
        f"Date: {formatdate()}\r\n"
        f"Message-ID: <training.{message.token}@{parts.domain}>\r\n"
        f"X-Medcyber-Training: {message.token}\r\n"
        "MIME-Version: 1.0\r\n"
    )
    if parts.attachment is None:
        head += f'Content-Type: multipart/alternative; boundary="{inner}"\r\n\r\n'
        return head.encode("ascii") + alternative
    outer = parts.boundary + "m"
    head += f'Content-Type: multipart/mixed; boundary="{outer}"\r\n\r\n'
    return (
        head.encode("ascii")
        + f'--{outer}\r\nContent-Type: multipart/alternative; boundary="{inner}"\r\n\r\n'.encode(
            "ascii"
        )
        + alternative
        + f"--{outer}\r\n".encode("ascii")
        + parts.attachment_part
        + f"--{outer}--\r\n".encode("ascii")
    )


def build_email(message: Message, parts: CampaignParts | None = None) -> EmailMultiAlternatives:
    """The mail as a Django message (for mail backends other than SMTP, e.g. the console)."""
    parts = parts or CampaignParts.of(message.campaign)
    subject, text, html = _texts(message, parts)
    recipient = message.recipient
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=parts.from_email,
        to=[f"{recipient.name} <{recipient.email}>"],
        headers={
            "X-Medcyber-Training": message.token,
            "Message-ID": f"<training.{message.token}@{parts.domain}>",
        },
    )
    email.attach_alternative(html, "text/html")
    if parts.attachment is not None:
        email.attach(parts.attachment.filename, parts.attachment.content, parts.attachment.mimetype)
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


def _failure_update(message: Message, error: Exception, counts: SendCounts) -> dict[str, Any]:
    attempts = message.attempts + 1
    text = f"{type(error).__name__}: {error}"[:300]
    update: dict[str, Any] = {
        "attempts": attempts,
        "last_error": text,
        "claimed_by": "",
        "lease_until": None,
    }
    if _temporary(error) and attempts < MAX_ATTEMPTS:
        update.update(
            state=MessageState.QUEUED, due_at=timezone.now() + rules.retry_delay(attempts)
        )
        counts.retried += 1
    else:
        update["state"] = MessageState.FAILED
        counts.failed += 1
    return update


@dataclass
class _Outcomes:
    """What the server answered for the mails handed over since the last write (filled by
    the sending threads, written by the batch's own thread)."""

    run: str
    counts: SendCounts
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    written_at: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self, pk: int) -> None:
        with self.lock:
            self.sent.append(pk)
            self.counts.sent += 1

    def refused(self, message: Message, error: Exception) -> None:
        with self.lock:
            self.failed.append((message.pk, _failure_update(message, error, self.counts)))

    def due(self) -> bool:
        return time.monotonic() - self.written_at >= FLUSH_SECONDS

    def write(self) -> None:
        """One transaction for everything answered since the last write; the mails of the run
        still being handed over keep their lease."""
        with self.lock:
            sent, failed = self.sent, self.failed
            self.sent, self.failed = [], []
        now = timezone.now()
        with transaction.atomic():
            if sent:
                Message.unscoped.filter(pk__in=sent, state=MessageState.SENDING).update(
                    state=MessageState.SENT, sent_at=now, claimed_by="", lease_until=None
                )
            for pk, update in failed:
                Message.unscoped.filter(pk=pk, state=MessageState.SENDING).update(**update)
            Message.unscoped.filter(claimed_by=self.run, state=MessageState.SENDING).update(
                lease_until=now + LEASE
            )
        self.written_at = time.monotonic()


@dataclass
class _Prepared:
    message: Message
    envelope_from: str
    data: bytes | None = None  # the SMTP path: the bytes to hand over
    email: EmailMultiAlternatives | None = None  # any other mail backend


def _prepare(messages: list[Message], fast: bool) -> list[_Prepared]:
    """Every mail of the batch rendered before any is marked as being handed over (a crash
    while rendering leaves them claimed, so they are sent later rather than lost)."""
    parts: dict[int, CampaignParts] = {}
    prepared = []
    for message in messages:
        shared = parts.get(message.campaign_id)
        if shared is None:
            shared = parts[message.campaign_id] = CampaignParts.of(message.campaign)
        if fast:
            prepared.append(
                _Prepared(message, shared.envelope_from, data=render_mime(message, shared))
            )
        else:
            prepared.append(
                _Prepared(message, shared.envelope_from, email=build_email(message, shared))
            )
    return prepared


def _hand_over(connection: Any, item: _Prepared) -> None:
    connection.open()  # again only after the server dropped the connection
    if item.data is not None:
        connection.connection.sendmail(
            item.envelope_from, [item.message.recipient.email], item.data
        )
    else:
        assert item.email is not None
        item.email.connection = connection
        item.email.send()


def _lanes() -> int:
    """SMTP connections a worker uses at once: each waits on the server's replies, so a few
    in parallel keep the server busy (the rate limit still counts every mail)."""
    return max(1, int(getattr(settings, "TRAINING_SEND_CONNECTIONS", 4)))


def _send_lane(connection: Any, items: list[_Prepared], outcomes: _Outcomes) -> None:
    """One connection's share of the batch, in order."""
    for item in items:
        try:
            _hand_over(connection, item)
        except (smtplib.SMTPException, OSError) as error:
            outcomes.refused(item.message, error)
            with contextlib.suppress(Exception):  # the server may already be gone
                connection.close()
        else:
            outcomes.accepted(item.message.pk)


def send_claimed(messages: list[Message]) -> SendCounts:
    """Hand a claimed batch to the SMTP server over a few connections.

    Three kinds of write, not one per mail: the whole batch is marked *sending* in one
    transaction before the first mail leaves; what the server answered is written in one
    transaction every ``FLUSH_SECONDS`` and at the end. A worker killed in between leaves the
    batch's unanswered mails *sending*: they become *uncertain* and are never sent again."""
    counts = SendCounts()
    if not messages:
        return counts
    run = messages[0].claimed_by
    first = get_connection(fail_silently=False)
    fast = isinstance(first, SmtpBackend)
    prepared = _prepare(messages, fast=fast)
    try:
        # Opened here, a connection stays open for the whole batch (Django's backend closes
        # only a connection it opened itself inside send_messages).
        first.open()
    except (smtplib.SMTPException, OSError) as error:
        _release(messages, run, error, counts)
        return counts
    lanes = max(1, min(_lanes() if fast else 1, len(prepared)))
    connections = [first] + [get_connection(fail_silently=False) for _ in range(lanes - 1)]
    outcomes = _Outcomes(run, counts)
    try:
        with transaction.atomic():
            Message.unscoped.filter(
                pk__in=[m.pk for m in messages], state=MessageState.CLAIMED, claimed_by=run
            ).update(state=MessageState.SENDING, lease_until=timezone.now() + LEASE)
            handed = set(
                Message.unscoped.filter(claimed_by=run, state=MessageState.SENDING).values_list(
                    "pk", flat=True
                )
            )
        # not handed: cancelled meanwhile, or the lease was taken over
        todo = [item for item in prepared if item.message.pk in handed]
        if lanes == 1:
            for item in todo:
                _send_lane(first, [item], outcomes)
                if outcomes.due():
                    outcomes.write()
        else:
            with ThreadPoolExecutor(lanes, thread_name_prefix="training-send") as pool:
                pending = {
                    pool.submit(_send_lane, connection, todo[i::lanes], outcomes)
                    for i, connection in enumerate(connections)
                }
                while pending:
                    _done, pending = wait(pending, timeout=FLUSH_SECONDS)
                    outcomes.write()
                    for future in _done:
                        future.result()  # an unexpected error stops the batch here
    finally:
        outcomes.write()
        for connection in connections:
            with contextlib.suppress(Exception):  # closing a dead connection
                connection.close()
    return counts


def _release(messages: list[Message], run: str, error: Exception, counts: SendCounts) -> None:
    """The server could not be reached: nothing was handed over, so every claimed mail is
    queued again with its back-off (or failed after the last try)."""
    with transaction.atomic():
        for message in messages:
            Message.unscoped.filter(
                pk=message.pk, state=MessageState.CLAIMED, claimed_by=run
            ).update(**_failure_update(message, error, counts))


def batch_size() -> int:
    return max(1, int(getattr(settings, "TRAINING_SEND_BATCH", 200)))


def send_due(now: dt.datetime | None = None, batch: int | None = None) -> SendCounts:
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
        claimed = claim(limit=min(batch or batch_size(), allowance), now=timezone.now())
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


def send_campaign_now(campaign: Campaign, batch: int | None = None) -> SendCounts:
    """Every unsent message of an approved campaign, now (ignoring the window and the rate)."""
    from . import services

    services.start_if_due(campaign)
    if campaign.state == CampaignState.SCHEDULED:
        with transaction.atomic():
            campaign = services._transition(campaign, "start", None)
    counts = SendCounts()
    recover_stale()
    while claimed := claim(
        limit=batch or batch_size(), now=timezone.now(), campaign_id=campaign.pk, ignore_due=True
    ):
        counts += send_claimed(claimed)
    services.finish_if_done(campaign)
    return counts
