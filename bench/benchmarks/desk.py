"""desk: the operators' queue with 100,000 cases, and web intake, on PostgreSQL.

1. 100,000 cases are inserted in one ``INSERT … SELECT generate_series`` (no audit events: it
   stands for years of history, not for anyone's work), spread over every facility, the six
   statuses (four in ten still open), both tiers (three in four at tier 1), the categories,
   severities and channels, received over the last two years.
2. The demo's tier-1 operator is signed in by a session written to the session store (the
   demo gives every staff account a TOTP authenticator, which is what the MFA middleware
   asks for). ``/desk/`` (the tier-1 queue, first page) gets ``ctx.clients`` concurrent
   operators after ``/healthz`` and the signed-in floor ``/api/v1/me`` (as the operator) got
   the same load on the same gunicorn: ratio of request rates queue/ping, aim ≥ 0.3, and the
   queue's p95.
3. Web intake: ``ctx.clients`` threads POST a web case to ``/api/v1/cases`` (the route the
   web form's work goes through: ``services.open_case``) as the demo member, with the session
   and a CSRF cookie/header pair, for ``ctx.duration`` s. Cases created per second (201s),
   p95, and how many cases the database holds afterwards (every 201 must be one case).
"""

from __future__ import annotations

import http.client
import json
import math
import secrets
import string
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from harness import (
    BUSY_WARNING_PCT,
    DEMO_MEMBER_EMAIL,
    BenchError,
    Context,
    Server,
    http_get,
    tail,
)

from benchmarks import register

CASES = 100_000
PING = "/healthz"
QUEUE = "/desk/"
# What any signed-in request costs (session, user, roles, second factor): see dashboard.py.
SIGNED_IN_FLOOR = "/api/v1/me"
INTAKE = "/api/v1/cases"
OPERATOR_EMAIL = "tier1@demo.medcyber.jp"
RATIO_AIM = 0.3

SEED = """
from django.db import connection
from medcyber.registry.models import Facility
from medcyber.desk.models import Case
ids = list(Facility.unscoped.order_by("pk").values_list("pk", flat=True))
with connection.cursor() as cur:
    cur.execute('''
    INSERT INTO desk_case (channel, facility_id, caller_name, caller_phone, caller_email,
        caller_facility_name, category, severity, patient_data, summary, description, status,
        tier, received_at, out_of_hours, first_response_due, resolution_due,
        first_responded_at, resolved_at, version, created_at, updated_at)
    SELECT
        (ARRAY['phone','web'])[1 + i %% 2],
        (%s::bigint[])[1 + i %% cardinality(%s::bigint[])],
        '相談者' || i, '03-0000-' || lpad((i %% 10000)::text, 4, '0'), '', '',
        (ARRAY['network_down','diagnosis','pc_takeover','cyber_attack','guideline','other'])
            [1 + i %% 6],
        (ARRAY['urgent','high','normal','low'])[1 + (i / 7) %% 4],
        (ARRAY['yes','no','unknown'])[1 + (i / 3) %% 3],
        '相談 ' || i, '電子カルテの端末で不審な画面が表示された。', s.status,
        CASE WHEN i %% 4 = 0 THEN 2 ELSE 1 END,
        r.at, false, r.at + interval '4 hours', r.at + interval '3 days',
        CASE WHEN s.status = 'new' THEN NULL ELSE r.at + interval '1 hour' END,
        CASE WHEN s.status IN ('resolved','closed') THEN r.at + interval '2 days' END,
        1, r.at, r.at
    FROM generate_series(1, %s) AS i
    CROSS JOIN LATERAL (SELECT (ARRAY['new','in_progress','waiting_member','reopened',
        'resolved','closed','closed','closed','resolved','closed'])[1 + (i / 5) %% 10]
        AS status) AS s
    CROSS JOIN LATERAL (SELECT now() - (i * interval '631 seconds') AS at) AS r
    ''', [ids, ids, @N@])
    cur.execute("ANALYZE desk_case")
print("CASES=%d" % Case.unscoped.count())
print("FACILITIES=%d" % len(ids))
"""

MEMBER_FACILITY = """
from django.contrib.auth import get_user_model
from medcyber.registry.queries import facilities_for
user = get_user_model().objects.get(email=@EMAIL@)
print("FACILITY=%d" % facilities_for(user).order_by("pk").first().pk)
"""

COUNT = """
from medcyber.desk.models import Case
print("CASES=%d" % Case.unscoped.count())
"""


def _value(out: str, key: str) -> str:
    found = [ln.split("=", 1)[1] for ln in out.splitlines() if ln.startswith(key + "=")]
    if not found:
        raise BenchError(f"no {key} in the shell's output:\n{out[-2000:]}")
    return found[-1]


def _case_count(ctx: Context) -> int:
    return int(_value(ctx.shell(COUNT), "CASES"))


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _intake_load(
    server: Server, cookie: str, body: bytes, clients: int, duration: float
) -> dict[str, Any]:
    """``clients`` threads POSTing ``body`` for ``duration`` s, one connection per request
    (the server closes them); latencies of the answers, by status."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    headers = {
        "Cookie": f"{cookie}; csrftoken={token}",
        "X-CSRFToken": token,
        "Content-Type": "application/json",
    }
    parts = urlsplit(server.base_url)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: dict[str, int] = {}
    sample: list[str] = []
    deadline = time.monotonic() + duration

    def client() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
            try:
                conn.request("POST", INTAKE, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if response.status != 201 and len(sample) < 3:
                        sample.append(f"{response.status}: {text[:300].decode('utf-8', 'replace')}")
            except OSError as exc:
                with lock:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            finally:
                conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(latencies)
    created = statuses.get(201, 0)
    return {
        "requests": len(latencies),
        "created": created,
        "wall_s": round(wall, 2),
        "cases_per_s": round(created / wall, 1) if wall else 0.0,
        "p50_ms": round(_percentile(ordered, 50), 2),
        "p95_ms": round(_percentile(ordered, 95), 2),
        "p99_ms": round(_percentile(ordered, 99), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "non_201_sample": sample,
    }


@register("desk", "tier-1 queue with 100,000 cases vs /healthz (aim ≥ 0.3), web intake cases/s")
def run(ctx: Context) -> dict[str, Any]:
    database = ctx.database()
    seeded = ctx.shell(SEED.replace("@N@", str(CASES)), timeout=900)
    cases = int(_value(seeded, "CASES"))
    facilities = int(_value(seeded, "FACILITIES"))
    ctx.log(f"{cases:,} cases over {facilities} facilities")
    operator = ctx.session_cookie(OPERATOR_EMAIL)
    member = ctx.session_cookie(DEMO_MEMBER_EMAIL)
    facility = int(
        _value(ctx.shell(MEMBER_FACILITY.replace("@EMAIL@", repr(DEMO_MEMBER_EMAIL))), "FACILITY")
    )
    body = json.dumps(
        {
            "facility_id": facility,
            "category": "pc_takeover",
            "severity": "high",
            "patient_data": "unknown",
            "summary": "受付端末の画面に身代金の要求が表示された",
            "description": "朝、受付の端末を起動したところ英語の要求文が表示された。",
            "caller_phone": "03-3946-2121",
        },
        ensure_ascii=False,
    ).encode()
    with ctx.server() as server:
        status, detail = http_get(server.base_url, QUEUE, cookie=operator)
        if status != 200:
            hint = " (redirected: session or second factor not accepted)" if status == 302 else ""
            if status >= 500:
                hint = f" (server error; gunicorn log:\n{tail(server.log)})"
            raise BenchError(f"GET {QUEUE} as {OPERATOR_EMAIL} gave {status}{hint}: {detail}")
        ctx.log(f"GET {QUEUE} as {OPERATOR_EMAIL}: 200")
        ping = ctx.load(server, PING)
        floor = ctx.load(server, SIGNED_IN_FLOOR, cookie=operator)
        queue = ctx.load(server, QUEUE, cookie=operator)
        before = _case_count(ctx)
        if ctx.warmup_s > 0:
            ctx.log(f"warm-up POST {INTAKE} for {ctx.warmup_s:g} s")
            _intake_load(server, member, body, ctx.clients, ctx.warmup_s)
            before = _case_count(ctx)
        ctx.log(f"load POST {INTAKE}: {ctx.clients} clients for {ctx.duration:g} s (threads)")
        intake = _intake_load(server, member, body, ctx.clients, ctx.duration)
        server_info = server.describe()
    stored = _case_count(ctx) - before
    ratio = queue.rps / ping.rps if ping.rps else 0.0
    meets = ratio >= RATIO_AIM
    floor_ratio = floor.rps / ping.rps if ping.rps else 0.0
    rows: list[dict[str, Any]] = [
        {
            "url": r.path,
            "requests": r.requests,
            "rps": round(r.rps, 1),
            "p50 ms": round(r.p50_ms, 2),
            "p95 ms": round(r.p95_ms, 2),
            "non-2xx": r.non_2xx,
            "errors": r.error_count,
            "web cpu ms/req": r.server_cpu_ms,
            "db cpu ms/req": r.db_cpu_ms,
            "target": f"ratio ≥ {RATIO_AIM} (is {ratio:.2f})" if r is queue else "",
        }
        for r in (ping, floor, queue)
    ]
    rows.append(
        {
            "url": f"POST {INTAKE}",
            "requests": intake["requests"],
            "rps": intake["cases_per_s"],
            "p50 ms": intake["p50_ms"],
            "p95 ms": intake["p95_ms"],
            "non-2xx": intake["requests"] - intake["created"],
            "errors": sum(intake["errors"].values()),
            "web cpu ms/req": None,
            "db cpu ms/req": None,
            "target": "cases/s (no figure set)",
        }
    )
    summary = [
        f"ratio queue/ping rps = {ratio:.2f} (aim ≥ {RATIO_AIM}: {'met' if meets else 'NOT met'})",
        f"tier-1 queue p95 = {queue.p95_ms:.1f} ms at {ctx.clients} concurrent operators, "
        f"{cases:,} cases",
        f"web intake: {intake['cases_per_s']:.1f} cases/s, p95 {intake['p95_ms']:.1f} ms at "
        f"{ctx.clients} clients; {intake['created']} answered 201, {stored} cases stored "
        f"({'ok' if stored == intake['created'] else 'MISMATCH'})",
    ]
    if intake["non_201_sample"] or intake["errors"]:
        summary.append(
            f"WARNING: intake answers other than 201: {intake['statuses']} {intake['errors']} "
            f"{intake['non_201_sample'][:1]}"
        )
    if any(r.non_2xx or r.error_count for r in (ping, floor, queue)):
        summary.append("WARNING: non-2xx answers or socket errors during the load (see table)")
    busy = [
        pct
        for r in (ping, floor, queue)
        for pct in (r.background_cpu_pct, r.others_cpu_pct)
        if pct is not None
    ]
    if busy and max(busy) > BUSY_WARNING_PCT:
        summary.append(
            f"WARNING: other processes used up to {max(busy):.0f}% of the machine before or "
            "during a load: rps and latency are not representative; rerun on a quiet machine"
        )
    return {
        "database": database.describe(),
        "cache": ctx.describe_cache(),
        "data": f"{ctx.data_source} + {cases:,} desk cases over {facilities} facilities",
        "operator": OPERATOR_EMAIL,
        "member": DEMO_MEMBER_EMAIL,
        "server": server_info,
        "load": ctx.describe_load(),
        "urls": {
            "ping": ping.to_dict(),
            "signed_in_floor": floor.to_dict(),
            "queue": queue.to_dict(),
        },
        "signed_in_floor_ratio": {
            "definition": f"{SIGNED_IN_FLOOR} rps / ping rps",
            "value": round(floor_ratio, 3),
        },
        "intake": {**intake, "cases_stored": stored, "path": INTAKE},
        "ratio": {
            "definition": "tier-1 queue rps / ping rps",
            "value": round(ratio, 3),
            "aim": RATIO_AIM,
            "meets_aim": meets,
        },
        "table": rows,
        "summary": summary,
    }
