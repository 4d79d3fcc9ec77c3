"""Property-based tests of the food pages: user foods from labels, the portion
calculator, rankings and search, and the GET parameters of the planner pages.

Same rules as tests/planner/test_robustness_planner.py: never a 500, and a rejected
form writes nothing while an accepted one writes only the food, its serving
and their history, with per-100 g values in range.
"""

from __future__ import annotations

import math
import secrets

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from accounts.roles import DIETITIANS_GROUP
from nutrition.models import NUTRIENT_FIELDS, Food
from nutrition.plausibility import FOOD_CEILINGS
from planner.models import CareLink
from tests.test_robustness_common import (
    FEW,
    ROBUST,
    assert_no_server_error,
    changed_tables,
    choice,
    form,
    junk,
    number,
    rolled_back,
    snapshot,
    texts,
)

pytestmark = pytest.mark.property

USER_FOOD_TABLES = {
    "nutrition.Food",
    "nutrition.Portion",
    "nutrition.HistoricalFood",
    "nutrition.HistoricalPortion",
}
LABEL_FORM = {
    "name": st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(["ß" * 200, "ﷺ" * 20])),
    "serving_label": st.text(min_size=1, max_size=40),
    "serving_grams": number(0.1, 5000, blank=False),
    **{name: number(0, 50) for name in NUTRIENT_FIELDS},
}


@pytest.fixture
def cook(client, make_user, food):
    food("Bananas, raw", potassium_mg=358, magnesium_mg=27, portions=[("1 medium", 118)])
    user = make_user("cook")
    client.force_login(user)
    return user


def _check_user_food(food: Food, user) -> None:
    assert food.source == Food.Source.USER and food.owner_id == user.pk
    assert food.name.strip() and "\x00" not in food.name
    assert len(food.name) <= 255 and len(food.search_name) <= 255
    for name in NUTRIENT_FIELDS:
        value = getattr(food, name)
        if value is not None:
            assert math.isfinite(value) and 0 <= value <= FOOD_CEILINGS[name].per_100g
    serving = food.portions.get()
    assert 0.1 <= serving.grams <= 5000 and serving.label.strip()


@ROBUST
@given(data=form(LABEL_FORM), htmx=st.booleans(), preview=st.booleans())
def test_a_food_from_a_label_is_saved_whole_and_in_range_or_not_at_all(
    client, cook, data, htmx, preview
):
    if preview:
        data = {**data, "preview": "1"}
    with rolled_back():
        before = snapshot()
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(reverse("nutrition:user_food_new"), data, **headers)
        assert_no_server_error(response)
        changed = changed_tables(before, snapshot())
        event("accepted" if changed else "rejected")
        assert changed <= USER_FOOD_TABLES
        if preview or response.status_code != 302:
            assert not changed
        else:
            assert {"nutrition.Food", "nutrition.Portion"} <= changed
            _check_user_food(Food.objects.get(owner=cook), cook)


@ROBUST
@given(data=form(LABEL_FORM))
def test_editing_a_food_from_a_label_keeps_it_whole_and_in_range(client, cook, data):
    with rolled_back():
        mine = Food.objects.create(
            name="Oat bar",
            source=Food.Source.USER,
            source_id="u-oat",
            owner=cook,
            review_status=Food.Review.PRIVATE,
            potassium_mg=200,
        )
        mine.portions.create(label="1 bar", grams=40, seq=0)
        before = snapshot()
        response = client.post(reverse("nutrition:user_food_edit", args=[mine.pk]), data)
        assert_no_server_error(response)
        changed = changed_tables(before, snapshot())
        event("accepted" if changed else "rejected")
        assert changed <= USER_FOOD_TABLES
        if response.status_code != 302:
            assert not changed
        _check_user_food(Food.objects.get(pk=mine.pk), cook)


def test_a_name_that_folds_longer_than_its_column_is_saved(client, cook):
    # Regression: "ß" folds to "ss" and "ﷺ" to 18 letters, so a 200-character name
    # made a search name over the 255-character column: a 500 on PostgreSQL.
    for name in ("ß" * 200, "ﷺ" * 20):
        data = {"name": name, "serving_label": "1 bar", "serving_grams": "40"}
        response = client.post(reverse("nutrition:user_food_new"), data)
        assert response.status_code == 302
    for food in Food.objects.filter(owner=cook):
        assert len(food.search_name) <= 255
    assert Food.objects.get(name="ß" * 200).search_name.startswith("ssss")


# --- GET parameters ---------------------------------------------------------------------

query_values = st.one_of(junk, st.text(max_size=30))


def _get(client, url: str, params: dict, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = snapshot()
    response = client.get(url, params, **headers)
    assert_no_server_error(response)
    assert snapshot() == before, "a GET wrote to the database"
    return response


PORTION_PARAMS = {
    "portion": st.one_of(st.just("@portion"), st.just(""), st.integers(-5, 10**20).map(str)),
    "quantity": number(0.01, 100),
    "grams": number(0.1, 5000),
    "unit": choice(["mg", "mmol", "meq", ""]),
}


@ROBUST
@given(params=form(PORTION_PARAMS), htmx=st.booleans())
def test_the_portion_calculator_answers_any_parameters(client, food, params, htmx):
    banana = Food.objects.filter(name="Bananas, raw").first() or food(
        "Bananas, raw", potassium_mg=358, magnesium_mg=27, portions=[("1 medium", 118)]
    )
    if params.get("portion") == "@portion":
        params["portion"] = str(banana.portions.get().pk)
    response = _get(client, reverse("nutrition:food_detail", args=[banana.pk]), params, htmx)
    assert response.status_code == 200
    if response.context is not None:  # an htmx partial renders without the context signal
        grams = response.context["grams"]
        assert math.isfinite(grams) and 0 < grams <= 100 * 5000


RANKING_PARAMS = {
    "nutrient": choice(["mg", "k"]),
    "basis": choice(["100g", "portion", "100kcal", "mg_per_k"]),
    "group": choice(["", "11", "99"]),
    "kind": choice(["", "food", "supplement"]),
    "max_k": number(0, 10_000),
    "page": st.one_of(st.integers(-3, 10**20).map(str), st.just("last"), texts),
}


@ROBUST
@given(params=form(RANKING_PARAMS), htmx=st.booleans())
def test_rankings_answer_any_parameters(client, food, params, htmx):
    if not Food.objects.exists():
        food("Spinach, raw", magnesium_mg=79, potassium_mg=558, energy_kcal=23)
    response = _get(client, reverse("nutrition:rankings"), params, htmx)
    assert response.status_code == 200


SEARCH_PARAMS = {
    "q": query_values,
    "group": choice(["", "11"]),
    "kind": choice(["", "food", "supplement"]),
    "limit": number(1, 100),
}


@ROBUST
@given(params=form(SEARCH_PARAMS), htmx=st.booleans())
def test_food_search_answers_any_parameters(client, food, params, htmx):
    if not Food.objects.exists():
        food("Spinach, raw", magnesium_mg=79, potassium_mg=558)
    response = _get(client, reverse("nutrition:search"), params, htmx)
    assert response.status_code == 200


@pytest.fixture
def planner_world(make_user, plan_for, food):
    patient = make_user("patient")
    dietitian = make_user("dietitian")
    dietitian.groups.add(Group.objects.get_or_create(name=DIETITIANS_GROUP)[0])
    CareLink.objects.create(
        dietitian=dietitian, client=patient, status="active", token=secrets.token_urlsafe(16)
    )
    food("Spinach, raw", magnesium_mg=79, potassium_mg=558)
    from planner.models import Profile

    Profile.objects.get_or_create(user=patient)
    Profile.objects.get_or_create(user=dietitian)
    return patient, dietitian, plan_for(patient)


@ROBUST
@given(
    params=form({"q": query_values, "meal": choice(["breakfast", "lunch", "x"])}),
    htmx=st.booleans(),
    page=st.sampled_from(["day_editor", "day_food_search", "profile", "profile_medicines"]),
)
def test_the_planner_search_boxes_answer_any_query(client, planner_world, params, htmx, page):
    patient, _, plan = planner_world
    client.force_login(patient)
    day = plan.days.get()
    args = [day.pk] if page.startswith("day") else []
    response = _get(client, reverse(f"planner:{page}", args=args), params, htmx)
    assert response.status_code in (200, 302)


@FEW
@given(params=form({"page": query_values, "edit": query_values}))
def test_paged_pages_answer_any_page_number(client, planner_world, params):
    patient, dietitian, _ = planner_world
    client.force_login(dietitian)
    for url in (
        reverse("planner:history"),
        reverse("planner:client_detail", args=[patient.pk]),
        reverse("planner:comments_inbox"),
    ):
        assert _get(client, url, params).status_code == 200
