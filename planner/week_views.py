"""The week view of a plan and its CSV and JSON exports.

Read-only pages: GET and HEAD only, and every one goes through `get_plan_for`, so a
stranger gets 404 and an anonymous visitor the login page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from planner import chart, exports, warnings, week
from planner.access import get_plan_for, profile_for
from planner.targets import resolve


@login_required
@require_safe
def plan_week(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request, pk)
    # Targets are the plan owner's; the unit is the viewer's, as in the day
    # editor, since a dietitian may count in mmol while the client counts in mg.
    profile = profile_for(plan.owner)
    viewer = profile if request.user.pk == plan.owner_id else profile_for(request.user)
    codes = profile.medicine_codes
    targets = resolve(profile, medicine_codes=codes)
    the_week = week.build(plan, targets, viewer.display_unit)
    day_warnings = warnings.evaluate_days(profile, the_week.totals, targets, medicine_codes=codes)
    return render(
        request,
        "planner/week.html",
        {
            "plan": plan,
            "week": the_week,
            "charts": chart.charts(the_week),
            "targets": targets,
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
