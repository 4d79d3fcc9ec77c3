"""Lower-potassium swaps for a meal item: same food group, similar energy.

Design choices [D], named on the page: a swap must at most halve the
potassium per 100 g, and its energy per 100 g must be within 40 % of the
original so the meal stays about as filling.
"""

from __future__ import annotations

from django.db.models import QuerySet

from nutrition.models import Food

MAX_K_SHARE = 0.5
ENERGY_BAND = 0.4
SWAP_COUNT = 5


def lower_potassium_swaps(food: Food) -> QuerySet[Food]:
    if food.potassium_mg is None or food.group_id is None:
        return Food.objects.none()
    candidates = (
        Food.objects.filter(
            group_id=food.group_id,
            kind=Food.Kind.FOOD,
            potassium_mg__isnull=False,
            potassium_mg__lte=food.potassium_mg * MAX_K_SHARE,
        )
        .exclude(pk=food.pk)
        .exclude(source=Food.Source.USER)
    )
    if food.energy_kcal:
        candidates = candidates.filter(
            energy_kcal__gte=food.energy_kcal * (1 - ENERGY_BAND),
            energy_kcal__lte=food.energy_kcal * (1 + ENERGY_BAND),
        )
    return candidates.order_by("potassium_mg", "name")[:SWAP_COUNT]
