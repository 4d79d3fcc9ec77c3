"""Plans: the list, a plan's page, and what is done to a whole plan (create, rename,
delete, duplicate, add a day). Each view parses its form, goes through the access
helper and calls one model method (planner.models)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.redirects import redirect_after
from planner import history, intake
from planner.access import get_plan_for
from planner.days.forms import PlanForm, rename
from planner.models import Plan, PlanDay

# --- plans ---------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    # A dietitian's templates live on their own page (planner.care.views).
    plans = (
        Plan.objects.filter(owner=request.user, is_template=False)
        .select_related("author")
        .annotate(day_count=Count("days", distinct=True))
    )
    return render(request, "planner/plans/plan_list.html", {"plans": plans, "form": PlanForm()})


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if not form.is_valid():
        plans = Plan.objects.filter(owner=request.user, is_template=False).annotate(
            day_count=Count("days")
        )
        return render(
            request, "planner/plans/plan_list.html", {"plans": plans, "form": form}, status=400
        )
    plan = Plan.objects.create_plan(request.user, request.user, form.cleaned_data["name"])
    messages.success(request, f"Plan “{plan.name}” created with its first day.")
    return redirect(plan.days.first().get_absolute_url())


def _days_with_totals(plan: Plan) -> list[tuple[PlanDay, intake.DayTotals]]:
    days = list(plan.days.annotate(item_count=Count("items")))
    totals = intake.totals_for_days(d.id for d in days)
    return [(day, totals[day.id]) for day in days]


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    return render(
        request,
        "planner/plans/plan_detail.html",
        {"plan": plan, "days": _days_with_totals(plan), "rename_form": PlanForm(instance=plan)},
    )


@login_required
@require_POST
def plan_rename(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, write=True)
    rename(
        request, PlanForm(request.POST, instance=plan), "plan", "Renamed plan “{old}” to “{new}”"
    )
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, write=True)
    name = plan.name
    with transaction.atomic():
        plan.lock(days=True)
        history.record(request.user, plan.owner, "plan-deleted", f"Deleted plan “{name}”")
        plan.delete()
    messages.success(request, f"Plan “{name}” deleted.")
    return redirect_after(request, reverse("planner:plan_list"))


@login_required
@require_POST
def plan_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    with transaction.atomic():
        # The copy stays with the plan's owner, whoever makes it.
        name = f"Copy of {plan.name}"[:120]
        copy = plan.copy(plan.owner, request.user, name, is_template=plan.is_template)
        history.record(
            request.user,
            copy.owner,
            "plan-duplicated",
            f"Duplicated “{plan.name}” as “{copy.name}”",
            copy,
        )
    messages.success(request, f"Duplicated as “{copy.name}”.")
    return redirect_after(request, copy.get_absolute_url())


@login_required
@require_POST
def day_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk, write=True)
    day = plan.add_day()
    return redirect_after(request, day.get_absolute_url())


# --- days ----------------------------------------------------------------------------------
