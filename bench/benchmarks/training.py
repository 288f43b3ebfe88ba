"""training_send and training_track: the training service under load.

training_send: a 20,000-recipient campaign sent by ``medcyber training send`` (the worker's
code: claim a batch, render it, mark it as being handed over, hand it over on a few SMTP
connections, write what the server answered — every state committed) to a local aiosmtpd sink,
against a plain ``smtplib`` loop sending the same rendered messages over one connection to the
same sink. Ratio of messages per second: aim ≥ 0.5.

training_track: the open-tracking pixel against ``/healthz`` on the same gunicorn, 50
concurrent clients; every pixel hit must be one stored tracking event (one statement, one
durable commit per hit on PostgreSQL). Ratio: aim ≥ 0.5.
"""

from __future__ import annotations

import json
import os
import smtplib
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from harness import ROOT, VENV_BIN, BenchError, Context

from benchmarks import register

RECIPIENTS = int(os.environ.get("BENCH_TRAINING_RECIPIENTS", "20000"))
RATIO_AIM = 0.5
TRACK_CLIENTS = 50

SETUP = """
import datetime as dt, json
from django.utils import timezone
from medcyber.core import audit
from medcyber.registry.models import Facility
from medcyber.accounts.models import User
from medcyber.training import services
from medcyber.training.models import *
with audit.acting_as(audit.AuditContext(actor_label="system:bench")):
    facility = Facility.unscoped.get(name="本駒込内科クリニック")
    VerifiedDomain.unscoped.get_or_create(facility=facility, domain="bench.example.jp",
        defaults={"method": "association", "verified_at": timezone.now()})
    group = RecipientGroup.unscoped.create(
        facility=facility, name="bench @N@ " + str(timezone.now()))
    Recipient.unscoped.bulk_create([Recipient(group=group, name=f"職員{i}",
        email=f"s{i}@bench.example.jp", department="内科", job_type="事務") for i in range(@N@)],
        batch_size=2000)
    users = list(User.objects.filter(email__in=["facility-admin@demo.medcyber.jp",
        "member@demo.medcyber.jp"]).order_by("email"))
    start = timezone.now() + dt.timedelta(minutes=1)
    campaign = services.create_campaign(facility=facility, name="bench", group=group,
        template=MailTemplate.unscoped.get(slug="account-warning"), window_start=start,
        window_end=start + dt.timedelta(days=30), weekdays_only=False, day_start_hour=0,
        day_end_hour=24, by=users[0])
    services.submit_for_approval(campaign=campaign, by=users[0])
    services.approve(campaign=campaign, by=users[1])
    token = Message.unscoped.filter(campaign=campaign).order_by("pk").values_list(
        "token", flat=True)
    print("BENCH=" + json.dumps({"campaign": campaign.pk, "tokens": list(token[:2])}))
"""

RENDER = """
from medcyber.training.models import Message
from medcyber.training.sending import build_email
from pathlib import Path
out = Path(@OUT@)
with out.open("wb") as f:
    for m in Message.unscoped.filter(campaign_id=@ID@).select_related(
            "campaign__template", "campaign__facility", "recipient").iterator(chunk_size=2000):
        e = build_email(m)
        data = e.message().as_bytes(linesep="\\r\\n")
        f.write(len(data).to_bytes(4, "big") + data)
"""

COUNT = """
from medcyber.training.models import TrackingEvent
print("EVENTS=%d" % TrackingEvent.objects.filter(message__token=@TOKEN@).count())
"""


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _sink() -> tuple[Any, _Counter, int]:
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = _Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, counter, port


def _setup(ctx: Context, n: int) -> dict[str, Any]:
    out = ctx.shell(SETUP.replace("@N@", str(n)), timeout=900)
    lines = [ln[6:] for ln in out.splitlines() if ln.startswith("BENCH=")]
    if not lines:
        raise BenchError(f"the campaign could not be set up:\n{out[-2000:]}")
    return json.loads(lines[-1])


@register("training_send", "20,000 training mails to an SMTP sink vs a smtplib loop (aim ≥ 0.5)")
def run_send(ctx: Context) -> dict[str, Any]:
    database = ctx.database()
    made = _setup(ctx, RECIPIENTS)
    campaign = made["campaign"]
    rendered = ctx.tmp / "rendered.bin"
    ctx.shell(RENDER.replace("@OUT@", repr(str(rendered))).replace("@ID@", str(campaign)), 900)
    messages = _read_rendered(rendered)
    controller, counter, port = _sink()
    try:
        ctx.log(f"smtplib loop: {len(messages)} messages")
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for data in messages:
                smtp.sendmail("mail-admin@training.invalid", ["x@bench.example.jp"], data)
        baseline_s = time.perf_counter() - started
        baseline_count = counter.count
        counter.count = 0
        ctx.log(f"medcyber training send --campaign {campaign}")
        env = {**ctx.env(), "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
        env["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        started = time.perf_counter()
        done = subprocess.run(
            [str(VENV_BIN / "medcyber"), "training", "send", "--campaign", str(campaign)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        medcyber_s = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"training send failed:\n{done.stderr[-2000:]}")
        medcyber_count = counter.count
    finally:
        controller.stop()
    baseline_rate = baseline_count / baseline_s
    medcyber_rate = medcyber_count / medcyber_s
    ratio = medcyber_rate / baseline_rate
    rows = [
        {
            "sender": "smtplib loop",
            "messages": baseline_count,
            "seconds": round(baseline_s, 2),
            "msg/s": round(baseline_rate, 1),
        },
        {
            "sender": "medcyber training send",
            "messages": medcyber_count,
            "seconds": round(medcyber_s, 2),
            "msg/s": round(medcyber_rate, 1),
        },
    ]
    return {
        "database": database.describe(),
        "recipients": RECIPIENTS,
        "output": done.stdout.strip(),
        "table": rows,
        "ratio": {
            "definition": "medcyber msg/s / smtplib msg/s",
            "value": round(ratio, 3),
            "aim": RATIO_AIM,
            "meets_aim": ratio >= RATIO_AIM,
        },
        "summary": [
            f"ratio medcyber/smtplib msg/s = {ratio:.2f} (aim ≥ {RATIO_AIM}: "
            f"{'met' if ratio >= RATIO_AIM else 'NOT met'}); every message sent once: "
            f"{medcyber_count == RECIPIENTS}",
            "medcyber's time includes starting Django and committing each batch's state before "
            "and after the hand-over",
        ],
    }


def _read_rendered(path: Path) -> list[bytes]:
    data = path.read_bytes()
    out, i = [], 0
    while i < len(data):
        size = int.from_bytes(data[i : i + 4], "big")
        out.append(data[i + 4 : i + 4 + size])
        i += 4 + size
    return out


@register("training_track", "open-tracking pixel vs /healthz at 50 clients, every hit stored")
def run_track(ctx: Context) -> dict[str, Any]:
    database = ctx.database()
    made = _setup(ctx, 2)
    warm_token, token = made["tokens"]
    pixel = f"/training/t/o/{token}.gif"
    clients, warmup = ctx.clients, ctx.warmup
    ctx.clients, ctx.warmup = TRACK_CLIENTS, 0
    try:
        with ctx.server() as server:
            tool = ctx.load_tool
            for path in ("/healthz", f"/training/t/o/{warm_token}.gif"):
                tool.run(
                    base_url=server.base_url,
                    path=path,
                    cookie="",
                    clients=TRACK_CLIENTS,
                    duration=2,
                )
            ping = ctx.load(server, "/healthz")
            hits = ctx.load(server, pixel)
            server_info = server.describe()
    finally:
        ctx.clients, ctx.warmup = clients, warmup
    out = ctx.shell(COUNT.replace("@TOKEN@", repr(token)))
    events = int(next(ln[7:] for ln in out.splitlines() if ln.startswith("EVENTS=")))
    answered = hits.requests - hits.non_2xx - sum(hits.errors.values())
    ratio = hits.rps / ping.rps if ping.rps else 0.0
    rows = [
        {
            "url": r.path,
            "requests": r.requests,
            "rps": round(r.rps, 1),
            "p95 ms": round(r.p95_ms, 2),
            "non-2xx": r.non_2xx,
            "errors": r.error_count,
        }
        for r in (ping, hits)
    ]
    return {
        "database": database.describe(),
        "server": server_info,
        "clients": TRACK_CLIENTS,
        "table": rows,
        "urls": {"ping": ping.to_dict(), "pixel": hits.to_dict()},
        "events_stored": events,
        "hits_answered": answered,
        "ratio": {
            "definition": "pixel rps / ping rps",
            "value": round(ratio, 3),
            "aim": RATIO_AIM,
            "meets_aim": ratio >= RATIO_AIM,
        },
        "summary": [
            f"ratio pixel/ping rps = {ratio:.2f} at {TRACK_CLIENTS} clients (aim ≥ {RATIO_AIM}: "
            f"{'met' if ratio >= RATIO_AIM else 'NOT met'})",
            f"every hit recorded: {events} events for {answered} answered hits; up to "
            f"{TRACK_CLIENTS} more were in flight when the load tool stopped counting "
            f"({'ok' if answered <= events <= answered + TRACK_CLIENTS else 'MISMATCH'})",
        ],
    }
