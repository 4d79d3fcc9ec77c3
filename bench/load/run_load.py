#!/usr/bin/env python3
"""Load test: Locust against gunicorn on 127.0.0.1 with PostgreSQL (`make load`).

    .venv/bin/python bench/load/run_load.py                       # the default steps
    .venv/bin/python bench/load/run_load.py --users 20,40 --duration 60 --workers 2 --threads 4
    .venv/bin/python bench/load/run_load.py --commit HEAD         # serve a commit, not this tree
    .venv/bin/python bench/load/run_load.py --profile 30          # then py-spy on the workers

1. Creates a fresh database `mgk_load_<random>` beside the one --database-url
   names (default: DATABASE_URL if it is PostgreSQL, else
   postgres://postgres@127.0.0.1:5432/postgres; the role needs CREATEDB),
   then in a child process (seed.py) migrates, loads the bundled
   foods, collects the static files into a temporary STATIC_ROOT and creates
   the accounts in bulk, each with its own plan (a demo week) and day.
2. Starts gunicorn with production settings (load_settings.py: DEBUG off, a
   generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect, cookies
   not Secure-only, whitenoise's compressed manifest storage).
3. Runs Locust headless, a separate process on the same two cores, once per
   user count in --users (stopping after the first that fails, unless
   --all-steps): each user logs in, then edits its day (locustfile.py). A
   step passes with no error at all and every request type's p95 under
   --p95-ms during a steady window of --duration seconds that opens once
   everyone has logged in. Then /healthz alone, without pauses: the ceiling.
4. Prints each step, the request types of the highest passing step, the
   ceiling and where the CPU went (gunicorn, Locust, PostgreSQL, the rest of
   the machine), and drops the database.

Exits 1 when no step passes or the server logged an error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOAD_DIR = Path(__file__).resolve().parent
ROOT = LOAD_DIR.parents[1]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/postgres"
# A server error in gunicorn's output: Django's request logger or a traceback.
SERVER_ERROR = re.compile(r"Internal Server Error|Traceback \(most recent call last\)|\[ERROR\]")


# -- the database -------------------------------------------------------------------------


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new database beside the one `url` names, dropped afterwards whatever happens."""
    import psycopg

    parts = urlsplit(url)
    name = f"mgk_load_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name} created", flush=True)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            # FORCE: a gunicorn worker killed mid-request may leave a connection behind.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"database {name} dropped", flush=True)


# -- the server ---------------------------------------------------------------------------


def export_commit(commit: str, target: Path) -> Path:
    """The files of `commit` in `target`: git archive reads objects only, no checkout."""
    target.mkdir()
    name = subprocess.run(
        ["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True
    )
    if name.returncode:
        sys.exit(f"--commit {commit}: {name.stderr.strip()}")
    archive = subprocess.Popen(["git", "archive", commit], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
    if archive.wait():
        sys.exit(f"git archive {commit} failed")
    print(f"serving commit {name.stdout.strip()} (exported to {target})", flush=True)
    return target


def server_environment(app: Path, database_url: str, static_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "load_settings",
            "PYTHONPATH": os.pathsep.join([str(app), str(LOAD_DIR)]),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "LOAD_STATIC_ROOT": str(static_root),
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, workers: int, threads: int, keep_alive: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--worker-class={'gthread' if threads > 1 else 'sync'}",
        "--timeout=30",
        f"--keep-alive={keep_alive}",
        "--log-level=warning",
    ]


@contextmanager
def gunicorn(
    app: Path, env: dict[str, str], command: list[str], log: Path, url: str
) -> Iterator[int]:
    with log.open("wb") as out:
        # Gunicorn's own log and Django's (500s go to the console handler) in one file.
        server = subprocess.Popen(command, env=env, cwd=app, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"{url}/healthz", server, log)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def new_server_errors(log: Path, offset: int) -> tuple[list[str], int]:
    text = log.read_bytes()
    fresh = text[offset:].decode(errors="replace")
    lines = fresh.splitlines()
    hits = [i for i, line in enumerate(lines) if SERVER_ERROR.search(line)]
    excerpts = ["\n".join(lines[i : i + 30]) for i in hits[:3]]
    return ([f"{len(hits)} error line(s) in gunicorn's log", *excerpts] if hits else []), len(text)


# -- CPU accounting -----------------------------------------------------------------------


class CpuSampler:
    """CPU seconds of gunicorn, Locust, PostgreSQL and the whole machine, once a second.

    PostgreSQL counts only the backends serving the load test's database
    (other people's test suites may use the same server). Processes come and
    go (a backend per connection), so each group's time is the sum of every
    process's increments between samples. The steady window is known only
    when Locust has finished, so the driver keeps a timeline and reads the
    window off it afterwards.
    """

    def __init__(self, gunicorn_pid: int, database: str) -> None:
        import psutil

        self.psutil = psutil
        self.gunicorn = psutil.Process(gunicorn_pid)
        self.database = database
        self.locust: object | None = None
        self.timeline: list[tuple[float, dict[str, float]]] = []
        self._seen: dict[tuple[str, int], float] = {}
        self._totals = {"gunicorn": 0.0, "locust": 0.0, "postgres": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> Iterator[tuple[str, object]]:
        psutil = self.psutil
        yield "gunicorn", self.gunicorn
        with suppress(psutil.Error):
            for child in self.gunicorn.children(recursive=True):
                yield "gunicorn", child
        if self.locust is not None:
            yield "locust", self.locust
        for process in psutil.process_iter(["name", "cmdline"]):
            # A backend's title: "postgres: USER DATABASE 127.0.0.1(PORT) idle".
            title = " ".join(process.info["cmdline"] or [])
            if (process.info["name"] or "").startswith("postgres") and self.database in title:
                yield "postgres", process

    def sample(self) -> dict[str, float]:
        psutil = self.psutil
        current: dict[tuple[str, int], float] = {}
        for group, process in self._processes():
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            key = (group, process.pid)
            current[key] = times.user + times.system
            # A process first seen now ran within this interval (or before the first sample).
            before = self._seen.get(key, current[key] if not self.timeline else 0.0)
            self._totals[group] += max(0.0, current[key] - before)
        self._seen = current
        machine = psutil.cpu_times()
        idle = machine.idle + getattr(machine, "iowait", 0.0)
        guests = getattr(machine, "guest", 0.0) + getattr(machine, "guest_nice", 0.0)
        return {**self._totals, "machine": sum(machine) - idle - guests}

    def _run(self) -> None:
        while not self._stop.is_set():
            self.timeline.append((time.time(), self.sample()))
            self._stop.wait(1.0)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def usage(self, start: float, end: float) -> dict[str, float]:
        """Cores used by each over [start, end] (1.0 = one core busy), from the nearest samples."""
        inside = [(t, s) for t, s in self.timeline if start <= t <= end]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        seconds = t1 - t0
        cores = {key: (last[key] - first[key]) / seconds for key in first}
        cores["other"] = max(
            0.0, cores["machine"] - cores["gunicorn"] - cores["locust"] - cores["postgres"]
        )
        return cores


# -- Locust -------------------------------------------------------------------------------


def run_locust(
    user_class: str,
    users: int,
    spawn_rate: float,
    duration: float,
    settle: float,
    host: str,
    accounts: Path,
    workdir: Path,
    label: str,
    sampler: CpuSampler,
) -> dict:
    result_path = workdir / f"{label}.json"
    log_path = workdir / f"{label}.locust.log"
    # A hard cap: the locustfile stops the run itself after its window, this is the backstop.
    cap = int(users / spawn_rate + users * 0.3 + settle + duration + 60)
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOAD_DIR / "locustfile.py"),
        "--headless",
        "--only-summary",
        f"--users={users}",
        f"--spawn-rate={spawn_rate}",
        f"--run-time={cap}s",
        f"--host={host}",
        "--stop-timeout=5",
        "--exit-code-on-error=0",
        user_class,
    ]
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_RESULT": str(result_path),
        "LOAD_USERS": str(users),
        "LOAD_DURATION": str(duration),
        "LOAD_SETTLE": str(settle),
    }
    import psutil

    with log_path.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    sampler.locust = psutil.Process(process.pid)
    try:
        process.wait(timeout=cap + 60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        sampler.locust = None
    log = log_path.read_text(errors="replace")
    if not result_path.exists():
        sys.exit(f"{label}: Locust wrote no result (exit {process.returncode}):\n{log[-3000:]}")
    result = json.loads(result_path.read_text())
    result["locust_cpu_warning"] = "CPU usage above" in log
    if result.get("window_start") and result.get("window_end"):
        result["cpu"] = sampler.usage(result["window_start"], result["window_end"])
    return result


# -- judging and reporting ----------------------------------------------------------------


def wait_for_quiet(sampler: CpuSampler, cores: float, seconds: float) -> float:
    """Wait (at most `seconds`) until the machine has used under `cores` for 5 s; that use."""
    deadline = time.monotonic() + seconds
    while True:
        now = time.time()
        busy = sampler.usage(now - 6, now).get("machine", 0.0)
        if busy <= cores or time.monotonic() >= deadline:
            return busy
        time.sleep(2)


def judge(result: dict, server_errors: list[str], p95_ms: float) -> list[str]:
    """Why a step fails; empty when it passes."""
    reasons = []
    if not result["complete"]:
        reasons.append(f"only {result['logged_in']} of {result['users']} users logged in")
    if result["errors_whole_run"]:
        reasons.append(f"{result['errors_whole_run']} failed requests")
    if server_errors:
        reasons.append("server errors in gunicorn's log")
    slow = [
        f"{name} p95 {row['p95']:.0f} ms"
        for name, row in result["requests"].items()
        if row["p95"] >= p95_ms
    ]
    if slow:
        reasons.append("; ".join(slow))
    return reasons


def cpu_line(cpu: dict[str, float], rps: float = 0.0) -> str:
    if not cpu:
        return "cpu: (window too short to sample)"
    line = (
        f"cpu (cores of 2): gunicorn {cpu['gunicorn']:.2f}, locust {cpu['locust']:.2f}, "
        f"postgres {cpu['postgres']:.2f}, other {cpu['other']:.2f}; machine {cpu['machine']:.2f}"
    )
    if rps:
        # CPU time hardly grows when other jobs share the cores; wall-clock time does.
        line += (
            f"\n    cpu per request: gunicorn {1000 * cpu['gunicorn'] / rps:.1f} ms, "
            f"postgres {1000 * cpu['postgres'] / rps:.1f} ms, "
            f"locust {1000 * cpu['locust'] / rps:.1f} ms"
        )
    return line


def request_table(rows: dict[str, dict]) -> list[str]:
    lines = [
        "| Request | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| `{name}` | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} | "
            f"{row['p95']:.0f} | {row['p99']:.0f} | {row['max']:.0f} | {row['errors']} |"
        )
    return lines


def step_line(label: str, result: dict, reasons: list[str]) -> str:
    total = result["all"]
    verdict = "pass" if not reasons else "FAIL: " + ", ".join(reasons)
    if not total["requests"]:
        return f"{label}: no requests in the window; {verdict}"
    return (
        f"{label}: {total['rps']:.1f} req/s, p50 {total['p50']:.0f} / p95 {total['p95']:.0f} / "
        f"p99 {total['p99']:.0f} ms, {total['errors']} errors in {result['window_seconds']:.0f} s"
        f" — {verdict}\n    {cpu_line(result.get('cpu', {}), total['rps'])}"
        + (
            "\n    Locust warned that its own CPU passed 90 %"
            if result["locust_cpu_warning"]
            else ""
        )
    )


# -- py-spy -------------------------------------------------------------------------------


def profile_workers(gunicorn_pid: int, seconds: int, output: Path) -> subprocess.Popen:
    """py-spy on every gunicorn worker for `seconds`, as collapsed stacks (`--format raw`)."""
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if spy is None:
        sys.exit("--profile needs py-spy: .venv/bin/pip install py-spy")
    command = [spy, "record", "--pid", str(gunicorn_pid), "--subprocesses"]
    # Idle threads (waiting for a request or for PostgreSQL) are left out by default.
    command += ["--duration", str(seconds), "--rate", "100", "--format", "raw"]
    command += ["--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


# Where a sample's time goes, by the innermost frame that names one of these.
AREAS = (
    ("database driver (psycopg)", ("psycopg/",)),
    ("Django ORM (SQL building, model instances)", ("django/db/",)),
    ("template rendering", ("django/template/", "template_partials/")),
    ("URL reversing", ("django/urls/",)),
    ("sessions and auth", ("django/contrib/sessions/", "django/contrib/auth/")),
    ("forms", ("django/forms/",)),
    ("middleware and request handling", ("django/core/handlers/", "django/middleware/", "csp/")),
    ("gunicorn", ("gunicorn/",)),
    ("app code (planner, nutrition, config)", ("planner/", "nutrition/", "config/")),
)


APP_PACKAGES = ("planner/", "nutrition/", "config/")


def summarize_profile(raw: Path, top: int = 15) -> list[str]:
    """Self time by function and by area from py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    views: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")
        total += samples
        own[frames[-1]] += samples
        area = "other (stdlib, whitenoise, …)"
        for frame in reversed(frames):
            found = next((name for name, keys in AREAS if any(k in frame for k in keys)), None)
            if found:
                area = found
                break
        areas[area] += samples
        # The outermost frame of the app's own code: the view (or middleware) at work.
        view = next(
            (f for f in frames if f.split("(")[-1].startswith(APP_PACKAGES)), "outside views"
        )
        views[view] += samples
    if not total:
        return ["py-spy recorded no samples"]
    lines = [f"py-spy: {total} samples of busy workers", "by area (innermost frame):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in areas.most_common()]
    lines.append("by view (outermost app frame):")
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in views.most_common(8)]
    lines.append(f"top {top} functions by self time:")
    lines += [f"  {100 * n / total:5.1f} %  {frame}" for frame, n in own.most_common(top)]
    return lines


# -- main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    url = os.environ.get("DATABASE_URL", "")
    parser.add_argument(
        "--database-url",
        default=url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_DATABASE,
        help="the load test creates and drops its own database beside this one",
    )
    parser.add_argument("--users", default="10,20,30,40,45,50,60", help="user counts, in order")
    parser.add_argument("--spawn-rate", type=float, default=4.0, help="users started per second")
    parser.add_argument("--duration", type=float, default=60.0, help="steady seconds per step")
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--accounts", type=int, default=0, help="default: the largest step")
    # 2 cores: 5 sync workers (2 × cores + 1, gunicorn's rule) kept p95 lowest; 4 sync
    # workers, 2 × 4 and 3 × 2 gthread workers failed at fewer users (bench/README.md).
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="over 1: gthread workers")
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=2,
        help="gunicorn's --keep-alive, seconds (its default: 2)",
    )
    parser.add_argument("--healthz-users", type=int, default=16)
    parser.add_argument("--p95-ms", type=float, default=200.0)
    parser.add_argument(
        "--quiet-cores",
        type=float,
        default=0.3,
        help="before a step, wait until the machine uses less than this; a failed step run "
        "while other work used more is run again (--retries)",
    )
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="seconds, at most")
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--all-steps", action="store_true", help="go on after a failing step")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="SECONDS",
        help="then rerun the highest passing step with py-spy on the workers for SECONDS",
    )
    parser.add_argument(
        "--commit",
        help="serve this commit (git archive into the temporary folder) instead of the "
        "working tree, which other people may be editing",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="skip ANALYZE after seeding: the planner without statistics, as on a server "
        "with autovacuum off right after load_foods",
    )
    parser.add_argument("--keep", type=Path, help="copy the logs and JSON results into this folder")
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]
    accounts_wanted = max(args.accounts, *steps)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url must point at PostgreSQL")

    print(
        f"load test: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; gunicorn "
        f"{args.workers} workers × {args.threads} threads; steps {steps} users at "
        f"{args.spawn_rate:g}/s, {args.duration:g} s each",
        flush=True,
    )
    failed_server = False
    with (
        tempfile.TemporaryDirectory(prefix="mgk-load-") as tmp,
        fresh_database(args.database_url) as database_url,
    ):
        workdir = Path(tmp)
        app = ROOT
        if args.commit:
            app = export_commit(args.commit, workdir / "app")
        env = server_environment(app, database_url, workdir / "static")
        accounts = workdir / "accounts.json"
        seed = [sys.executable, str(LOAD_DIR / "seed.py"), f"--users={accounts_wanted}"]
        seed.append(f"--accounts={accounts}")
        if args.no_analyze:
            seed.append("--no-analyze")
        done = subprocess.run(seed, env=env, cwd=app, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"seed.py failed:\n{done.stdout}\n{done.stderr}")
        print(f"seeded: {done.stdout.strip()}", flush=True)

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log = workdir / "gunicorn.log"
        command = gunicorn_command(port, args.workers, args.threads, args.keep_alive)
        print("server: " + " ".join(command[1:]), flush=True)
        report: dict = {"command": command[1:], "steps": {}, "args": vars(args) | {"keep": None}}
        with (
            gunicorn(app, env, command, log, host) as pid,
            CpuSampler(pid, urlsplit(database_url).path.lstrip("/")) as sampler,
        ):
            offset = 0

            def step(user_class: str, users: int, label: str, duration: float) -> tuple:
                nonlocal offset, failed_server
                busy = wait_for_quiet(sampler, args.quiet_cores, args.quiet_wait)
                if busy > args.quiet_cores:
                    print(f"    (the machine stayed busy: {busy:.2f} cores before {label})")
                result = run_locust(
                    user_class,
                    users,
                    args.spawn_rate if user_class == "EditorUser" else 50,
                    duration,
                    args.settle,
                    host,
                    accounts,
                    workdir,
                    label,
                    sampler,
                )
                server_errors, offset = new_server_errors(log, offset)
                failed_server = failed_server or bool(server_errors)
                reasons = judge(result, server_errors, args.p95_ms)
                result["server_errors"] = server_errors
                result["reasons"] = reasons
                print(step_line(label, result, reasons), flush=True)
                for excerpt in server_errors:
                    print(excerpt, flush=True)
                for example in result["error_examples_whole_run"]:
                    print(f"    error: {example}", flush=True)
                return result, reasons

            # Warm-up: worker imports, template and URL caches, connections. Not reported.
            step("EditorUser", min(5, accounts_wanted), "warm-up", 10)
            best: tuple[int, dict] | None = None
            for users in steps:
                for attempt in range(1 + args.retries):
                    label = f"{users} users" + (f" (try {attempt + 1})" if attempt else "")
                    result, reasons = step("EditorUser", users, label, args.duration)
                    # Other people's jobs on the same two cores can fail a step
                    # that the app would pass: then the step runs again.
                    other = result.get("cpu", {}).get("other", 0.0)
                    result["disturbed"] = other > args.quiet_cores
                    if not reasons or not result["disturbed"]:
                        break
                    if attempt < args.retries:
                        print(f"    other work used {other:.2f} cores meanwhile: once more")
                report["steps"][users] = result
                if not reasons:
                    best = (users, result)
                elif not args.all_steps:
                    break
            for attempt in range(1 + args.retries):
                label = "/healthz alone" + (f" (try {attempt + 1})" if attempt else "")
                healthz, _ = step("HealthzUser", args.healthz_users, label, args.duration)
                # A ceiling measured while other jobs held the cores says little: again.
                if healthz.get("cpu", {}).get("other", 0.0) <= args.quiet_cores:
                    break
            report["healthz"] = healthz

            profile_lines: list[str] = []
            if args.profile:
                # The highest passing step, or the first when none passed.
                profiled = best[0] if best is not None else steps[0]
                raw = workdir / "profile.txt"
                spies: list[subprocess.Popen] = []
                # Start once everyone has logged in: the logins' PBKDF2 would swamp the profile.
                ramp = profiled / args.spawn_rate + args.settle + 5
                timer = threading.Timer(
                    ramp, lambda: spies.append(profile_workers(pid, args.profile, raw))
                )
                timer.start()
                step("EditorUser", profiled, f"{profiled} users under py-spy", args.profile + 10)
                timer.join()
                for spy in spies:
                    spy.wait(timeout=args.profile + 60)
                profile_lines = summarize_profile(raw) if raw.exists() else ["py-spy wrote nothing"]

        print("\n## Result\n")
        if best is None:
            print(f"No step passed (zero errors, every p95 < {args.p95_ms:g} ms).")
        else:
            users, result = best
            total = result["all"]
            print(
                f"Sustained: {users} users, {total['rps']:.1f} req/s with zero errors, p95 "
                f"{total['p95']:.0f} ms over all requests (every type < {args.p95_ms:g} ms), "
                f"{result['window_seconds']:.0f} s window."
            )
            print(cpu_line(result.get("cpu", {}), total["rps"]) + "\n")
            print("\n".join(request_table(result["requests"])))
            login = result["login"].get("POST /accounts/login/")
            if login:
                print(
                    f"\nLogins (before the window, PBKDF2): {login['requests']}, p50 "
                    f"{login['p50']:.0f} / p95 {login['p95']:.0f} ms, {login['errors']} errors"
                )
        ceiling = healthz["all"]
        if ceiling["requests"]:
            print(
                f"\nCeiling, /healthz alone ({args.healthz_users} users, no pauses): "
                f"{ceiling['rps']:.0f} req/s, p50 {ceiling['p50']:.1f} / "
                f"p95 {ceiling['p95']:.1f} / p99 {ceiling['p99']:.1f} ms, "
                f"{ceiling['errors']} errors"
            )
            print(cpu_line(healthz.get("cpu", {}), ceiling["rps"]))
        if profile_lines:
            print("\n" + "\n".join(profile_lines))
        report["profile"] = profile_lines
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (workdir / "report.json").write_text(json.dumps(report, indent=1))
            for path in workdir.iterdir():
                if path.is_file() and path.suffix in {".json", ".log", ".txt"}:
                    shutil.copy2(path, args.keep / path.name)
            print(f"\nlogs and results copied to {args.keep}")
    return 1 if best is None or failed_server else 0


if __name__ == "__main__":
    sys.exit(main())
