"""Two sessions editing the same day at once.

Each session runs in its own thread with its own database connection, and a
barrier starts their requests together so that they really overlap: one
session's transaction is open while the other's runs. The checks are on the
end state, which must be one a serial order of the same requests could have
produced: no lost items, no item brought back after its removal, positions
that still order the items, and totals equal to a sum done here from the items.

The overlapping threads need PostgreSQL (CI runs the suite on it too). The
SQLite test database is an in-memory, shared-cache database: there a second
writer gets "database table is locked" at once instead of waiting, so it
cannot stand in for the real file database, where WAL and BEGIN IMMEDIATE
make writers wait their turn. On SQLite, two processes overlap instead, on a
copy of the test database in a file, opened with the production settings.
Tests that force one interleaving step by step run on both.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from nutrition.models import NUTRIENT_FIELDS
from planner import intake
from planner.models import HistoryEvent, MealItem, PlanDay
from tests.helpers import linked

pytestmark = pytest.mark.django_db(transaction=True)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "overlapping writers need PostgreSQL: the SQLite test database is in-memory with a "
        "shared cache, where a second writer fails at once instead of waiting"
    ),
)

MEALS = ("breakfast", "lunch", "dinner", "snack")


def run_together(*jobs: Callable[[threading.Barrier], Any], timeout: float = 120) -> list[Any]:
    """Run each job in its own thread and connection; re-raise the first failure.

    Every job gets the same barrier and waits on it before each step, so that the
    steps of all sessions start together.
    """
    barrier = threading.Barrier(len(jobs), timeout=60)
    results: list[Any] = [None] * len(jobs)
    failures: list[BaseException] = []

    def runner(index: int, job: Callable[[threading.Barrier], Any]) -> None:
        try:
            results[index] = job(barrier)
        except BaseException as exc:  # handed to the test below
            failures.append(exc)
            barrier.abort()  # no thread waits forever for one that failed
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a session never finished"
    if failures:
        raise failures[0]
    return results


def session_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, name: str, pk: int, data: dict) -> None:
    response = client.post(reverse(name, args=[pk]), data)
    # Plain form posts answer with a redirect; anything else (400, 403, 500) is a failure.
    assert response.status_code == 302, (name, response.status_code)


def expected_totals(items: list[MealItem]) -> intake.Totals:
    """The totals of these items, summed here item by item rather than by the database."""
    totals = intake.Totals(items=len(items))
    for nutrient in NUTRIENT_FIELDS:
        known = [
            item.grams * getattr(item.food, nutrient) / 100
            for item in items
            if getattr(item.food, nutrient) is not None
        ]
        totals.values[nutrient] = sum(known) if known else None
        totals.missing[nutrient] = len(items) - len(known)
    return totals


def assert_totals_match_items(day: PlanDay) -> list[MealItem]:
    items = list(MealItem.objects.filter(day=day).select_related("food"))
    computed = intake.day_totals(day)
    groups = [(computed.total, items)] + [
        (computed.meal(meal), [i for i in items if i.meal == meal]) for meal in MEALS
    ]
    for got, some in groups:
        want = expected_totals(some)
        assert got.items == want.items
        for nutrient in NUTRIENT_FIELDS:
            assert got.missing[nutrient] == want.missing[nutrient], nutrient
            if want.values[nutrient] is None:
                assert got.values[nutrient] is None, nutrient
            else:
                assert got.values[nutrient] == pytest.approx(want.values[nutrient]), nutrient
    return items


def assert_positions_order_the_items(day: PlanDay) -> None:
    positions = list(MealItem.objects.filter(day=day).values_list("position", flat=True))
    assert len(positions) == len(set(positions)), sorted(positions)


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def dietitian(dietitian, patient):
    linked(dietitian, patient)
    return dietitian


@pytest.fixture
def foods(food):
    return [
        food("Spinach, raw", magnesium_mg=79, potassium_mg=558, energy_kcal=23),
        food("Bananas, raw", magnesium_mg=27, potassium_mg=358, energy_kcal=89),
        # Unknown potassium and sodium: counted as missing, never summed as 0.
        food("Almonds", magnesium_mg=270, energy_kcal=579, protein_g=21.2),
    ]


@pytest.fixture
def day(plan_for, patient):
    return plan_for(patient, days=1).days.get()


# --- overlapping sessions (PostgreSQL) -----------------------------------------------------


@needs_postgres
def test_two_sessions_adding_20_items_each_to_one_day_keep_all_40(patient, dietitian, foods, day):
    sessions = [session_for(patient), session_for(dietitian)]

    def add_twenty(client: Client, who: int, barrier: threading.Barrier) -> None:
        for n in range(20):
            barrier.wait()
            data = {
                "food": foods[n % 3].id,
                "meal": MEALS[(n + who) % 4],
                "grams": 10 + n + who / 10,
                "key": f"add-{who}-{n:02d}-form",
            }
            post(client, "planner:item_add", day.id, data)

    run_together(*(partial(add_twenty, c, w) for w, c in enumerate(sessions)))

    items = assert_totals_match_items(day)
    assert len(items) == 40
    assert {i.submission_key for i in items} == {
        f"add-{w}-{n:02d}-form" for w in range(2) for n in range(20)
    }
    assert_positions_order_the_items(day)
    # Each new item goes after every item committed before it.
    by_position = MealItem.objects.filter(day=day).order_by("position")
    assert list(by_position.values_list("id", flat=True)) == sorted(i.id for i in items)
    assert HistoryEvent.objects.filter(action="item-added").count() == 40


@needs_postgres
def test_adding_removing_and_moving_items_at_once_keeps_totals_true(
    patient, dietitian, foods, day, item
):
    start = [item(day, foods[n % 3], grams=50 + n, meal=MEALS[n % 4]) for n in range(20)]
    to_remove, to_move = start[:10], start[10:]
    adder, remover, mover = session_for(patient), session_for(dietitian), session_for(patient)

    def add(barrier: threading.Barrier) -> None:
        for n in range(10):
            barrier.wait()
            data = {"food": foods[n % 3].id, "meal": MEALS[n % 4], "grams": 30 + n}
            post(adder, "planner:item_add", day.id, {**data, "key": f"concurrent-add-{n:02d}"})

    def remove(barrier: threading.Barrier) -> None:
        for each in to_remove:
            barrier.wait()
            post(remover, "planner:item_delete", each.id, {})

    def move(barrier: threading.Barrier) -> None:
        for each in to_move:
            barrier.wait()
            meal = MEALS[(MEALS.index(each.meal) + 1) % 4]
            post(mover, "planner:item_update", each.id, {"meal": meal, "grams": each.grams * 2})

    run_together(add, remove, move)

    items = assert_totals_match_items(day)
    assert len(items) == 20
    ids = {i.id for i in items}
    assert not ids & {i.id for i in to_remove}
    moved = {i.id: i for i in items if i.id in {m.id for m in to_move}}
    assert len(moved) == 10
    for before in to_move:
        after = moved[before.id]
        assert after.meal == MEALS[(MEALS.index(before.meal) + 1) % 4]
        assert after.grams == before.grams * 2
    assert_positions_order_the_items(day)


def replay_moves(names: list[str], events: list[str]) -> list[str]:
    """The order of days after the logged moves, applied one after another."""
    order = list(names)
    for summary in events:
        found = re.fullmatch(r"Moved (.+) (earlier|later)", summary)
        assert found, summary
        index = order.index(found.group(1))
        other = index - 1 if found.group(2) == "earlier" else index + 1
        assert 0 <= other < len(order), f"{summary!r} cannot follow the moves before it"
        order[index], order[other] = order[other], order[index]
    return order


@needs_postgres
def test_moving_days_of_one_plan_at_once_keeps_positions_a_permutation(
    patient, dietitian, plan_for
):
    plan = plan_for(patient, days=7)
    days = list(plan.days.order_by("position"))
    names = [d.name for d in days]
    sessions = [session_for(patient), session_for(dietitian), session_for(patient)]

    def shuffle(client: Client, seed: int, barrier: threading.Barrier) -> None:
        rng = random.Random(seed)
        for _ in range(12):
            barrier.wait()
            moved = rng.choice(days)
            post(client, "planner:day_move", moved.id, {"direction": rng.choice(["up", "down"])})

    run_together(*(partial(shuffle, c, s) for s, c in enumerate(sessions)))

    final = list(plan.days.order_by("position", "id"))
    assert [d.position for d in final] == list(range(7))
    # Each move is logged while it holds the plan's days, so the log's order is the
    # order the moves took effect in; replaying it must give the order we ended with.
    logged = HistoryEvent.objects.filter(action="day-moved").order_by("id")
    assert [d.name for d in final] == replay_moves(names, [e.summary for e in logged])


@needs_postgres
def test_the_same_add_form_sent_from_three_threads_at_once_adds_one_item(patient, foods, day):
    sessions = [session_for(patient) for _ in range(3)]
    rounds = 8

    def submit(client: Client, barrier: threading.Barrier) -> None:
        for n in range(rounds):
            barrier.wait()
            data = {"food": foods[0].id, "meal": "lunch", "key": f"one-form-{n:02d}"}
            post(client, "planner:item_add", day.id, data)

    run_together(*(partial(submit, c) for c in sessions))

    keys = list(MealItem.objects.filter(day=day).values_list("submission_key", flat=True))
    assert sorted(keys) == [f"one-form-{n:02d}" for n in range(rounds)]
    assert HistoryEvent.objects.filter(action="item-added").count() == rounds


@needs_postgres
def test_adding_copying_and_moving_days_at_once_gives_each_day_its_own_position(
    patient, dietitian, plan_for, foods, item
):
    plan = plan_for(patient, days=3)
    first = plan.days.order_by("position").first()
    item(first, foods[0], grams=80, meal="breakfast")
    adder, copier, mover = session_for(patient), session_for(dietitian), session_for(patient)

    def add_days(barrier: threading.Barrier) -> None:
        for _ in range(6):
            barrier.wait()
            post(adder, "planner:day_add", plan.id, {})

    def copy_days(barrier: threading.Barrier) -> None:
        for _ in range(6):
            barrier.wait()
            post(copier, "planner:day_copy", first.id, {})

    def move_days(barrier: threading.Barrier) -> None:
        for n in range(6):
            barrier.wait()
            post(mover, "planner:day_move", first.id, {"direction": "down" if n % 2 else "up"})

    run_together(add_days, copy_days, move_days)

    positions = sorted(plan.days.values_list("position", flat=True))
    assert positions == list(range(15))
    copies = plan.days.filter(name__endswith="(copy)")
    assert copies.count() == 6
    assert all(copy.items.count() == 1 for copy in copies)


def add_while_deleting(adder, deleter, food, targets, *, key: str) -> list[int]:
    """`adder` adds `food` to each (day, deleting view, its pk) as `deleter` deletes it; the
    answers to the adds, in order."""
    adding, deleting = session_for(adder), session_for(deleter)
    answers = []

    def add(barrier: threading.Barrier) -> None:
        for n, (day, _, _) in enumerate(targets):
            barrier.wait()
            data = {"food": food.id, "meal": "lunch", "key": f"{key}-{n:02d}"}
            response = adding.post(reverse("planner:item_add", args=[day.id]), data)
            answers.append(response.status_code)

    def delete(barrier: threading.Barrier) -> None:
        for _, view, pk in targets:
            barrier.wait()
            post(deleting, view, pk, {})

    run_together(add, delete)
    return answers


@needs_postgres
def test_adding_to_a_day_while_it_is_deleted_answers_without_error(
    patient, dietitian, plan_for, foods
):
    plan = plan_for(patient, days=1)
    doomed = [
        PlanDay.objects.create(plan=plan, position=n + 1, name=f"Extra {n}") for n in range(8)
    ]
    targets = [(each, "planner:day_delete", each.id) for each in doomed]
    answers = add_while_deleting(patient, dietitian, foods[0], targets, key="doomed-day")

    # Added before the deletion (302, then deleted with the day) or refused after it (404).
    assert set(answers) <= {302, 404}, answers
    assert list(plan.days.values_list("name", flat=True)) == ["Day 1"]
    assert not MealItem.objects.exists()


@needs_postgres
def test_adding_to_a_plan_while_it_is_deleted_answers_without_error(
    patient, dietitian, plan_for, foods
):
    plans = [plan_for(patient, name=f"Plan {n}", days=2) for n in range(8)]
    targets = [
        (plan.days.order_by("position").last(), "planner:plan_delete", plan.id) for plan in plans
    ]
    answers = add_while_deleting(patient, dietitian, foods[0], targets, key="doomed-plan")

    assert set(answers) <= {302, 404}, answers
    assert not PlanDay.objects.exists()
    assert not MealItem.objects.exists()


@needs_postgres
def test_deleting_the_two_days_of_a_plan_at_once_keeps_one(patient, dietitian, plan_for):
    sessions = [session_for(patient), session_for(dietitian)]
    plans = [plan_for(patient, name=f"Plan {n}", days=2) for n in range(6)]

    def delete(client: Client, which: int, barrier: threading.Barrier) -> None:
        for plan in plans:
            barrier.wait()
            post(client, "planner:day_delete", plan.days.order_by("id")[which].id, {})

    run_together(*(partial(delete, c, n) for n, c in enumerate(sessions)))

    assert [plan.days.count() for plan in plans] == [1] * len(plans)


# --- overlapping processes on a SQLite file (production settings) ----------------------

SESSION_PROCESS = """
import json, os, sys, time
from pathlib import Path

import django

django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()  # lets the test client's host in
username, go, posts = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
client = Client()
client.force_login(get_user_model().objects.get(username=username))
while not go.exists():
    time.sleep(0.005)
for url, data in posts:
    status = client.post(url, data).status_code
    if status != 302:
        sys.exit(f"{url} answered {status}")
"""


def run_processes_on_a_file_copy(tmp_path: Path, sessions: list[tuple[str, list]]) -> None:
    """Run each session's posts in its own process against a file copy of the test database.

    The processes open the file with the app's own settings (WAL, BEGIN IMMEDIATE, a
    busy timeout), start their posts together, and the file is copied back after.
    """
    file = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(file) as copy:
        connection.connection.backup(copy)
    go = tmp_path / "go"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{file}",
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SESSION_PROCESS, username, str(go), json.dumps(posts)],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for username, posts in sessions
    ]
    go.touch()
    failures = [child.communicate(timeout=300)[1] for child in children if child.wait(300)]
    assert not failures, failures
    with sqlite3.connect(file) as copy:
        copy.backup(connection.connection)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the threads above cover PostgreSQL")
def test_two_processes_adding_to_one_day_of_a_sqlite_file_keep_every_item(
    patient, dietitian, foods, day, tmp_path
):
    url = reverse("planner:item_add", args=[day.id])

    def posts(who: int) -> list:
        mine = [
            (url, {"food": foods[n % 3].id, "meal": MEALS[n % 4], "grams": 10 + n + who / 10})
            for n in range(20)
        ]
        # Both sessions first send the same five forms (one key each), a double submit
        # from two places at the very same moment: one item per form.
        shared = [
            (url, {"food": foods[0].id, "meal": "snack", "key": f"shared-{n:02d}"})
            for n in range(5)
        ]
        return shared + [(u, {**d, "key": f"own-{who}-{n:02d}"}) for n, (u, d) in enumerate(mine)]

    run_processes_on_a_file_copy(tmp_path, [("patient", posts(0)), ("dana", posts(1))])

    items = assert_totals_match_items(day)
    assert len(items) == 45
    assert sorted(i.submission_key for i in items if i.submission_key.startswith("shared")) == [
        f"shared-{n:02d}" for n in range(5)
    ]
    assert_positions_order_the_items(day)


# --- one interleaving, forced step by step (SQLite and PostgreSQL) ----------------------


def meanwhile_after_reading_the_item(monkeypatch, meanwhile: Callable[[], None]) -> None:
    """Run `meanwhile` once, right after the next item view has read its item.

    That is the window in which another session's request can commit before this
    one writes: the interleaving that overlapping threads hit only some of the time.
    """
    from planner.days import views

    real = views.get_item_for

    def read_then_wait(*args, **kwargs):
        found = real(*args, **kwargs)
        monkeypatch.setattr(views, "get_item_for", real)
        meanwhile()
        return found

    monkeypatch.setattr(views, "get_item_for", read_then_wait)


def test_changing_an_item_another_session_just_removed_does_not_bring_it_back(
    patient, dietitian, foods, day, item, monkeypatch
):
    doomed = item(day, foods[1], grams=118, meal="breakfast")
    changer, remover = session_for(patient), session_for(dietitian)
    meanwhile_after_reading_the_item(
        monkeypatch, lambda: post(remover, "planner:item_delete", doomed.id, {})
    )

    response = changer.post(
        reverse("planner:item_update", args=[doomed.id]),
        {"meal": "dinner", "grams": 200},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "removed meanwhile" in response.content.decode()
    assert not MealItem.objects.filter(day=day).exists()
    assert not HistoryEvent.objects.filter(action="item-changed").exists()
    assert_totals_match_items(day)


def test_swapping_an_item_another_session_just_removed_does_not_bring_it_back(
    patient, dietitian, food, foods, day, item, monkeypatch
):
    potato = food("Potatoes, baked", potassium_mg=535, magnesium_mg=28, energy_kcal=93)
    food("Rice, white, cooked", potassium_mg=35, magnesium_mg=12, energy_kcal=130)
    doomed = item(day, potato, grams=200)
    swapper, remover = session_for(patient), session_for(dietitian)
    swaps = swapper.get(reverse("planner:item_swaps", args=[doomed.id]))
    rice = swaps.context["candidates"][0]
    meanwhile_after_reading_the_item(
        monkeypatch, lambda: post(remover, "planner:item_delete", doomed.id, {})
    )

    response = swapper.post(reverse("planner:item_swap", args=[doomed.id]), {"food": rice.id})

    assert response.status_code == 302
    assert not MealItem.objects.filter(day=day).exists()
    assert not HistoryEvent.objects.filter(action="item-swapped").exists()


def test_removing_an_item_in_two_tabs_logs_one_removal_and_offers_one_undo(
    patient, foods, day, item, monkeypatch
):
    from planner.days.views import UNDO_SESSION_KEY

    doomed = item(day, foods[0], grams=30)
    first, second = session_for(patient), session_for(patient)
    meanwhile_after_reading_the_item(
        monkeypatch, lambda: post(first, "planner:item_delete", doomed.id, {})
    )

    post(second, "planner:item_delete", doomed.id, {})

    assert not MealItem.objects.exists()
    assert HistoryEvent.objects.filter(action="item-removed").count() == 1
    assert len(first.session[UNDO_SESSION_KEY]) == 1
    assert UNDO_SESSION_KEY not in second.session
