"""Backup and restore keep every row exactly (manage.py backup_db / restore_db).

These run on whichever database the suite runs on: SQLite in the normal run
(the backup API, on the in-memory test database) and PostgreSQL when
DATABASE_URL points there (pg_dump and pg_restore). Backups go to tmp_path,
never to var/.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.test import Client
from django.utils import timezone

from accounts.roles import DIETITIANS_GROUP, curators_group
from config import backup
from nutrition.models import Food, FoodMerge, Portion
from planner import history
from planner.care import logic as care
from planner.models import (
    CareLink,
    Comment,
    CommentRead,
    CustomTarget,
    HistoryEvent,
    MealItem,
    Plan,
    Profile,
    ProfileMedicine,
    ShareLink,
)
from tests.conftest import PASSWORD
from tests.helpers import supplement_facts

pytestmark = pytest.mark.django_db(transaction=True)

VENDOR = connection.vendor
SUFFIX = backup.SUFFIXES.get(VENDOR, ".backup")

if VENDOR == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
    pytest.skip(
        "pg_dump and pg_restore are not installed (Debian: apt-get install postgresql-client)",
        allow_module_level=True,
    )

# The tables the issue names; each must hold rows, so that comparing them means something.
MUST_HOLD_ROWS = [
    "auth.User",
    "auth.Group",
    "auth.User_groups",
    "planner.Profile",
    "planner.ProfileMedicine",
    "planner.CustomTarget",
    "planner.CareLink",
    "planner.Plan",
    "planner.PlanDay",
    "planner.MealItem",
    "planner.Comment",
    "planner.CommentRead",
    "planner.ShareLink",
    "planner.HistoryEvent",
    "nutrition.Food",
    "nutrition.HistoricalFood",
    "nutrition.Portion",
    "nutrition.HistoricalPortion",
    "nutrition.SupplementFacts",
    "nutrition.HistoricalSupplementFacts",
    "nutrition.FoodMerge",
    "sessions.Session",
]


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model's table (many-to-many tables too), in primary key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def assert_same_rows(got: dict[str, list[dict]], want: dict[str, list[dict]]) -> None:
    assert got.keys() == want.keys()
    for label, rows in want.items():
        assert got[label] == rows, label


@pytest.fixture
def world(make_user, food, food_group, plan_for, item):
    """A little of everything the app keeps, with awkward values where values can be awkward."""
    User = get_user_model()
    patient = make_user("patient", first_name="Zoë", last_name="Ångström")
    dietitian = make_user("dana")
    dietitian.groups.add(Group.objects.get_or_create(name=DIETITIANS_GROUP)[0])
    curator = make_user("cora", is_staff=True)
    curator.groups.add(curators_group())
    User.objects.create_superuser("root", "root@example.org", PASSWORD)

    profile = Profile.objects.create(
        user=patient,
        birth_date=dt.date(1950, 2, 28),
        sex=Profile.Sex.FEMALE,
        kidney_status="g4",
        egfr=22.5,
        serum_k=5.1,
        serum_mg=0.1 + 0.2,  # 0.30000000000000004: floats must come back to the last bit
        labs_date=dt.date(2024, 12, 31),
        display_unit="mmol",
    )
    ProfileMedicine.objects.create(profile=profile, code="lisinopril")
    CareLink.objects.create(
        dietitian=dietitian,
        client=patient,
        token=care.new_token(),
        status=CareLink.Status.ACTIVE,
        responded_at=timezone.now(),
    )
    CustomTarget.objects.create(
        profile=profile,
        nutrient="potassium_mg",
        maximum=2000,
        reason="K 5.1 «high»",
        set_by=dietitian,
    )

    # Curated foods with their history: created, corrected by a curator, a merge remembered.
    spinach = food("Spinach, raw", magnesium_mg=79, potassium_mg=558, portions=[("1 cup", 30)])
    spinach._history_user = curator
    spinach._change_reason = "Label checked — K per USDA"
    spinach.potassium_mg = 559.5
    spinach.curated_at = timezone.now()
    spinach.source = Food.Source.CURATED
    spinach.save()
    tablet = food(
        "Magnesium citrate tablet",
        kind=Food.Kind.SUPPLEMENT,
        source=Food.Source.CURATED,
        group=food_group("99", "Supplements"),
        magnesium_mg=None,
        portions=[("1 tablet", 1)],
    )
    supplement_facts(
        tablet, "mg", 100, salt_form="magnesium citrate", unit="tablet",
        side_effects="Loose stools at high doses.", reference="ODS fact sheet",
    )  # fmt: skip
    Portion.objects.filter(food=spinach).update(grams=30.5)
    FoodMerge.objects.create(
        retired_id=987654,
        retired_name="Spinach (duplicate)",
        source=Food.Source.USDA_SR24,
        source_id="11457",
        kept=spinach,
        items_moved=2,
        merged_by=curator,
    )

    plan = plan_for(patient, name="Week 1 — 東京", days=2)
    monday, tuesday = plan.days.order_by("position")
    breakfast = item(monday, spinach, grams=61, meal="breakfast", submission_key="form-key-0001")
    cup = spinach.portions.get()
    item(monday, spinach, grams=61, meal="lunch", portion=cup, quantity=2)
    item(tuesday, tablet, grams=1, meal="snack")
    history.record(patient, patient, "plan-created", "Created plan “Week 1 — 東京”", plan)
    history.record(dietitian, patient, "item-added", "Monday: added 61 g Spinach", plan)
    on_plan = Comment.objects.create(plan=plan, author=dietitian, body="Less spinach?\n🥬")
    Comment.objects.create(plan=plan, day=monday, author=patient, body="OK")
    Comment.objects.create(
        plan=plan,
        day=monday,
        item=breakfast,
        item_label="Breakfast: 61 g Spinach",
        author=patient,
        body="Tastes fine.",
    )
    CommentRead.objects.create(comment=on_plan, user=patient)
    ShareLink.objects.create(
        plan=plan,
        token=secrets.token_urlsafe(32),
        created_by=patient,
        expires_at=timezone.now() + dt.timedelta(days=7),
        label="Dr. Nephro",
        show_name=True,
    )
    Client().force_login(patient)  # a session row
    return {"patient": patient, "dietitian": dietitian, "plan": plan, "spinach": spinach}


def change_everything(world) -> None:
    """What might happen after a backup: deletions, edits, new rows."""
    patient, spinach = world["patient"], world["spinach"]
    patient.set_password("another-passw0rd-entirely")
    patient.save()
    world["dietitian"].groups.clear()
    spinach._change_reason = "wrong correction"
    spinach.magnesium_mg = 1
    spinach.save()
    world["plan"].delete()  # days, items, comments, reads and share links go with it
    get_user_model().objects.filter(username="root").delete()
    HistoryEvent.objects.create(owner=patient, action="plan-deleted", summary="Deleted a plan")
    Profile.objects.filter(user=patient).update(kidney_status="none", egfr=None)


def test_the_world_fixture_fills_every_table_the_issue_names(world):
    rows = snapshot()
    empty = [label for label in MUST_HOLD_ROWS if not rows[label]]
    assert not empty
    assert Food.history.filter(id=world["spinach"].id).count() == 2


def test_a_round_trip_keeps_every_row_of_every_table(world, tmp_path):
    before = snapshot()
    out = tmp_path / f"mgk{SUFFIX}"

    call_command("backup_db", "--output", str(out))
    change_everything(world)
    assert snapshot() != before
    call_command("restore_db", str(out), "--noinput")

    assert_same_rows(snapshot(), before)
    # The restored password hash still logs in; the later one does not.
    assert authenticate(username="patient", password=PASSWORD) is not None
    assert authenticate(username="patient", password="another-passw0rd-entirely") is None
    assert get_user_model().objects.get(username="dana").groups.filter(name=DIETITIANS_GROUP)
    # Ids continue after the restored rows (SQLite's sqlite_sequence, PostgreSQL's sequences).
    newest = max(row["id"] for row in before["planner.MealItem"])
    again = MealItem.objects.create(
        day=Plan.objects.get().days.first(), food=world["spinach"], grams=5, meal="dinner"
    )
    assert again.id > newest


def table_rows(alias: str) -> dict[str, list[tuple]]:
    """Every table of the database behind `alias`, raw, rows sorted; sequences too."""
    wrapper = connections[alias]
    with wrapper.cursor() as cursor:
        if wrapper.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        else:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
                "ORDER BY table_name"
            )
        names = [name for (name,) in cursor.fetchall()]
        tables = {}
        for name in names:
            cursor.execute(f"SELECT * FROM {wrapper.ops.quote_name(name)}")
            tables[name] = sorted(cursor.fetchall(), key=repr)
        if wrapper.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema() ORDER BY sequencename"
            )
            tables["(sequences)"] = cursor.fetchall()
    return tables


@pytest.fixture
def fresh_database(tmp_path):
    """An alias "fresh" for a new, empty database beside the test database."""
    settings = dict(connection.settings_dict)
    if VENDOR == "sqlite":
        settings["NAME"] = str(tmp_path / "fresh.sqlite3")
    else:
        settings["NAME"] = f"{connection.settings_dict['NAME']}_fresh_{secrets.token_hex(4)}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(settings['NAME'])}")
    # Set up as a connection made at run time, not listed in settings: the test
    # case's guard against databases it does not declare lets those through.
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias="fresh")
    connections["fresh"] = wrapper
    yield "fresh"
    wrapper.close()
    del connections["fresh"]
    if VENDOR == "postgresql":
        with connection.cursor() as cursor:
            name = connection.ops.quote_name(settings["NAME"])
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_backup_restored_into_a_fresh_database_holds_the_same_tables_and_rows(
    world, tmp_path, fresh_database
):
    out = tmp_path / f"mgk{SUFFIX}"
    call_command("backup_db", "--output", str(out))
    call_command("restore_db", str(out), "--noinput", "--database", fresh_database)

    original, restored = table_rows("default"), table_rows(fresh_database)
    assert restored.keys() == original.keys()
    for name, rows in original.items():
        assert restored[name] == rows, name
    assert original["planner_mealitem"]


@pytest.mark.skipif(
    VENDOR == "sqlite",
    reason=(
        "the SQLite test database is in-memory with a shared cache, where an open write "
        "transaction locks other connections out of its tables; the real file database uses WAL"
    ),
)
def test_a_backup_is_written_while_another_connection_holds_a_transaction_open(world, tmp_path):
    # The app keeps running during a backup: an open write transaction elsewhere
    # neither blocks the backup nor leaks its uncommitted rows into it.
    started, finish = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with transaction.atomic():
                HistoryEvent.objects.create(
                    owner=world["patient"], action="uncommitted", summary="not yet"
                )
                started.set()
                finish.wait(60)
        except BaseException as exc:  # handed to the test below
            errors.append(exc)
            started.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(60)
        out = tmp_path / f"mgk{SUFFIX}"
        call_command("backup_db", "--output", str(out))
    finally:
        finish.set()
        thread.join(60)
    assert not errors
    assert HistoryEvent.objects.filter(action="uncommitted").exists()
    call_command("restore_db", str(out), "--noinput")
    assert not HistoryEvent.objects.filter(action="uncommitted").exists()


# --- commands: defaults, messages, refusals --------------------------------------------------


def test_backup_db_names_a_new_file_under_var_backups_by_default(world, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "BACKUP_DIR", tmp_path / "backups")
    call_command("backup_db")
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name.startswith("mgk-") and made.suffix == SUFFIX
    assert backup.backup_kind(made) == VENDOR
    assert not [p for p in made.parent.iterdir() if p.name.endswith(".partial")]


def test_backup_db_does_not_overwrite_a_file(world, tmp_path):
    out = tmp_path / f"old{SUFFIX}"
    out.write_text("an older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_db", "--output", str(out))
    assert out.read_text() == "an older backup"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,grams\nbanana,118\n", "not a backup made by backup_db"),
        (b"PGDMP\x01\x0e\x00" if VENDOR == "sqlite" else b"SQLite format 3\x00", "backup; the"),
    ],
    ids=["not-a-backup", "other-database-kind"],
)
def test_restore_db_refuses_the_wrong_file_and_changes_nothing(world, tmp_path, content, message):
    before = snapshot()
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore_db", str(wrong), "--noinput")
    assert_same_rows(snapshot(), before)


@pytest.mark.skipif(VENDOR != "sqlite", reason="checks a SQLite file that is not of this app")
def test_restore_db_refuses_a_sqlite_file_of_another_app(world, tmp_path):
    import sqlite3

    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(CommandError, match="not a database of this app"):
        call_command("restore_db", str(other), "--noinput")
    assert Plan.objects.exists()


def test_restore_db_refuses_a_truncated_backup_and_changes_nothing(world, tmp_path):
    out = tmp_path / f"mgk{SUFFIX}"
    call_command("backup_db", "--output", str(out))
    truncated = tmp_path / f"truncated{SUFFIX}"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 3])
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing changed"):
        call_command("restore_db", str(truncated), "--noinput")
    assert_same_rows(snapshot(), before)


def test_restore_db_asks_first_and_a_no_changes_nothing(world, tmp_path, monkeypatch):
    out = tmp_path / f"mgk{SUFFIX}"
    call_command("backup_db", "--output", str(out))
    change_everything(world)
    after_change = snapshot()
    questions = []
    monkeypatch.setattr("builtins.input", lambda q: questions.append(q) or "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_db", str(out))
    assert "replaces everything" in questions[0]
    assert_same_rows(snapshot(), after_change)


def test_restore_db_of_a_missing_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore_db", str(tmp_path / "nope.sqlite3"), "--noinput")


def test_backup_db_without_pg_dump_says_how_to_get_it(world, tmp_path, monkeypatch):
    if VENDOR != "postgresql":
        pytest.skip("pg_dump is used only on PostgreSQL")
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="postgresql-client"):
        call_command("backup_db", "--output", str(tmp_path / f"x{SUFFIX}"))
    assert not list(Path(tmp_path).iterdir())
