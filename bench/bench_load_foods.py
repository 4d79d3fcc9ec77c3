#!/usr/bin/env python3
"""Time `load_foods` on a fresh database: the full first load, then a re-run.

    .venv/bin/python bench/bench_load_foods.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_load_foods.py

SQLite always runs, on a new file in a temporary directory. With DATABASE_URL
pointing at PostgreSQL it also runs there, on a new database created beside
the one named (the role needs CREATEDB) and dropped afterwards. Migrations run
before the clock starts. Prints seconds per backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _measure() -> None:
    """Child process: migrate the database in DATABASE_URL, then time two loads."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from nutrition.models import Food, Portion
    from nutrition.sr24 import load_foods

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_foods()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = load_foods()
    second_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "first": first_seconds,
                "second": second_seconds,
                "foods": Food.objects.count(),
                "portions": Portion.objects.count(),
                "second_changed": second.changed,
            }
        )
    )


def _run(label: str, database_url: str) -> None:
    # DEBUG=1 so that settings need no SECRET_KEY, as under `make run`.
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"{label}: failed\n{result.stderr}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{label:<10} first load {figures['first']:6.2f} s   re-run {figures['second']:6.2f} s   "
        f"({figures['foods']} foods, {figures['portions']} portions; "
        f"re-run changed {'some' if figures['second_changed'] else 'no'} SR24 rows)"
    )


def _postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"mgk_bench_{uuid.uuid4().hex[:8]}"
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
        _run("PostgreSQL", urlunsplit(urlsplit(url)._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(**connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    if sys.argv[1:] == ["--child"]:
        _measure()
        return
    with tempfile.TemporaryDirectory(prefix="mgk-bench-") as tmp:
        _run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        _postgres(url)


if __name__ == "__main__":
    main()
