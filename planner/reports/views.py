"""The week view of a plan and its CSV and JSON exports.

Read-only pages: GET and HEAD only, and every one goes through `get_plan_for`, so a
stranger gets 404 and an anonymous visitor the login page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from planner.access import get_plan_for
from planner.assessment import Owner, assess_days, viewer_unit
from planner.reports import chart, exports, week


@login_required
@require_safe
def plan_week(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    # Targets are the plan owner's; the unit is the viewer's (planner.assessment).
    owner = Owner.of(plan.owner_id)
    days = list(plan.days.all())
    assessed = assess_days([day.pk for day in days], owner)
    the_week = week.build(
        plan,
        owner.targets,
        viewer_unit(request.user, owner),
        days=days,
        totals={day_id: a.totals for day_id, a in assessed.items()},
    )
    day_warnings = {day_id: a.warnings for day_id, a in assessed.items()}
    return render(
        request,
        "planner/reports/week.html",
        {
            "plan": plan,
            "week": the_week,
            "charts": chart.charts(the_week),
            "targets": owner.targets,
            "unit": the_week.unit,
            "day_warnings": [(day, day_warnings[day.pk]) for day in the_week.days],
            "any_warnings": any(day_warnings.values()),
        },
    )


@login_required
@require_safe
def plan_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    return exports.csv_response(plan)


@login_required
@require_safe
def plan_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    return exports.json_response(plan)
