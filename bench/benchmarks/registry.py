"""registry: import of the national file set against ``COPY``, and the staff name search.

1. The synthetic national registry (``bench/fixtures/national.py``: 180,000 members, 150,000
   facilities and their founder/manager links; ``BENCH_REGISTRY_SCALE`` scales both counts
   down for a quick try) is written to the run's temporary directory.
2. ``medcyber registry import --kind members|facilities|links FILE``, in that order, each as a
   child process: wall time and peak memory (the child's maximum RSS, from ``/usr/bin/time
   -v``).
3. The baseline: ``COPY … FROM STDIN (FORMAT csv, HEADER true)`` of the same files into bare
   tables of text columns on the same database. Ratio import time / COPY time, aim ≤ 3.
4. The members file imported again (must change nothing): wall time.
5. In process (``medcyber shell``), as the staff search view does (search, then
   ``SearchPaginator(results, 50).page(1)``, the count capped at 10,000): 200 member
   queries drawn from the data (100 hiragana family-name prefixes, 50 kanji family names,
   50 membership-number prefixes) and 100
   facility queries (50 hiragana name-kana prefixes, 50 medical-institution-code prefixes),
   as ``admin@demo.medcyber.jp``; p50/p95/max, aim p95 < 50 ms. The slowest query of each
   kind is explained (``EXPLAIN (ANALYZE, BUFFERS)``) in the JSON.

``BENCH_REGISTRY_ENCODING=cp932`` writes the files in CP932 instead of UTF-8.
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from harness import BUSY_WARNING_PCT, ROOT, VENV_BIN, BenchError, Context, Database, cpu_busy_pct

from benchmarks import register

SCALE_ENV = "BENCH_REGISTRY_SCALE"
ENCODING_ENV = "BENCH_REGISTRY_ENCODING"
KINDS = ("members", "facilities", "links")
SEED = 20251201
RATIO_AIM = 3.0
SEARCH_P95_AIM_MS = 50.0
SEARCH_REPEATS = 3  # each query's time is the median of this many runs in a row
STAFF_EMAIL = "admin@demo.medcyber.jp"
IMPORT_TIMEOUT_S = 3600
TIME_BIN = Path("/usr/bin/time")
MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
CPU_TIMES = re.compile(r"(?:User|System) time \(seconds\): ([\d.]+)")


@register(
    "registry",
    "national registry import vs COPY (aim ≤ 3×), re-import, name search p95 (aim < 50 ms)",
)
def run(ctx: Context) -> dict[str, Any]:
    scale, encoding = _settings()
    database = ctx.database()
    national = _fixture_module()
    members_n = max(50, round(national.MEMBERS * scale))
    facilities_n = max(50, round(national.FACILITIES * scale))
    out = ctx.tmp / "national"
    ctx.log(f"generating {members_n:,} members, {facilities_n:,} facilities ({encoding})")
    started = time.perf_counter()
    rows = national.generate(out, members_n, facilities_n, encoding, SEED)
    generate_s = time.perf_counter() - started
    files = {kind: out / f"{kind}.csv" for kind in KINDS}

    floor = _child(ctx, "help", "registry")  # Django start-up: what every command pays
    imports = {kind: _import(ctx, database, kind, files[kind], rows[kind]) for kind in KINDS}
    copies = {kind: _copy(ctx, database, kind, files[kind], encoding) for kind in KINDS}
    reimport = _import(ctx, database, "members", files["members"], rows["members"])
    search = _search(ctx)

    import_total = sum(i["wall_s"] for i in imports.values())
    copy_total = sum(c["wall_s"] for c in copies.values())
    for kind in KINDS:
        imports[kind]["copy_s"] = copies[kind]["wall_s"]
        copy_s = copies[kind]["wall_s"]
        imports[kind]["ratio"] = round(imports[kind]["wall_s"] / copy_s, 2) if copy_s else None
    overall = import_total / copy_total if copy_total else 0.0
    # What the import itself costs: its time less the command's Django start-up.
    net = (import_total - len(KINDS) * floor["wall_s"]) / copy_total if copy_total else 0.0
    unchanged = reimport["counts"] or {}
    reimport_clean = (
        bool(unchanged) and not unchanged.get("created") and not unchanged.get("updated")
    )

    table = [
        _row(
            f"import {kind}",
            imports[kind]["rows"],
            imports[kind]["wall_s"],
            copy_s=copies[kind]["wall_s"],
            rss=imports[kind]["max_rss_mb"],
            cpu_s=imports[kind]["cpu_s"],
        )
        for kind in KINDS
    ]
    table.append(_row("import, all three", sum(rows.values()), import_total, copy_s=copy_total))
    table.append(
        _row(
            "re-import members",
            reimport["rows"],
            reimport["wall_s"],
            rss=reimport["max_rss_mb"],
            cpu_s=reimport["cpu_s"],
        )
    )
    table.append(
        _row(
            "process floor (help)",
            None,
            floor["wall_s"],
            rss=floor["max_rss_mb"],
            cpu_s=floor["cpu_s"],
        )
    )
    for name, stats in search["summary"].items():
        table.append(_search_row(f"search {name}", stats))
        for category, part in search["by_category"].items():
            if category.startswith(f"{name}: "):
                table.append(_search_row(f"  {category.split(': ', 1)[1]}", part))

    member_p95 = search["summary"]["members"]["p95_ms"]
    facility_p95 = search["summary"]["facilities"]["p95_ms"]
    summary = [
        f"scale {scale:g} ({ENCODING_ENV}={encoding}): {rows['members']:,} members, "
        f"{rows['facilities']:,} facilities, {rows['links']:,} links; files made in "
        f"{generate_s:.1f} s",
        f"import/COPY = {overall:.2f} overall ({import_total:.1f} s / {copy_total:.2f} s; "
        + ", ".join(f"{k} {imports[k]['ratio']}" for k in KINDS)
        + f") — aim ≤ {RATIO_AIM:g}: {'met' if overall <= RATIO_AIM else 'NOT met'}; "
        f"{net:.2f} without the start-up of each command ({floor['wall_s']:.2f} s)",
        "peak RSS of the import process: "
        + ", ".join(f"{k} {imports[k]['max_rss_mb']} MB" for k in KINDS)
        + f" (Django start-up alone: {floor['max_rss_mb']} MB; {_memory_method()})",
        f"re-import of members: {reimport['wall_s']:.1f} s, "
        + (
            "changed nothing"
            if reimport_clean
            else f"WARNING: it changed rows or its counts are unknown ({unchanged})"
        ),
        f"member search p95 = {member_p95:.1f} ms over {search['summary']['members']['n']} "
        f"queries — aim < {SEARCH_P95_AIM_MS:g} ms: "
        f"{'met' if member_p95 < SEARCH_P95_AIM_MS else 'NOT met'}",
        f"facility search p95 = {facility_p95:.1f} ms over "
        f"{search['summary']['facilities']['n']} queries — aim < {SEARCH_P95_AIM_MS:g} ms: "
        f"{'met' if facility_p95 < SEARCH_P95_AIM_MS else 'NOT met'}",
    ]
    for slow in search["slowest"]:
        summary.append(
            f"slowest {slow['set']}/{slow['category']} query: {slow['q']!r} {slow['ms']:.1f} ms, "
            f"{slow['total']:,} matches"
        )
    summary.append("EXPLAIN (ANALYZE, BUFFERS) of each of these: search.slowest[].explain")
    cpu = search["cpu"]
    summary.append(
        f"search times: median of {SEARCH_REPEATS} runs of each query (first runs: p95 "
        f"{search['summary']['members']['first_run_p95_ms']:.1f} / "
        f"{search['summary']['facilities']['first_run_p95_ms']:.1f} ms); machine "
        f"{cpu['machine_busy_pct']}% busy during the search shell, of which that process "
        f"{cpu['shell_process_cpu_pct_of_machine']}% (+ its PostgreSQL backend)"
    )
    background = cpu["background_busy_pct"]
    if background is not None and background > BUSY_WARNING_PCT:
        summary.append(
            f"WARNING: the machine was {background:.0f}% busy before the searches (other "
            "processes): search times are high and noisy; rerun on a quiet machine"
        )
    return {
        "database": database.describe(),
        "data": ctx.data_source,
        "fixture": {
            "generator": "bench/fixtures/national.py",
            "scale": scale,
            "scale_from": f"{SCALE_ENV} (default 1.0)",
            "encoding": encoding,
            "seed": SEED,
            "rows": rows,
            "file_mb": {k: round(files[k].stat().st_size / 2**20, 1) for k in KINDS},
            "generate_s": round(generate_s, 2),
        },
        "memory_method": _memory_method(),
        "process_floor": floor,
        "imports": imports,
        "copy": copies,
        "ratio": {
            "definition": "medcyber registry import wall time / COPY wall time (same rows)",
            "value": round(overall, 3),
            "by_file": {k: imports[k]["ratio"] for k in KINDS},
            "aim": RATIO_AIM,
            "meets_aim": overall <= RATIO_AIM,
            "without_startup": round(net, 3),
            "without_startup_definition": "(import wall time - 3 × process_floor.wall_s) / "
            "COPY wall time",
            "note": "the import's time includes the command's Django start-up "
            "(process_floor.wall_s: `medcyber help registry`)",
        },
        "reimport_members": {**reimport, "changed_nothing": reimport_clean},
        "search": {
            **search,
            "aim_p95_ms": SEARCH_P95_AIM_MS,
            "meets_aim": member_p95 < SEARCH_P95_AIM_MS and facility_p95 < SEARCH_P95_AIM_MS,
        },
        "table": table,
        "summary": summary,
    }


# --- settings ----------------------------------------------------------------------------------


def _settings() -> tuple[float, str]:
    raw = os.environ.get(SCALE_ENV, "1.0")
    try:
        scale = float(raw)
    except ValueError:
        raise BenchError(f"{SCALE_ENV}={raw!r} is not a number (e.g. 0.02)") from None
    if not 0 < scale <= 1:
        raise BenchError(f"{SCALE_ENV} must be in (0, 1], not {raw}")
    encoding = os.environ.get(ENCODING_ENV, "utf-8").lower()
    if encoding not in ("utf-8", "cp932"):
        raise BenchError(f"{ENCODING_ENV} must be utf-8 or cp932, not {encoding!r}")
    return scale, encoding


def _fixture_module() -> Any:
    bench_dir = str(ROOT / "bench")
    if bench_dir not in sys.path:
        sys.path.insert(0, bench_dir)
    try:
        from fixtures import national
    except ImportError as exc:  # Faker is a development dependency
        raise BenchError(f"bench/fixtures/national.py cannot be imported: {exc}") from exc
    return national


def _memory_method() -> str:
    if TIME_BIN.exists():
        return "maximum RSS of the child process, from /usr/bin/time -v"
    return (
        "increase of getrusage(RUSAGE_CHILDREN).ru_maxrss (the high-water mark over all "
        "children so far; null when a child stayed below an earlier one)"
    )


# --- child processes ---------------------------------------------------------------------------


def _child(ctx: Context, *args: str) -> dict[str, Any]:
    """Run ``medcyber ARGS`` with the bench environment: wall time, peak RSS, output."""
    command = [str(VENV_BIN / "medcyber"), *args]
    report = ctx.tmp / "time-v.txt"
    if TIME_BIN.exists():
        command = [str(TIME_BIN), "-v", "-o", str(report), *command]
    ctx.log(f"medcyber {' '.join(args)}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=ctx.env(),
            capture_output=True,
            text=True,
            timeout=IMPORT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`medcyber {' '.join(args)}` took over {IMPORT_TIMEOUT_S} s") from exc
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(
            f"`medcyber {' '.join(args)}` failed ({done.returncode}):\n"
            f"{done.stdout.strip()[-1000:]}\n{done.stderr.strip()[-2000:]}"
        )
    rss_kb: int | None = None
    cpu_s: float | None = None
    if TIME_BIN.exists():
        text = report.read_text(encoding="utf-8", errors="replace")
        found = MAX_RSS.search(text)
        rss_kb = int(found.group(1)) if found else None
        times = CPU_TIMES.findall(text)
        cpu_s = round(sum(float(t) for t in times), 2) if times else None
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        rss_kb = after if after > before else None
    return {
        "wall_s": round(wall, 2),
        "max_rss_mb": None if rss_kb is None else round(rss_kb / 1024, 1),
        # The command's own CPU (user + system): steadier than wall time on a shared machine.
        "cpu_s": cpu_s,
        "stdout": done.stdout.strip()[-2000:],
    }


def _import(ctx: Context, database: Database, kind: str, path: Path, rows: int) -> dict[str, Any]:
    result = _child(ctx, "registry", "import", "--kind", kind, str(path))
    result["rows"] = rows
    result["rows_per_s"] = round(rows / result["wall_s"]) if result["wall_s"] else None
    result["counts"] = _last_import_event(database)
    return result


def _last_import_event(database: Database) -> dict[str, Any] | None:
    """The counts the import recorded in its audit event (created, updated, unchanged…)."""
    import psycopg

    with psycopg.connect(database.url_for_psycopg, autocommit=True) as conn:
        row = conn.execute(
            "SELECT changes FROM core_auditevent WHERE action = 'registry.import' "
            "ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    return row[0] if row else None


# --- the baseline: COPY ------------------------------------------------------------------------


def _copy(ctx: Context, database: Database, kind: str, path: Path, encoding: str) -> dict[str, Any]:
    """``COPY`` of the file into a bare table of text columns named as in the file."""
    import psycopg
    from psycopg import sql

    with path.open(encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle))
    table = sql.Identifier(f"bench_copy_{kind}")
    columns = sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in header)
    ctx.log(f"COPY {path.name} into bench_copy_{kind}")
    with psycopg.connect(database.url_for_psycopg) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, columns))
        conn.commit()
        statement = sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, HEADER true)").format(table)
        started = time.perf_counter()
        with conn.cursor() as cursor:
            with cursor.copy(statement) as copy:
                if encoding == "utf-8":
                    with path.open("rb") as raw:
                        while chunk := raw.read(1 << 20):
                            copy.write(chunk)
                else:  # the server expects the connection's encoding (UTF-8): decode on the way
                    with path.open(encoding=encoding, newline="") as text:
                        while part := text.read(1 << 18):
                            copy.write(part)
            copied = cursor.rowcount
        conn.commit()
        wall = time.perf_counter() - started
    return {
        "table": f"bench_copy_{kind}",
        "rows": copied,
        "wall_s": round(wall, 4),
        "rows_per_s": round(copied / wall) if wall else None,
    }


# --- search ------------------------------------------------------------------------------------


def _search(ctx: Context) -> dict[str, Any]:
    background = cpu_busy_pct()
    snippet = (
        SEARCH_SNIPPET.replace("@EMAIL@", STAFF_EMAIL)
        .replace("@SEED@", str(SEED))
        .replace("@REPEATS@", str(SEARCH_REPEATS))
    )
    machine_before, child_before = _machine_ticks(), _children_cpu_s()
    started = time.perf_counter()
    out = ctx.shell(snippet, timeout=1200)
    wall = time.perf_counter() - started
    machine_after, child_after = _machine_ticks(), _children_cpu_s()
    lines = [ln[len("RESULT=") :] for ln in out.splitlines() if ln.startswith("RESULT=")]
    if not lines:
        raise BenchError(f"the search snippet printed no result:\n{out[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if "error" in result:
        raise BenchError(result["error"])
    machine_busy = None
    if machine_before and machine_after and machine_after[1] > machine_before[1]:
        busy = machine_after[0] - machine_before[0]
        machine_busy = round(100 * busy / (machine_after[1] - machine_before[1]), 1)
    result["cpu"] = {
        "background_busy_pct": background,
        "machine_busy_pct": machine_busy,
        "shell_process_cpu_pct_of_machine": round(
            100 * (child_after - child_before) / (wall * (os.cpu_count() or 1)), 1
        ),
        "note": "machine_busy_pct: all cores during the whole `medcyber shell` (start-up, "
        "drawing the queries, searches, EXPLAIN); the shell process and its PostgreSQL "
        "backend (and parallel workers) are part of it; background: 1 s before, idle",
    }
    return result


def _machine_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of all cores since boot, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _row(
    what: str,
    n: int | None,
    wall_s: float,
    *,
    copy_s: float | None = None,
    rss: float | None = None,
    cpu_s: float | None = None,
) -> dict[str, Any]:
    return {
        "what": what,
        "rows/queries": n,
        "time s": round(wall_s, 2),
        "cpu s": cpu_s,
        "COPY s": None if copy_s is None else round(copy_s, 2),
        "import/COPY": None if not copy_s else round(wall_s / copy_s, 2),
        "peak RSS MB": rss,
        "p50 ms": None,
        "p95 ms": None,
        "max ms": None,
    }


def _search_row(label: str, stats: dict[str, Any]) -> dict[str, Any]:
    row = _row(label, stats["n"], stats["total_s"])
    row.update({"p50 ms": stats["p50_ms"], "p95 ms": stats["p95_ms"], "max ms": stats["max_ms"]})
    return row


# Runs in `medcyber shell -c`: queries drawn from the imported data, timed as the view runs
# them (search, count and first page of 50, prefetch), then the slowest of each kind explained.
SEARCH_SNIPPET = r"""
import json, random, statistics, time
import jaconv
from django.contrib.auth import get_user_model
from medcyber.registry.search import SearchPaginator as Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from medcyber.registry.models import Facility, FacilityManagement, Member
from medcyber.registry.search import PAGE_SIZE, search_facilities, search_members

user = get_user_model().objects.get(email="@EMAIL@")
if not user.sees_all_facilities:
    print("RESULT=" + json.dumps({"error": "@EMAIL@ does not see all facilities"}))
    raise SystemExit(0)

tables = [m._meta.db_table for m in (Member, Facility, FacilityManagement)]
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT relname, n_live_tup, n_mod_since_analyze, last_autoanalyze IS NOT NULL "
        "FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables]
    )
    before_analyze = {r[0]: {"live": r[1], "modified_since_analyze": r[2],
                             "autoanalyzed": r[3]} for r in cursor.fetchall()}
    cursor.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "ORDER BY tablename, indexname", [tables]
    )
    indexes = {}
    for table, name, definition in cursor.fetchall():
        indexes.setdefault(table, {})[name] = definition.split(" USING ", 1)[-1]
    started = time.perf_counter()
    for table in tables:
        cursor.execute('ANALYZE "%s"' % table)
    analyze_s = time.perf_counter() - started

rng = random.Random(@SEED@)
REPEATS = @REPEATS@


def prefix(value, shortest):
    return value[: rng.randint(min(shortest, len(value)), len(value))]


family_kana = sorted(set(Member.unscoped.order_by().values_list("family_name_kana", flat=True)))
family = sorted(set(Member.unscoped.order_by().values_list("family_name", flat=True)))
numbers = list(Member.unscoped.order_by("pk").values_list("membership_number", flat=True))
facility_kana = list(Facility.unscoped.order_by("pk").values_list("name_kana", flat=True))
codes = list(
    Facility.unscoped.exclude(medical_institution_code="").exclude(medical_institution_code=None)
    .order_by("pk").values_list("medical_institution_code", flat=True)
)
member_queries = (
    [("kana prefix", jaconv.kata2hira(prefix(rng.choice(family_kana), 2))) for _ in range(100)]
    + [("kanji family name", rng.choice(family)) for _ in range(50)]
    + [("number prefix", prefix(rng.choice(numbers), 3)) for _ in range(50)]
)
facility_queries = (
    [("name kana prefix", jaconv.kata2hira(prefix(rng.choice(facility_kana), 2)[:8]))
     for _ in range(50)]
    + [("institution code prefix", prefix(rng.choice(codes), 4)) for _ in range(50)]
)
rng.shuffle(member_queries)
rng.shuffle(facility_queries)
FORMS = {
    "members": (search_members, {"member_class": "", "prefecture": "", "status": ""}),
    "facilities": (search_facilities, {"kind": "", "prefecture": "", "status": ""}),
}


def once(which, q):
    function, empty = FORMS[which]
    started = time.perf_counter()
    page = Paginator(function(user, {**empty, "q": q}), PAGE_SIZE).page(1)
    shown = list(page.object_list)
    return (time.perf_counter() - started) * 1000, page.paginator.count, len(shown)


def pct(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def stats(samples):
    ms = [s["ms"] for s in samples]
    first = [s["first_ms"] for s in samples]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "total_s": round(sum(ms) / 1000, 3),
        "first_run_p95_ms": round(pct(first, 95), 2),
        "first_run_max_ms": round(max(first), 2),
    }


for which, queries in (("members", member_queries), ("facilities", facility_queries)):
    for _, q in queries[:5]:  # warm-up: connection, caches; not counted
        once(which, q)

samples = {}
for which, queries in (("members", member_queries), ("facilities", facility_queries)):
    samples[which] = []
    for category, q in queries:
        runs = [once(which, q) for _ in range(REPEATS)]
        times = [run[0] for run in runs]
        samples[which].append({"category": category, "q": q,
                               "ms": round(statistics.median(times), 2),
                               "first_ms": round(times[0], 2),
                               "runs_ms": [round(t, 2) for t in times],
                               "total": runs[0][1], "shown": runs[0][2]})

summary = {which: stats(s) for which, s in samples.items()}
by_category = {}
for which, rows in samples.items():
    for category in sorted({r["category"] for r in rows}):
        by_category[f"{which}: {category}"] = stats([r for r in rows if r["category"] == category])


def explain(which, q):
    function, empty = FORMS[which]
    with CaptureQueriesContext(connection) as captured:
        list(Paginator(function(user, {**empty, "q": q}), PAGE_SIZE).page(1).object_list)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append({"sql": query["sql"],
                          "plan": "\n".join(r[0] for r in cursor.fetchall())})
    return plans


slowest = []
for which, rows in samples.items():
    for category in sorted({r["category"] for r in rows}):
        worst = max((r for r in rows if r["category"] == category), key=lambda r: r["ms"])
        slowest.append({"set": which, **worst, "explain": explain(which, worst["q"])})

print("RESULT=" + json.dumps({
    "user": "@EMAIL@",
    "method": "in process: search function, SearchPaginator(results, 50).page(1) (count "
              "capped at 10,000 + page + prefetch), list of the page; each query run "
              "@REPEATS@ times in a row, its time "
              "the median (first_ms: the first run); 5 warm-up queries per set not counted; "
              "the view's audit event is not included",
    "repeats": REPEATS,
    "analyze": {"before": before_analyze, "analyze_s": round(analyze_s, 2)},
    "indexes": indexes,
    "summary": summary,
    "by_category": by_category,
    "slowest": slowest,
    "queries": samples,
}, ensure_ascii=False))
"""
