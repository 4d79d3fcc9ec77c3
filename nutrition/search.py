"""Food search ranked by relevance.

The database narrows the candidates (every query word must appear in the
folded name); Python ranks the few hundred that remain, because "word-start
beats substring, shorter names first" is clearer in code than in portable SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from nutrition.models import Food, Portion
from nutrition.text import normalize

MAX_QUERY_WORDS = 8
MAX_LIMIT = 100


@dataclass(frozen=True)
class Filters:
    group: str | None = None  # FoodGroup.code
    kind: str | None = None  # Food.Kind value


def _word_score(token: str, words: list[str]) -> tuple[int, int]:
    """Best match of one query word: (score, position of the word it matched)."""
    best = (0, len(words))
    for position, word in enumerate(words):
        if word == token or word in (token + "s", token + "es") or token in (word + "s",):
            score = 3
        elif word.startswith(token):
            score = 2
        elif token in word:
            score = 1
        else:
            continue
        if score > best[0]:
            best = (score, position)
    return best


def rank_key(query: str, tokens: list[str], search_name: str) -> tuple:
    words = search_name.split()
    score = 0
    positions = 0
    for token in tokens:
        token_score, position = _word_score(token, words)
        score += token_score
        positions += position
    if search_name == query:
        score += 100
    elif search_name.startswith(query):
        score += 10
    if words and tokens and words[0].startswith(tokens[0]):
        score += 5
    # Higher score first, then matches earlier in the name, then shorter names.
    return (-score, positions, len(words), len(search_name), search_name)


def base_queryset(filters: Filters, owner=None) -> QuerySet[Food]:
    # Public foods, plus the private foods of `owner` (a signed-in user) when given.
    foods = Food.objects.visible_to(owner)
    if filters.group:
        foods = foods.filter(group__code=filters.group)
    if filters.kind:
        foods = foods.filter(kind=filters.kind)
    return foods


def with_display_data(foods: QuerySet[Food]) -> QuerySet[Food]:
    return foods.select_related("group").prefetch_related(
        Prefetch("portions", queryset=Portion.objects.order_by("seq", "id"))
    )


def search_foods(
    query: str, filters: Filters = Filters(), limit: int = 50, *, owner=None
) -> list[Food]:
    """Foods matching every word of `query`, best first; `owner`'s own foods too."""
    folded = normalize(query)
    tokens = folded.split()[:MAX_QUERY_WORDS]
    if not tokens:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    candidates = base_queryset(filters, owner)
    for token in tokens:
        candidates = candidates.filter(search_name__contains=token)
    ranked = sorted(
        candidates.values_list("id", "search_name"),
        key=lambda row: rank_key(folded, tokens, row[1]),
    )
    ids = [food_id for food_id, _ in ranked[:limit]]
    return _in_order(with_display_data(Food.objects.filter(id__in=ids)), ids)


def _in_order(foods: Iterable[Food], ids: list[int]) -> list[Food]:
    by_id = {food.id: food for food in foods}
    return [by_id[food_id] for food_id in ids if food_id in by_id]
