"""Prepare the load test's fresh database (run by run_load.py as a child process).

    DJANGO_SETTINGS_MODULE=load_settings DATABASE_URL=... LOAD_STATIC_ROOT=... \\
        python bench/load/seed.py --users N --accounts accounts.json

Migrates, loads the bundled foods (nutrition.sr24.load_foods), collects the
static files, creates N people in bulk, then runs ANALYZE (unless
--no-analyze). Each person copies one of the two demo people (planner.demo.loader):
the CKD G4 profile on lisinopril (renal potassium limit, warnings) or the one
on furosemide, with the demo's week of meals as their own plan. Everyone
shares one password hash, hashed once with the production hasher, so
creating hundreds of accounts takes seconds while each login still costs
what a real one does. Writes the accounts (username, password, the day each
user edits, its item count) as JSON for the locustfile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
import time
from pathlib import Path


def seed(users: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from nutrition.models import Food, Portion
    from planner.demo.loader import PEOPLE, needed_foods
    from planner.models import MealItem, Plan, PlanDay, Profile, ProfileMedicine

    keys = needed_foods(PEOPLE)
    foods = {
        (f.source, f.source_id): f for f in Food.objects.filter(source_id__in=[k[1] for k in keys])
    }
    foods = {key: food for key, food in foods.items() if key in keys}
    missing = keys - foods.keys()
    if missing:
        sys.exit(
            f"seed: {len(missing)} demo foods are missing after load_foods: {sorted(missing)[:5]}"
        )
    portions: dict[tuple[int, str], Portion] = {}
    for portion in Portion.objects.filter(food__in=foods.values()).order_by("seq", "id"):
        portions.setdefault((portion.food_id, portion.label), portion)

    password = secrets.token_urlsafe(12)
    # The production hasher (PBKDF2), once: every account shares the hash.
    password_hash = make_password(password)
    today = dt.date.today()
    User = get_user_model()
    with transaction.atomic():
        accounts = User.objects.bulk_create(
            User(
                username=f"load-{number:04d}",
                email=f"load-{number:04d}@load.invalid",
                password=password_hash,
            )
            for number in range(users)
        )
        people = [PEOPLE[number % len(PEOPLE)] for number in range(users)]
        profiles = Profile.objects.bulk_create(
            Profile(
                user=user,
                birth_date=person.birth_date,
                sex=person.sex,
                kidney_status=person.kidney_status,
                egfr=person.egfr,
                serum_k=person.serum_k,
                serum_mg=person.serum_mg,
                labs_date=today - dt.timedelta(days=7),
            )
            for user, person in zip(accounts, people, strict=True)
        )
        ProfileMedicine.objects.bulk_create(
            ProfileMedicine(profile=profile, code=code)
            for profile, person in zip(profiles, people, strict=True)
            for code in person.medicine_codes
        )
        plans = Plan.objects.bulk_create(
            Plan(owner=user, author=user, name=person.plan_name, notes=person.plan_notes)
            for user, person in zip(accounts, people, strict=True)
        )
        days = PlanDay.objects.bulk_create(
            PlanDay(plan=plan, position=position, name=demo_day.name)
            for plan, person in zip(plans, people, strict=True)
            for position, demo_day in enumerate(person.week)
        )
        items: list[MealItem] = []
        day_iter = iter(days)
        week_days: list[list[tuple[PlanDay, int]]] = []
        for person in people:
            week = []
            for demo_day in person.week:
                day = next(day_iter)
                entries = demo_day.entries()
                for position, (meal, (key, label, quantity)) in enumerate(entries):
                    food = foods[key]
                    portion = portions[(food.id, label)]
                    items.append(
                        MealItem(
                            day=day,
                            meal=meal,
                            food=food,
                            portion=portion,
                            quantity=quantity,
                            grams=portion.grams * quantity,
                            position=position,
                        )
                    )
                week.append((day, len(entries)))
            week_days.append(week)
        MealItem.objects.bulk_create(items, batch_size=2000)
    # Each person edits one day of their week, spread over the week's days.
    return [
        {
            "username": user.username,
            "password": password,
            "day_id": week[number % len(week)][0].id,
            "base_items": week[number % len(week)][1],
        }
        for number, (user, week) in enumerate(zip(accounts, week_days, strict=True))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--no-analyze", action="store_true")
    args = parser.parse_args()

    # The app to seed is on PYTHONPATH (run_load.py sets it: this checkout or an export).
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from nutrition.sr24 import load_foods

    steps: list[str] = []
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    steps.append(f"migrate {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    report = load_foods()
    steps.append(f"load_foods {time.perf_counter() - started:.1f} s ({report.foods_created} foods)")
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    steps.append(f"collectstatic {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    accounts = seed(args.users)
    items = sum(a["base_items"] for a in accounts)
    steps.append(f"{len(accounts)} users with a week each {time.perf_counter() - started:.1f} s")
    if not args.no_analyze:
        # Planner statistics, as autovacuum gathers them on a production server
        # soon after a bulk load. This machine's PostgreSQL runs with autovacuum
        # off, and without statistics the planner scans every food computing
        # to_tsvector instead of using the search's GIN index (bench/README.md).
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        steps.append(f"ANALYZE {time.perf_counter() - started:.1f} s")
    args.accounts.write_text(json.dumps(accounts))
    print("; ".join(steps) + f" (edited days hold {items} items)")


if __name__ == "__main__":
    main()
