"""Run the benchmarks (`make bench`): one JSON file per benchmark and a table on stdout.

    .venv/bin/python bench/run.py                          # every benchmark, full length
    .venv/bin/python bench/run.py --duration 3 --only dashboard
    .venv/bin/python bench/run.py --list

Targets are printed next to the figures; nothing here fails because a target is missed.
Exit status: 0 when every selected benchmark ran, 1 when one could not run, 2 when PostgreSQL
is unavailable or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
VENV = BENCH_DIR.parent / ".venv"


def _ensure_venv() -> None:
    """Re-run under the project's virtualenv when started with another Python."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() != VENV.resolve() and python.exists():
        os.execv(python, [str(python), *sys.argv])  # noqa: S606 - same script, project venv


_ensure_venv()

import harness  # noqa: E402 - after choosing the interpreter
from benchmarks import Benchmark, discover  # noqa: E402


def parse_args(argv: list[str] | None, names: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Run medcyber's benchmarks against PostgreSQL."
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME[,NAME]",
        help=f"run only these benchmarks (of: {', '.join(names)})",
    )
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds of load per URL (default 15)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="seconds of warm-up per URL (default: duration/5, between 1 and 3)",
    )
    parser.add_argument(
        "--clients", type=int, default=20, help="concurrent connections (default 20)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--threads", type=int, default=2, help="gunicorn threads per worker (default 2)"
    )
    parser.add_argument(
        "--worker-class",
        choices=["gthread", "sync"],
        default="gthread",
        help="gunicorn worker class (default gthread)",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=0,
        help="gunicorn keep-alive seconds, gthread only (default 0: close each connection)",
    )
    parser.add_argument(
        "--load-tool",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto: wrk (installed with apt-get when missing and root), else Python",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=harness.RESULTS_DIR, help="where the JSON goes"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show command output")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.clients <= 0 or args.workers <= 0 or args.threads <= 0:
        parser.error("--duration, --clients, --workers and --threads must be positive")
    if args.keep_alive < 0:
        parser.error("--keep-alive must not be negative")
    if args.warmup is not None and args.warmup < 0:
        parser.error("--warmup must not be negative")
    selected = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
    unknown = sorted(set(selected) - set(names))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(names)})")
    args.selected = [name for name in names if name in selected] if selected else names
    return args


def _terminate(signum: int, frame: FrameType | None) -> None:
    # Turn SIGTERM into SystemExit so that every `with`/`finally` stops what it started.
    raise SystemExit(128 + signum)


def describe_run(ctx: harness.Context) -> dict[str, Any]:
    return {
        "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": harness.git_commit(),
        "machine": harness.machine(),
        "settings": {
            "duration_s": ctx.duration,
            "clients": ctx.clients,
            "warmup_s": ctx.warmup_s,
        },
    }


def run_one(ctx: harness.Context, bench: Benchmark, results_dir: Path) -> dict[str, Any]:
    print(f"\n== {bench.name}: {bench.description}", flush=True)
    started = time.monotonic()
    result = bench.run(ctx)
    record = {
        "benchmark": bench.name,
        **describe_run(ctx),
        "elapsed_s": round(time.monotonic() - started, 1),
        **result,
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{bench.name}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    if result.get("table"):
        print(harness.format_table(result["table"]))
    for line in result.get("summary", []):
        print(line)
    print(f"→ {path.relative_to(harness.ROOT) if path.is_relative_to(harness.ROOT) else path}")
    return record


def main(argv: list[str] | None = None) -> int:
    registry = discover()
    args = parse_args(argv, list(registry))
    if args.list:
        width = max((len(name) for name in registry), default=0)
        for name, bench in registry.items():
            print(f"{name.ljust(width)}  {bench.description}")
        return 0
    signal.signal(signal.SIGTERM, _terminate)
    ctx = harness.Context(
        duration=args.duration,
        clients=args.clients,
        server_config=harness.ServerConfig(
            workers=args.workers,
            threads=args.threads,
            worker_class=args.worker_class,
            keep_alive_s=args.keep_alive,
        ),
        load_preference=args.load_tool,
        warmup=args.warmup,
        verbose=args.verbose,
    )
    failed: list[str] = []
    with ctx:
        for name in args.selected:
            try:
                run_one(ctx, registry[name], args.results_dir)
            except harness.DatabaseUnavailable as exc:
                print(f"bench: {exc}", file=sys.stderr)
                return 2
            except harness.BenchError as exc:
                print(f"bench: {name} could not run: {exc}", file=sys.stderr)
                failed.append(name)
    if failed:
        print(f"\nbench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
        sys.exit(130)
