"""The plan operations on Plan, PlanDay and MealItem (planner.models).

Views and care call these; each rule (a new row's position, what a copy keeps,
which locks a write takes) has its one home there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from planner.care import logic as care
from planner.models import HistoryEvent, MealItem, Plan, PlanDay, next_position
from tests.helpers import linked


@pytest.fixture
def banana(food):
    return food("Bananas, raw", potassium_mg=358, magnesium_mg=27, portions=[("1 medium", 118)])


def _long_ago(plan: Plan) -> None:
    # A date touch() must move forward, whatever the clock's resolution.
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    plan.refresh_from_db()


def _was_touched(plan: Plan) -> bool:
    return Plan.objects.get(pk=plan.pk).updated_at > timezone.now() - dt.timedelta(hours=1)


def _contents(plan: Plan) -> list:
    return [
        (
            day.name,
            day.position,
            [
                (i.meal, i.food_id, i.grams, i.portion_id, i.quantity, i.position)
                for i in day.items.order_by("position", "id")
            ],
        )
        for day in plan.days.order_by("position", "id")
    ]


def _week(owner, banana, days: int, notes: str = "") -> Plan:
    plan = Plan.objects.create(owner=owner, author=owner, name=f"{days} days", notes=notes)
    portion = banana.portions.get()
    for position in range(days):
        day = PlanDay.objects.create(plan=plan, position=position, name=f"Day {position + 1}")
        MealItem.objects.bulk_create(
            [
                MealItem(day=day, meal="breakfast", food=banana, grams=118, position=0),
                MealItem(
                    day=day,
                    meal="lunch",
                    food=banana,
                    grams=236,
                    portion=portion,
                    quantity=2,
                    position=4,
                ),
                MealItem(day=day, meal="snack", food=banana, grams=50 + position, position=9),
            ]
        )
    return plan


# --- creating a plan -------------------------------------------------------------------------


def test_a_new_plan_gets_a_first_day_and_a_history_event(patient):
    plan = Plan.objects.create_plan(patient, patient, "Low-K week")

    assert (plan.owner, plan.author, plan.is_template) == (patient, patient, False)
    assert list(plan.days.values_list("name", "position")) == [("Monday", 0)]
    event = HistoryEvent.objects.get()
    assert (event.owner, event.actor, event.plan) == (patient, patient, plan)
    assert (event.action, event.summary) == ("plan-created", "Created the plan “Low-K week”")


def test_a_dietitian_creates_a_plan_owned_by_the_client_in_the_clients_history(patient, dietitian):
    plan = Plan.objects.create_plan(patient, dietitian, "From Dana")

    assert (plan.owner, plan.author) == (patient, dietitian)
    event = HistoryEvent.objects.get()
    assert (event.owner, event.actor, event.action) == (patient, dietitian, "plan-created")


def test_a_new_template_is_recorded_as_a_template(dietitian):
    plan = Plan.objects.create_plan(dietitian, dietitian, "Renal starter", is_template=True)

    assert plan.is_template
    event = HistoryEvent.objects.get()
    assert (event.action, event.summary) == (
        "template-created",
        "Created the template “Renal starter”",
    )


def test_a_new_plan_can_start_with_several_named_days(patient):
    plan = Plan.objects.create_plan(patient, patient, "Weekend", days=("Saturday", "Sunday"))

    assert list(plan.days.values_list("name", "position")) == [("Saturday", 0), ("Sunday", 1)]


def test_creating_a_plan_on_the_plan_list_records_the_same_event(client, patient):
    client.force_login(patient)
    client.post(reverse("planner:plan_create"), {"name": "Mine"})

    event = HistoryEvent.objects.get()
    assert (event.action, event.summary) == ("plan-created", "Created the plan “Mine”")


# --- copying a plan --------------------------------------------------------------------------


def test_a_copy_keeps_notes_days_and_items(patient, dietitian, banana):
    source = _week(patient, banana, days=2, notes="Less potassium at night.")

    copy = source.copy(patient, dietitian, "Copy of it")

    assert (copy.owner, copy.author, copy.name) == (patient, dietitian, "Copy of it")
    assert copy.notes == "Less potassium at night."
    assert _contents(copy) == _contents(source)
    assert not copy.is_template


def test_a_copy_leaves_its_source_alone(patient, banana):
    source = _week(patient, banana, days=2)
    before = _contents(source)

    copy = source.copy(patient, patient, "Copy")
    MealItem.objects.filter(day__plan=copy).update(grams=1)

    assert _contents(source) == before
    assert MealItem.objects.filter(day__plan=source).count() == 6


def test_a_copy_can_be_a_template(dietitian, banana):
    source = _week(dietitian, banana, days=1)

    assert source.copy(dietitian, dietitian, "T", is_template=True).is_template


def test_a_copy_never_takes_the_submission_key_of_an_item(patient, banana):
    source = _week(patient, banana, days=1)
    MealItem.objects.filter(day__plan=source).update(submission_key=None)
    first = MealItem.objects.filter(day__plan=source).first()
    first.submission_key = "one-form"
    first.save()

    copy = source.copy(patient, patient, "Copy")

    assert not MealItem.objects.filter(day__plan=copy, submission_key__isnull=False).exists()


@pytest.mark.parametrize("days", [2, 7])
def test_copying_a_plan_takes_five_queries_whatever_its_size(
    patient, banana, days, django_assert_num_queries
):
    source = _week(patient, banana, days=days)

    # Read its days and its items; write the plan, its days, its items.
    with django_assert_num_queries(5):
        source.copy(patient, patient, "Copy")


def test_duplicating_a_plan_keeps_its_notes(client, patient, banana):
    source = _week(patient, banana, days=2, notes="Potatoes soaked and boiled.")
    client.force_login(patient)

    client.post(reverse("planner:plan_duplicate", args=[source.id]))

    copy = Plan.objects.get(name="Copy of 2 days")
    assert copy.notes == "Potatoes soaked and boiled."
    assert _contents(copy) == _contents(source)
    assert HistoryEvent.objects.get(plan=copy).action == "plan-duplicated"


def test_applying_a_template_keeps_its_notes_and_item_positions(client, patient, dietitian, banana):
    linked(dietitian, patient)
    template = _week(dietitian, banana, days=2, notes="Start slowly.")
    template.is_template = True
    template.save()

    plan = care.apply_template(template, dietitian, patient)

    assert (plan.owner, plan.notes, plan.is_template) == (patient, "Start slowly.", False)
    assert _contents(plan) == _contents(template)


# --- days ------------------------------------------------------------------------------------


def test_a_new_day_goes_last_and_is_named_after_the_week(patient, plan_for):
    plan = plan_for(patient, days=2)
    _long_ago(plan)

    day = plan.add_day()

    assert (day.name, day.position) == ("Wednesday", 2)
    assert _was_touched(plan)


def test_after_a_week_new_days_are_numbered(patient, plan_for):
    plan = plan_for(patient, days=7)

    assert plan.add_day().name == "Day 8"


def test_a_new_day_can_be_named(patient, plan_for):
    plan = plan_for(patient, days=1)

    assert plan.add_day("Feast").name == "Feast"


def test_a_copied_day_goes_last_with_its_items_in_order(patient, plan_for, banana, item):
    plan = plan_for(patient, days=3)
    first = plan.days.get(position=0)
    item(first, banana, grams=10, meal="dinner", position=5)
    item(first, banana, grams=20, meal="breakfast", position=2)
    item(first, banana, grams=30, meal="lunch", position=2)
    _long_ago(plan)

    copy = first.copy()

    assert (copy.name, copy.position, copy.plan) == ("Day 1 (copy)", 3, plan)
    # Renumbered from 0 in the order they had.
    assert list(copy.items.order_by("position").values_list("meal", "grams", "position")) == [
        ("breakfast", 20, 0),
        ("lunch", 30, 1),
        ("dinner", 10, 2),
    ]
    assert _was_touched(plan)


# --- the next position -----------------------------------------------------------------------


def test_the_first_position_is_zero(patient, plan_for):
    day = plan_for(patient, days=1).days.get()

    assert day.next_position() == 0
    assert next_position(PlanDay.objects.none()) == 0


def test_the_next_position_follows_the_last_one_even_after_gaps(patient, plan_for, banana, item):
    day = plan_for(patient, days=1).days.get()
    item(day, banana, position=3, meal="dinner")
    item(day, banana, position=7, meal="breakfast")

    # One sequence per day, not one per meal.
    assert day.next_position() == 8


def test_days_follow_the_same_rule_as_items(patient, plan_for):
    plan = plan_for(patient, days=3)
    plan.days.get(position=1).delete()

    assert next_position(plan.days) == 3
    assert plan.add_day().position == 3


# --- items -----------------------------------------------------------------------------------


def test_a_new_item_goes_last_in_its_day(patient, plan_for, banana, item):
    day = plan_for(patient, days=1).days.get()
    item(day, banana, position=4, meal="dinner")
    _long_ago(day.plan)

    added = day.add_item(meal="breakfast", food=banana, grams=118, submission_key="form-1")

    assert (added.position, added.meal, added.submission_key) == (5, "breakfast", "form-1")
    assert _was_touched(day.plan)


def test_an_undone_item_can_go_back_to_its_old_place(patient, plan_for, banana):
    day = plan_for(patient, days=1).days.get()

    assert day.add_item(meal="lunch", food=banana, grams=50, position=2).position == 2


def test_items_added_as_copies_go_last_in_their_order(patient, plan_for, banana, item):
    plan = plan_for(patient, days=2)
    source, target = plan.days.order_by("position")
    item(target, banana, grams=5, position=0)
    originals = [
        item(source, banana, grams=118, meal="breakfast", position=1, submission_key="k1"),
        item(source, banana, grams=60, meal="breakfast", position=0),
    ]
    _long_ago(plan)

    copies = target.add_items(sorted(originals, key=lambda i: i.position), meal="snack")

    assert [(c.meal, c.grams, c.position, c.submission_key) for c in copies] == [
        ("snack", 60, 1, None),
        ("snack", 118, 2, None),
    ]
    assert target.items.count() == 3
    assert _was_touched(plan)


def test_an_item_moved_to_another_meal_goes_last(patient, plan_for, banana, item):
    day = plan_for(patient, days=1).days.get()
    moved = item(day, banana, position=0, meal="breakfast")
    item(day, banana, position=1, meal="lunch")

    assert moved.change(meal="dinner", grams=80, portion=None, quantity=None)

    moved.refresh_from_db()
    assert (moved.meal, moved.grams, moved.position) == ("dinner", 80, 2)


def test_an_item_changed_in_its_own_meal_keeps_its_place(patient, plan_for, banana, item):
    day = plan_for(patient, days=1).days.get()
    changed = item(day, banana, position=0, meal="breakfast")
    item(day, banana, position=1, meal="breakfast")

    changed.change(meal="breakfast", grams=80, portion=None, quantity=None)

    changed.refresh_from_db()
    assert (changed.grams, changed.position) == (80, 0)


def test_a_swap_keeps_the_grams_and_drops_the_portion(patient, plan_for, banana, food, item):
    rice = food("Rice, white, cooked", potassium_mg=35)
    day = plan_for(patient, days=1).days.get()
    swapped = item(day, banana, grams=118, portion=banana.portions.get(), quantity=1)
    _long_ago(day.plan)

    assert swapped.swap_for(rice)

    swapped.refresh_from_db()
    assert (swapped.food, swapped.grams, swapped.portion, swapped.quantity) == (
        rice,
        118,
        None,
        None,
    )
    assert _was_touched(day.plan)


def test_an_item_removed_meanwhile_is_neither_changed_nor_swapped_nor_removed_again(
    patient, plan_for, banana, food, item
):
    day = plan_for(patient, days=1).days.get()
    gone = item(day, banana, grams=118)
    MealItem.objects.filter(pk=gone.pk).delete()

    assert not gone.change(meal="lunch", grams=5, portion=None, quantity=None)
    assert not gone.swap_for(food("Rice"))
    assert not gone.remove()
    assert not MealItem.objects.exists()


def test_removing_an_item_touches_its_plan(patient, plan_for, banana, item):
    day = plan_for(patient, days=1).days.get()
    doomed = item(day, banana)
    _long_ago(day.plan)

    assert doomed.remove()

    assert not MealItem.objects.exists()
    assert _was_touched(day.plan)


# --- locks -----------------------------------------------------------------------------------


def test_a_write_to_a_plan_deleted_meanwhile_is_not_found(patient, plan_for):
    plan = plan_for(patient, days=1)
    Plan.objects.filter(pk=plan.pk).delete()

    # Each in its own transaction, as each request has one.
    with pytest.raises(Http404), transaction.atomic():
        plan.lock()
    with pytest.raises(Http404), transaction.atomic():
        plan.add_day()


def test_a_write_to_a_day_deleted_meanwhile_is_not_found(patient, plan_for, banana):
    day = plan_for(patient, days=2).days.first()
    PlanDay.objects.filter(pk=day.pk).delete()

    with pytest.raises(Http404), transaction.atomic():
        day.lock()
    with pytest.raises(Http404), transaction.atomic():
        day.add_item(meal="lunch", food=banana, grams=10)
    assert not MealItem.objects.exists()


def test_locking_a_plan_with_its_days_takes_one_query_for_each(
    patient, plan_for, django_assert_num_queries
):
    plan = plan_for(patient, days=3)

    with django_assert_num_queries(2):
        plan.lock(days=True)
