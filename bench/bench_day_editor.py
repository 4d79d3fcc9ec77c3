#!/usr/bin/env python3
"""The day editor page with 10, 40 and 160 items.

    .venv/bin/python bench/bench_day_editor.py [--rounds 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/bench_day_editor.py

On a fresh database with the bundled foods, the owner (a CKD G4 profile on
lisinopril, so renal limits and warnings are all worked out) has three days
of 10, 40 and 160 items with household portions. Each round requests, in
turn, /healthz (a minimal view through the same middleware and one SELECT)
and the day editor for every size, through Django's test client logged in as
the owner; interleaving them means a busy machine slows all of them alike,
so the ratios to /healthz hold up better than the milliseconds. The query
count of each view is printed too: it must not grow with the items.
"""

from __future__ import annotations

import argparse
import datetime as dt

import harness

SIZES = (10, 40, 160)
# The totals partial is gone: an edit answers with the meals and the totals together
# (tests/planner/days/test_day_editor_queries.py pins what each edit costs).
VIEWS = ("planner:day_editor",)
MEALS = ("breakfast", "lunch", "dinner", "snack")
# Everyday foods with household portions (NDB numbers of the bundled SR24 data).
NDBS = (
    "01132", "18069", "20045", "09003", "09050", "11053", "11136", "05064", "11205", "09316",
    "11125", "11821", "15016", "04053", "12014", "12061", "11458", "16015", "20037", "01117",
    "15209", "19904", "09037", "09040", "18075", "20137", "08120", "16070", "01079", "14209",
    "11529", "11090", "16098", "09200", "11828", "01145", "19297", "09252", "20121", "11252",
)  # fmt: skip


def _build_days() -> tuple[object, dict[int, int]]:
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    from nutrition.models import Food, Portion
    from planner.models import MealItem, Plan, PlanDay, Profile, ProfileMedicine

    owner = get_user_model().objects.create_user("bench-owner", password="bench-only-password")
    profile = Profile.objects.create(
        user=owner,
        birth_date=dt.date(1957, 3, 14),
        sex="female",
        kidney_status="g4",
        egfr=22,
        serum_k=5.3,
        serum_mg=0.8,
    )
    ProfileMedicine.objects.create(profile=profile, code="lisinopril")
    foods = list(
        Food.objects.filter(source="usda-sr24", source_id__in=NDBS).prefetch_related(
            Prefetch("portions", queryset=Portion.objects.order_by("seq", "id"))
        )
    )
    assert len(foods) == len(NDBS), "some benchmark foods are missing from the fixture"
    plan = Plan.objects.create(owner=owner, author=owner, name="Benchmark")
    days: dict[int, int] = {}
    for position, size in enumerate(SIZES):
        day = PlanDay.objects.create(plan=plan, position=position, name=f"{size} items")
        items = []
        for index in range(size):
            food = foods[index % len(foods)]
            portion = food.portions.all()[0]
            items.append(
                MealItem(
                    day=day,
                    meal=MEALS[index % len(MEALS)],
                    food=food,
                    portion=portion,
                    quantity=1,
                    grams=portion.grams,
                    position=index,
                )
            )
        MealItem.objects.bulk_create(items)
        days[size] = day.id
    return owner, days


def measure(rounds: int) -> dict:
    harness.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    owner, days = _build_days()
    client = Client()
    client.force_login(owner)
    htmx = {"planner:day_editor": {}}  # a normal navigation
    targets = {"healthz": ("/healthz", {})}
    for view in VIEWS:
        for size in SIZES:
            targets[f"{view} {size}"] = (reverse(view, args=[days[size]]), htmx[view])

    def get(url: str, headers: dict) -> None:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)

    queries = {}
    for key, (url, headers) in targets.items():
        with CaptureQueriesContext(connection) as captured:
            get(url, headers)
        queries[key] = len(captured)

    samples: dict[str, list[tuple[float, float]]] = {key: [] for key in targets}
    for round_number in range(rounds + 3):
        for key, (url, headers) in targets.items():
            ms = harness.timed_ms(lambda u=url, h=headers: get(u, h))
            if round_number >= 3:  # three warm-up rounds
                samples[key].append(ms)
    stats = {key: harness.summary(values) for key, values in samples.items()}
    return {"stats": stats, "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="measured rounds (default 40)")
    options = harness.parse(parser, lambda options: measure(options.rounds))
    if options is None:
        return

    print(
        f"Day editor: {options.rounds} rounds; ratios are medians over /healthz's median "
        f"({harness.machine_load()})"
    )
    for label, database in harness.backends("mgk-bench-day"):
        with database() as url:
            figures = harness.run_child(__file__, label, url, ["--rounds", str(options.rounds)])
        stats, queries = figures["stats"], figures["queries"]
        base = stats["healthz"]["median"]
        print(f"{label}:")
        healthz = stats["healthz"]
        print(f"  {'/healthz':<24} {harness.fmt(healthz)}  ×  1.0  {queries['healthz']} queries")
        for view in VIEWS:
            for size in SIZES:
                key = f"{view} {size}"
                name = f"{view.split(':')[1]}, {size} items"
                ratio = stats[key]["median"] / base
                print(
                    f"  {name:<24} {harness.fmt(stats[key])}  ×{ratio:5.1f}  {queries[key]} queries"
                )
        print(f"  ({harness.machine_load()} at the end)")


if __name__ == "__main__":
    main()
