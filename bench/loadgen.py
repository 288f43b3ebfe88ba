"""HTTP load generators for the benchmarks: ``wrk`` when available, an asyncio fallback.

Both hold ``clients`` keep-alive connections open for ``duration`` seconds, each sending the
next request as soon as the previous answer arrived (closed loop), and report the same
:class:`LoadResult`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
RESULT_MARK = "BENCH-RESULT "
MAX_HEADER_BYTES = 64 * 1024


class LoadError(RuntimeError):
    """The load generator could not run or its output could not be read."""


@dataclass
class LoadResult:
    """What one load run measured against one URL."""

    path: str
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    non_2xx: int
    errors: dict[str, int] = field(default_factory=dict)
    # CPU used by other processes just before the load, in % of all cores (None: unknown).
    background_cpu_pct: float | None = None
    # CPU time per request of the web server's processes and of its PostgreSQL backends, in
    # ms: unlike rps, barely affected by other processes competing for the cores.
    server_cpu_ms: float | None = None
    db_cpu_ms: float | None = None
    # The load generator's own CPU, in % of one core, and the CPU of every other process
    # during the load, in % of all cores (PostgreSQL's background processes included).
    load_tool_cpu_pct: float | None = None
    others_cpu_pct: float | None = None
    # CPU seconds of each server process during the load, largest first (master included):
    # shows how evenly the keep-alive connections landed on the workers.
    server_cpu_by_process_s: list[float] = field(default_factory=list)
    worker_balance: float | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("rps", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms"):
            data[key] = round(data[key], 2)
        data["duration_s"] = round(self.duration_s, 3)
        data["error_count"] = self.error_count
        return data


class LoadTool(Protocol):
    name: str

    def describe(self) -> dict[str, Any]: ...

    def run(
        self, *, base_url: str, path: str, cookie: str, clients: int, duration: float
    ) -> LoadResult: ...


# --- wrk ---------------------------------------------------------------------------------------


class Wrk:
    """``wrk -t<threads> -c<clients> -d<duration>`` with :data:`LUA_SCRIPT`."""

    name = "wrk"

    def __init__(self, executable: str, threads: int = 2, timeout_s: int = 10) -> None:
        self.executable = executable
        self.threads = threads
        self.timeout_s = timeout_s
        self.version = _wrk_version(executable)

    def describe(self) -> dict[str, Any]:
        return {
            "tool": "wrk",
            "version": self.version,
            "executable": self.executable,
            "threads": self.threads,
            "request_timeout_s": self.timeout_s,
        }

    def run(
        self, *, base_url: str, path: str, cookie: str, clients: int, duration: float
    ) -> LoadResult:
        seconds = max(1, math.ceil(duration))
        command = [
            self.executable,
            f"-t{min(self.threads, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            f"--timeout={self.timeout_s}s",
            "-s",
            str(LUA_SCRIPT),
            base_url.rstrip("/") + path,
        ]
        env = {**os.environ, "BENCH_COOKIE": cookie}
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"wrk did not finish within {seconds + 60} s") from exc
        if done.returncode != 0:
            raise LoadError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-800:]}")
        line = next((ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_MARK)), None)
        if line is None:
            raise LoadError(f"wrk printed no {RESULT_MARK.strip()} line:\n{done.stdout[-800:]}")
        raw = json.loads(line[len(RESULT_MARK) :])
        duration_s = raw["duration_us"] / 1e6
        latency = raw["latency_us"]
        requests = int(raw["requests"])
        errors = {k: int(v) for k, v in raw["errors"].items()}
        # wrk counts HTTP status >= 400 as "status" errors; they are reported as non_2xx instead.
        errors.pop("status", None)
        return LoadResult(
            path=path,
            requests=requests,
            duration_s=duration_s,
            rps=requests / duration_s if duration_s else 0.0,
            p50_ms=latency["p50"] / 1000,
            p90_ms=latency["p90"] / 1000,
            p95_ms=latency["p95"] / 1000,
            p99_ms=latency["p99"] / 1000,
            mean_ms=latency["mean"] / 1000,
            max_ms=latency["max"] / 1000,
            non_2xx=int(raw["non_2xx"]),
            errors=errors,
        )


def _wrk_version(executable: str) -> str:
    # `wrk -v` prints its version and usage, then exits non-zero.
    try:
        done = subprocess.run(
            [executable, "-v"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.search(r"wrk\s+(\S+)", done.stdout + done.stderr)
    return match.group(1) if match else "unknown"


def find_wrk() -> str | None:
    return shutil.which("wrk")


def install_wrk(timeout_s: int = 300) -> str | None:
    """Install Debian's ``wrk`` when running as root; returns its path or ``None``."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    print("bench: wrk is missing; running `apt-get install -y wrk` (as root)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "wrk"]
    for attempt in range(2):
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"bench: apt-get install wrk did not finish within {timeout_s} s", flush=True)
            return None
        if done.returncode == 0:
            return find_wrk()
        if attempt == 0:
            # Package lists may be missing or stale: refresh them once and try again.
            print("bench: apt-get install failed; running `apt-get update` once", flush=True)
            subprocess.run(
                ["apt-get", "update", "-q"],
                env=env,
                capture_output=True,
                timeout=timeout_s,
                check=False,
            )
    print(f"bench: could not install wrk: {done.stderr.strip()[-400:]}", flush=True)
    return None


# --- asyncio fallback --------------------------------------------------------------------------


class PythonLoad:
    """A closed-loop generator on asyncio streams; only the standard library.

    One process and one core: it saturates earlier than wrk, so its figures are a lower bound
    of what the server can do.
    """

    name = "python"

    def describe(self) -> dict[str, Any]:
        return {"tool": "python-asyncio", "version": "bench/loadgen.py", "threads": 1}

    def run(
        self, *, base_url: str, path: str, cookie: str, clients: int, duration: float
    ) -> LoadResult:
        match = re.fullmatch(r"http://([^/:]+):(\d+)/?", base_url)
        if match is None:
            raise LoadError(f"the Python load generator needs http://host:port, not {base_url}")
        host, port = match.group(1), int(match.group(2))
        return asyncio.run(_python_load(host, port, path, cookie, clients, duration))


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    errors: dict[str, int] = field(
        default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    )


async def _python_load(
    host: str, port: int, path: str, cookie: str, clients: int, duration: float
) -> LoadResult:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: medcyber-bench\r\n"
        f"Accept: text/html\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
    ).encode("latin-1")
    tally = _Tally()
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(_client(host, port, request, deadline, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(tally.latencies)
    count = len(ordered)
    return LoadResult(
        path=path,
        requests=count,
        duration_s=elapsed,
        rps=count / elapsed if elapsed else 0.0,
        p50_ms=_percentile(ordered, 50) * 1000,
        p90_ms=_percentile(ordered, 90) * 1000,
        p95_ms=_percentile(ordered, 95) * 1000,
        p99_ms=_percentile(ordered, 99) * 1000,
        mean_ms=(sum(ordered) / count * 1000) if count else 0.0,
        max_ms=(ordered[-1] * 1000) if count else 0.0,
        non_2xx=tally.non_2xx,
        errors=dict(tally.errors),
    )


async def _client(host: str, port: int, request: bytes, deadline: float, tally: _Tally) -> None:
    """One client: connect, send requests one after another on the connection while the
    server keeps it open, reconnect when it closes, until ``deadline``."""
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except (OSError, TimeoutError):
            tally.errors["connect"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            await _requests(reader, writer, request, deadline, tally)
        finally:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), timeout=1)


async def _requests(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    request: bytes,
    deadline: float,
    tally: _Tally,
) -> None:
    """Requests on one connection until the deadline, an error or the server closing it."""
    while time.perf_counter() < deadline:
        sent = time.perf_counter()
        try:
            writer.write(request)
            await writer.drain()
        except OSError:
            tally.errors["write"] += 1
            return
        try:
            status, keep_alive = await asyncio.wait_for(
                _read_response(reader), max(0.001, deadline + 10 - sent)
            )
        except TimeoutError:
            tally.errors["timeout"] += 1
            return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            tally.errors["read"] += 1
            return
        tally.latencies.append(time.perf_counter() - sent)
        if not 200 <= status <= 299:
            tally.non_2xx += 1
        if not keep_alive:
            return


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER_BYTES:
        raise ValueError("response header too large")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    version, status = parts[0], int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        await _read_chunked(reader)
    elif status in (204, 304) or 100 <= status < 200:
        pass
    else:
        # Body delimited by the end of the connection.
        await reader.read()
        keep_alive = False
    return status, keep_alive


async def _read_chunked(reader: asyncio.StreamReader, max_chunks: int = 1_000_000) -> None:
    for _ in range(max_chunks):
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers (usually none) end with an empty line.
            for _ in range(100):
                if await reader.readuntil(b"\r\n") == b"\r\n":
                    return
            raise ValueError("too many trailer lines")
        await reader.readexactly(size + 2)
    raise ValueError("too many chunks")


def _percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty list)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def choose(preference: str, *, install: bool = True) -> LoadTool:
    """``preference``: ``auto`` (wrk, installed when missing if possible, else Python),
    ``wrk`` (fail without it) or ``python``."""
    if preference == "python":
        return PythonLoad()
    executable = find_wrk()
    if executable is None and install:
        executable = install_wrk()
    if executable is not None:
        return Wrk(executable)
    if preference == "wrk":
        raise LoadError("wrk is not installed (Debian: apt-get install wrk)")
    print("bench: wrk unavailable; using the Python load generator (a lower bound)", flush=True)
    return PythonLoad()
