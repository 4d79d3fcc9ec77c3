"""What the rules read about one day, gathered once per evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from clinical import medicines as medicine_catalogue
from nutrition.models import Food
from planner import intake
from planner.models import MealItem, PlanDay, Profile
from planner.targets import NutrientTarget, ProfileTargets, resolve


def day_items(day: PlanDay | int) -> list[MealItem]:
    """The items with what the rules read, in one query."""
    day_id = day if isinstance(day, int) else day.pk
    return list(
        MealItem.objects.filter(day_id=day_id)
        .select_related("food__supplement", "portion")
        .order_by("position", "id")
    )


def items_for_days(day_ids: list[int]) -> dict[int, list[MealItem]]:
    """Items of many days with what the rules read, in one query."""
    by_day: dict[int, list[MealItem]] = {day_id: [] for day_id in day_ids}
    items = (
        MealItem.objects.filter(day_id__in=day_ids)
        .select_related("food__supplement", "portion")
        .order_by("position", "id")
    )
    for item in items:
        by_day.setdefault(item.day_id, []).append(item)
    return by_day


def _mineral_supplied(food: Food) -> str | None:
    # A missing one-to-one raises an AttributeError subclass, which getattr absorbs.
    facts = getattr(food, "supplement", None)
    return facts.mineral if facts is not None else None


def is_mg_supplement(food: Food) -> bool:
    return _mineral_supplied(food) == "mg"


def is_k_supplement(food: Food) -> bool:
    return food.contains_kcl or _mineral_supplied(food) == "k"


@dataclass(frozen=True)
class Context:
    profile: Profile
    totals: intake.DayTotals
    total: intake.Totals  # the day's total (totals.total)
    targets: ProfileTargets
    items: list[MealItem]
    medicines: list[medicine_catalogue.Medicine]
    suggest: bool  # food suggestions: the day editor wants them, reports do not
    # Derived once, read by several rules.
    k_target: NutrientTarget | None
    k_limit: float | None  # None: potassium is not limited for this person
    mg_target: NutrientTarget | None
    mg_supplements: list[MealItem]
    k_supplements: list[MealItem]  # potassium supplements and salt substitutes
    serum_k: float | None  # mmol/L
    serum_mg: float | None  # mmol/L

    @classmethod
    def build(
        cls,
        profile: Profile,
        day: PlanDay | int,
        *,
        totals: intake.DayTotals | None = None,
        targets: ProfileTargets | None = None,
        items: list[MealItem] | None = None,
        medicine_codes: list[str] | None = None,
        suggest: bool = True,
    ) -> Context:
        """The context of `day`; what the caller already holds is passed in, the rest read."""
        totals = totals or intake.day_totals(day)
        targets = targets or resolve(profile, medicine_codes=medicine_codes)
        items = day_items(day) if items is None else items
        codes = profile.medicine_codes if medicine_codes is None else medicine_codes
        k_target = targets.get("potassium_mg")
        return cls(
            profile=profile,
            totals=totals,
            total=totals.total,
            targets=targets,
            items=items,
            medicines=medicine_catalogue.medicines_for(codes),
            suggest=suggest,
            k_target=k_target,
            k_limit=k_target.maximum if k_target else None,
            mg_target=targets.get("magnesium_mg"),
            mg_supplements=[item for item in items if is_mg_supplement(item.food)],
            k_supplements=[item for item in items if is_k_supplement(item.food)],
            serum_k=profile.serum_k_mmol,
            serum_mg=profile.serum_mg_mmol,
        )

    @property
    def potassium_limited(self) -> bool:
        return self.k_limit is not None
