"""One day reads the same on every page: the status comes from clinical.readings, once."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.access import profile_for
from planner.assessment import Owner, assess_days
from planner.care import logic as care
from planner.reports import week
from planner.reports.pdf import build_report
from tests.helpers import linked


@pytest.fixture
def client_user(patient):
    profile = profile_for(patient)
    profile.birth_date = dt.date(1980, 1, 1)
    profile.sex = "female"
    profile.save()
    return patient


@pytest.fixture
def dietitian(dietitian, client_user):
    linked(dietitian, client_user)
    return dietitian


@pytest.fixture
def day_with(plan_for, client_user, food, item):
    def make(*foods):
        day = plan_for(client_user, name="Week").days.get()
        for made in foods:
            item(day, made, grams=100)
        return day

    return make


def statuses(day, dietitian) -> dict[str, str]:
    owner = Owner.of(day.plan.owner_id)
    assessed = assess_days([day.pk], owner)[day.pk]
    the_week = week.build(day.plan, owner.targets)
    report = build_report(day.plan)
    (summary,) = care.client_summaries(dietitian)
    return {
        "assessment": assessed.reading("magnesium_mg").status,
        "week": the_week.row("magnesium_mg").cells[0].status,
        "report": next(r for r in report.days[0].rows if r.nutrient == "magnesium_mg").status,
        "client list": summary.magnesium.status,
    }


def test_an_unknown_total_reads_unknown_everywhere_and_is_never_under(day_with, food, dietitian):
    day = day_with(food("Mystery stew"))  # no magnesium value at all
    assert set(statuses(day, dietitian).values()) == {"unknown"}
    (summary,) = care.client_summaries(dietitian)
    assert not summary.mg_below


def test_a_lower_bound_under_the_target_reads_at_least_everywhere(day_with, food, dietitian):
    day = day_with(food("Spinach", magnesium_mg=79), food("Mystery stew"))
    assert set(statuses(day, dietitian).values()) == {"at-least"}
    (summary,) = care.client_summaries(dietitian)
    assert summary.mg_below  # a gap worth closing, though not a certain one


def test_a_complete_total_under_the_target_reads_under_everywhere(day_with, food, dietitian):
    day = day_with(food("Spinach", magnesium_mg=79))
    assert set(statuses(day, dietitian).values()) == {"under"}
