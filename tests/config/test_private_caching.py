"""Pages and files with personal health data are never kept by a shared or on-disk cache."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def day(plan_for, patient, food, item):
    day = plan_for(patient, name="Week").days.get()
    item(day, food("Bananas, raw", potassium_mg=358, magnesium_mg=27), grams=118)
    return day


def health_pages(day) -> list[str]:
    plan = day.plan
    return [
        reverse("planner:profile"),
        reverse("planner:plan_list"),
        reverse("planner:plan_detail", args=[plan.pk]),
        day.get_absolute_url(),
        reverse("planner:plan_week", args=[plan.pk]),
        reverse("planner:plan_export_csv", args=[plan.pk]),
        reverse("planner:plan_export_json", args=[plan.pk]),
        reverse("planner:plan_print", args=[plan.pk]),
        reverse("planner:plan_pdf", args=[plan.pk]),
        reverse("planner:history"),
        reverse("planner:comments_inbox"),
        reverse("planner:plan_comments", args=[plan.pk]),
        reverse("planner:share_list", args=[plan.pk]),
        reverse("planner:care_home"),
    ]


def test_every_page_with_health_data_is_private_and_not_stored(client, patient, day):
    client.force_login(patient)
    for url in health_pages(day):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_an_htmx_partial_is_private_too(client, patient, day):
    client.force_login(patient)
    response = client.get(day.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert response["Cache-Control"] == "private, no-store"


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, make_user):
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]  # Django's never_cache, untouched


def test_public_pages_for_anonymous_visitors_are_left_alone(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Cache-Control" not in response
