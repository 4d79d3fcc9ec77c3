from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from clinical import nutrients
from clinical.classes import HIGH_POTASSIUM_ITEM_MG, phosphorus_class, potassium_class
from nutrition import sources
from nutrition.forms import DEFAULT_RANKING, PortionForm, RankingForm, SearchForm
from nutrition.history import curator_corrections
from nutrition.models import Food, FoodMerge, Portion
from nutrition.rankings import (
    BASES,
    MIN_KCAL_FOR_ENERGY_BASIS,
    MIN_MG_PER_PORTION_FOR_RATIO,
    NUTRIENTS,
    ranked_foods,
)
from nutrition.search import Filters, search_foods

RANKING_PAGE_SIZE = 25


@dataclass(frozen=True)
class NutrientRow:
    field: str
    label: str
    unit: str
    per_100g: float | None
    per_amount: float | None


def nutrient_rows(food: Food, grams: float, unit: str = "mg") -> list[NutrientRow]:
    """A food's nutrients per 100 g and per `grams`, in the registry's order and labels;
    K, Mg and Na in `unit` (mg, mmol or mEq), the rest in their stored unit."""
    rows = []
    for nutrient in nutrients.NUTRIENTS.values():
        per_100g = getattr(food, nutrient.field)
        per_amount = None if per_100g is None else per_100g * grams / 100
        rows.append(
            NutrientRow(
                nutrient.field,
                nutrient.label,
                nutrients.unit_label(nutrient.field, unit),
                nutrients.in_unit(per_100g, nutrient.field, unit),
                nutrients.in_unit(per_amount, nutrient.field, unit),
            )
        )
    return rows


@require_GET
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    foods: list[Food] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        filters = Filters(
            group=form.cleaned_data["group"] or None, kind=form.cleaned_data["kind"] or None
        )
        foods = search_foods(query, filters, limit=form.cleaned_data["limit"] or 50)
    context = {"form": form, "foods": foods, "query": query}
    template = "nutrition/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def rankings(request: HttpRequest) -> HttpResponse:
    form = RankingForm(request.GET or DEFAULT_RANKING)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        foods = ranked_foods(
            data["nutrient"],
            data["basis"],
            Filters(group=data["group"] or None, kind=data["kind"] or None),
            max_k_per_portion=data["max_k"],
        )
        # get_page() turns a bad or out-of-range page number into a real page.
        page = Paginator(foods, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "basis": BASES.get(form.data.get("basis", "")),
        "nutrient_label": NUTRIENTS.get(form.data.get("nutrient", ""), ("", ""))[1],
        "querystring": params.urlencode(),
        "min_kcal": MIN_KCAL_FOR_ENERGY_BASIS,
        "min_mg_ratio": MIN_MG_PER_PORTION_FOR_RATIO,
    }
    template = "nutrition/rankings.html"
    if request.htmx and not request.htmx.boosted:
        template += "#ranking-results"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def food_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Public foods, and a signed-in user's own private foods; others get 404.
    food = (
        Food.objects.visible_to(request.user)
        .select_related("group", "supplement")
        .prefetch_related(Prefetch("portions", queryset=Portion.objects.order_by("seq", "id")))
        .filter(pk=pk)
        .first()
    )
    if food is None:
        # A duplicate merged away leads to the food it was merged into.
        merge = FoodMerge.objects.filter(retired_id=pk).first()
        if merge is None:
            raise Http404("No such food.")
        return redirect(merge.kept)
    portions = list(food.portions.all())
    default = portions[0] if portions else None
    initial = {"portion": default.id if default else None, "quantity": 1, "unit": "mg"}
    form = PortionForm(request.GET or initial, food=food)
    grams = default.grams if default else 100.0
    label = str(default) if default else "100 g"
    unit = "mg"
    if form.is_valid():
        data = form.cleaned_data
        unit = data["unit"] or "mg"
        chosen = next((p for p in portions if p.id == data["portion"]), None)
        if chosen is not None:
            quantity = data["quantity"] or 1
            grams = chosen.grams * quantity
            label = f"{quantity:g} × {chosen.label}"
        elif data["grams"]:
            grams = data["grams"]
            label = f"{grams:g} g"
    k_amount = food.per_grams("potassium_mg", grams)
    p_amount = food.per_grams("phosphorus_mg", grams)
    context = {
        "food": food,
        "portions": portions,
        "form": form,
        "grams": grams,
        "portion_label": label,
        "unit": unit,
        "rows": nutrient_rows(food, grams, unit),
        "k_class": potassium_class(k_amount),
        "p_class": phosphorus_class(p_amount),
        "high_k_threshold": HIGH_POTASSIUM_ITEM_MG,
        # Only a curated food has corrections to show: no query for the others.
        "corrections": curator_corrections(food) if food.curated_at else [],
    }
    template = "nutrition/food_detail.html"
    if request.htmx and not request.htmx.boosted:
        template += "#amounts"
    return render(request, template, context)


@require_GET
def sources_page(request: HttpRequest) -> HttpResponse:
    return render(request, "nutrition/sources.html", {"minerals": sources.families_with_foods()})
