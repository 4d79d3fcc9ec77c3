from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "a-Long-test-passw0rd"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Cached answers (e.g. food suggestions) must not leak from one test's foods to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username: str, **extra):
        return get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD, **extra
        )

    return make


@pytest.fixture
def patient(make_user):
    return make_user("patient")


@pytest.fixture
def stranger(make_user):
    return make_user("stranger")


@pytest.fixture
def food_group(db):
    from nutrition.models import FoodGroup

    def make(code: str = "11", name: str = "Vegetables and Vegetable Products"):
        return FoodGroup.objects.get_or_create(code=code, defaults={"name": name})[0]

    return make


@pytest.fixture
def food(db, food_group):
    """Build a food: food("Spinach, raw", magnesium_mg=79, portions=[("1 cup", 30)])."""
    from nutrition.models import Food, Portion

    counter = iter(range(1, 1_000_000))

    def make(name: str, *, portions=(), group=None, **fields):
        fields.setdefault("source", Food.Source.USDA_SR24)
        fields.setdefault("source_id", f"T{next(counter):05d}")
        if group is None:
            group = food_group()
        item = Food.objects.create(name=name, group=group, **fields)
        for seq, (label, grams) in enumerate(portions):
            Portion.objects.create(food=item, label=label, grams=grams, seq=seq)
        return item

    return make


@pytest.fixture
def plan_for(db):
    """plan_for(user, days=2) -> Plan with named days."""
    from planner.models import Plan, PlanDay

    def make(user, name: str = "Week 1", days: int = 1):
        plan = Plan.objects.create(owner=user, author=user, name=name)
        for position in range(days):
            PlanDay.objects.create(plan=plan, position=position, name=f"Day {position + 1}")
        return plan

    return make


@pytest.fixture
def item(db):
    """item(day, food, grams=100, meal="lunch", portion=None, quantity=None) -> MealItem."""
    from planner.models import MealItem

    def make(day, food, grams: float = 100, meal: str = "lunch", **extra):
        return MealItem.objects.create(day=day, food=food, grams=grams, meal=meal, **extra)

    return make


@pytest.fixture
def dietitian(make_user):
    """Dana, in the dietitians group, with no client yet: `tests.helpers.linked` gives her one."""
    from accounts.roles import grant_dietitian

    user = make_user("dana", first_name="Dana", last_name="Lee")
    grant_dietitian(user)
    return user


@pytest.fixture
def curator(make_user):
    """A staff user in the curators group, never a superuser."""
    from accounts.roles import grant_curator

    user = make_user("curator")
    grant_curator(user)
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def supplement(food, food_group):
    """supplement("Magnesium oxide 400", "mg", 241) -> a tablet with its SupplementFacts;
    its per-100 g value is the elemental dose of one 1 g tablet."""
    from tests.helpers import supplement_facts

    def make(name, mineral, elemental, use="supplement", contains_kcl=False, kind="supplement"):
        group = food_group("SUPP", "Supplements and medicines")
        fields = {"magnesium_mg": 0, "potassium_mg": 0}
        fields["magnesium_mg" if mineral == "mg" else "potassium_mg"] = elemental * 100
        made = food(
            name,
            group=group,
            kind=kind,
            contains_kcl=contains_kcl,
            portions=[("1 tablet", 1)],
            **fields,
        )
        supplement_facts(made, mineral, elemental, use=use)
        return made

    return make
