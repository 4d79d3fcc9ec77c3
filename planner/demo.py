"""Demo accounts with a week of meals each, for trying the app locally (`make run`).

Two people whose weeks show what the planner is for:

- demo-ckd: CKD G4 (eGFR 22, serum K 5.3 mmol/L) on lisinopril, so the
  renal potassium limit (3,000 mg, clinical.md §3) applies. Low-potassium
  choices keep most days around 2,000–2,500 mg; Saturday's baked potato and
  orange push it over the limit, so the warning has something to show.
- demo-diuretic: a 60-year-old man on furosemide with low serum magnesium
  and potassium (0.62 and 3.2 mmol/L). A week rich in both, with a magnesium
  glycinate capsule on some days, since potassium does not stay up while
  magnesium is low (clinical.md §7).

Foods are picked by NDB number and portion label from the bundled SR24
fixture, supplements by their slug in nutrition.supplements, so the demo
never depends on primary keys. Loading creates what is missing and touches
nothing that exists (a demo plan someone has edited stays as it is);
`reset=True` puts the accounts, profiles and plans back as defined here.

Most of this file is the two menus. They stay beside the loader, past the
usual ~500 lines, so that one file reads as the whole demo.

The passwords are public on purpose: these accounts exist only on a local
development database, and the command refuses to run without DEBUG.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from nutrition import medicines
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

# The marker that tells a demo account from a real one with the same username:
# .invalid is reserved (RFC 2606), so no real person has such an address.
DEMO_EMAIL_DOMAIN = "demo.invalid"

FoodKey = tuple[str, str]  # (Food.source, Food.source_id)


def sr24(ndb: str) -> FoodKey:
    return (Food.Source.USDA_SR24, ndb)


def curated(slug: str) -> FoodKey:
    return (Food.Source.CURATED, slug)


# -- foods, by NDB number (USDA SR24) -------------------------------------------------------
# Low in potassium per serving, for the CKD week.
EGG_SCRAMBLED = sr24("01132")
WHITE_BREAD = sr24("18069")
BAGEL = sr24("18001")
CREAM_OF_WHEAT = sr24("08103")  # cooked with water
WHITE_RICE = sr24("20045")
SPAGHETTI = sr24("20121")
RICE_NOODLES = sr24("20134")
BUTTER = sr24("01145")
CREAM_CHEESE = sr24("01017")
OLIVE_OIL = sr24("04053")
JAM = sr24("19297")
HONEY = sr24("19296")
COFFEE = sr24("14209")
TEA = sr24("14355")
MILK_2PC = sr24("01079")
APPLE = sr24("09003")
BLUEBERRIES = sr24("09050")
STRAWBERRIES = sr24("09316")
PEAR = sr24("09252")
PINEAPPLE = sr24("09266")
WATERMELON = sr24("09326")
GRAPES = sr24("09131")
GREEN_BEANS = sr24("11053")
CAULIFLOWER = sr24("11136")
CUCUMBER = sr24("11205")
CARROTS = sr24("11125")  # cooked
RED_PEPPER = sr24("11821")
LETTUCE = sr24("11252")
CABBAGE = sr24("11109")
ONION = sr24("11282")
CHICKEN_BREAST = sr24("05064")
CHICKEN_THIGH = sr24("05098")
COD = sr24("15016")
TUNA = sr24("15121")
VANILLA_WAFERS = sr24("18213")
# High in potassium: the CKD week's over-limit day, and the diuretic week.
POTATO_BAKED = sr24("11828")
ORANGE = sr24("09200")
# Rich in magnesium and potassium, for the diuretic week.
PUMPKIN_SEEDS = sr24("12014")
ALMONDS = sr24("12061")
CASHEWS = sr24("12087")
SPINACH_COOKED = sr24("11458")
BLACK_BEANS = sr24("16015")
LENTILS = sr24("16070")
KIDNEY_BEANS = sr24("16033")
CHICKPEAS = sr24("16057")
BROWN_RICE = sr24("20037")
QUINOA = sr24("20137")
OATS = sr24("08120")  # dry
WHOLE_WHEAT_BREAD = sr24("18075")
YOGURT_LOW_FAT = sr24("01117")
SALMON = sr24("15209")
DARK_CHOCOLATE = sr24("19904")
AVOCADO = sr24("09037")
BANANA = sr24("09040")
KIWI = sr24("09148")
TOMATO = sr24("11529")
BROCCOLI = sr24("11090")
PEANUT_BUTTER = sr24("16098")
TOFU = sr24("16126")
ORANGE_JUICE = sr24("09206")
# Supplements, synced by load_foods from nutrition.supplements.
MG_GLYCINATE = curated("supp-mg-glycinate-100")

Entry = tuple[FoodKey, str, float]  # food, portion label, quantity


@dataclass(frozen=True)
class DemoDay:
    name: str
    breakfast: tuple[Entry, ...]
    lunch: tuple[Entry, ...]
    dinner: tuple[Entry, ...]
    snack: tuple[Entry, ...]

    def entries(self) -> list[tuple[str, Entry]]:
        # In meal order, so positions read breakfast to snacks as in the editor.
        return [(meal, entry) for meal in MEAL_ORDER for entry in getattr(self, meal)]


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


# Shared building blocks: the same breakfast recurs, as in a real week.
_COFFEE_WITH_MILK: tuple[Entry, ...] = ((COFFEE, "1 cup (8 fl oz)", 1), (MILK_2PC, "1 fl oz", 2))
_EGGS_ON_TOAST: tuple[Entry, ...] = (
    (EGG_SCRAMBLED, "1 large", 2),
    (WHITE_BREAD, "1 slice", 2),
    (BUTTER, '1 pat (1" sq, 1/3" high)', 2),
)
_TEA: Entry = (TEA, "1 cup (8 fl oz)", 1)

CKD_WEEK: tuple[DemoDay, ...] = (
    DemoDay(
        "Monday",
        breakfast=(*_EGGS_ON_TOAST, (JAM, "1 tbsp", 1), *_COFFEE_WITH_MILK),
        lunch=(
            (CHICKEN_BREAST, "0.5 breast, bone and skin removed", 1),
            (WHITE_BREAD, "1 slice", 2),
            (LETTUCE, "1 cup shredded", 1),
            (CUCUMBER, "0.5 cup slices", 1),
            (APPLE, '1 medium (3" dia)', 1),
        ),
        dinner=(
            (COD, "3 oz", 1.5),
            (WHITE_RICE, "1 cup", 1.5),
            (GREEN_BEANS, "1 cup", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((BLUEBERRIES, "1 cup", 1), (VANILLA_WAFERS, "1 wafer", 4), _TEA),
    ),
    DemoDay(
        "Tuesday",
        breakfast=(
            (CREAM_OF_WHEAT, "1 cup (1 serving)", 1),
            (BLUEBERRIES, "1 cup", 0.5),
            (HONEY, "1 tbsp", 1),
            _TEA,
            (MILK_2PC, "1 fl oz", 2),
        ),
        lunch=(
            (TUNA, "3 oz", 1),
            (WHITE_BREAD, "1 slice", 2),
            (CUCUMBER, "0.5 cup slices", 1),
            (RED_PEPPER, "1 cup, sliced", 1),
            (PEAR, "1 medium", 1),
        ),
        dinner=(
            (SPAGHETTI, "1 cup", 1.5),
            (CHICKEN_BREAST, "1 cup, chopped or diced", 1),
            (CAULIFLOWER, '0.5 cup (1" pieces)', 2),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((PINEAPPLE, "1 cup, chunks", 1), (VANILLA_WAFERS, "1 wafer", 4), _TEA),
    ),
    DemoDay(
        "Wednesday",
        breakfast=(
            (BAGEL, '1 medium bagel (3-1/2" to 4" dia)', 1),
            (CREAM_CHEESE, "1 tbsp", 2),
            (STRAWBERRIES, "1 cup, halves", 1),
            *_COFFEE_WITH_MILK,
        ),
        lunch=(
            (CHICKEN_BREAST, "0.5 breast, bone and skin removed", 1),
            (LETTUCE, "1 cup shredded", 1),
            (RED_PEPPER, "1 cup, sliced", 0.5),
            (CUCUMBER, "0.5 cup slices", 1),
            (OLIVE_OIL, "1 tsp", 2),
            (WHITE_BREAD, "1 slice", 1),
        ),
        dinner=(
            (COD, "3 oz", 1.5),
            (WHITE_RICE, "1 cup", 1.5),
            (CARROTS, "0.5 cup slices", 1),
            (CABBAGE, "1 cup, shredded", 1),
            (BUTTER, "1 tbsp", 1),
        ),
        snack=((APPLE, '1 medium (3" dia)', 1), (WATERMELON, "1 cup, diced", 1), _TEA),
    ),
    DemoDay(
        "Thursday",
        breakfast=(*_EGGS_ON_TOAST, (JAM, "1 tbsp", 1), *_COFFEE_WITH_MILK),
        lunch=(
            (RICE_NOODLES, "1 cup", 1),
            (CHICKEN_BREAST, "0.5 breast, bone and skin removed", 1),
            (RED_PEPPER, "1 cup, sliced", 1),
            (ONION, "1 tbsp chopped", 2),
            (CABBAGE, "1 cup, shredded", 1),
        ),
        dinner=(
            (SPAGHETTI, "1 cup", 1.5),
            (CHICKEN_THIGH, "1 thigh without skin", 1),
            (GREEN_BEANS, "1 cup", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=(
            (WATERMELON, "1 cup, diced", 1),
            (GRAPES, "1 cup", 1),
            (STRAWBERRIES, "1 cup, halves", 1),
        ),
    ),
    DemoDay(
        "Friday",
        breakfast=(
            (CREAM_OF_WHEAT, "1 cup (1 serving)", 1),
            (STRAWBERRIES, "1 cup, halves", 1),
            (HONEY, "1 tbsp", 1),
            _TEA,
            (MILK_2PC, "1 fl oz", 2),
        ),
        lunch=(
            (TUNA, "3 oz", 1),
            (WHITE_BREAD, "1 slice", 2),
            (LETTUCE, "1 cup shredded", 1),
            (CUCUMBER, "0.5 cup slices", 1),
            (APPLE, '1 medium (3" dia)', 1),
        ),
        dinner=(
            (COD, "3 oz", 1.5),
            (WHITE_RICE, "1 cup", 1.5),
            (CAULIFLOWER, '0.5 cup (1" pieces)', 2),
            (CARROTS, "0.5 cup slices", 1),
            (BUTTER, '1 pat (1" sq, 1/3" high)', 1),
        ),
        snack=((BLUEBERRIES, "1 cup", 1), (VANILLA_WAFERS, "1 wafer", 4), _TEA),
    ),
    # The over-limit day: an orange at breakfast and a large baked potato at
    # dinner add some 1,900 mg of potassium, which the limit should flag.
    DemoDay(
        "Saturday",
        breakfast=(*_EGGS_ON_TOAST, (ORANGE, '1 large (3-1/16" dia)', 1), *_COFFEE_WITH_MILK),
        lunch=(
            (TUNA, "3 oz", 1),
            (WHITE_BREAD, "1 slice", 2),
            (LETTUCE, "1 cup shredded", 1),
        ),
        dinner=(
            (POTATO_BAKED, '1 potato large (3" to 4-1/4" dia)', 1),
            (CHICKEN_BREAST, "1 cup, chopped or diced", 1),
            (BUTTER, "1 tbsp", 1),
            (GREEN_BEANS, "1 cup", 1),
        ),
        snack=((STRAWBERRIES, "1 cup, halves", 1), _TEA),
    ),
    DemoDay(
        "Sunday",
        breakfast=(
            (BAGEL, '1 medium bagel (3-1/2" to 4" dia)', 1),
            (CREAM_CHEESE, "1 tbsp", 2),
            (BLUEBERRIES, "1 cup", 1),
            *_COFFEE_WITH_MILK,
        ),
        lunch=(
            (CHICKEN_BREAST, "0.5 breast, bone and skin removed", 1),
            (WHITE_RICE, "1 cup", 1),
            (CARROTS, "0.5 cup slices", 1),
            (GREEN_BEANS, "1 cup", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        dinner=(
            (EGG_SCRAMBLED, "1 large", 2),
            (WHITE_BREAD, "1 slice", 2),
            (RED_PEPPER, "1 cup, sliced", 0.5),
            (CUCUMBER, "0.5 cup slices", 1),
            (CAULIFLOWER, '0.5 cup (1" pieces)', 2),
        ),
        snack=(
            (PEAR, "1 medium", 1),
            (PINEAPPLE, "1 cup, chunks", 1),
            (VANILLA_WAFERS, "1 wafer", 4),
            _TEA,
        ),
    ),
)

_CAPSULE: Entry = (MG_GLYCINATE, "1 capsule", 1)
_OATS_BREAKFAST: tuple[Entry, ...] = (
    (OATS, "1 cup", 0.5),
    (MILK_2PC, "1 cup", 1),
    (BANANA, '1 medium (7" to 7-7/8" long)', 1),
    (PUMPKIN_SEEDS, "1 oz", 0.5),
)

DIURETIC_WEEK: tuple[DemoDay, ...] = (
    DemoDay(
        "Monday",
        breakfast=(*_OATS_BREAKFAST, (COFFEE, "1 cup (8 fl oz)", 1)),
        lunch=(
            (BLACK_BEANS, "1 cup", 1),
            (BROWN_RICE, "1 cup", 1),
            (AVOCADO, "1 cup, cubes", 0.5),
            (TOMATO, '1 medium whole (2-3/5" dia)', 1),
        ),
        dinner=(
            (SALMON, "0.5 fillet", 1),
            (SPINACH_COOKED, "1 cup", 0.5),
            (QUINOA, "1 cup", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((ALMONDS, "1 oz (23 whole kernels)", 1), _CAPSULE),
    ),
    DemoDay(
        "Tuesday",
        breakfast=(
            (YOGURT_LOW_FAT, "1 container (8 oz)", 1),
            (ALMONDS, "1 oz (23 whole kernels)", 0.5),
            (BANANA, '1 medium (7" to 7-7/8" long)', 1),
            (WHOLE_WHEAT_BREAD, "1 slice", 1),
        ),
        lunch=(
            (LENTILS, "1 cup", 1),
            (SPINACH_COOKED, "1 cup", 0.5),
            (WHOLE_WHEAT_BREAD, "1 slice", 2),
            (TOMATO, '1 medium whole (2-3/5" dia)', 1),
        ),
        dinner=(
            (CHICKEN_BREAST, "1 cup, chopped or diced", 1),
            (BROWN_RICE, "1 cup", 1),
            (BROCCOLI, "1 cup chopped", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((DARK_CHOCOLATE, "1 oz", 1), (KIWI, '1 fruit (2" dia)', 2)),
    ),
    DemoDay(
        "Wednesday",
        breakfast=(*_OATS_BREAKFAST, (COFFEE, "1 cup (8 fl oz)", 1)),
        lunch=(
            (WHOLE_WHEAT_BREAD, "1 slice", 2),
            (PEANUT_BUTTER, "2 tbsp", 1),
            (AVOCADO, "1 cup, sliced", 0.5),
            (ORANGE, '1 fruit (2-5/8" dia)', 1),
        ),
        dinner=(
            (COD, "1 fillet", 1),
            (POTATO_BAKED, '1 potato medium (2-1/4" to 3-1/4" dia)', 1),
            (SPINACH_COOKED, "1 cup", 0.5),
            (BUTTER, '1 pat (1" sq, 1/3" high)', 1),
        ),
        snack=((YOGURT_LOW_FAT, "0.5 container (4 oz)", 1), (PUMPKIN_SEEDS, "1 oz", 0.5), _CAPSULE),
    ),
    DemoDay(
        "Thursday",
        breakfast=(
            (WHOLE_WHEAT_BREAD, "1 slice", 2),
            (EGG_SCRAMBLED, "1 large", 2),
            (AVOCADO, "1 cup, sliced", 0.5),
            (ORANGE_JUICE, "1 cup", 1),
        ),
        lunch=(
            (QUINOA, "1 cup", 1),
            (CHICKPEAS, "1 cup", 0.5),
            (TOMATO, '1 medium whole (2-3/5" dia)', 1),
            (CUCUMBER, "0.5 cup slices", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        dinner=(
            (TOFU, "0.5 cup", 1),
            (BROWN_RICE, "1 cup", 1),
            (BROCCOLI, "1 cup chopped", 1),
            (SPINACH_COOKED, "1 cup", 0.5),
            (CASHEWS, "1 oz", 0.5),
        ),
        snack=(
            (BANANA, '1 medium (7" to 7-7/8" long)', 1),
            (KIWI, '1 fruit (2" dia)', 1),
            (DARK_CHOCOLATE, "1 oz", 0.5),
        ),
    ),
    DemoDay(
        "Friday",
        breakfast=(
            (YOGURT_LOW_FAT, "1 container (8 oz)", 1),
            (OATS, "0.333 cup", 1),
            (BLUEBERRIES, "1 cup", 0.5),
            (PUMPKIN_SEEDS, "1 oz", 0.5),
        ),
        lunch=(
            (BLACK_BEANS, "1 cup", 1),
            (BROWN_RICE, "1 cup", 1),
            (AVOCADO, "1 cup, cubes", 0.5),
            (RED_PEPPER, "1 cup, sliced", 1),
        ),
        dinner=(
            (SALMON, "0.5 fillet", 1),
            (SPINACH_COOKED, "1 cup", 0.5),
            (POTATO_BAKED, '1 potato medium (2-1/4" to 3-1/4" dia)', 1),
        ),
        snack=(
            (ALMONDS, "1 oz (23 whole kernels)", 1),
            (BANANA, '1 medium (7" to 7-7/8" long)', 1),
            _CAPSULE,
        ),
    ),
    DemoDay(
        "Saturday",
        breakfast=(
            (EGG_SCRAMBLED, "1 large", 2),
            (WHOLE_WHEAT_BREAD, "1 slice", 2),
            (SPINACH_COOKED, "1 cup", 0.5),
            (COFFEE, "1 cup (8 fl oz)", 1),
        ),
        lunch=(
            (KIDNEY_BEANS, "1 cup", 1),
            (QUINOA, "1 cup", 1),
            (TOMATO, '1 medium whole (2-3/5" dia)', 1),
            (AVOCADO, "1 cup, cubes", 0.5),
        ),
        dinner=(
            (CHICKEN_BREAST, "1 cup, chopped or diced", 1),
            (POTATO_BAKED, '1 potato medium (2-1/4" to 3-1/4" dia)', 1),
            (BROCCOLI, "1 cup chopped", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((YOGURT_LOW_FAT, "1 container (8 oz)", 1), (DARK_CHOCOLATE, "1 oz", 0.5)),
    ),
    DemoDay(
        "Sunday",
        breakfast=(*_OATS_BREAKFAST, (COFFEE, "1 cup (8 fl oz)", 1)),
        lunch=(
            (LENTILS, "1 cup", 1),
            (BROWN_RICE, "1 cup", 0.5),
            (SPINACH_COOKED, "1 cup", 0.5),
            (WHOLE_WHEAT_BREAD, "1 slice", 1),
        ),
        dinner=(
            (SALMON, "0.5 fillet", 1),
            (QUINOA, "1 cup", 1),
            (GREEN_BEANS, "1 cup", 1),
            (OLIVE_OIL, "1 tablespoon", 1),
        ),
        snack=((ALMONDS, "1 oz (23 whole kernels)", 0.5), (KIWI, '1 fruit (2" dia)', 2), _CAPSULE),
    ),
)

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        username="demo-ckd",
        password="kidney-friendly-week",
        summary="CKD G4 on lisinopril, potassium limit",
        first_name="Rosa",
        birth_date=dt.date(1957, 3, 14),
        sex=Profile.Sex.FEMALE,
        kidney_status=KidneyStatus.G4,
        egfr=22,
        serum_k=5.3,
        serum_mg=0.85,
        medicine_codes=("lisinopril",),
        plan_name="Low-potassium week",
        plan_notes=(
            "Demo plan: low-potassium choices keep most days near 2,000–2,500 mg. "
            "Saturday's baked potato and orange go over the 3,000 mg limit."
        ),
        week=CKD_WEEK,
    ),
    DemoPerson(
        username="demo-diuretic",
        password="magnesium-first-week",
        summary="on furosemide, low serum Mg and K, magnesium-rich week",
        first_name="Tom",
        birth_date=dt.date(1966, 5, 2),
        sex=Profile.Sex.MALE,
        kidney_status=KidneyStatus.NONE,
        egfr=None,
        serum_k=3.2,
        serum_mg=0.62,
        medicine_codes=("furosemide",),
        plan_name="Magnesium and potassium week",
        plan_notes=(
            "Demo plan: seeds, nuts, beans, greens and fish every day, and a magnesium "
            "glycinate capsule on four days, to make up for what furosemide washes out."
        ),
        week=DIURETIC_WEEK,
    ),
)


class DemoError(Exception):
    """The demo cannot be loaded on this database; nothing was written."""


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
                    f"portion {label!r}; fix planner/demo.py."
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
    plan back as defined above. A real account that happens to use a demo
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
