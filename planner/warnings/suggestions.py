"""Foods that close a gap below the magnesium or potassium target (the *_BELOW_TARGET rules)."""

from __future__ import annotations

from django.core.cache import cache

from clinical.rules import SUGGESTION_MAX_K_PER_PORTION, SUGGESTION_MIN_PER_PORTION
from nutrition.models import Food
from nutrition.rankings import ranked_foods
from nutrition.search import Filters
from planner.warnings.registry import Suggestion

SUGGESTION_GROUPS = ("01", "08", "09", "11", "12", "15", "16", "20")
SUGGESTION_COUNT = 5
SUGGESTION_CACHE_SECONDS = 300


def suggestions(mineral: str, potassium_limited: bool) -> tuple[Suggestion, ...]:
    """Foods that close a gap: the best per portion, one of each kind of food.

    The answer depends only on the food database, not on the day, and costs a
    ranking over every food; it is cached for a few minutes, so a curator's
    correction reaches the suggestions within SUGGESTION_CACHE_SECONDS.
    """
    key = f"mgk:suggestions:{mineral}:{int(potassium_limited)}"
    cached = cache.get(key)
    if cached is None:
        cached = _rank_suggestions(mineral, potassium_limited)
        cache.set(key, cached, SUGGESTION_CACHE_SECONDS)
    return cached


def _rank_suggestions(mineral: str, potassium_limited: bool) -> tuple[Suggestion, ...]:
    if mineral == "mg" and potassium_limited:
        foods = ranked_foods(
            "mg",
            "portion",
            Filters(kind=Food.Kind.FOOD),
            max_k_per_portion=SUGGESTION_MAX_K_PER_PORTION,
        )
    else:
        foods = ranked_foods(mineral, "portion", Filters(kind=Food.Kind.FOOD))
    per_portion = "mg_per_portion" if mineral == "mg" else "k_per_portion"
    foods = foods.filter(
        group__code__in=SUGGESTION_GROUPS,
        **{f"{per_portion}__gte": SUGGESTION_MIN_PER_PORTION[mineral]},
    )[:60]
    picked: list[Suggestion] = []
    seen: set[str] = set()
    for food in foods:
        kind = food.search_name.split(" ")[0] if food.search_name else food.name
        if kind in seen:
            continue
        seen.add(kind)
        picked.append(
            Suggestion(
                food.id,
                food.name,
                food.portion_label or "100 g",
                food.mg_per_portion,
                food.k_per_portion,
                food.get_absolute_url(),
            )
        )
        if len(picked) == SUGGESTION_COUNT:
            break
    return tuple(picked)
