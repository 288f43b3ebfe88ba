"""Shared pieces of the benchmarks: database, ``medcyber`` commands, gunicorn, load, tables.

A :class:`Context` is made once per ``bench/run.py`` run and handed to every benchmark. It
prepares a clean PostgreSQL database on first use (drop, create, migrate, demo data), starts
gunicorn on a free loopback port on request, and cleans up everything it started when the run
ends, also on errors and Ctrl-C.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.metadata
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import loadgen

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = ROOT / ".venv" / "bin"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/medcyber_bench"
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql", "postgis"})

DEMO_MEMBER_EMAIL = "member@demo.medcyber.jp"
DEMO_PASSWORD = "Demo-Medcyber-2026"
SESSION_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


class BenchError(RuntimeError):
    """A benchmark cannot run; the message says why and what to do."""


class DatabaseUnavailable(BenchError):
    """No PostgreSQL answers."""


# --- database ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    url: str
    name: str
    host: str
    port: int
    server_version: str
    note: str = ""

    @property
    def url_for_psycopg(self) -> str:
        return urlunsplit(urlsplit(self.url)._replace(scheme="postgresql"))

    def describe(self) -> dict[str, Any]:
        return {
            "engine": "postgresql",
            "server_version": self.server_version,
            "host": self.host,
            "port": self.port,
            "name": self.name,
            "url": redact(self.url),
            "note": self.note,
        }


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def bench_database_url(environ: dict[str, str]) -> tuple[str, str]:
    """The database the run will drop and recreate, and a note on how it was chosen.

    ``DATABASE_URL`` is used when it names PostgreSQL. The run drops the database, so a name
    without "bench" in it (someone's working database) is never used as is: the benchmark gets
    ``<name>_bench`` on the same server instead.
    """
    given = environ.get("DATABASE_URL", "")
    if not given:
        return DEFAULT_DATABASE_URL, "DATABASE_URL not set: default"
    parts = urlsplit(given)
    if parts.scheme not in POSTGRES_SCHEMES:
        return DEFAULT_DATABASE_URL, f"DATABASE_URL is {parts.scheme}, not PostgreSQL: default"
    name = parts.path.lstrip("/") or "medcyber"
    note = "from DATABASE_URL"
    if "bench" not in name:
        note = f"server from DATABASE_URL; database {name}_bench so that {name} is left alone"
        name = f"{name}_bench"
    return urlunsplit(parts._replace(scheme="postgres", path=f"/{name}")), note


def recreate_database(url: str, note: str) -> Database:
    """Drop and create the database named in ``url`` through the server's ``postgres`` db."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        conn = psycopg.connect(maintenance, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"PostgreSQL does not answer at {host}:{port} ({str(exc).strip().splitlines()[0]}).\n"
            "The benchmarks need PostgreSQL: start it (e.g. `pg_ctlcluster 15 main start`) or "
            "set DATABASE_URL=postgres://USER@HOST:PORT/medcyber_bench."
        ) from exc
    with conn:
        row = conn.execute("SHOW server_version").fetchone()
        version = str(row[0]) if row else "unknown"
        ident = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    return Database(url=url, name=name, host=host, port=port, server_version=version, note=note)


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(proc: subprocess.Popen[Any], *, grace_s: float = 10) -> None:
    """SIGTERM the process (and its process group), then SIGKILL after ``grace_s``."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    # Workers left behind by a master that died abruptly share its process group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


BUSY_WARNING_PCT = 20.0


def cpu_busy_pct(sample_s: float = 1.0) -> float | None:
    """How busy all cores are over ``sample_s`` seconds, in % (``None`` without /proc/stat).

    Taken while the benchmark's server is idle, it measures what other processes use: on a
    shared 2-core machine a test suite running next to the benchmark halves its figures.
    """

    def snapshot() -> tuple[int, int] | None:
        try:
            with open("/proc/stat", encoding="ascii") as stat:
                fields = [int(v) for v in stat.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return idle, sum(fields)

    first = snapshot()
    time.sleep(sample_s)
    second = snapshot()
    if first is None or second is None or second[1] == first[1]:
        return None
    idle, total = second[0] - first[0], second[1] - first[1]
    return round(100.0 * (1 - idle / total), 1)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(process group, user+system CPU ticks) of a process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name is in parentheses and may contain spaces: split after the last ")".
    fields = text[text.rfind(")") + 2 :].split()
    try:
        return int(fields[2]), int(fields[11]) + int(fields[12])
    except (IndexError, ValueError):
        return None


def _system_busy_ticks() -> int | None:
    """Ticks all cores spent in user, nice and system mode since boot (from /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:4]]
    except (OSError, ValueError):
        return None
    return sum(fields)


def _children_cpu_s() -> float:
    """CPU of this process and of its waited-for children: the load generator, in process
    (Python) or as a child (wrk); nothing else runs here during a load."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@dataclass(frozen=True)
class CpuSnapshot:
    web: dict[int, int]
    db: dict[int, int] | None
    system_busy: int | None
    children_s: float
    wall: float


@dataclass(frozen=True)
class CpuUsage:
    """CPU seconds used during a load, by whom."""

    web_s: float
    web_by_process_s: list[float]
    db_s: float | None
    load_tool_s: float
    others_s: float | None
    wall_s: float
    cores: int

    @property
    def others_pct(self) -> float | None:
        """CPU of every other process during the load, in % of all cores."""
        if self.others_s is None or self.wall_s <= 0:
            return None
        return round(max(0.0, 100.0 * self.others_s / (self.wall_s * self.cores)), 1)


class CpuMeter:
    """CPU used by gunicorn's process group, by the bench database's PostgreSQL backends, by
    the load generator (a waited-for child of this process) and by everything else.

    Reads /proc (any user may read the postgres processes' stat files); without it the web
    and database figures are zero or ``None``.
    """

    def __init__(self, server_pgid: int, database: Database | None) -> None:
        self.server_pgid = server_pgid
        self.database = database

    def _server_ticks(self) -> dict[int, int]:
        ticks: dict[int, int] = {}
        proc = Path("/proc")
        if not proc.is_dir():
            return ticks
        for entry in proc.iterdir():
            if entry.name.isdigit():
                stat = _proc_stat(int(entry.name))
                if stat is not None and stat[0] == self.server_pgid:
                    ticks[int(entry.name)] = stat[1]
        return ticks

    def _db_ticks(self) -> dict[int, int] | None:
        if self.database is None:
            return None
        import psycopg

        try:
            with psycopg.connect(self.database.url_for_psycopg, connect_timeout=5) as conn:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                    "pg_backend_pid()",
                    (self.database.name,),
                ).fetchall()
        except psycopg.Error:
            return None
        ticks: dict[int, int] = {}
        for (pid,) in rows:
            stat = _proc_stat(int(pid))
            if stat is not None:
                ticks[int(pid)] = stat[1]
        return ticks

    def snapshot(self) -> CpuSnapshot:
        return CpuSnapshot(
            web=self._server_ticks(),
            db=self._db_ticks(),
            system_busy=_system_busy_ticks(),
            children_s=_children_cpu_s(),
            wall=time.monotonic(),
        )

    def used_since(self, before: CpuSnapshot) -> CpuUsage:
        after = self.snapshot()
        by_process = sorted(
            ((t - before.web.get(pid, 0)) / _CLOCK_TICKS for pid, t in after.web.items()),
            reverse=True,
        )
        web = sum(by_process)
        db: float | None = None
        if before.db is not None and after.db is not None:
            db = sum(t - before.db.get(pid, 0) for pid, t in after.db.items()) / _CLOCK_TICKS
        tool = after.children_s - before.children_s
        others: float | None = None
        if before.system_busy is not None and after.system_busy is not None:
            total = (after.system_busy - before.system_busy) / _CLOCK_TICKS
            others = total - web - (db or 0.0) - tool
        return CpuUsage(
            web_s=web,
            web_by_process_s=[round(v, 2) for v in by_process],
            db_s=db,
            load_tool_s=tool,
            others_s=others,
            wall_s=after.wall - before.wall,
            cores=os.cpu_count() or 1,
        )


def worker_balance(cpu_by_process: list[float], workers: int) -> float | None:
    """Least-busy worker's CPU over the busiest's (1 = even; near 0 = one worker did it all).

    ``cpu_by_process`` is largest first and includes the master, which uses next to nothing.
    """
    busiest = cpu_by_process[:workers]
    if len(busiest) < 2 or busiest[0] <= 0:
        return None
    return round(busiest[-1] / busiest[0], 2)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def http_get(base_url: str, path: str, *, cookie: str = "", timeout: float = 10) -> tuple[int, str]:
    """One GET on a fresh connection; returns the status and the Location (or body start)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        detail = response.getheader("Location") or body[:300].decode("utf-8", "replace")
        return response.status, detail
    finally:
        conn.close()


@dataclass(frozen=True)
class ServerConfig:
    workers: int = 3
    threads: int = 2
    worker_class: str = "gthread"  # "sync" ignores threads and closes every connection
    # gthread only; 0 closes every connection after its response, as behind nginx's default
    # upstream settings. With keep-alive, each client connection stays on the worker that
    # accepted it, and on this kind of machine whole runs land on one worker (see README).
    keep_alive_s: int = 0
    timeout_s: int = 30

    @property
    def label(self) -> str:
        if self.worker_class == "sync":
            return f"{self.workers} sync workers"
        keep = f"keep-alive {self.keep_alive_s} s" if self.keep_alive_s > 0 else "no keep-alive"
        return f"{self.workers} gthread workers x {self.threads} threads, {keep}"

    def describe(self) -> dict[str, Any]:
        sync = self.worker_class == "sync"
        return {
            "kind": "gunicorn",
            "version": package_version("gunicorn"),
            "app": "medcyber.wsgi:application",
            "worker_class": self.worker_class,
            "workers": self.workers,
            "threads": 1 if sync else self.threads,
            "keep_alive_s": 0 if sync else self.keep_alive_s,
            "debug": False,
            "medcyber_env": "development",
        }


@dataclass
class Server:
    base_url: str
    port: int
    config: ServerConfig
    log: Path
    proc: subprocess.Popen[Any]

    def describe(self) -> dict[str, Any]:
        return {**self.config.describe(), "bind": self.base_url}


# --- context -----------------------------------------------------------------------------------


@dataclass
class Context:
    """What every benchmark gets: settings of this run and the shared helpers."""

    duration: float = 15.0
    clients: int = 20
    server_config: ServerConfig = field(default_factory=ServerConfig)
    load_preference: str = "auto"
    warmup: float | None = None
    verbose: bool = False
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _tmp: Path | None = None
    _database: Database | None = None
    _database_ready: bool = False
    _load_tool: loadgen.LoadTool | None = None
    data_source: str = ""

    # -- lifecycle --

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    @property
    def tmp(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(self.stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        return self._tmp

    @property
    def warmup_s(self) -> float:
        if self.warmup is not None:
            return self.warmup
        return min(3.0, max(1.0, self.duration / 5))

    def log(self, message: str) -> None:
        print(f"bench: {message}", flush=True)

    # -- environment of child processes --

    def env(self) -> dict[str, str]:
        db = self._database or self.database()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "medcyber.settings",
            "DATABASE_URL": db.url,
            "MEDCYBER_DATA_DIR": str(self.tmp / "data"),
            "MEDCYBER_ENV": "development",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        if redis := self.redis_url():
            env["REDIS_URL"] = redis
        return env

    def redis_url(self) -> str | None:
        """Several web processes share a cache in production (docs/deployment.md): Redis.

        ``REDIS_URL`` from the environment when set, else the machine's Redis on loopback
        (database 13) when it answers, else none (the database cache)."""
        if os.environ.get("REDIS_URL"):
            return os.environ["REDIS_URL"]
        try:
            with socket.create_connection(("127.0.0.1", 6379), timeout=1):
                return "redis://127.0.0.1:6379/13"
        except OSError:
            return None

    def describe_cache(self) -> dict[str, Any]:
        url = self.redis_url()
        return {"cache": "redis" if url else "database", "url": redact(url) if url else None}

    # -- database --

    def database(self) -> Database:
        """A clean PostgreSQL database with the schema and the demo data (made once per run)."""
        if self._database is None or not self._database_ready:
            url, note = bench_database_url(dict(os.environ))
            self.log(f"recreating database {redact(url)} ({note})")
            self._database = recreate_database(url, note)
            self.medcyber("migrate", "--no-input", timeout=600)
            self.medcyber("createcachetable", timeout=120)
            self.load_demo_data()
            self._database_ready = True
        return self._database

    def medcyber(self, *args: str, timeout: float = 300) -> str:
        """Run ``.venv/bin/medcyber ARGS`` with the bench environment; returns its stdout."""
        command = [str(VENV_BIN / "medcyber"), *args]
        shown = " ".join(args) if args[:1] != ("shell",) else "shell -c …"
        self.log(f"medcyber {shown}")
        try:
            done = subprocess.run(
                command,
                cwd=ROOT,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"`medcyber {shown}` did not finish within {timeout} s") from exc
        if done.returncode != 0:
            raise BenchError(
                f"`medcyber {shown}` failed ({done.returncode}):\n{done.stderr.strip()[-2000:]}"
            )
        if self.verbose and done.stdout.strip():
            print(done.stdout.rstrip())
        return done.stdout

    def shell(self, code: str, timeout: float = 120) -> str:
        return self.medcyber("shell", "--no-imports", "-c", code, timeout=timeout)

    def has_command(self, name: str) -> bool:
        listing = self.medcyber("help", "--commands", timeout=120)
        return name in {line.strip() for line in listing.splitlines()}

    def load_demo_data(self) -> None:
        if self.has_command("demo"):
            self.medcyber("demo", timeout=600)
            self.data_source = "medcyber demo"
        else:
            self.log("`medcyber demo` is not available yet: creating a minimal member instead")
            self.shell(
                FALLBACK_DATA.replace("@EMAIL@", DEMO_MEMBER_EMAIL).replace(
                    "@PASSWORD@", DEMO_PASSWORD
                )
            )
            self.data_source = "bench fallback (1 member, 3 facilities)"

    def session_cookie(self, email: str) -> str:
        """A signed-in session for ``email`` made directly in the session store (no login
        form, which is rate-limited); returns the ``Cookie`` header value."""
        out = self.shell(
            SESSION_SNIPPET.replace("@EMAIL@", email).replace("@BACKEND@", SESSION_BACKEND)
        )
        mark = "SESSION_COOKIE="
        cookies = [ln[len(mark) :] for ln in out.splitlines() if ln.startswith(mark)]
        if not cookies:
            raise BenchError(f"could not create a session for {email}; shell printed:\n{out}")
        return cookies[-1]

    # -- server --

    @contextlib.contextmanager
    def server(self) -> Iterator[Server]:
        """gunicorn serving the project on a free loopback port; stopped on exit."""
        env = self.env()
        port = free_port()
        log = self.tmp / f"gunicorn-{port}.log"
        cfg = self.server_config
        command = [
            str(VENV_BIN / "gunicorn"),
            "medcyber.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(cfg.workers),
            "--threads",
            str(cfg.threads),
            "--worker-class",
            cfg.worker_class,
            "--keep-alive",
            str(cfg.keep_alive_s),
            "--timeout",
            str(cfg.timeout_s),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--error-logfile",
            "-",
        ]
        shm = Path("/dev/shm")  # noqa: S108 - gunicorn's advice for its worker heartbeat files
        if shm.is_dir():
            command += ["--worker-tmp-dir", str(shm)]
        self.log(f"starting gunicorn on 127.0.0.1:{port} ({cfg.label})")
        with log.open("wb") as log_file:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(f"http://127.0.0.1:{port}", port, cfg, log, proc)
        try:
            self._wait_ready(server)
            yield server
        finally:
            stop_process(proc)
            self.log("gunicorn stopped")

    def _wait_ready(self, server: Server, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        last = ""
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({server.proc.returncode}):\n{tail(server.log)}")
            try:
                status, detail = http_get(server.base_url, "/healthz", timeout=2)
                if status == 200:
                    return
                last = f"HTTP {status}: {detail[:200]}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise BenchError(
            f"gunicorn did not answer /healthz within {timeout_s} s ({last}):\n{tail(server.log)}"
        )

    # -- load --

    @property
    def load_tool(self) -> loadgen.LoadTool:
        if self._load_tool is None:
            try:
                self._load_tool = loadgen.choose(self.load_preference)
            except loadgen.LoadError as exc:
                raise BenchError(str(exc)) from exc
        return self._load_tool

    def load(self, server: Server, path: str, *, cookie: str = "") -> loadgen.LoadResult:
        """Warm up, then measure ``path`` with ``clients`` connections for ``duration`` s."""
        tool = self.load_tool
        background = cpu_busy_pct()
        if background is not None and background > BUSY_WARNING_PCT:
            self.log(
                f"warning: the machine is {background:.0f}% busy before the load "
                "(other processes); figures will be low and noisy"
            )
        try:
            if self.warmup_s > 0:
                self.log(f"warm-up {path} for {self.warmup_s:g} s")
                tool.run(
                    base_url=server.base_url,
                    path=path,
                    cookie=cookie,
                    clients=self.clients,
                    duration=self.warmup_s,
                )
            self.log(f"load {path}: {self.clients} clients for {self.duration:g} s ({tool.name})")
            meter = CpuMeter(server.proc.pid, self._database)
            before = meter.snapshot()
            result = tool.run(
                base_url=server.base_url,
                path=path,
                cookie=cookie,
                clients=self.clients,
                duration=self.duration,
            )
            usage = meter.used_since(before)
        except loadgen.LoadError as exc:
            raise BenchError(f"load on {path} failed: {exc}") from exc
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn died during the load:\n{tail(server.log)}")
        result.background_cpu_pct = background
        if result.requests:
            per_request = 1000 / result.requests
            result.server_cpu_ms = round(usage.web_s * per_request, 3)
            if usage.db_s is not None:
                result.db_cpu_ms = round(usage.db_s * per_request, 3)
        result.load_tool_cpu_pct = round(100 * usage.load_tool_s / usage.wall_s, 1)
        result.others_cpu_pct = usage.others_pct
        result.server_cpu_by_process_s = usage.web_by_process_s
        result.worker_balance = worker_balance(usage.web_by_process_s, server.config.workers)
        return result

    def describe_load(self) -> dict[str, Any]:
        return {
            **self.load_tool.describe(),
            "clients": self.clients,
            "duration_s": self.duration,
            "warmup_s": self.warmup_s,
            "loop": "closed (each connection sends its next request on the previous answer)",
        }


# --- snippets run in `medcyber shell -c` -------------------------------------------------------

SESSION_SNIPPET = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

user = get_user_model().objects.get(email="@EMAIL@")
store = SessionStore()
store[SESSION_KEY] = user._meta.pk.value_to_string(user)
store[BACKEND_SESSION_KEY] = "@BACKEND@"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print("SESSION_COOKIE=" + settings.SESSION_COOKIE_NAME + "=" + store.session_key)
"""

# Used only while `medcyber demo` does not exist: one member managing three facilities.
FALLBACK_DATA = """
import datetime as dt
from django.contrib.auth import get_user_model
from medcyber.registry.models import Facility, Member, PrefecturalAssociation
from medcyber.registry.services import assign_manager

user, _ = get_user_model().objects.get_or_create(email="@EMAIL@")
user.set_password("@PASSWORD@")
user.display_name = "デモ 会員"
user.save()
pref, _ = PrefecturalAssociation.objects.get_or_create(
    prefecture="13", defaults={"name": "東京都医師会"}
)
member, _ = Member.unscoped.get_or_create(
    membership_number="90000001",
    defaults=dict(
        family_name="医師", given_name="太郎", family_name_kana="イシ", given_name_kana="タロウ",
        member_class="A1", prefectural_association=pref, valid_from=dt.date(2020, 4, 1),
        user=user,
    ),
)
for i, kind in enumerate(["clinic", "hospital", "clinic"], start=1):
    facility = Facility.unscoped.create(
        name=f"デモ医院{i}", name_kana="デモイイン" + "アイウ"[i - 1],
        kind=kind, prefecture="13", address=f"東京都文京区本駒込{i}-1-1",
    )
    assign_manager(facility=facility, member=member, valid_from=dt.date(2020, 4, 1))
print("fallback data ready")
"""


# --- description of the run and tables ---------------------------------------------------------


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "django": package_version("django"),
        "psycopg": package_version("psycopg"),
    }


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """Rows of equal keys as a plain-text table; numbers right-aligned."""
    if not rows:
        return ""
    headers = list(rows[0])
    cells = [[_cell(row.get(h)) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row.get(h), int | float) for row in rows) for h in headers]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(c) for c in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)
