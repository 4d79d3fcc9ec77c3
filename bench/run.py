#!/usr/bin/env python3
"""Run every benchmark in bench/ (bench_*.py), one after another (`make bench`).

    .venv/bin/python bench/run.py             # all of them but the slow ones
    .venv/bin/python bench/run.py search day  # those whose name contains a word given
    .venv/bin/python bench/run.py --scale     # the slow ones too (500,000 foods: minutes)

Each benchmark runs on fresh SQLite databases and also on PostgreSQL when
DATABASE_URL points at one; see bench/README.md. Exits 1 if any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Benchmarks that take minutes: they run only with --scale.
SLOW = {"bench_search_scale"}


def main(args: list[str]) -> int:
    words = [arg for arg in args if arg != "--scale"]
    scripts = sorted(BENCH_DIR.glob("bench_*.py"))
    if "--scale" not in args:
        scripts = [s for s in scripts if s.stem not in SLOW]
    if words:
        scripts = [s for s in scripts if any(word in s.stem for word in words)]
    if not scripts:
        print(f"No benchmark matches {' '.join(words)!r}.", file=sys.stderr)
        return 1
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        # One process each: a benchmark's Django set-up must not leak into the next.
        result = subprocess.run([sys.executable, str(script)], check=False)
        print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)
        if result.returncode:
            failed.append(script.name)
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
