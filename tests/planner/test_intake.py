from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.intake import day_totals, totals_for_days


@pytest.fixture
def day(plan_for, patient):
    return plan_for(patient).days.get()


def test_totals_sum_grams_times_values_per_meal_and_day(day, food, item):
    banana = food("Banana", magnesium_mg=27, potassium_mg=358, energy_kcal=89)
    spinach = food("Spinach", magnesium_mg=79, potassium_mg=558, energy_kcal=23)
    item(day, banana, grams=118, meal="breakfast")
    item(day, spinach, grams=30, meal="lunch")
    item(day, banana, grams=50, meal="lunch")

    totals = day_totals(day)

    assert totals.meal("breakfast")["potassium_mg"] == pytest.approx(358 * 1.18)
    assert totals.meal("lunch")["magnesium_mg"] == pytest.approx(79 * 0.3 + 27 * 0.5)
    assert totals.total["potassium_mg"] == pytest.approx(358 * 1.68 + 558 * 0.3)
    assert totals.total["energy_kcal"] == pytest.approx(89 * 1.68 + 23 * 0.3)
    assert totals.total.items == 3
    assert totals.meal("dinner").items == 0
    assert totals.meal("dinner")["potassium_mg"] is None


def test_unknown_values_are_counted_not_summed_as_zero(day, food, item):
    known = food("Known", potassium_mg=100, sodium_mg=None)
    unknown = food("Unknown", potassium_mg=None, sodium_mg=None)
    item(day, known, grams=100)
    item(day, unknown, grams=100)
    item(day, unknown, grams=50, meal="dinner")

    totals = day_totals(day).total

    assert totals["potassium_mg"] == pytest.approx(100)
    assert totals.missing["potassium_mg"] == 2
    assert totals["sodium_mg"] is None  # nothing known: unknown, not 0
    assert totals.missing["sodium_mg"] == 3
    assert totals.lacking() == {
        "potassium_mg": 2,
        "sodium_mg": 3,
        **{
            k: 3
            for k in ("energy_kcal", "protein_g", "magnesium_mg", "phosphorus_mg", "calcium_mg")
        },
    }


def test_a_real_zero_is_a_value_not_a_gap(day, food, item):
    item(day, food("Water", potassium_mg=0.0), grams=250)
    totals = day_totals(day).total
    assert totals["potassium_mg"] == 0
    assert totals.missing["potassium_mg"] == 0


def test_supplement_magnesium_is_kept_apart_from_food_magnesium(day, food, item, food_group):
    supp = food_group("SUPP", "Supplements")
    oxide = food("Mg oxide", group=supp, kind="supplement", magnesium_mg=24130)
    item(day, oxide, grams=1)
    item(day, food("Almonds", magnesium_mg=270), grams=28)
    totals = day_totals(day).total
    assert totals.supplement_magnesium_mg == pytest.approx(241.3)
    assert totals.food_magnesium_mg == pytest.approx(75.6)
    assert totals["magnesium_mg"] == pytest.approx(316.9)


@pytest.mark.parametrize("count", [5, 40, 160])
def test_totals_take_one_query_whatever_the_number_of_items(day, food, item, count):
    foods = [food(f"Food {i}", magnesium_mg=i, potassium_mg=2 * i) for i in range(8)]
    for i in range(count):
        item(day, foods[i % 8], grams=10 + i, meal=("breakfast", "lunch", "dinner", "snack")[i % 4])
    with CaptureQueriesContext(connection) as queries:
        day_totals(day)
    assert len(queries) == 1


def test_totals_for_many_days_take_one_query(plan_for, patient, food, item):
    plan = plan_for(patient, days=7)
    days = list(plan.days.all())
    spinach = food("Spinach", magnesium_mg=79)
    for day in days:
        item(day, spinach, grams=100)
    with CaptureQueriesContext(connection) as queries:
        result = totals_for_days(d.id for d in days)
    assert len(queries) == 1
    assert all(result[d.id].total["magnesium_mg"] == pytest.approx(79) for d in days)
