#!/usr/bin/env python3
"""Food search at FoodData Central size: the bundled 8k foods, then 500,000.

    .venv/bin/python bench/bench_search_scale.py [--foods 500000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_search_scale.py

Slow (minutes), so bench/run.py runs it only with `--scale`. On a fresh
SQLite file and, when DATABASE_URL points at PostgreSQL, a fresh
`mgk_bench_scale_*` database (both removed afterwards), it:

1. migrates and loads the bundled SR24 data, then times `search_foods` for the
   30 everyday queries of bench_search.py (one warm-up round, `--repeat`
   rounds) and a few awkward ones (one letter, "raw", a word inside words);
2. adds synthetic foods up to `--foods` – names recombined from the words of
   the SR24 names (heads, modifiers and brands of the same food group, in
   their real proportions), nutrients from the food they imitate, scattered –
   with the search indexes in place, as an import would;
3. rebuilds the search indexes from scratch (timed), updates the planner's
   statistics, and times the same queries again; reports database and index
   sizes.

The target is p95 ≤ 50 ms for search_foods() at 500k foods on PostgreSQL;
`--strict` exits 1 when it is missed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import harness

TARGET_P95_MS = 50.0
SEED = 20261126
# Worst cases for an index: a single letter (what search-as-you-type sends
# first), a word in one name of five, a two-letter prefix, a common pair, and
# a word found only inside other words (the pg_trgm / vocabulary step).
QUERIES = harness.search_queries()
AWKWARD_QUERIES = ("b", "raw", "ch", "beef raw", "fat free", "anana", "berry")
SQLITE_SEARCH_TABLES = ("nutrition_food_fts", "nutrition_food_trigram")
FIXTURE = harness.ROOT / "fixtures" / "usda_sr24_foods.csv.gz"


# -- synthetic foods ------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    group: str
    head: str
    modifiers: tuple[str, ...]
    nutrients: tuple[float | None, ...]


def _templates() -> list[Template]:
    from nutrition.models import NUTRIENT_FIELDS as NUTRIENTS

    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    templates = []
    for row in rows:
        parts = [part.strip() for part in row["name"].split(",") if part.strip()]
        values = tuple(float(row[n]) if row[n] else None for n in NUTRIENTS)
        templates.append(Template(row["group"], parts[0], tuple(parts[1:]), values))
    return templates


def _is_brand(part: str) -> bool:
    # SR24 writes brands in capitals: "BURGER KING", "OSCAR MAYER", "McDONALD'S".
    letters = [ch for ch in part if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


class NameMaker:
    """Food names recombined from SR24's own words, group by group.

    Most names keep the SR layout ("Head, modifier, modifier"): a real food's
    head with modifiers drawn from its group's pool, as often as they occur
    there, so "raw" or "cooked" are as common as in the real data. A third
    look like FoodData Central's branded foods: a brand, a few modifiers and
    the head, in capitals.
    """

    def __init__(self, templates: list[Template], rng: random.Random) -> None:
        self.templates = templates
        self.rng = rng
        self.modifiers: dict[str, list[str]] = defaultdict(list)
        for template in templates:
            self.modifiers[template.group].extend(m for m in template.modifiers if not _is_brand(m))
        brands = {t.head for t in templates if _is_brand(t.head)}
        brands |= {m for t in templates for m in t.modifiers if _is_brand(m)}
        self.brands = sorted(brands)

    def make(self) -> tuple[str, Template]:
        rng = self.rng
        template = rng.choice(self.templates)
        pool = self.modifiers[template.group] or ["raw"]
        count = max(0, len(template.modifiers) + rng.choice((-1, 0, 0, 1)))
        modifiers: list[str] = []
        for _ in range(count):
            modifier = rng.choice(pool)
            if modifier not in modifiers:
                modifiers.append(modifier)
        if rng.random() < 0.33 and self.brands:
            brand = rng.choice(self.brands)
            words = [brand, *modifiers[:2], template.head]
            return " ".join(words).upper()[:255], template
        return ", ".join([template.head, *modifiers])[:255], template

    def nutrients(self, template: Template) -> list[float | None]:
        # Same food, another sample or recipe: within about ±30 % of the original.
        return [
            None if value is None else round(value * self.rng.uniform(0.7, 1.3), 2)
            for value in template.nutrients
        ]


def add_synthetic_foods(target: int) -> int:
    """Insert synthetic foods until the table holds `target`; returns how many were added."""
    from django.db import connection, transaction
    from django.utils import timezone

    from nutrition.models import NUTRIENT_FIELDS as NUTRIENTS
    from nutrition.models import Food, FoodGroup
    from nutrition.text import normalize

    missing = target - Food.objects.count()
    if missing <= 0:
        return 0
    rng = random.Random(SEED)
    maker = NameMaker(_templates(), rng)
    groups = dict(FoodGroup.objects.values_list("code", "id"))
    fields = [f for f in Food._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    now = timezone.now()
    fixed = {f.attname: f.get_default() for f in fields}
    fixed.update(source=Food.Source.FDC, kind=Food.Kind.FOOD, created_at=now, updated_at=now)

    def rows():
        for number in range(missing):
            name, template = maker.make()
            values = dict(fixed)
            values.update(
                name=name,
                search_name=normalize(name)[:255],
                # Far above FDC's own ids and the bundled NDB numbers: never a clash.
                source_id=f"S{number:07d}",
                group_id=groups.get(template.group),
                **dict(zip(NUTRIENTS, maker.nutrients(template), strict=True)),
            )
            yield tuple(values[f.attname] for f in fields)

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # COPY: one stream instead of half a million INSERTs.
            column_list = ", ".join(f'"{c}"' for c in columns)
            copy_sql = f"COPY nutrition_food ({column_list}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            placeholders = ", ".join("?" for _ in columns)
            sql = f"INSERT INTO nutrition_food ({', '.join(columns)}) VALUES ({placeholders})"
            raw = connection.connection  # sqlite3 executemany takes an iterator as it comes
            raw.executemany(sql, rows())
    return missing


# -- measurements ---------------------------------------------------------------------------


def rebuild_search_indexes() -> dict[str, float]:
    """Rebuild each search index from scratch; seconds per index."""
    from django.db import connection

    seconds = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for index in ("food_search_fts", "food_search_trgm"):
                started = time.perf_counter()
                cursor.execute(f"REINDEX INDEX {index}")
                seconds[index] = time.perf_counter() - started
        else:
            for table in SQLITE_SEARCH_TABLES:
                started = time.perf_counter()
                cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('rebuild')")
                seconds[table] = time.perf_counter() - started
    return seconds


def refresh_statistics() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        # After a bulk import, as autovacuum would do in a while: visibility map and
        # statistics for the planner (PostgreSQL), table statistics (SQLite).
        cursor.execute(
            "VACUUM ANALYZE nutrition_food" if connection.vendor == "postgresql" else "ANALYZE"
        )
    return time.perf_counter() - started


def sizes() -> dict[str, float]:
    """Megabytes: the whole database, the food table, and the search indexes."""
    from django.db import connection

    mb = 1024 * 1024
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_database_size(current_database()),"
                " pg_total_relation_size('nutrition_food'),"
                " pg_relation_size('food_search_fts'), pg_relation_size('food_search_trgm')"
            )
            database, table, fts, trigram = cursor.fetchone()
            return {
                "database": database / mb,
                "food_table": table / mb,
                "food_search_fts": fts / mb,
                "food_search_trgm": trigram / mb,
            }
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        page_size = cursor.fetchone()[0]
        # dbstat: the size of every table and index in the file (SQLITE_ENABLE_DBSTAT_VTAB).
        cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        by_name = dict(cursor.fetchall())
    figures = {
        "database": pages * page_size / mb,
        "food_table": by_name.get("nutrition_food", 0) / mb,
    }
    for table in SQLITE_SEARCH_TABLES:
        # An FTS5 table keeps its index in shadow tables: <name>_data, <name>_idx, …
        shadow = sum(size for name, size in by_name.items() if name.startswith(table + "_"))
        figures[table] = shadow / mb
    return figures


def time_queries(queries: tuple[str, ...], repeat: int) -> tuple[dict, dict[str, float]]:
    from nutrition.search import search_foods

    samples: list[tuple[float, float]] = []
    per_query: dict[str, list[tuple[float, float]]] = {q: [] for q in queries}
    for round_number in range(repeat + 1):
        for query in queries:
            took = harness.timed_ms(lambda q=query: search_foods(q))
            if round_number == 0:
                continue  # warm-up: connection, caches, the database's buffers
            samples.append(took)
            per_query[query].append(took)
    medians = {q: harness.summary(s)["median"] for q, s in per_query.items()}
    return harness.summary(samples), medians


def measure(target: int, repeat: int) -> dict:
    load_seconds = harness.setup_django()
    from django.db import connection

    from nutrition.models import Food
    from nutrition.search import search_foods

    figures: dict = {"vendor": connection.vendor, "load_seconds": load_seconds, "steps": []}

    def step(label: str) -> None:
        everyday, medians = time_queries(QUERIES, repeat)
        _, awkward_medians = time_queries(AWKWARD_QUERIES, repeat)
        figures["steps"].append(
            {
                "label": label,
                "foods": Food.objects.count(),
                "everyday": everyday,
                "slowest": dict(sorted(medians.items(), key=lambda kv: -kv[1])[:3]),
                "awkward": awkward_medians,
                "sizes": sizes(),
                "empty": [q for q in QUERIES if not search_foods(q)],
                "top": {
                    q: [f.name for f in search_foods(q, limit=3)]
                    for q in ("banana", "potato baked", "milk")
                },
            }
        )

    refresh_statistics()
    step("bundled")
    started = time.perf_counter()
    figures["added"] = add_synthetic_foods(target)
    figures["insert_seconds"] = time.perf_counter() - started
    figures["rebuild_seconds"] = rebuild_search_indexes()
    figures["analyze_seconds"] = refresh_statistics()
    step("scaled")
    return figures


# -- parent ---------------------------------------------------------------------------------


def report(label: str, figures: dict) -> list[str]:
    missed = []
    print(f"{label}: bundled data loaded in {figures['load_seconds']:.1f} s")
    for number, step in enumerate(figures["steps"]):
        if number:
            rebuilt = ", ".join(f"{k} {v:.1f} s" for k, v in figures["rebuild_seconds"].items())
            print(
                f"  + {figures['added']:,} synthetic foods inserted in "
                f"{figures['insert_seconds']:.1f} s (search indexes kept up to date); "
                f"index rebuild from scratch: {rebuilt}; "
                f"statistics {figures['analyze_seconds']:.1f} s"
            )
        stats = step["everyday"]
        verdict = "ok" if stats["p95"] <= TARGET_P95_MS else "OVER TARGET"
        if number and verdict != "ok" and figures["vendor"] == "postgresql":
            missed.append(label)
        print(f"  {step['foods']:>9,} foods  search_foods() {harness.fmt(stats)}   {verdict}")
        slowest = ", ".join(f"{q!r} {ms:.1f}" for q, ms in step["slowest"].items())
        awkward = ", ".join(f"{q!r} {ms:.1f}" for q, ms in step["awkward"].items())
        size = ", ".join(f"{k} {v:.0f} MB" for k, v in step["sizes"].items())
        print(f"      slowest medians (ms): {slowest}")
        print(f"      awkward queries, medians (ms): {awkward}")
        print(f"      sizes: {size}")
        for query, names in step["top"].items():
            print(f"      {query!r} → {names}")
        if step["empty"]:
            print(f"      queries with no result: {', '.join(step['empty'])}")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--foods", type=int, default=500_000, help="foods at scale (500000)")
    parser.add_argument("--repeat", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a p95 misses target")
    options = harness.parse(parser, lambda options: measure(options.foods, options.repeat))
    if options is None:
        return

    print(
        f"Food search at scale: {len(QUERIES)} queries × {options.repeat} rounds, "
        f"{options.foods:,} foods, target p95 ≤ {TARGET_P95_MS:g} ms on PostgreSQL "
        f"({harness.machine_load()})"
    )
    missed = []
    for label, database in harness.backends("mgk-bench-scale"):
        with database() as url:
            args = ["--foods", str(options.foods), "--repeat", str(options.repeat)]
            figures = harness.run_child(__file__, label, url, args)
        missed += report(label, figures)
        print(f"  ({harness.machine_load()} at the end)")
    if missed and options.strict:
        sys.exit(f"p95 over {TARGET_P95_MS:g} ms at scale: {', '.join(missed)}")


if __name__ == "__main__":
    main()
