"""The day editor and what is done to a day and its items.

The day editor is one page with named partials: the meals, the totals and
the inline food search. The page and every edit read the day through one
assessment (planner.assessment); an htmx edit is answered with the meals and,
out of band, the totals and warnings, all from that one reading, so the
browser never asks again. Every view also works as a plain form POST
followed by a redirect.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config.forms import form_errors
from config.redirects import redirect_after, safe_path
from nutrition.models import Food, Portion
from nutrition.search import search_foods
from planner import history, intake
from planner.access import get_day_for, get_item_for, profile_for
from planner.assessment import Owner, assess_day, viewer_unit
from planner.days.forms import (
    AddItemForm,
    AmountForm,
    CopyMealForm,
    DayNameForm,
    MoveDayForm,
    UnitForm,
    rename,
)
from planner.days.swaps import ENERGY_BAND, MAX_K_SHARE, lower_potassium_swaps
from planner.models import MEAL_ORDER, Meal, MealItem, PlanDay
from planner.summary import rows_for

UNDO_SESSION_KEY = "planner_undo"
UNDO_KEEP = 10


@dataclass
class MealBlock:
    key: str
    label: str
    items: list[MealItem]
    totals: intake.Totals


def _day_items(day: PlanDay) -> list[MealItem]:
    # Loaded once per request and shared: the warning rules read food__supplement and
    # the portion, the meal rows list each food's portions.
    return list(
        day.items.select_related("food__supplement", "portion")
        .prefetch_related(
            Prefetch("food__portions", queryset=Portion.objects.order_by("seq", "id"))
        )
        .order_by("position", "id")
    )


def _items_by_meal(items: list[MealItem], totals: intake.DayTotals) -> list[MealBlock]:
    grouped: dict[str, list[MealItem]] = {meal: [] for meal in MEAL_ORDER}
    for item in items:
        grouped.setdefault(item.meal, []).append(item)
    return [
        MealBlock(meal.value, meal.label, grouped[meal.value], totals.meal(meal.value))
        for meal in Meal
    ]


def _day_context(request: HttpRequest, day: PlanDay, unit: str | None = None) -> dict:
    """The meals, totals and warnings of a day, from one assessment of it."""
    owner = Owner.of(day.plan.owner_id)
    items = _day_items(day)
    assessment = assess_day(day, owner, items=items)
    unit = unit or viewer_unit(request.user, owner)
    return {
        "day": day,
        "targets": assessment.targets,
        "totals": assessment.totals,
        "warnings": assessment.warnings,
        "high_k_items": assessment.high_potassium_items,
        "unit": unit,
        "rows": rows_for(assessment.readings, assessment.targets, unit),
        "unit_choices": UnitForm.base_fields["unit"].choices,
        "meals": _items_by_meal(items, assessment.totals),
        "meal_choices": Meal.choices,
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def day_editor(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk)
    context = _day_context(request, day)
    # The day tabs are this plan's days among the copy targets: one query for both.
    copy_targets = _copy_targets(day.plan.owner)
    query = request.GET.get("q", "").strip()[:100]
    context.update(
        {
            "plan": day.plan,
            "plan_days": [other for other in copy_targets if other.plan_id == day.plan_id],
            "copy_targets": copy_targets,
            "query": query,
            "add_meal": (
                request.GET.get("meal") if request.GET.get("meal") in MEAL_ORDER else "breakfast"
            ),
            "search_results": (
                search_foods(query, limit=12, owner=day.plan.owner) if query else []
            ),
        }
    )
    return render(request, "planner/days/day_editor.html", context)


@login_required
@require_GET
def day_food_search(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    meal = request.GET.get("meal") if request.GET.get("meal") in MEAL_ORDER else "breakfast"
    results = search_foods(query, limit=12, owner=day.plan.owner) if query else []
    return render(
        request,
        "planner/days/day_editor.html#food-results",
        {"day": day, "search_results": results, "query": query, "add_meal": meal},
    )


def _edit_response(request: HttpRequest, day: PlanDay, extra: dict | None = None) -> HttpResponse:
    """The meals, plus the totals panel (with the warnings) as an out-of-band swap.

    Both come from one assessment; what only the full page shows (the day tabs, the
    copy targets) is not computed.
    """
    context = _day_context(request, day)
    context.update(extra or {})
    return render(request, "planner/days/day_editor.html#edit-response", context)


def _after_change(request: HttpRequest, day: PlanDay, extra: dict | None = None) -> HttpResponse:
    if request.htmx:
        return _edit_response(request, day, extra)
    return redirect(day.get_absolute_url())


def _log(request: HttpRequest, day: PlanDay, action: str, summary: str) -> None:
    history.record(request.user, day.plan.owner, action, summary, day.plan)


def _item_gone(request: HttpRequest, day: PlanDay) -> HttpResponse:
    note = "That item was removed meanwhile (in another window or by another person)."
    if request.htmx:
        return _edit_response(request, day, {"errors": [note]})
    messages.error(request, note)
    return redirect(day.get_absolute_url())


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    # The plan's owner reads the day: only foods they can see (never a dietitian's private food).
    form = AddItemForm(request.POST, user=day.plan.owner)
    if not form.is_valid():
        errors = form_errors(form)
        if request.htmx:
            return _edit_response(request, day, {"errors": errors})
        for error in errors:
            messages.error(request, error)
        return redirect(day.get_absolute_url())
    data = form.cleaned_data
    key = data["key"] or None
    if key and MealItem.objects.filter(submission_key=key).exists():
        # The same form sent twice (a double click, a retried request): already added.
        return _after_change(request, day)
    try:
        with transaction.atomic():
            item = day.add_item(
                meal=data["meal"],
                food=data["food"],
                grams=data["grams"],
                portion=data["portion_obj"],
                quantity=data["quantity"],
                submission_key=key,
            )
            note = (
                f"Added {item.amount_label} {item.food.name} to {item.get_meal_display().lower()}."
            )
            _log(request, day, "item-added", f"{day.name}: {note}")
    except IntegrityError:
        if not (key and MealItem.objects.filter(submission_key=key).exists()):
            raise
        # Two copies of one submission raced; the other one added the item.
        return _after_change(request, day)
    if not request.htmx:
        messages.success(request, note)
    return _after_change(request, day, {"status_note": note, "changed_item": item.id})


@login_required
@require_POST
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    form = AmountForm(request.POST, food=item.food)
    day = item.day
    if not form.is_valid():
        errors = form_errors(form)
        if request.htmx:
            return _edit_response(request, day, {"errors": errors, "changed_item": item.id})
        for error in errors:
            messages.error(request, error)
        return redirect(day.get_absolute_url())
    data = form.cleaned_data
    before = f"{item.amount_label} {item.food.name} ({item.get_meal_display().lower()})"
    with transaction.atomic():
        changed = item.change(
            meal=data["meal"],
            grams=data["grams"],
            portion=data["portion_obj"],
            quantity=data["quantity"],
        )
        if not changed:
            return _item_gone(request, day)
        after = f"{item.amount_label} {item.food.name} ({item.get_meal_display().lower()})"
        if after != before:
            _log(request, day, "item-changed", f"{day.name}: changed {before} to {after}")
    return _after_change(request, day, {"changed_item": item.id})


def _remember_for_undo(request: HttpRequest, item: MealItem) -> str:
    token = secrets.token_urlsafe(8)
    stack = request.session.get(UNDO_SESSION_KEY, [])
    stack.append(
        {
            "token": token,
            "day": item.day_id,
            "meal": item.meal,
            "food": item.food_id,
            "grams": item.grams,
            "portion": item.portion_id,
            "quantity": item.quantity,
            "position": item.position,
            "label": f"{item.amount_label} {item.food.name}",
        }
    )
    request.session[UNDO_SESSION_KEY] = stack[-UNDO_KEEP:]
    return token


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    day = item.day
    label = f"{item.amount_label} {item.food.name}"
    with transaction.atomic():
        if not item.remove():
            # Removed by the other session (or a double click): nothing left to undo.
            return _after_change(request, day)
        token = _remember_for_undo(request, item)
        _log(request, day, "item-removed", f"{day.name}: removed {label}")
    undo = {"token": token, "label": label}
    if not request.htmx:
        messages.info(request, f"Removed {label}. Use “Undo” on the day page to bring it back.")
        request.session["planner_last_undo"] = undo
    return _after_change(request, day, {"undo": undo})


@login_required
@require_POST
def item_undo(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    token = request.POST.get("token", "")
    stack = request.session.get(UNDO_SESSION_KEY, [])
    entry = next((e for e in stack if e["token"] == token and e["day"] == day.id), None)
    if entry is None:
        note = "There is nothing to undo: that removal is too old or was undone already."
        if request.htmx:
            return _edit_response(request, day, {"errors": [note]})
        messages.error(request, note)
        return redirect(day.get_absolute_url())
    food = Food.objects.filter(pk=entry["food"]).first()
    if food is None:
        note = "That food is no longer in the database, so the item cannot come back."
        if request.htmx:
            return _edit_response(request, day, {"errors": [note]})
        messages.error(request, note)
        return redirect(day.get_absolute_url())
    portion = Portion.objects.filter(pk=entry["portion"], food=food).first()
    with transaction.atomic():
        # Back in its old place among the items, not last.
        day.add_item(
            meal=entry["meal"],
            food=food,
            grams=entry["grams"],
            portion=portion,
            quantity=entry["quantity"] if portion else None,
            position=entry["position"],
        )
        _log(request, day, "item-restored", f"{day.name}: brought back {entry['label']}")
    request.session[UNDO_SESSION_KEY] = [e for e in stack if e["token"] != token]
    request.session.pop("planner_last_undo", None)
    note = f"Brought back {entry['label']}."
    if not request.htmx:
        messages.success(request, note)
    return _after_change(request, day, {"status_note": note})


@login_required
@require_POST
def day_copy(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    with transaction.atomic():
        copy = day.copy()
        _log(request, day, "day-copied", f"Copied {day.name} to {copy.name}")
    messages.success(request, f"Copied {day.name} to “{copy.name}”.")
    return redirect_after(request, copy.get_absolute_url())


def _copy_targets(user) -> list[PlanDay]:
    return list(
        PlanDay.objects.filter(plan__owner=user)
        .select_related("plan")
        .order_by("plan__name", "plan_id", "position", "id")
    )


@login_required
@require_POST
def meal_copy(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk)
    form = CopyMealForm(request.POST, days=_copy_targets(day.plan.owner))
    if not form.is_valid():
        for error in form_errors(form):
            messages.error(request, error)
        return redirect_after(request, day.get_absolute_url())
    target = get_day_for(request, form.cleaned_data["target_day"], write=True)
    meal = form.cleaned_data["source_meal"]
    target_meal = form.cleaned_data["target_meal"]
    with transaction.atomic():
        items = day.items.filter(meal=meal).order_by("position", "id")
        count = len(target.add_items(items, meal=target_meal))
        _log(
            request,
            target,
            "meal-copied",
            f"Copied {Meal(meal).label.lower()} of {day.name} to {target.name}, "
            f"{Meal(target_meal).label.lower()}",
        )
    messages.success(
        request,
        f"Copied {count} item{'s' if count != 1 else ''} of {Meal(meal).label.lower()} "
        f"to {target.name}, {Meal(target_meal).label.lower()}.",
    )
    return redirect_after(request, target.get_absolute_url())


@login_required
@require_POST
def day_move(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    form = MoveDayForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            # Lock in id order (the same in every session, so two moves cannot deadlock)
            # and sort afterwards: rows sorted before the lock wait keep their old order
            # when another move changes them meanwhile, and that other move would be undone.
            locked = day.plan.days.select_for_update().order_by("id")
            days = sorted(locked, key=lambda d: (d.position, d.id))
            index = next((i for i, d in enumerate(days) if d.id == day.id), None)
            if index is None:
                raise Http404("That day was deleted meanwhile.")
            other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
            if 0 <= other < len(days):
                days[index], days[other] = days[other], days[index]
                for position, each in enumerate(days):
                    each.position = position
                PlanDay.objects.bulk_update(days, ["position"])
                _log(
                    request,
                    day,
                    "day-moved",
                    f"Moved {day.name} "
                    + ("earlier" if form.cleaned_data["direction"] == "up" else "later"),
                )
    else:
        messages.error(request, "Choose to move the day earlier or later.")
    return redirect_after(request, day.plan.get_absolute_url())


@login_required
@require_POST
def day_rename(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    rename(request, DayNameForm(request.POST, instance=day), "day", "Renamed {old} to {new}")
    return redirect(day.get_absolute_url())


@login_required
@require_http_methods(["POST"])
def day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_day_for(request, pk, write=True)
    plan = day.plan
    name = day.name
    with transaction.atomic():
        # The day, then the plan (the order item writes take them in): no item is added to
        # the day while it goes, and of two days deleted at once the second one is kept.
        day.lock()
        plan.lock()
        last = plan.days.count() == 1
        if not last:
            _log(request, day, "day-deleted", f"Deleted {name} from “{plan.name}”")
            day.delete()
    if last:
        messages.error(request, "A plan keeps at least one day; delete the plan instead.")
        return redirect(day.get_absolute_url())
    messages.success(request, f"Deleted {name}.")
    return redirect_after(request, plan.get_absolute_url())


def _toggled_day(request: HttpRequest) -> PlanDay | None:
    # The day editor's toggle names its day, so the totals come back in this response.
    try:
        day_id = int(request.POST.get("day", ""))
    except ValueError:
        return None
    return get_day_for(request, day_id) if 0 < day_id < 2**31 else None


@login_required
@require_POST
def unit_set(request: HttpRequest) -> HttpResponse:
    day = _toggled_day(request) if request.htmx else None
    form = UnitForm(request.POST)
    profile = profile_for(request.user)
    if form.is_valid():
        profile.display_unit = form.cleaned_data["unit"]
        profile.save(update_fields=["display_unit", "updated_at"])
    if day is not None:
        context = _day_context(request, day, unit=profile.display_unit)
        return render(request, "planner/days/day_editor.html#totals", context)
    if request.htmx:
        return HttpResponse(status=204)
    next_url = safe_path(request, request.POST.get("next", "")) or reverse("planner:plan_list")
    return redirect(next_url)


# --- swaps ---------------------------------------------------------------------------------


@login_required
@require_GET
def item_swaps(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk)
    candidates = list(lower_potassium_swaps(item.food))
    context = {
        "item": item,
        "candidates": candidates,
        "max_k_percent": round(MAX_K_SHARE * 100),
        "energy_percent": round(ENERGY_BAND * 100),
    }
    template = "planner/days/swaps.html"
    if request.htmx:
        template += "#swap-list"
    return render(request, template, context)


@login_required
@require_POST
def item_swap(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request, pk, write=True)
    day = item.day
    allowed = {food.id: food for food in lower_potassium_swaps(item.food)}
    try:
        chosen = allowed.get(int(request.POST.get("food", "")))
    except ValueError:
        chosen = None
    if chosen is None:
        note = "That food is not one of the suggested swaps for this item."
        if request.htmx:
            return _edit_response(request, day, {"errors": [note]})
        messages.error(request, note)
        return redirect(day.get_absolute_url())
    old_name = item.food.name
    with transaction.atomic():
        if not item.swap_for(chosen):
            return _item_gone(request, day)
        note = f"Swapped {old_name} for {chosen.name} ({item.grams:g} g)."
        _log(request, day, "item-swapped", f"{day.name}: {note}")
    if not request.htmx:
        messages.success(request, note)
    return _after_change(request, day, {"status_note": note, "changed_item": item.id})
