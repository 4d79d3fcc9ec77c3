"""A plan's items use only foods its owner may see: never a dietitian's private food."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planner.models import MealItem, Plan
from tests.helpers import linked


@pytest.fixture
def dietitian(dietitian, patient):
    linked(dietitian, patient)
    return dietitian


@pytest.fixture
def her_bar(food, dietitian):
    return food("Dana's protein bar", source="user", owner=dietitian, review_status="private")


@pytest.fixture
def client_day(plan_for, patient):
    return plan_for(patient, name="Client week").days.get()


def test_a_dietitian_cannot_add_her_private_food_to_a_clients_day(
    client, dietitian, client_day, her_bar
):
    client.force_login(dietitian)
    response = client.post(
        reverse("planner:item_add", args=[client_day.pk]),
        {"food": her_bar.pk, "meal": "lunch", "grams": "50"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "That food is not in the database." in response.content.decode()
    assert not MealItem.objects.exists()


def test_a_dietitian_can_add_the_clients_own_private_food(client, dietitian, client_day, food):
    their_soup = food(
        "Grandma's soup", source="user", owner=client_day.plan.owner, review_status="private"
    )
    client.force_login(dietitian)
    client.post(
        reverse("planner:item_add", args=[client_day.pk]),
        {"food": their_soup.pk, "meal": "lunch", "grams": "250"},
    )
    assert MealItem.objects.get().food == their_soup


def test_a_dietitian_adds_her_private_food_to_her_own_plan(client, dietitian, plan_for, her_bar):
    day = plan_for(dietitian, name="My week").days.get()
    client.force_login(dietitian)
    client.post(
        reverse("planner:item_add", args=[day.pk]),
        {"food": her_bar.pk, "meal": "snack", "grams": "50"},
    )
    assert MealItem.objects.get().food == her_bar


def test_the_food_box_on_a_clients_day_offers_the_clients_foods_not_the_dietitians(
    client, dietitian, client_day, her_bar, food
):
    food("Dana's other bar", source="user", owner=client_day.plan.owner, review_status="private")
    client.force_login(dietitian)
    for url in (
        reverse("planner:day_food_search", args=[client_day.pk]) + "?q=Dana",
        client_day.get_absolute_url() + "?q=Dana",
    ):
        page = client.get(url).content.decode()
        assert "other bar" in page
        assert "protein bar" not in page


def test_a_template_with_a_private_food_is_not_applied_to_a_client(
    client, dietitian, patient, plan_for, item, her_bar
):
    template = plan_for(dietitian, name="Starter")
    template.is_template = True
    template.save()
    item(template.days.get(), her_bar, grams=50)
    client.force_login(dietitian)
    response = client.post(
        reverse("planner:template_apply"),
        {"template": template.pk, "client": patient.pk, "name": "", "back": "templates"},
        follow=True,
    )
    assert "uses your private foods (“Dana's protein bar”)" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert not Plan.objects.filter(owner=patient).exists()
