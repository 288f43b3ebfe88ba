"""portal: the public article list and an article page under 50 concurrent readers, against
the trivial ping view on the same server (aim ≥ 0.7).

Anonymous readers, as most of the portal's traffic is: their pages hold no per-visitor token,
so the finished HTML is cached whole by language, audience level, content version and the
alert banners showing (see ``medcyber.portal.page_cache``); a request costs the session-less
middleware and a few cache reads, no template.
"""

from __future__ import annotations

from typing import Any

from harness import BenchError, Context, http_get

from benchmarks import register

PING = "/healthz"
LIST = "/portal/"
READERS = 50
RATIO_AIM = 0.7


@register("portal", "public article list and page, 50 readers, vs /healthz (aim ≥ 0.7)")
def run(ctx: Context) -> dict[str, Any]:
    database = ctx.database()
    article = _public_article(ctx)
    clients, ctx.clients = ctx.clients, READERS  # this benchmark's load; put back after
    try:
        return _measure(ctx, database, article)
    finally:
        ctx.clients = clients


def _measure(ctx: Context, database: Any, article: str) -> dict[str, Any]:
    with ctx.server() as server:
        for path in (LIST, article):
            status, detail = http_get(server.base_url, path)
            if status != 200:
                raise BenchError(f"GET {path} gave {status}: {detail}")
        ping = ctx.load(server, PING)
        listing = ctx.load(server, LIST)
        page = ctx.load(server, article)
        server_info = server.describe()
    ratios = {
        "list": listing.rps / ping.rps if ping.rps else 0.0,
        "article": page.rps / ping.rps if ping.rps else 0.0,
    }
    rows = [
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
        }
        for r in (ping, listing, page)
    ]
    summary = [
        f"ratio {name}/ping rps = {value:.2f} (aim ≥ {RATIO_AIM:.2f}: "
        f"{'met' if value >= RATIO_AIM else 'NOT met'})"
        for name, value in ratios.items()
    ]
    summary.append(f"{READERS} concurrent anonymous readers; article {article}")
    if any(r.non_2xx or r.error_count for r in (ping, listing, page)):
        summary.append("WARNING: non-2xx answers or socket errors during the load (see table)")
    return {
        "database": database.describe(),
        "cache": ctx.describe_cache(),
        "data": ctx.data_source,
        "server": server_info,
        "load": ctx.describe_load(),
        "urls": {"ping": ping.to_dict(), "list": listing.to_dict(), "article": page.to_dict()},
        "ratio": {
            "definition": "rps / ping rps",
            "list": round(ratios["list"], 3),
            "article": round(ratios["article"], 3),
            "aim": RATIO_AIM,
        },
        "table": rows,
        "summary": summary,
    }


def _public_article(ctx: Context) -> str:
    out = ctx.shell(
        "from medcyber.portal.models import ContentItem\n"
        "item = ContentItem.objects.live().filter(audience='public', kind='article')"
        ".order_by('-publish_at').first()\n"
        "print('ARTICLE=%d' % item.pk)\n"
    )
    found = [ln.split("=", 1)[1] for ln in out.splitlines() if ln.startswith("ARTICLE=")]
    if not found:
        raise BenchError("no public article in the demo data")
    return f"/portal/items/{found[-1]}/"
