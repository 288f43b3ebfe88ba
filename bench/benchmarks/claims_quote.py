"""claims_quote: what a support-payment quote costs, and the Zengin file writer.

- ``medcyber claims quote`` as a caller runs it: a new process per quote (Django start-up,
  one query for the schedules, the rules); aim: p95 under 1 s.
- In one process on PostgreSQL: the schedules read and the quote, as the API route does it
  (aim: under 5 ms), and the pure rules alone.
- The Zengin side: the first look-up in the zengin-code data set (it loads every bank and
  branch), holder-name conversions, and a general-transfer file of 1,000 transfers.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from typing import Any

from harness import VENV_BIN, BenchError, Context

from benchmarks import register

FACTS = {
    "kind": "cyber_attack",
    "occurred_on": "2024-03-10",
    "closure_days": 3,
    "insider": False,
    "member_class": "A1",
    "facility_kind": "clinic",
    "reports": ["jma"],
}
CLI_RUNS = 15
CLI_AIM_S = 1.0
IN_PROCESS_AIM_MS = 5.0

IN_PROCESS = """
import json, time, datetime
from medcyber.claims import queries, rules, zengin
facts = rules.parse_facts(json.loads('''%(facts)s'''), today=datetime.date(2026, 1, 1))
def per_call(fn, n):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n
schedules = queries.schedules()
out = {
    "db_quote_ms": per_call(lambda: rules.quote(facts, queries.schedules()), 500) * 1e3,
    "pure_quote_us": per_call(lambda: rules.quote(facts, schedules), 20000) * 1e6,
}
start = time.perf_counter(); zengin.find_branch("0001", "001")
out["zengin_first_lookup_ms"] = (time.perf_counter() - start) * 1e3
out["zengin_lookup_us"] = per_call(lambda: zengin.find_branch("9900", "018"), 20000) * 1e6
names = ["医療法人社団 さくらかい", "ヤマダ　タロー", "ｼﾞｮｰｼﾞ・ｽﾐｽ", "メディカルサービス株式会社"]
convert_all = lambda: [zengin.convert_name(n) for n in names]
out["name_conversion_us"] = per_call(convert_all, 5000) / len(names) * 1e6
requester = zengin.Requester("1234567890", "ｼﾔ)ﾆﾎﾝｲｼｶｲ", "0001", "001", "1", "1234567")
transfers = [
    zengin.Transfer("0005", "001", "1", "7654321", names[i %% 4], 400000) for i in range(1000)
]
out["file_1000_ms"] = per_call(
    lambda: zengin.general_transfer_file(requester, datetime.date(2026, 1, 6), transfers), 5
) * 1e3
print(json.dumps(out))
"""


@register("claims_quote", "claims quote: CLI per call, in-process with DB, Zengin file of 1,000")
def run(ctx: Context) -> dict[str, Any]:
    ctx.database()
    stdin = json.dumps(FACTS)
    timings = []
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        done = subprocess.run(
            [str(VENV_BIN / "medcyber"), "claims", "quote"],
            input=stdin,
            env=ctx.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        timings.append(time.perf_counter() - start)
        if done.returncode != 0 or json.loads(done.stdout)["entitlement"] != 400_000:
            raise BenchError(f"medcyber claims quote failed: {done.stderr.strip()[-500:]}")
    floor = []  # what any medcyber command costs to start: Django and the project's imports
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        subprocess.run(
            [str(VENV_BIN / "medcyber"), "help", "claims"],
            env=ctx.env(),
            capture_output=True,
            timeout=60,
            check=True,
        )
        floor.append(time.perf_counter() - start)
    cli_p50, cli_p95 = statistics.median(timings), _p95(timings)
    floor_p50, floor_p95 = statistics.median(floor), _p95(floor)
    raw = ctx.shell(IN_PROCESS % {"facts": json.dumps(FACTS)}, timeout=600)
    inner = json.loads(raw.strip().splitlines()[-1])
    rows = [
        {
            "what": f"medcyber claims quote (new process, n={CLI_RUNS})",
            "p50": f"{cli_p50:.2f} s",
            "p95": f"{cli_p95:.2f} s",
        },
        {
            "what": f"medcyber help claims (start-up floor, n={CLI_RUNS})",
            "p50": f"{floor_p50:.2f} s",
            "p95": f"{floor_p95:.2f} s",
        },
        {
            "what": "schedules query + quote (in process)",
            "p50": f"{inner['db_quote_ms']:.2f} ms",
            "p95": "",
        },
        {"what": "rules.quote alone", "p50": f"{inner['pure_quote_us']:.1f} µs", "p95": ""},
        {
            "what": "zengin-code first look-up (loads the data set)",
            "p50": f"{inner['zengin_first_lookup_ms']:.0f} ms",
            "p95": "",
        },
        {
            "what": "zengin-code look-up after that",
            "p50": f"{inner['zengin_lookup_us']:.1f} µs",
            "p95": "",
        },
        {
            "what": "holder-name conversion",
            "p50": f"{inner['name_conversion_us']:.1f} µs",
            "p95": "",
        },
        {
            "what": "general-transfer file, 1,000 transfers",
            "p50": f"{inner['file_1000_ms']:.1f} ms",
            "p95": "",
        },
    ]
    summary = [
        f"CLI p95 = {cli_p95:.2f} s (aim < {CLI_AIM_S:.1f} s: "
        f"{'met' if cli_p95 < CLI_AIM_S else 'NOT met'})",
        f"in-process quote with the schedules query = {inner['db_quote_ms']:.2f} ms "
        f"(aim < {IN_PROCESS_AIM_MS:.0f} ms: "
        f"{'met' if inner['db_quote_ms'] < IN_PROCESS_AIM_MS else 'NOT met'})",
    ]
    summary.append(
        f"the quote's own share of a CLI call: p50 {cli_p50 - floor_p50:+.2f} s over the "
        "start-up floor"
    )
    return {
        "table": rows,
        "summary": summary,
        "cli_seconds": timings,
        "floor_seconds": floor,
        **inner,
    }


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]
