"""Read-only JSON for foods: GET /api/foods/?q=… and GET /api/foods/<id>/."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from nutrition.forms import SearchForm
from nutrition.models import NUTRIENT_FIELDS, Food, Portion
from nutrition.search import Filters, base_queryset, search_foods, with_display_data

DEFAULT_LIMIT = 20


def food_json(food: Food) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": food.id,
        "name": food.name,
        "kind": food.kind,
        "source": food.source,
        "source_id": food.source_id,
        "group": {"code": food.group.code, "name": food.group.name} if food.group else None,
        "contains_kcl": food.contains_kcl,
        # null means unknown, never zero
        "per_100g": {field: getattr(food, field) for field in NUTRIENT_FIELDS},
        "portions": [{"id": p.id, "label": p.label, "grams": p.grams} for p in food.portions.all()],
        "url": food.get_absolute_url(),
    }
    facts = getattr(food, "supplement", None) if food.is_supplement else None
    if facts is not None:
        data["supplement"] = {
            "mineral": facts.mineral,
            "use": facts.use,
            "salt_form": facts.salt_form,
            "unit": facts.unit,
            "elemental_mg_per_unit": facts.elemental_mg_per_unit,
            "salt_mg_per_unit": facts.salt_mg_per_unit,
            "side_effects": facts.side_effects,
            "reference": facts.reference,
        }
    return data


def _error(message: str, status: int = 400, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_GET
def food_list(request: HttpRequest) -> JsonResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return _error("Invalid query parameters.", fields=fields)
    data = form.cleaned_data
    filters = Filters(group=data["group"] or None, kind=data["kind"] or None)
    limit = data["limit"] or DEFAULT_LIMIT
    if data["q"]:
        foods = search_foods(data["q"], filters, limit=limit)
    else:
        foods = list(with_display_data(base_queryset(filters)).order_by("name", "id")[:limit])
    return JsonResponse({"count": len(foods), "results": [food_json(f) for f in foods]})


@require_GET
def food_item(request: HttpRequest, pk: int) -> JsonResponse:
    food = (
        Food.objects.exclude(source=Food.Source.USER)
        .select_related("group", "supplement")
        .prefetch_related(Prefetch("portions", queryset=Portion.objects.order_by("seq", "id")))
        .filter(pk=pk)
        .first()
    )
    if food is None:
        return _error("No food with this id.", status=404)
    return JsonResponse(food_json(food))
