#!/usr/bin/env python3
"""Food search latency: nutrition.search.search_foods and the /foods/?q= page.

    .venv/bin/python bench/bench_search.py [--repeat 5] [--strict]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_search.py

On a fresh database with the whole bundled SR24 data (7,906 foods and the
supplements) it times 30 everyday queries, `--repeat` rounds each after one
warm-up round: the search function alone, the full page through Django's
test client, and the htmx results partial that search-as-you-type fetches.
The target is p95 ≤ 30 ms; `--strict` exits 1 when a p95 misses it.
"""

from __future__ import annotations

import argparse
import sys

import harness

TARGET_P95_MS = 30.0

QUERIES = harness.search_queries()


def measure(repeat: int) -> dict:
    load_seconds = harness.setup_django()
    from django.test import Client

    from nutrition.models import Food
    from nutrition.search import search_foods

    client = Client()
    results: dict[str, list[tuple[float, float]]] = {"function": [], "page": [], "partial": []}
    per_query: dict[str, list[tuple[float, float]]] = {q: [] for q in QUERIES}
    empty = [q for q in QUERIES if not search_foods(q)]

    def page(query: str, htmx: bool = False) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get("/foods/", {"q": query}, headers=headers)
        assert response.status_code == 200, (query, response.status_code)

    for round_number in range(repeat + 1):
        for query in QUERIES:
            function_ms = harness.timed_ms(lambda q=query: search_foods(q))
            page_ms = harness.timed_ms(lambda q=query: page(q))
            partial_ms = harness.timed_ms(lambda q=query: page(q, htmx=True))
            if round_number == 0:
                continue  # warm-up: connections, template and URL caches
            results["function"].append(function_ms)
            results["page"].append(page_ms)
            results["partial"].append(partial_ms)
            per_query[query].append(page_ms)
    # By CPU time: with only `repeat` samples a query, wall time on a busy
    # machine would name whichever query a neighbour's job happened to hit.
    slowest = sorted(per_query, key=lambda q: -harness.summary(per_query[q])["cpu_median"])[:3]
    return {
        "foods": Food.objects.count(),
        "load_seconds": load_seconds,
        "empty": empty,
        **{key: harness.summary(samples) for key, samples in results.items()},
        "slowest": {q: harness.summary(per_query[q])["cpu_median"] for q in slowest},
    }


LABELS = {
    "function": "search_foods()",
    "page": "GET /foods/?q=",
    "partial": "  htmx partial",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a p95 misses target")
    options = harness.parse(parser, lambda options: measure(options.repeat))
    if options is None:
        return

    print(
        f"Food search: {len(QUERIES)} queries × {options.repeat} rounds, target p95 ≤ 30 ms "
        f"({harness.machine_load()})"
    )
    missed = []
    for label, database in harness.backends("mgk-bench-search"):
        with database() as url:
            figures = harness.run_child(__file__, label, url, ["--repeat", str(options.repeat)])
        print(f"{label}: {figures['foods']} foods (loaded in {figures['load_seconds']:.1f} s)")
        for key, name in LABELS.items():
            stats = figures[key]
            verdict = "ok" if stats["p95"] <= TARGET_P95_MS else "OVER TARGET"
            if verdict != "ok":
                missed.append(f"{label} {name}")
            print(f"  {name:<16} {harness.fmt(stats)}   {verdict}")
        slowest = ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in figures["slowest"].items())
        print(f"  slowest pages (cpu median): {slowest}")
        print(f"  ({harness.machine_load()} at the end)")
        if figures["empty"]:
            print(f"  queries with no result: {', '.join(figures['empty'])}")
    if missed and options.strict:
        sys.exit(f"p95 over {TARGET_P95_MS:g} ms: {', '.join(missed)}")


if __name__ == "__main__":
    main()
