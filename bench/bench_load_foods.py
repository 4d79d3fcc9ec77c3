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

import sys
import time

import harness


def _measure() -> dict:
    """Child process: migrate the database in DATABASE_URL, then time two loads."""
    harness.setup_django(load_foods=False)
    from nutrition.models import Food, Portion
    from nutrition.sr24 import load_foods

    started = time.perf_counter()
    load_foods()
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = load_foods()
    second_seconds = time.perf_counter() - started
    return {
        "first": first_seconds,
        "second": second_seconds,
        "foods": Food.objects.count(),
        "portions": Portion.objects.count(),
        "second_changed": second.changed,
    }


def main() -> None:
    if sys.argv[1:] == ["--child"]:
        harness.emit(_measure())
        return
    for label, database in harness.backends("mgk-bench"):
        with database() as url:
            figures = harness.run_child(__file__, label, url, [])
        print(
            f"{label:<10} first load {figures['first']:6.2f} s   "
            f"re-run {figures['second']:6.2f} s   "
            f"({figures['foods']} foods, {figures['portions']} portions; "
            f"re-run changed {'some' if figures['second_changed'] else 'no'} SR24 rows)"
        )


if __name__ == "__main__":
    main()
