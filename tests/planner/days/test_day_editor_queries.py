"""The day editor's query counts, pinned, and the same at 5 and 40 items.

The page and every htmx edit read the day through one assessment (planner.assessment):
the owner's profile, medicines and custom targets (3), the totals (1), the items (1) and
their portions (1). An edit adds what it writes and nothing for what it does not render
(no day tabs, no copy targets), and the browser makes no second request for the totals.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from planner.models import MealItem, Profile

MEALS = ("breakfast", "lunch", "dinner", "snack")
HTMX = {"HTTP_HX_REQUEST": "true"}

# session, user, the day (with plan and owner), the assessment (profile, medicines, custom
# targets, totals, items, portions), the copy targets (which also give the day tabs) and
# the unread-comments badge.
PAGE = 11
# session, user, the day, the food and its portions (the form), the write (savepoint,
# day still there, next position, insert, touch the plan, history, release) and the
# assessment (6).
ADD = 18
# session, user, the item (with its food), the write (savepoint, day still there, item still
# there, update, touch the plan, history, release) and the assessment (6).
CHANGE = 16
# session, user, the item, the write (savepoint, day still there, item still there, detach
# its comments, delete, touch the plan, history, release), the assessment (6) and the undo
# entry saved in the session (savepoint, update, release).
REMOVE = 20
# session, user, the day, the food and the portion, the write (savepoint, day still there,
# insert in the old place, touch the plan, history, release), the assessment (6) and the
# session without the undo entry (savepoint, update, release).
UNDO = 20


@pytest.fixture
def day(plan_for, patient):
    profile = Profile.objects.create(
        user=patient, sex="female", birth_date=dt.date(1957, 3, 14), kidney_status="g4"
    )
    profile.medicines.create(code="lisinopril")
    return plan_for(patient, days=2).days.first()


@pytest.fixture
def foods(food):
    return [
        food(
            f"Food {i}",
            magnesium_mg=10 + i,
            potassium_mg=150 + 40 * i,
            portions=[("1 cup", 100), ("1 oz", 28)],
        )
        for i in range(10)
    ]


@pytest.fixture
def editor(client, patient, day, foods, item):
    """A signed-in owner whose day holds `count` items, the food suggestions warmed."""

    def fill(count: int):
        for i in range(count):
            food = foods[i % len(foods)]
            item(day, food, grams=10 + i, meal=MEALS[i % 4], portion=food.portions.first())
        client.force_login(patient)
        # The first page after a cache clear also ranks the food suggestions (one query,
        # then cached for everyone); the counts below are for every visit after that.
        client.get(day.get_absolute_url())
        return client

    return fill


@pytest.mark.parametrize("count", [5, 40])
def test_the_editor_page_costs_the_same_queries_at_5_and_40_items(
    editor, day, count, django_assert_num_queries
):
    client = editor(count)
    with django_assert_num_queries(PAGE):
        response = client.get(day.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 40])
def test_an_add_costs_the_same_queries_at_5_and_40_items(
    editor, day, foods, count, django_assert_num_queries
):
    client = editor(count)
    url = reverse("planner:item_add", args=[day.id])
    with django_assert_num_queries(ADD):
        response = client.post(url, {"food": foods[3].id, "meal": "lunch"}, **HTMX)
    assert response.status_code == 200
    assert day.items.count() == count + 1


@pytest.mark.parametrize("count", [5, 40])
def test_a_change_costs_the_same_queries_at_5_and_40_items(
    editor, day, count, django_assert_num_queries
):
    client = editor(count)
    target = day.items.first()
    url = reverse("planner:item_update", args=[target.id])
    data = {"portion": "", "grams": "55", "meal": target.meal}
    with django_assert_num_queries(CHANGE):
        response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.grams == 55


@pytest.mark.parametrize("count", [5, 40])
def test_a_removal_costs_the_same_queries_at_5_and_40_items(
    editor, day, count, django_assert_num_queries
):
    client = editor(count)
    target = day.items.first()
    with django_assert_num_queries(REMOVE):
        response = client.post(reverse("planner:item_delete", args=[target.id]), **HTMX)
    assert response.status_code == 200
    assert not MealItem.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("count", [5, 40])
def test_an_undo_costs_the_same_queries_at_5_and_40_items(
    editor, day, count, django_assert_num_queries
):
    client = editor(count)
    target = day.items.first()
    client.post(reverse("planner:item_delete", args=[target.id]), **HTMX)
    token = client.session["planner_undo"][-1]["token"]
    url = reverse("planner:item_undo", args=[day.id])
    with django_assert_num_queries(UNDO):
        response = client.post(url, {"token": token}, **HTMX)
    assert response.status_code == 200
    assert day.items.count() == count


def test_an_edit_computes_neither_the_day_tabs_nor_the_copy_targets(
    editor, day, foods, django_assert_max_num_queries
):
    client = editor(5)
    url = reverse("planner:item_add", args=[day.id])
    with django_assert_max_num_queries(ADD) as captured:
        client.post(url, {"food": foods[3].id, "meal": "lunch"}, **HTMX)
    # Only the day itself is read from planner_planday (get_day_for, then "still there").
    day_reads = [q["sql"] for q in captured if 'FROM "planner_planday"' in q["sql"]]
    assert all('"planner_planday"."id" =' in sql for sql in day_reads), day_reads
