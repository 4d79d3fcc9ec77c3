from __future__ import annotations

import functools
import gzip
import shutil
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from nutrition.models import Food
from nutrition.sr24 import FIXTURE_DIR, FOODS_FILE, GROUPS_FILE, PORTIONS_FILE, load_foods
from planner.demo.loader import PEOPLE, needed_foods
from planner.intake import totals_for_days
from planner.models import MEAL_ORDER, MealItem, Plan, PlanDay, Profile
from tests.conftest import PASSWORD

CKD, DIURETIC = PEOPLE
POTASSIUM_LIMIT = 3000  # the renal default for CKD G4 (clinical.md §3)


@functools.cache
def _demo_rows() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bundled fixture's rows for the demo's foods only (read once per session)."""
    ndbs = {source_id for source, source_id in needed_foods(PEOPLE) if source == "usda-sr24"}
    frames = []
    for name in (FOODS_FILE, PORTIONS_FILE):
        frame = pd.read_csv(FIXTURE_DIR / name, dtype=str, keep_default_na=False)
        frames.append(frame[frame["ndb"].isin(ndbs)])
    return frames[0], frames[1]


@pytest.fixture
def demo_foods(db, tmp_path: Path) -> None:
    # The real bundled values and portion labels, cut down to the ~60 foods
    # the demo uses and loaded by the real loader: the full load takes ~2 s.
    foods, portions = _demo_rows()
    for name, frame in ((FOODS_FILE, foods), (PORTIONS_FILE, portions)):
        with gzip.open(tmp_path / name, "wt", newline="") as out:
            frame.to_csv(out, index=False)
    shutil.copy(FIXTURE_DIR / GROUPS_FILE, tmp_path / GROUPS_FILE)
    load_foods(tmp_path)  # also syncs the supplements


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "profiles": Profile.objects.count(),
        "plans": Plan.objects.count(),
        "days": PlanDay.objects.count(),
        "items": MealItem.objects.count(),
    }


def _week_totals(person) -> dict[str, dict]:
    plan = Plan.objects.get(owner__username=person.username, name=person.plan_name)
    days = list(plan.days.order_by("position"))
    totals = totals_for_days(day.id for day in days)
    return {day.name: totals[day.id].total for day in days}


def test_it_creates_both_people_with_a_full_week(debug, demo_foods):
    output = _load()

    assert "2 users, 2 plans" in output
    for person in PEOPLE:
        user = get_user_model().objects.get(username=person.username)
        assert user.check_password(person.password)
        plan = Plan.objects.get(owner=user)
        assert plan.author == user
        days = list(plan.days.order_by("position"))
        assert [d.name for d in days] == [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        for day in days:
            meals = set(day.items.values_list("meal", flat=True))
            assert meals == set(MEAL_ORDER), f"{person.username} {day.name}: {meals}"
            # Household portions, and grams that agree with them.
            for item in day.items.select_related("portion"):
                assert item.portion is not None
                assert item.grams == pytest.approx(item.portion.grams * item.quantity)


def test_it_sets_up_the_profiles(debug, demo_foods):
    _load()

    ckd = Profile.objects.get(user__username=CKD.username)
    assert (ckd.kidney_status, ckd.egfr, ckd.serum_k) == ("g4", 22, 5.3)
    assert ckd.medicine_codes == ["lisinopril"]
    diuretic = Profile.objects.get(user__username=DIURETIC.username)
    assert (diuretic.kidney_status, diuretic.sex) == ("none", "male")
    assert (diuretic.serum_mg_mmol, diuretic.serum_k) == (0.62, 3.2)
    assert diuretic.medicine_codes == ["furosemide"]
    assert 59 <= diuretic.age <= 70


def test_a_second_run_changes_nothing(debug, demo_foods):
    _load()
    before = _counts()
    items = list(MealItem.objects.order_by("id").values_list("id", "food_id", "grams"))

    output = _load()

    assert _counts() == before
    assert list(MealItem.objects.order_by("id").values_list("id", "food_id", "grams")) == items
    assert "0 users, 0 plans and 0 meal items created" in output


def test_it_keeps_a_demo_plan_someone_edited_until_reset(debug, demo_foods):
    _load()
    plan = Plan.objects.get(owner__username=CKD.username)
    MealItem.objects.filter(day__plan=plan, meal="snack").delete()
    edited = MealItem.objects.filter(day__plan=plan).count()

    _load()
    assert MealItem.objects.filter(day__plan=plan).count() == edited

    _load("--reset")
    assert Plan.objects.filter(owner__username=CKD.username).count() == 1
    rebuilt = Plan.objects.get(owner__username=CKD.username)
    assert MealItem.objects.filter(day__plan=rebuilt, meal="snack").count() > 0


def test_it_refuses_without_debug(settings, demo_foods):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG") as excinfo:
        _load()

    assert "--force" in str(excinfo.value)
    assert _counts()["users"] == 0


def test_force_runs_it_without_debug(settings, demo_foods):
    settings.DEBUG = False

    _load("--force")

    assert Plan.objects.count() == 2


def test_it_fails_clearly_without_the_foods(db, debug):
    with pytest.raises(CommandError, match="load_foods"):
        _load()

    assert _counts() == dict.fromkeys(["users", "profiles", "plans", "days", "items"], 0)


def test_it_fails_when_only_some_foods_are_loaded(debug, demo_foods):
    Food.objects.filter(source="usda-sr24", source_id="09003").delete()

    with pytest.raises(CommandError, match="09003"):
        _load()

    assert Plan.objects.count() == 0


def test_it_never_touches_a_real_account_with_a_demo_name(debug, demo_foods, make_user):
    real = make_user(CKD.username)

    with pytest.raises(CommandError, match="not a demo account"):
        _load()

    real.refresh_from_db()
    assert real.check_password(PASSWORD)
    assert Plan.objects.count() == 0


def test_the_ckd_week_stays_near_the_potassium_limit_but_one_day(debug, demo_foods):
    _load()

    potassium = {day: t["potassium_mg"] for day, t in _week_totals(CKD).items()}

    over = [day for day, mg in potassium.items() if mg > POTASSIUM_LIMIT]
    assert over == ["Saturday"], potassium
    assert all(1500 <= mg <= 3500 for day, mg in potassium.items() if day != "Saturday"), potassium
    assert all(t.lacking() == {} for t in _week_totals(CKD).values())


def test_the_diuretic_week_is_rich_in_magnesium_and_potassium(debug, demo_foods):
    _load()

    totals = _week_totals(DIURETIC)

    for day, total in totals.items():
        # The RDA (420 mg Mg) from food alone, and the potassium AI (3,400 mg).
        assert total.food_magnesium_mg >= 420, day
        assert total["potassium_mg"] >= 3400, day
    with_capsule = [day for day, total in totals.items() if total.supplement_magnesium_mg]
    assert 0 < len(with_capsule) < 7
    assert all(totals[day].supplement_magnesium_mg == pytest.approx(100) for day in with_capsule)


def test_demo_logins_prints_one_line_per_account(debug, demo_foods):
    _load()
    out = StringIO()

    call_command("demo_logins", stdout=out)

    lines = out.getvalue().splitlines()
    assert f"  {CKD.username} / {CKD.password} — {CKD.summary}" in lines
    assert any(line.startswith(f"  {DIURETIC.username} / {DIURETIC.password} — ") for line in lines)


def test_demo_logins_says_so_when_there_is_no_demo(db):
    out = StringIO()

    call_command("demo_logins", stdout=out)

    assert "load_demo" in out.getvalue()
    assert CKD.password not in out.getvalue()


def test_the_demo_dietitian_looks_after_both_demo_people(debug, demo_foods, client):
    from planner import access
    from planner.demo import care as demo_care
    from planner.models import CareLink, Comment, CustomTarget, ShareLink

    _load()
    dietitian = get_user_model().objects.get(username=demo_care.USERNAME)
    assert access.is_dietitian(dietitian)
    linked = set(
        CareLink.objects.filter(dietitian=dietitian, status="active").values_list(
            "client__username", flat=True
        )
    )
    assert linked == {CKD.username, DIURETIC.username}
    target = CustomTarget.objects.get(profile__user__username=CKD.username)
    assert (target.nutrient, target.maximum, target.set_by) == ("potassium_mg", 2500, dietitian)
    assert Comment.objects.filter(author=dietitian, plan__owner__username=CKD.username).count() == 2
    link = ShareLink.objects.get(plan__owner__username=CKD.username)
    assert client.get(f"/share/{link.token}/").status_code == 200
    assert client.login(username=demo_care.USERNAME, password=demo_care.PASSWORD)
    assert CKD.first_name in client.get("/clients/").content.decode()


def test_a_second_run_adds_no_second_link_comment_or_share(debug, demo_foods):
    from planner.models import CareLink, Comment, ShareLink

    _load()
    before = (CareLink.objects.count(), Comment.objects.count(), ShareLink.objects.count())
    output = _load()
    after = (CareLink.objects.count(), Comment.objects.count(), ShareLink.objects.count())
    assert before == after == (2, 3, 1)
    assert "Demo dietitian: already there" in output


def test_demo_logins_include_the_dietitian(debug, demo_foods):
    from planner.demo import care as demo_care

    _load()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert demo_care.login_line() in out.getvalue().splitlines()
