"""dashboard: the member dashboard against the trivial ping view on the same server.

Both URLs get the same load (``ctx.clients`` keep-alive connections, closed loop, for
``ctx.duration`` s after a warm-up) from gunicorn on PostgreSQL. The ratio of their request
rates shows what the dashboard costs over the bare request/response path (middleware,
session, database round trip): aim ≥ 0.5.
"""

from __future__ import annotations

from typing import Any

from harness import BUSY_WARNING_PCT, DEMO_MEMBER_EMAIL, BenchError, Context, http_get, tail
from loadgen import LoadResult

from benchmarks import register

PING = "/healthz"
DASHBOARD = "/dashboard/"
# What any signed-in request costs before a page does anything of its own: session, user,
# roles, and a small JSON answer. It bounds what a signed-in page can reach against PING.
SIGNED_IN_FLOOR = "/api/v1/me"
RATIO_AIM = 0.5
BALANCE_WARNING = 0.5


@register("dashboard", "member dashboard vs /healthz: rps, p95, ratio (aim ≥ 0.5)")
def run(ctx: Context) -> dict[str, Any]:
    database = ctx.database()
    cookie = ctx.session_cookie(DEMO_MEMBER_EMAIL)
    facilities = _visible_facilities(ctx)
    with ctx.server() as server:
        status, detail = http_get(server.base_url, DASHBOARD, cookie=cookie)
        if status != 200:
            hint = ""
            if status in (301, 302):
                hint = " (redirected: the session was not accepted)"
            elif status >= 500:
                hint = f" (server error; gunicorn log:\n{tail(server.log)})"
            raise BenchError(
                f"GET {DASHBOARD} as {DEMO_MEMBER_EMAIL} gave {status}{hint}: {detail}"
            )
        ctx.log(f"GET {DASHBOARD} as {DEMO_MEMBER_EMAIL}: 200")

        ping = ctx.load(server, PING)
        floor = ctx.load(server, SIGNED_IN_FLOOR, cookie=cookie)
        dashboard = ctx.load(server, DASHBOARD, cookie=cookie)
        server_info = server.describe()

    ratio = dashboard.rps / ping.rps if ping.rps else 0.0
    meets = ratio >= RATIO_AIM
    rows = [
        {
            "url": result.path,
            "requests": result.requests,
            "rps": round(result.rps, 1),
            "p50 ms": round(result.p50_ms, 2),
            "p95 ms": round(result.p95_ms, 2),
            "p99 ms": round(result.p99_ms, 2),
            "non-2xx": result.non_2xx,
            "errors": result.error_count,
            "web cpu ms/req": result.server_cpu_ms,
            "db cpu ms/req": result.db_cpu_ms,
            "others cpu %": result.others_cpu_pct,
        }
        for result in (ping, floor, dashboard)
    ]
    floor_ratio = floor.rps / ping.rps if ping.rps else 0.0
    summary = [
        f"ratio dashboard/ping rps = {ratio:.2f} (aim ≥ {RATIO_AIM:.2f}: "
        f"{'met' if meets else 'NOT met'})",
        f"dashboard p95 = {dashboard.p95_ms:.1f} ms at {ctx.clients} concurrent clients "
        f"({DEMO_MEMBER_EMAIL}, {facilities} facilities)",
        f"signed-in floor {SIGNED_IN_FLOOR}/ping rps = {floor_ratio:.2f}: the most a signed-in "
        f"page can reach; the dashboard reaches {dashboard.rps / floor.rps if floor.rps else 0:.2f}"
        " of it",
    ]
    if any(r.non_2xx or r.error_count for r in (ping, floor, dashboard)):
        summary.append("WARNING: non-2xx answers or socket errors during the load (see table)")
    uneven = [
        f"{r.path} {r.worker_balance:.2f}"
        for r in (ping, floor, dashboard)
        if r.worker_balance is not None and r.worker_balance < BALANCE_WARNING
    ]
    if uneven:
        summary.append(
            "WARNING: the load landed unevenly on the gunicorn workers (least/most busy worker "
            f"CPU: {', '.join(uneven)}); rps may be lower than the server can do"
        )
    cpu_ratio = _cpu_ratio(ping, dashboard)
    if cpu_ratio is not None:
        summary.append(
            f"CPU per request (gunicorn + PostgreSQL): ping/dashboard = {cpu_ratio:.2f}, "
            "the ratio to expect when the cores are the limit (little affected by other load)"
        )
    busy = [
        pct
        for r in (ping, floor, dashboard)
        for pct in (r.background_cpu_pct, r.others_cpu_pct)
        if pct is not None
    ]
    if busy and max(busy) > BUSY_WARNING_PCT:
        summary.append(
            f"WARNING: other processes used up to {max(busy):.0f}% of the machine before or "
            "during a load: rps and latency are not representative (CPU per request still is); "
            "rerun on a quiet machine"
        )
    return {
        "database": database.describe(),
        "cache": ctx.describe_cache(),
        "data": ctx.data_source,
        "user": DEMO_MEMBER_EMAIL,
        "user_facilities": facilities,
        "server": server_info,
        "load": ctx.describe_load(),
        "urls": {
            "ping": ping.to_dict(),
            "signed_in_floor": floor.to_dict(),
            "dashboard": dashboard.to_dict(),
        },
        "signed_in_floor_ratio": {
            "definition": f"{SIGNED_IN_FLOOR} rps / ping rps",
            "value": round(floor_ratio, 3),
        },
        "ratio": {
            "definition": "dashboard rps / ping rps",
            "value": round(ratio, 3),
            "aim": RATIO_AIM,
            "meets_aim": meets,
            "cpu_estimate": None if cpu_ratio is None else round(cpu_ratio, 3),
            "cpu_estimate_definition": "ping CPU ms per request / dashboard CPU ms per request "
            "(gunicorn processes + PostgreSQL backends)",
        },
        "table": rows,
        "summary": summary,
    }


def _cpu_ratio(ping: LoadResult, dashboard: LoadResult) -> float | None:
    def cost(result: LoadResult) -> float | None:
        if result.server_cpu_ms is None:
            return None
        return result.server_cpu_ms + (result.db_cpu_ms or 0.0)

    ping_cost, dashboard_cost = cost(ping), cost(dashboard)
    if not ping_cost or not dashboard_cost:
        return None
    return ping_cost / dashboard_cost


def _visible_facilities(ctx: Context) -> int | None:
    """How many facilities the dashboard lists for the demo member (recorded, not checked)."""
    out = ctx.shell(
        "from django.contrib.auth import get_user_model\n"
        "from medcyber.registry.queries import facilities_for\n"
        f"user = get_user_model().objects.get(email={DEMO_MEMBER_EMAIL!r})\n"
        "print('FACILITIES=%d' % facilities_for(user).count())\n"
    )
    counts = [ln.split("=", 1)[1] for ln in out.splitlines() if ln.startswith("FACILITIES=")]
    return int(counts[-1]) if counts else None
