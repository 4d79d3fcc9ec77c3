"""Demo accounts with a week of meals each, for trying the app locally (`make run`).

The demo is data: the people, their profiles, labs, medicines and weeks are in
fixtures/demo/people.toml, the foods they eat (by NDB number or supplement slug,
never a primary key) in fixtures/demo/foods.toml. This module reads them and
loads them. Loading creates what is missing and touches nothing that exists (a
demo plan someone has edited stays as it is); `reset=True` puts the accounts,
profiles and plans back as the files define them. The demo dietitian follows
(planner.demo.care, fixtures/demo/dietitian.toml).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from clinical import medicines
from nutrition.models import Food, Portion
from planner.models import (
    MEAL_ORDER,
    KidneyStatus,
    MealItem,
    Plan,
    PlanDay,
    Profile,
    ProfileMedicine,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"

# The marker that tells a demo account from a real one with the same username:
# .invalid is reserved (RFC 2606), so no real person has such an address.
DEMO_EMAIL_DOMAIN = "demo.invalid"

FoodKey = tuple[str, str]  # (Food.source, Food.source_id)
Entry = tuple[FoodKey, str, float]  # food, portion label, quantity


class DemoError(Exception):
    """The demo cannot be loaded on this database; nothing was written."""


@dataclass(frozen=True)
class DemoDay:
    name: str
    meals: dict[str, tuple[Entry, ...]]

    def entries(self) -> list[tuple[str, Entry]]:
        # In meal order, so positions read breakfast to snacks as in the editor.
        return [(meal, entry) for meal in MEAL_ORDER for entry in self.meals.get(meal, ())]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    password: str
    summary: str  # one line for demo_logins
    first_name: str
    birth_date: dt.date
    sex: str
    kidney_status: str
    egfr: float | None
    serum_k: float | None  # mmol/L
    serum_mg: float | None  # mmol/L
    medicine_codes: tuple[str, ...]
    plan_name: str
    plan_notes: str
    week: tuple[DemoDay, ...] = field(default_factory=tuple)

    @property
    def email(self) -> str:
        return f"{self.username}@{DEMO_EMAIL_DOMAIN}"


def read_toml(name: str, directory: Path = DEMO_DIR) -> dict:
    with open(directory / name, "rb") as file:
        return tomllib.load(file)


def _person(row: dict, foods: dict[str, FoodKey]) -> DemoPerson:
    # A misspelt name, meal or choice fails here, loudly, before anything is written.
    def entry(day: str, item: list) -> Entry:
        name, label, quantity = item
        if name not in foods:
            raise DemoError(f"{row['username']}, {day}: {name!r} is not in foods.toml.")
        return (foods[name], label, float(quantity))

    week = []
    for day in row.pop("week"):
        name = day.pop("name")
        unknown = sorted(set(day) - set(MEAL_ORDER))
        if unknown:
            raise DemoError(f"{row['username']}, {name}: no meal called {unknown[0]!r}.")
        week.append(
            DemoDay(name, {meal: tuple(entry(name, item) for item in day[meal]) for meal in day})
        )
    if row["sex"] not in Profile.Sex.values or row["kidney_status"] not in KidneyStatus.values:
        raise DemoError(f"{row['username']}: sex or kidney_status is not one of the choices.")
    return DemoPerson(
        egfr=row.pop("egfr", None),
        serum_k=row.pop("serum_k", None),
        serum_mg=row.pop("serum_mg", None),
        medicine_codes=tuple(row.pop("medicines", ())),
        week=tuple(week),
        **row,
    )


def read_people(directory: Path = DEMO_DIR) -> tuple[DemoPerson, ...]:
    foods = {
        name: (row["source"], row["id"]) for name, row in read_toml("foods.toml", directory).items()
    }
    return tuple(_person(row, foods) for row in read_toml("people.toml", directory)["people"])


PEOPLE: tuple[DemoPerson, ...] = read_people()


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)
    users_created: int = 0
    plans_created: int = 0
    items_created: int = 0

    def summary(self) -> str:
        return "\n".join(
            [
                *self.lines,
                f"Demo: {self.users_created} users, {self.plans_created} plans and "
                f"{self.items_created} meal items created.",
            ]
        )


def needed_foods(people: tuple[DemoPerson, ...]) -> set[FoodKey]:
    return {entry[0] for person in people for day in person.week for _, entry in day.entries()}


def _resolve_foods(keys: set[FoodKey]) -> dict[FoodKey, Food]:
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    found: dict[FoodKey, Food] = {}
    for source, source_ids in by_source.items():
        for food in Food.objects.filter(source=source, source_id__in=source_ids):
            found[(food.source, food.source_id)] = food
    missing = sorted(keys - found.keys())
    if missing:
        listed = ", ".join(source_id for _, source_id in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        raise DemoError(
            f"The bundled foods are not loaded: {len(missing)} of the {len(keys)} demo foods "
            f"are missing ({listed}{more}). Run `python manage.py load_foods` "
            "(or `make data`) first, then load_demo again."
        )
    return found


def _resolve_portions(foods: dict[FoodKey, Food]) -> dict[tuple[FoodKey, str], Portion]:
    keys = {food.id: key for key, food in foods.items()}
    portions: dict[tuple[FoodKey, str], Portion] = {}
    # Lowest seq wins: SR24 lists "1 slice" twice for white bread (28 g and 25 g).
    for portion in Portion.objects.filter(food_id__in=keys).order_by("seq", "id"):
        portions.setdefault((keys[portion.food_id], portion.label), portion)
    return portions


def _check_medicines(people: tuple[DemoPerson, ...]) -> None:
    for person in people:
        for code in person.medicine_codes:
            if medicines.get_medicine(code) is None:
                raise DemoError(
                    f"{person.username}: medicine code {code!r} is not in the catalogue."
                )


def _build_plan(
    user,
    person: DemoPerson,
    foods: dict[FoodKey, Food],
    portions: dict[tuple[FoodKey, str], Portion],
) -> int:
    plan = Plan.objects.create(
        owner=user, author=user, name=person.plan_name, notes=person.plan_notes
    )
    items: list[MealItem] = []
    for day_position, demo_day in enumerate(person.week):
        day = PlanDay.objects.create(plan=plan, position=day_position, name=demo_day.name)
        for position, (meal, (key, label, quantity)) in enumerate(demo_day.entries()):
            portion = portions.get((key, label))
            if portion is None:
                # The fixture changed under the demo: say which row to fix.
                raise DemoError(
                    f"{person.username}, {demo_day.name}: {key[1]} ({foods[key].name}) has no "
                    f"portion {label!r}; fix fixtures/demo/people.toml."
                )
            items.append(
                MealItem(
                    day=day,
                    meal=meal,
                    food=foods[key],
                    portion=portion,
                    quantity=quantity,
                    grams=portion.grams * quantity,
                    position=position,
                )
            )
    MealItem.objects.bulk_create(items)
    return len(items)


def _set_profile(profile: Profile, person: DemoPerson, today: dt.date) -> None:
    profile.birth_date = person.birth_date
    profile.sex = person.sex
    profile.reproductive = Profile.Reproductive.NONE
    profile.kidney_status = person.kidney_status
    profile.egfr = person.egfr
    profile.serum_k = person.serum_k
    profile.serum_k_unit = Profile.SerumKUnit.MMOL_L
    profile.serum_mg = person.serum_mg
    profile.serum_mg_unit = Profile.SerumMgUnit.MMOL_L
    # Recent results, so nothing flags them as stale on a fresh demo.
    profile.labs_date = today - dt.timedelta(days=7)
    profile.save()
    profile.medicines.exclude(code__in=person.medicine_codes).delete()
    for code in person.medicine_codes:
        ProfileMedicine.objects.get_or_create(profile=profile, code=code)


def load_demo(reset: bool = False, people: tuple[DemoPerson, ...] = PEOPLE) -> DemoReport:
    """Create the demo accounts, profiles and plans that are missing, in one transaction.

    With reset=True, existing demo accounts get their password, profile and
    plan back as defined in the data. A real account that happens to use a demo
    username is never touched.
    """
    _check_medicines(people)
    foods = _resolve_foods(needed_foods(people))
    portions = _resolve_portions(foods)
    report = DemoReport()
    today = dt.date.today()
    User = get_user_model()
    with transaction.atomic():
        for person in people:
            user, user_created = User.objects.get_or_create(
                username=person.username,
                defaults={"email": person.email, "first_name": person.first_name},
            )
            if not user_created and user.email != person.email:
                raise DemoError(
                    f"A user named {person.username!r} exists and is not a demo account "
                    f"(its email is not @{DEMO_EMAIL_DOMAIN}); nothing was changed."
                )
            if user_created or reset:
                user.set_password(person.password)
                user.save()
            report.users_created += user_created

            profile, profile_created = Profile.objects.get_or_create(user=user)
            # A new account's profile is set even if something created it empty.
            if user_created or profile_created or reset:
                _set_profile(profile, person, today)

            existing = Plan.objects.filter(owner=user, name=person.plan_name)
            if reset:
                existing.delete()
            if reset or not existing.exists():
                report.items_created += _build_plan(user, person, foods, portions)
                report.plans_created += 1
                state = "created"
            else:
                state = "already there, left as it is"
            report.lines.append(
                f"{person.username}: {'new account' if user_created else 'account exists'}; "
                f"plan “{person.plan_name}” {state}."
            )
    return report


def login_lines(people: tuple[DemoPerson, ...] = PEOPLE) -> list[str]:
    return [f"  {p.username} / {p.password} — {p.summary}" for p in people]
