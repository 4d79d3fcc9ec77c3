"""Shared plumbing for the benchmarks: fresh databases, child processes, statistics.

Django reads its settings once per process, so each benchmark runs its
measurements in a child process per database: the parent makes a fresh
SQLite file (always) and a fresh PostgreSQL database (when DATABASE_URL
points at one), runs the child with DATABASE_URL set to it, and reads one
JSON line back. The project's own database (var/mgk.sqlite3) is never used.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


# -- parent side ------------------------------------------------------------------------


@contextmanager
def _postgres_database(url: str, prefix: str) -> Iterator[str]:
    """A new database beside the one `url` names (the role needs CREATEDB), dropped after."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    # A random suffix: two people may run the same benchmark on one server.
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    connect = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": config["NAME"],
        "autocommit": True,
    }
    with psycopg.connect(**connect) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(**connect) as admin:
            # The child has exited, so nothing holds a connection open.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def backends(prefix: str) -> Iterator[tuple[str, Callable[[], AbstractContextManager[str]]]]:
    """(label, a fresh database's DATABASE_URL as a context) for SQLite and maybe PostgreSQL."""

    @contextmanager
    def sqlite() -> Iterator[str]:
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"

    yield "SQLite", sqlite
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        yield "PostgreSQL", lambda: _postgres_database(url, prefix.replace("-", "_"))


def run_child(script: str, label: str, database_url: str, args: list[str]) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # config.test_settings: production settings (DEBUG off, so no query
        # log slows things down) with a test key, no HTTPS redirect, plain
        # static storage and a fast password hasher.
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, script, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode:
        sys.exit(f"{label}: the benchmark failed\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def search_queries() -> tuple[str, ...]:
    """The everyday food-search queries (bench/search_queries.txt)."""
    text = (ROOT / "bench" / "search_queries.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def parse(parser: argparse.ArgumentParser, measure: Callable[[argparse.Namespace], dict]):
    """The parent's options; in the child (`--child`) run `measure`, print its figures and
    return None, so that main() returns."""
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        emit(measure(options))
        return None
    return options


# -- child side -------------------------------------------------------------------------


def setup_django(load_foods: bool = True) -> float | None:
    """Set Django up on the fresh database, migrate, load the bundled foods; seconds to load."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not load_foods:
        return None
    from nutrition.sr24 import load_foods as load

    started = time.perf_counter()
    load()
    return time.perf_counter() - started


def timed_ms(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one call.

    CPU time is this process's only (not PostgreSQL's), but it barely moves
    when other jobs share the machine, which wall-clock time does a lot.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def summary(samples: list[tuple[float, float]]) -> dict[str, float]:
    ordered = sorted(wall for wall, _ in samples)
    cpu = sorted(cpu for _, cpu in samples)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": _p95(ordered),
        "max": ordered[-1],
        "cpu_median": statistics.median(cpu),
        "cpu_p95": _p95(cpu),
    }


def _p95(ordered: list[float]) -> float:
    # Nearest-rank percentile: an observed value, no interpolation.
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def machine_load() -> str:
    """The 1-minute load average against the CPU count: context for the figures."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def emit(figures: dict) -> None:
    print(json.dumps(figures))


def fmt(stats: dict[str, float]) -> str:
    return (
        f"median {stats['median']:6.1f}  p95 {stats['p95']:6.1f}  max {stats['max']:6.1f}  "
        f"| cpu median {stats['cpu_median']:6.1f}  p95 {stats['cpu_p95']:6.1f} ms  (n={stats['n']})"
    )
