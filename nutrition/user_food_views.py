"""My foods (a user's private foods from product labels) and the curators' review queue.

A private food belongs to its owner alone: every view here looks it up through
`_get_own_food`, and anyone else gets 404. The queue is for curators only
(accounts.roles.is_curator); others get 404 too, as for any page they
have no business knowing about.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, ProtectedError, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.roles import is_curator
from nutrition.curation import moderation
from nutrition.models import Food, Portion
from nutrition.user_food_forms import RejectForm, UserFoodForm

EDITABLE = (Food.Review.PRIVATE, Food.Review.REJECTED)


def _portions() -> Prefetch:
    return Prefetch("portions", queryset=Portion.objects.order_by("seq", "id"))


def _get_own_food(request: HttpRequest, pk: int) -> Food:
    return get_object_or_404(
        Food.objects.filter(source=Food.Source.USER, owner=request.user).prefetch_related(
            _portions()
        ),
        pk=pk,
    )


@login_required
@require_GET
def my_foods(request: HttpRequest) -> HttpResponse:
    # Approved foods are public now, but their author still finds them here.
    foods = (
        Food.objects.filter(
            Q(source=Food.Source.USER, owner=request.user)
            | Q(created_by=request.user, review_status=Food.Review.APPROVED)
        )
        .prefetch_related(_portions())
        .order_by("name", "id")
    )
    return render(request, "nutrition/user_foods.html", {"foods": foods})


def _save(form: UserFoodForm, food: Food, reason: str) -> Food:
    data = form.cleaned_data
    with transaction.atomic():
        food.name = " ".join(data["name"].split())
        for name, value in form.per_100g().items():
            setattr(food, name, value)
        food._change_reason = reason
        food.save()
        serving = food.portions.order_by("seq", "id").first() or Portion(food=food, seq=0)
        if (serving.label, serving.grams) != (data["serving_label"], data["serving_grams"]):
            serving.label, serving.grams = data["serving_label"], data["serving_grams"]
            serving._change_reason = reason
            serving.save()
    return food


def _form_page(request: HttpRequest, form: UserFoodForm, food: Food | None) -> HttpResponse:
    template = "nutrition/user_food_form.html"
    if request.htmx and request.POST.get("preview"):
        template += "#conversion"
    return render(request, template, {"form": form, "food": food, "conversion": form.conversion()})


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def user_food_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, UserFoodForm(), None)
    form = UserFoodForm(request.POST)
    if request.POST.get("preview") or not form.is_valid():
        return _form_page(request, form, None)
    food = Food(
        source=Food.Source.USER,
        # Unique and meaningless; an approved food gets "user-<id>" instead.
        source_id=uuid.uuid4().hex[:16],
        owner=request.user,
        created_by=request.user,
        review_status=Food.Review.PRIVATE,
    )
    _save(form, food, "Added from a product label")
    messages.success(request, f"“{food.name}” is in your foods; only you can see it.")
    return redirect("nutrition:user_food_detail", pk=food.pk)


@login_required
@require_GET
def user_food_detail(request: HttpRequest, pk: int) -> HttpResponse:
    food = _get_own_food(request, pk)
    form = UserFoodForm(UserFoodForm.initial_for(food))
    return render(
        request,
        "nutrition/user_food_detail.html",
        {"food": food, "conversion": form.conversion(), "editable": food.review_status in EDITABLE},
    )


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def user_food_edit(request: HttpRequest, pk: int) -> HttpResponse:
    food = _get_own_food(request, pk)
    if food.review_status not in EDITABLE:
        messages.error(
            request, "A food waiting for review cannot change until a curator has looked."
        )
        return redirect("nutrition:user_food_detail", pk=food.pk)
    if request.method != "POST":
        return _form_page(request, UserFoodForm(initial=UserFoodForm.initial_for(food)), food)
    form = UserFoodForm(request.POST)
    if request.POST.get("preview") or not form.is_valid():
        return _form_page(request, form, food)
    _save(form, food, "Edited by its author")
    messages.success(request, "Saved. Your menus use the new values.")
    return redirect("nutrition:user_food_detail", pk=food.pk)


@login_required
@require_POST
def user_food_submit(request: HttpRequest, pk: int) -> HttpResponse:
    food = _get_own_food(request, pk)
    try:
        moderation.submit(food)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Sent for review. A curator checks it against the label; once approved, everyone can "
            "find it. You can keep using it meanwhile.",
        )
    return redirect("nutrition:user_food_detail", pk=food.pk)


@login_required
@require_POST
def user_food_delete(request: HttpRequest, pk: int) -> HttpResponse:
    food = _get_own_food(request, pk)
    name = food.name
    try:
        with transaction.atomic():
            food._change_reason = "Deleted by its author"
            food.delete()
    except ProtectedError:
        messages.error(request, f"“{name}” is in your menus; remove it from them first.")
        return redirect("nutrition:user_food_detail", pk=pk)
    messages.success(request, f"“{name}” is deleted.")
    return redirect("nutrition:my_foods")


# -- curators ------------------------------------------------------------------------


def _require_curator(request: HttpRequest) -> None:
    if not is_curator(request.user):
        raise Http404


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_curator(request)
    foods = (
        moderation.pending()
        .select_related("created_by")
        .prefetch_related(_portions())
        .order_by("submitted_at", "id")
    )
    rows = [(food, UserFoodForm(UserFoodForm.initial_for(food)).conversion()) for food in foods]
    return render(
        request, "nutrition/review_queue.html", {"rows": rows, "reject_form": RejectForm()}
    )


def _pending_food(pk: int) -> Food:
    return get_object_or_404(moderation.pending(), pk=pk)


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curator(request)
    food = _pending_food(pk)
    try:
        moderation.approve(food, request.user)
    except ValidationError as exc:
        messages.error(request, f"“{food.name}” cannot be approved: {' '.join(exc.messages)}")
    else:
        messages.success(request, f"“{food.name}” is now in the public food database.")
    return redirect("nutrition:review_queue")


@login_required
@require_POST
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require_curator(request)
    food = _pending_food(pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason (up to 500 characters) so the author can fix it.")
        return redirect("nutrition:review_queue")
    try:
        moderation.reject(food, request.user, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{food.name}” went back to its author with your reason.")
    return redirect("nutrition:review_queue")
