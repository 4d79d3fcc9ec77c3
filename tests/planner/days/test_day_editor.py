from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import grant_dietitian
from planner.assessment import assess_day
from planner.models import CareLink, MealItem, Plan, PlanDay, Profile
from planner.summary import rows_for
from tests.helpers import BANANA


@pytest.fixture
def plan(plan_for, patient):
    return plan_for(patient, days=2)


@pytest.fixture
def day(plan):
    return plan.days.first()


@pytest.fixture
def banana(food, food_group):
    return food(
        "Bananas, raw",
        group=food_group("09", "Fruits"),
        **BANANA,
        portions=[("1 medium", 118), ("1 cup, sliced", 150)],
    )


@pytest.fixture
def owner_client(client, patient):
    client.force_login(patient)
    return client


# --- access: owner, stranger (404), anonymous (login) --------------------------------------

READ_VIEWS = [
    ("planner:day_editor", "day"),
    ("planner:day_food_search", "day"),
    ("planner:plan_detail", "plan"),
]
WRITE_VIEWS = [
    ("planner:item_add", "day"),
    ("planner:item_undo", "day"),
    ("planner:day_copy", "day"),
    ("planner:day_move", "day"),
    ("planner:day_rename", "day"),
    ("planner:day_delete", "day"),
    ("planner:meal_copy", "day"),
    ("planner:item_update", "item"),
    ("planner:item_delete", "item"),
    ("planner:plan_rename", "plan"),
    ("planner:plan_delete", "plan"),
    ("planner:plan_duplicate", "plan"),
    ("planner:day_add", "plan"),
]


@pytest.fixture
def objects(plan, day, banana, item):
    return {"plan": plan, "day": day, "item": item(day, banana, grams=118)}


@pytest.mark.parametrize(("name", "kind"), READ_VIEWS)
def test_read_views_answer_the_owner(owner_client, objects, name, kind):
    assert owner_client.get(reverse(name, args=[objects[kind].id])).status_code == 200


@pytest.mark.parametrize(("name", "kind"), READ_VIEWS + WRITE_VIEWS)
def test_a_stranger_gets_404_everywhere(client, stranger, objects, name, kind):
    client.force_login(stranger)
    url = reverse(name, args=[objects[kind].id])
    response = client.get(url) if (name, kind) in READ_VIEWS else client.post(url, {})
    assert response.status_code == 404
    assert MealItem.objects.count() == 1
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(("name", "kind"), READ_VIEWS + WRITE_VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, objects, name, kind):
    url = reverse(name, args=[objects[kind].id])
    response = client.get(url) if (name, kind) in READ_VIEWS else client.post(url, {})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "kind"), WRITE_VIEWS)
def test_writes_refuse_get(owner_client, objects, name, kind):
    assert owner_client.get(reverse(name, args=[objects[kind].id])).status_code == 405


def test_plan_list_shows_only_my_plans(owner_client, plan, plan_for, stranger):
    plan_for(stranger, name="Not mine")
    body = owner_client.get(reverse("planner:plan_list")).content.decode()
    assert "Week 1" in body
    assert "Not mine" not in body


# --- plans -----------------------------------------------------------------------------------


def test_creating_a_plan_gives_it_a_first_day_and_opens_it(owner_client, patient):
    response = owner_client.post(reverse("planner:plan_create"), {"name": "Low potassium week"})
    plan = Plan.objects.get(name="Low potassium week")
    assert plan.owner == patient
    assert response.headers["Location"] == plan.days.get().get_absolute_url()


def test_a_plan_needs_a_name(owner_client, patient):
    response = owner_client.post(reverse("planner:plan_create"), {"name": ""})
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_duplicating_a_plan_copies_days_and_items(owner_client, plan, day, banana, item):
    item(day, banana, grams=118, meal="breakfast")
    owner_client.post(reverse("planner:plan_duplicate", args=[plan.id]))
    copy = Plan.objects.get(name="Copy of Week 1")
    assert copy.days.count() == 2
    assert MealItem.objects.filter(day__plan=copy).count() == 1


def test_days_can_be_reordered(owner_client, plan):
    _first, second = plan.days.all()
    owner_client.post(reverse("planner:day_move", args=[second.id]), {"direction": "up"})
    assert list(plan.days.values_list("name", flat=True)) == ["Day 2", "Day 1"]
    # moving the first day further up changes nothing
    owner_client.post(reverse("planner:day_move", args=[second.id]), {"direction": "up"})
    assert list(plan.days.values_list("name", flat=True)) == ["Day 2", "Day 1"]


def test_adding_a_day_names_it_after_the_week(owner_client, plan):
    owner_client.post(reverse("planner:day_add", args=[plan.id]))
    assert plan.days.last().name == "Wednesday"


def test_the_last_day_cannot_be_deleted(owner_client, plan_for, patient):
    lone = plan_for(patient, name="Lone", days=1).days.get()
    owner_client.post(reverse("planner:day_delete", args=[lone.id]))
    assert PlanDay.objects.filter(pk=lone.pk).exists()


# --- the day editor --------------------------------------------------------------------------


def test_adding_a_food_from_search_uses_its_first_portion(owner_client, day, banana):
    response = owner_client.post(
        reverse("planner:item_add", args=[day.id]),
        {"food": banana.id, "meal": "breakfast"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="meals"')
    added = MealItem.objects.get()
    assert (added.meal, added.grams, added.quantity) == ("breakfast", 118, 1)
    assert added.portion.label == "1 medium"


def test_adding_without_javascript_redirects_back(owner_client, day, banana):
    response = owner_client.post(
        reverse("planner:item_add", args=[day.id]),
        {"food": banana.id, "meal": "lunch", "grams": "80", "portion": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == day.get_absolute_url()
    assert MealItem.objects.get().grams == 80


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"food": "999999", "meal": "lunch"}, "not in the database"),
        ({"food": "abc", "meal": "lunch"}, "whole number"),
        ({"meal": "lunch"}, "required"),
        ({"food": "BANANA", "meal": "elevenses"}, "valid choice"),
        ({"food": "BANANA", "meal": "lunch", "grams": "0", "portion": ""}, "greater than or equal"),
        ({"food": "BANANA", "meal": "lunch", "grams": "6000"}, "less than or equal"),
        ({"food": "BANANA", "meal": "lunch", "grams": "nan"}, "Enter a number"),
        ({"food": "BANANA", "meal": "lunch", "portion": "1", "quantity": "-2"}, "greater than"),
        ({"food": "BANANA", "meal": "lunch", "portion": "OTHER"}, "does not belong"),
        (
            {"food": "BANANA", "meal": "lunch", "portion": "MEDIUM", "quantity": "45"},
            "at most 5,000 g",
        ),
    ],
)
def test_bad_additions_are_refused_with_a_message_and_change_nothing(
    owner_client, day, banana, food, data, message
):
    other = food("Other", portions=[("1 slice", 30)])
    replacements = {
        "BANANA": str(banana.id),
        "OTHER": str(other.portions.get().id),
        "MEDIUM": str(banana.portions.first().id),
    }
    data = {k: replacements.get(v, v) for k, v in data.items()}
    response = owner_client.post(
        reverse("planner:item_add", args=[day.id]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MealItem.objects.exists()


def test_changing_quantity_and_portion_recomputes_grams(owner_client, day, banana, item):
    medium, cup = banana.portions.all()
    meal_item = item(day, banana, grams=118, portion=medium, quantity=1, meal="breakfast")
    owner_client.post(
        reverse("planner:item_update", args=[meal_item.id]),
        {"portion": cup.id, "quantity": "2", "grams": "118", "meal": "breakfast"},
        HTTP_HX_REQUEST="true",
    )
    meal_item.refresh_from_db()
    assert (meal_item.portion, meal_item.quantity, meal_item.grams) == (cup, 2, 300)


def test_switching_to_grams_keeps_the_amount_typed(owner_client, day, banana, item):
    medium = banana.portions.first()
    meal_item = item(day, banana, grams=118, portion=medium, quantity=1)
    owner_client.post(
        reverse("planner:item_update", args=[meal_item.id]),
        {"portion": "", "quantity": "1", "grams": "90", "meal": "lunch"},
    )
    meal_item.refresh_from_db()
    assert (meal_item.portion, meal_item.quantity, meal_item.grams) == (None, None, 90)


def test_moving_an_item_to_another_meal(owner_client, day, banana, item):
    meal_item = item(day, banana, grams=100, meal="lunch")
    owner_client.post(
        reverse("planner:item_update", args=[meal_item.id]),
        {"portion": "", "grams": "100", "meal": "dinner"},
        HTTP_HX_REQUEST="true",
    )
    meal_item.refresh_from_db()
    assert meal_item.meal == "dinner"


def test_a_bad_update_changes_nothing(owner_client, day, banana, item):
    meal_item = item(day, banana, grams=100)
    response = owner_client.post(
        reverse("planner:item_update", args=[meal_item.id]),
        {"portion": "", "grams": "-5", "meal": "lunch"},
        HTTP_HX_REQUEST="true",
    )
    assert "greater than or equal" in response.content.decode()
    meal_item.refresh_from_db()
    assert meal_item.grams == 100


def _undo_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_removal_can_be_undone(owner_client, day, banana, item):
    medium = banana.portions.first()
    meal_item = item(day, banana, grams=236, portion=medium, quantity=2, meal="snack")
    response = owner_client.post(
        reverse("planner:item_delete", args=[meal_item.id]), HTTP_HX_REQUEST="true"
    )
    assert not MealItem.objects.exists()
    assert "Undo" in response.content.decode()
    token = _undo_token(response)
    owner_client.post(
        reverse("planner:item_undo", args=[day.id]), {"token": token}, HTTP_HX_REQUEST="true"
    )
    restored = MealItem.objects.get()
    assert (restored.meal, restored.grams, restored.portion, restored.quantity) == (
        "snack",
        236,
        medium,
        2,
    )
    # the same undo cannot run twice
    response = owner_client.post(
        reverse("planner:item_undo", args=[day.id]), {"token": token}, HTTP_HX_REQUEST="true"
    )
    assert "nothing to undo" in response.content.decode()
    assert MealItem.objects.count() == 1


def test_undo_from_another_session_does_nothing(owner_client, day, banana, item, patient):
    meal_item = item(day, banana, grams=100)
    response = owner_client.post(
        reverse("planner:item_delete", args=[meal_item.id]), HTTP_HX_REQUEST="true"
    )
    token = _undo_token(response)
    other = Client()
    other.force_login(patient)
    other.post(reverse("planner:item_undo", args=[day.id]), {"token": token})
    assert not MealItem.objects.exists()


def test_copying_a_day_copies_its_items(owner_client, plan, day, banana, item):
    item(day, banana, grams=118, meal="breakfast")
    item(day, banana, grams=50, meal="snack")
    owner_client.post(reverse("planner:day_copy", args=[day.id]))
    copy = plan.days.get(name="Day 1 (copy)")
    assert sorted(copy.items.values_list("meal", "grams")) == [("breakfast", 118), ("snack", 50)]


def test_copying_a_meal_to_another_day(owner_client, plan, day, banana, item):
    other_day = plan.days.last()
    item(day, banana, grams=118, meal="breakfast")
    item(day, banana, grams=60, meal="lunch")
    owner_client.post(
        reverse("planner:meal_copy", args=[day.id]),
        {"source_meal": "breakfast", "target_day": other_day.id, "target_meal": "snack"},
    )
    assert list(other_day.items.values_list("meal", "grams")) == [("snack", 118)]


def test_a_meal_cannot_be_copied_into_a_strangers_day(
    owner_client, day, banana, item, plan_for, stranger
):
    theirs = plan_for(stranger).days.get()
    item(day, banana, grams=118, meal="breakfast")
    owner_client.post(
        reverse("planner:meal_copy", args=[day.id]),
        {"source_meal": "breakfast", "target_day": theirs.id, "target_meal": "lunch"},
    )
    assert not theirs.items.exists()


def test_inline_search_lists_foods_as_options(owner_client, day, banana):
    response = owner_client.get(
        reverse("planner:day_food_search", args=[day.id]), {"q": "banana", "meal": "dinner"}
    )
    body = response.content.decode()
    assert 'role="listbox"' in body
    assert f'id="food-option-{banana.id}"' in body


def test_day_editor_shows_items_totals_and_unknowns(owner_client, day, banana, food, item):
    item(day, banana, grams=118, meal="breakfast")
    item(day, food("Mystery soup", potassium_mg=None, magnesium_mg=5), grams=250, meal="lunch")
    body = owner_client.get(day.get_absolute_url()).content.decode()
    assert "Bananas, raw" in body
    assert "1 item lacks potassium data" in body
    assert "≥ 422" in body  # 358 * 1.18 = 422.4, a lower bound because one item is unknown


def test_unit_toggle_is_remembered(owner_client, patient, day, banana, item):
    item(day, banana, grams=100)
    owner_client.post(reverse("planner:unit_set"), {"unit": "mmol", "next": day.get_absolute_url()})
    patient.profile.refresh_from_db()
    assert patient.profile.display_unit == "mmol"
    body = owner_client.get(day.get_absolute_url()).content.decode()
    assert "9.2 mmol" in body  # 358 mg K / 39.1


def test_the_unit_toggle_answers_with_the_totals_in_the_new_unit(owner_client, day, banana, item):
    item(day, banana, grams=100)
    response = owner_client.post(
        reverse("planner:unit_set"), {"unit": "mmol", "day": day.id}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="totals"')
    assert "hx-swap-oob" not in body  # it is the target here
    assert "9.2 mmol" in body
    assert "HX-Trigger" not in response.headers


def test_the_unit_toggle_shows_no_strangers_day(client, stranger, day, banana, item):
    item(day, banana, grams=100)
    client.force_login(stranger)
    response = client.post(
        reverse("planner:unit_set"), {"unit": "mmol", "day": day.id}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert "Bananas" not in response.content.decode()


def test_unit_toggle_ignores_an_offsite_next(owner_client):
    response = owner_client.post(
        reverse("planner:unit_set"), {"unit": "mg", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == reverse("planner:plan_list")


def test_a_double_submit_of_the_same_add_form_adds_one_item(owner_client, day, banana):
    url = reverse("planner:item_add", args=[day.id])
    form = {"food": banana.id, "meal": "breakfast", "key": "k3y-from-one-form"}
    first = owner_client.post(url, form, HTTP_HX_REQUEST="true")
    second = owner_client.post(url, form, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    assert MealItem.objects.count() == 1
    # a new form (a new key) adds the food again, as the person asked
    owner_client.post(url, {**form, "key": "another-form-key"}, HTTP_HX_REQUEST="true")
    assert MealItem.objects.count() == 2


def test_the_search_results_carry_a_fresh_key_per_form(owner_client, day, banana):
    url = reverse("planner:day_food_search", args=[day.id])
    keys = [
        re.search(
            r'name="key" value="([^"]+)"', owner_client.get(url, {"q": "banana"}).content.decode()
        ).group(1)
        for _ in range(2)
    ]
    assert keys[0] != keys[1]


# --- one response per edit: the meals, with the totals and warnings out of band ---------------


def _oob_totals(body: str) -> str:
    # The totals panel comes after the meals and runs to the end of the answer.
    return body[body.index('<section id="totals"') :]


def _post_htmx(client, name, pk, data=None):
    return client.post(reverse(name, args=[pk]), data or {}, HTTP_HX_REQUEST="true")


def test_an_htmx_add_carries_the_new_totals_out_of_band(owner_client, day, banana):
    response = _post_htmx(
        owner_client, "planner:item_add", day.id, {"food": banana.id, "meal": "breakfast"}
    )
    body = response.content.decode()
    # One answer: no event asks the browser to fetch the totals again.
    assert "HX-Trigger" not in response.headers
    assert body.index('<section id="meals"') < body.index('<section id="totals"')
    assert re.search(r'<section id="totals"[^>]*hx-swap-oob="true"', body)
    assert "422" in _oob_totals(body)  # 358 mg K * 1.18, in the totals panel
    # What only the full page shows is neither rendered nor computed.
    assert 'id="copy-target-day"' not in body
    assert "day-tabs" not in body


def test_a_change_a_removal_and_an_undo_each_carry_their_totals(owner_client, day, banana, item):
    meal_item = item(day, banana, grams=100, meal="lunch")
    changed = _post_htmx(
        owner_client,
        "planner:item_update",
        meal_item.id,
        {"portion": "", "grams": "200", "meal": "lunch"},
    ).content.decode()
    assert "716" in _oob_totals(changed)  # 358 * 2

    removed = _post_htmx(owner_client, "planner:item_delete", meal_item.id)
    assert "nothing planned" in _oob_totals(removed.content.decode())
    assert "716" not in _oob_totals(removed.content.decode())

    undone = _post_htmx(owner_client, "planner:item_undo", day.id, {"token": _undo_token(removed)})
    assert "716" in _oob_totals(undone.content.decode())


def test_the_warnings_come_back_with_the_edit(owner_client, patient, day, banana):
    Profile.objects.create(user=patient, kidney_status="hd")
    body = _post_htmx(
        owner_client, "planner:item_add", day.id, {"food": banana.id, "meal": "breakfast"}
    ).content.decode()
    # The item is marked in the meals and warned about in the totals panel, from one reading.
    added = MealItem.objects.get()
    assert re.search(rf'id="item-{added.id}".*?high potassium', body, re.S)
    assert 'data-code="K_HIGH_ITEM"' in _oob_totals(body)


def test_a_refused_edit_still_answers_with_meals_and_totals(owner_client, day, banana):
    response = _post_htmx(owner_client, "planner:item_add", day.id, {"food": "999999"})
    body = response.content.decode()
    assert "not in the database" in body
    assert 'hx-swap-oob="true"' in body
    assert not MealItem.objects.exists()


def test_the_totals_panel_words_come_from_the_rows(owner_client, patient, day, banana):
    Profile.objects.create(user=patient, sex="female", birth_date=dt.date(1970, 5, 1))
    body = _post_htmx(
        owner_client, "planner:item_add", day.id, {"food": banana.id, "meal": "breakfast"}
    ).content.decode()
    assessment = assess_day(day)
    rows = rows_for(assessment.readings, assessment.targets, "mg")
    worded = [row for row in rows if row.status in ("over", "under", "ok", "at-least")]
    assert {row.status for row in worded} >= {"under"}  # one banana: below the Mg target
    for row in worded:
        assert f">{row.words}</" in _oob_totals(body)


def test_a_get_of_the_editor_creates_no_profile(owner_client, patient, day, banana, item):
    item(day, banana, grams=100)
    response = owner_client.get(day.get_absolute_url())
    assert response.status_code == 200
    assert not Profile.objects.filter(user=patient).exists()
    assert "358 mg" in response.content.decode()


@pytest.fixture
def patients_dietitian(make_user, patient):
    dietitian = make_user("diet")
    grant_dietitian(dietitian)
    CareLink.objects.create(
        dietitian=dietitian, client=patient, status="active", token=secrets.token_urlsafe(16)
    )
    return dietitian


def test_a_dietitian_sees_the_day_in_their_own_unit_and_no_profile_is_made(
    client, patient, patients_dietitian, day, banana, item
):
    item(day, banana, grams=100)
    Profile.objects.create(user=patient, display_unit="mmol")
    client.force_login(patients_dietitian)
    body = client.get(day.get_absolute_url()).content.decode()
    # The dietitian has no profile: the default unit (mg), not the client's mmol.
    assert "358 mg" in body
    assert "9.2 mmol" not in body
    assert not Profile.objects.filter(user=patients_dietitian).exists()
