"""Who may see and change what. Every plan view goes through these helpers.

- The owner of a plan sees and changes it.
- A dietitian (accounts.roles: the "dietitians" group) with an active link to the
  owner sees and changes the owner's plans and targets.
- Anyone else gets 404: a plan's existence is not revealed.
- Someone who may see but not change gets 403 on writes (a dietitian's
  template is only ever changed by that dietitian).
- Share links give read-only access without an account (planner.sharing.views).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.roles import DIETITIANS_GROUP
from accounts.roles import is_dietitian as is_dietitian  # views ask access; roles decides
from planner.models import CareLink, MealItem, Plan, PlanDay, Profile

User = AbstractBaseUser | AnonymousUser


def active_links(dietitian: User):
    return CareLink.objects.filter(
        dietitian=dietitian,
        status=CareLink.Status.ACTIVE,
        dietitian__groups__name=DIETITIANS_GROUP,
    )


def is_dietitian_of(user: User, client_id: int) -> bool:
    if not user.is_authenticated or user.id == client_id:
        return False
    return active_links(user).filter(client_id=client_id).exists()


def can_view_owner_data(user: User, owner_id: int) -> bool:
    return user.is_authenticated and (user.id == owner_id or is_dietitian_of(user, owner_id))


def can_view_plan(user: User, plan: Plan) -> bool:
    if plan.is_template:
        return user.is_authenticated and plan.owner_id == user.id
    return can_view_owner_data(user, plan.owner_id)


def can_edit_plan(user: User, plan: Plan) -> bool:
    # Today everyone who may see a plan may also change it; the distinction is
    # kept so that read-only roles can be added without touching every view.
    return can_view_plan(user, plan)


def _check(request: HttpRequest, plan: Plan, write: bool) -> None:
    if not can_view_plan(request.user, plan):
        raise Http404("No such plan.")
    if write and not can_edit_plan(request.user, plan):
        raise PermissionDenied("You can see this plan but not change it.")


def get_plan_for(request: HttpRequest, pk: int, write: bool = False) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("owner", "author"), pk=pk)
    _check(request, plan, write)
    return plan


def get_day_for(request: HttpRequest, pk: int, write: bool = False) -> PlanDay:
    day = get_object_or_404(PlanDay.objects.select_related("plan__owner", "plan__author"), pk=pk)
    _check(request, day.plan, write)
    return day


def get_item_for(request: HttpRequest, pk: int, write: bool = False) -> MealItem:
    item = get_object_or_404(
        MealItem.objects.select_related("day__plan__owner", "food", "portion"), pk=pk
    )
    _check(request, item.day.plan, write)
    return item


def get_client_for(request: HttpRequest, client_id: int):
    """A client of the signed-in dietitian, or 404."""
    link = (
        active_links(request.user).select_related("client").filter(client_id=client_id).first()
        if request.user.is_authenticated
        else None
    )
    if link is None:
        raise Http404("No such client.")
    return link.client


def profile_for(user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile
