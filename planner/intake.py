"""What a day's menu adds up to, computed by the database.

One aggregate query groups a day's (or several days') items by meal; the
day total is the sum of its meals. Unknown values are not zero: SUM skips
NULLs and a separate count says how many items lacked each value, so a
total is shown as "at least" when anything was missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, Q, Sum

from nutrition.models import NUTRIENT_FIELDS, Food
from planner.models import MEAL_ORDER, Meal, MealItem, PlanDay

SUPPLEMENT_MG = "supplement_magnesium_mg"


@dataclass
class Totals:
    """Nutrient sums for a set of items; None where no item had a value."""

    values: dict[str, float | None] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    items: int = 0
    supplement_magnesium_mg: float = 0.0

    def __getitem__(self, nutrient: str) -> float | None:
        # KeyError for anything else lets templates fall through to attributes.
        if nutrient not in NUTRIENT_FIELDS:
            raise KeyError(nutrient)
        return self.values.get(nutrient)

    @property
    def food_magnesium_mg(self) -> float | None:
        total = self.values.get("magnesium_mg")
        return None if total is None else total - self.supplement_magnesium_mg

    def add(self, other: Totals) -> None:
        for nutrient in NUTRIENT_FIELDS:
            mine, theirs = self.values.get(nutrient), other.values.get(nutrient)
            if theirs is not None:
                self.values[nutrient] = (mine or 0.0) + theirs
            else:
                self.values.setdefault(nutrient, mine)
            self.missing[nutrient] = self.missing.get(nutrient, 0) + other.missing.get(nutrient, 0)
        self.items += other.items
        self.supplement_magnesium_mg += other.supplement_magnesium_mg

    def lacking(self) -> dict[str, int]:
        """Nutrients with items that lack a value, and how many items."""
        return {n: c for n, c in self.missing.items() if c}


@dataclass
class DayTotals:
    day_id: int
    meals: dict[str, Totals]
    total: Totals

    def meal(self, meal: str) -> Totals:
        return self.meals[meal]


def _aggregates() -> dict:
    aggregates: dict = {"item_count": Count("id")}
    for nutrient in NUTRIENT_FIELDS:
        aggregates[nutrient] = Sum(
            F("grams") * F(f"food__{nutrient}") / 100.0, output_field=FloatField()
        )
        aggregates[f"{nutrient}__missing"] = Count(
            "id", filter=Q(**{f"food__{nutrient}__isnull": True})
        )
    aggregates[SUPPLEMENT_MG] = Sum(
        F("grams") * F("food__magnesium_mg") / 100.0,
        filter=Q(food__kind=Food.Kind.SUPPLEMENT),
        output_field=FloatField(),
    )
    return aggregates


def _empty_day(day_id: int) -> DayTotals:
    meals = {meal: _empty_totals() for meal in MEAL_ORDER}
    return DayTotals(day_id=day_id, meals=meals, total=_empty_totals())


def _empty_totals() -> Totals:
    return Totals(
        values=dict.fromkeys(NUTRIENT_FIELDS),
        missing=dict.fromkeys(NUTRIENT_FIELDS, 0),
    )


def totals_for_days(day_ids: Iterable[int]) -> dict[int, DayTotals]:
    """Totals per meal and per day for many days, in one query."""
    day_ids = list(day_ids)
    result = {day_id: _empty_day(day_id) for day_id in day_ids}
    if not day_ids:
        return result
    rows = (
        MealItem.objects.filter(day_id__in=day_ids)
        .values("day_id", "meal")
        .annotate(**_aggregates())
        .order_by()
    )
    for row in rows:
        meal_totals = Totals(
            values={n: row[n] for n in NUTRIENT_FIELDS},
            missing={n: row[f"{n}__missing"] for n in NUTRIENT_FIELDS},
            items=row["item_count"],
            supplement_magnesium_mg=row[SUPPLEMENT_MG] or 0.0,
        )
        day = result[row["day_id"]]
        if row["meal"] in day.meals:
            day.meals[row["meal"]] = meal_totals
        day.total.add(meal_totals)
    return result


def day_totals(day: PlanDay | int) -> DayTotals:
    day_id = day if isinstance(day, int) else day.pk
    return totals_for_days([day_id])[day_id]


__all__ = ["DayTotals", "Meal", "Totals", "day_totals", "totals_for_days"]
