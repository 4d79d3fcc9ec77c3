"""Top foods by magnesium or potassium on several bases, computed in the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce

from clinical import nutrients
from nutrition.models import Food, Portion
from nutrition.search import Filters, base_queryset

# Design choices [D], shown on the rankings page:
# - foods under 5 kcal per 100 g (water, tea, salt) are left out of the
#   per-100 kcal ranking, where a near-zero denominator would put them on top;
# - the magnesium-per-potassium ranking only lists foods that give at least
#   25 mg of magnesium in a portion, so a teaspoon of baking powder with almost
#   no potassium does not top a list meant for real magnesium sources;
# - a food without household measures counts 100 g as its portion.
MIN_KCAL_FOR_ENERGY_BASIS = 5.0
MIN_MG_PER_PORTION_FOR_RATIO = 25.0
FALLBACK_PORTION_GRAMS = 100.0


@dataclass(frozen=True)
class Basis:
    key: str
    label: str
    unit: str


BASES = {
    "100g": Basis("100g", "per 100 g", "mg / 100 g"),
    "portion": Basis("portion", "per portion", "mg / portion"),
    "100kcal": Basis("100kcal", "per 100 kcal", "mg / 100 kcal"),
    "mg_per_k": Basis("mg_per_k", "magnesium per 100 mg potassium", "mg Mg / 100 mg K"),
}
# The rankable minerals by symbol: (Food field, label) from the nutrient registry.
NUTRIENTS = {
    key: (nutrients.ELEMENTS[key].field, nutrients.ELEMENTS[key].label) for key in ("mg", "k")
}


def annotate_portion(foods: QuerySet[Food]) -> QuerySet[Food]:
    first_portion = Portion.objects.filter(food=OuterRef("pk")).order_by("seq", "id")
    return foods.annotate(
        portion_grams=Coalesce(
            Subquery(first_portion.values("grams")[:1]),
            Value(FALLBACK_PORTION_GRAMS),
            output_field=FloatField(),
        ),
        portion_label=Subquery(first_portion.values("label")[:1]),
    )


def ranked_foods(
    nutrient: str,
    basis: str,
    filters: Filters,
    max_k_per_portion: float | None = None,
) -> QuerySet[Food]:
    field = NUTRIENTS["mg" if basis == "mg_per_k" else nutrient][0]
    foods = annotate_portion(base_queryset(filters)).filter(**{f"{field}__isnull": False})
    foods = foods.annotate(
        k_per_portion=F("potassium_mg") * F("portion_grams") / 100.0,
        mg_per_portion=F("magnesium_mg") * F("portion_grams") / 100.0,
    )
    if max_k_per_portion is not None:
        # Unknown potassium cannot be shown to be under the limit.
        foods = foods.filter(potassium_mg__isnull=False, k_per_portion__lte=max_k_per_portion)
    if basis == "100g":
        score = Cast(F(field), FloatField())
    elif basis == "portion":
        score = F(field) * F("portion_grams") / 100.0
    elif basis == "100kcal":
        foods = foods.filter(energy_kcal__gte=MIN_KCAL_FOR_ENERGY_BASIS)
        score = F(field) * 100.0 / F("energy_kcal")
    elif basis == "mg_per_k":
        foods = foods.filter(potassium_mg__gt=0, mg_per_portion__gte=MIN_MG_PER_PORTION_FOR_RATIO)
        score = F("magnesium_mg") * 100.0 / F("potassium_mg")
    else:
        raise ValueError(f"unknown basis {basis!r}")
    return foods.annotate(score=score).select_related("group").order_by("-score", "name", "id")
