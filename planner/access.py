"""Who may see and change what. Every plan view goes through these helpers.

Strangers get 404 (a plan's existence is not revealed); people who may see
but not change a plan get 403 on writes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from planner.models import MealItem, Plan, PlanDay, Profile


def can_view_plan(user, plan: Plan) -> bool:
    return user.is_authenticated and plan.owner_id == user.id


def can_edit_plan(user, plan: Plan) -> bool:
    return user.is_authenticated and plan.owner_id == user.id


def _check(request: HttpRequest, plan: Plan, write: bool) -> None:
    if not can_view_plan(request.user, plan):
        raise Http404("No such plan.")
    if write and not can_edit_plan(request.user, plan):
        raise PermissionDenied("You can see this plan but not change it.")


def get_plan_for(request: HttpRequest, pk: int, write: bool = False) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("owner"), pk=pk)
    _check(request, plan, write)
    return plan


def get_day_for(request: HttpRequest, pk: int, write: bool = False) -> PlanDay:
    day = get_object_or_404(PlanDay.objects.select_related("plan__owner"), pk=pk)
    _check(request, day.plan, write)
    return day


def get_item_for(request: HttpRequest, pk: int, write: bool = False) -> MealItem:
    item = get_object_or_404(
        MealItem.objects.select_related("day__plan__owner", "food", "portion"), pk=pk
    )
    _check(request, item.day.plan, write)
    return item


def profile_for(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
