from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from planner.models import Profile
from tests.browser.conftest import log_in
from tests.browser.conftest import phone_and_desktop_screenshots as shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week(patient, plan_for, food, food_group):
    fruit = food_group("09", "Fruits and Fruit Juices")
    food(
        "Bananas, raw",
        group=fruit,
        magnesium_mg=27,
        potassium_mg=358,
        energy_kcal=89,
        portions=[("1 medium", 118), ("1 cup, sliced", 150)],
    )
    food("Banana chips", group=fruit, magnesium_mg=76, potassium_mg=536, portions=[("1 oz", 28)])
    food(
        "Spinach, raw",
        magnesium_mg=79,
        potassium_mg=558,
        energy_kcal=23,
        portions=[("1 cup", 30)],
    )
    return plan_for(patient, days=2)


def test_a_person_builds_a_day_with_the_keyboard_and_sees_totals_update(page, screenshot, week):
    log_in(page, "patient")
    day = week.days.first()
    page.goto(day.get_absolute_url())
    expect(page.get_by_role("heading", name="Day totals")).to_be_visible()

    # Type, arrow down to the second match, Enter: added without a reload.
    search = page.get_by_role("combobox", name="Food")
    search.fill("banana")
    expect(page.locator("#food-results [role=option]")).to_have_count(2)
    search.press("ArrowDown")
    search.press("ArrowDown")
    search.press("ArrowUp")
    expect(page.locator("#food-results [role=option].active")).to_contain_text("Bananas, raw")
    search.press("Enter")
    breakfast = page.locator("#meal-breakfast")
    expect(breakfast).to_contain_text("Bananas, raw")
    expect(search).to_be_focused()
    expect(search).to_have_value("")
    totals = page.locator("#totals")
    expect(totals).to_contain_text("422")  # 358 mg K * 1.18

    # Lunch: spinach, then two cups of it.
    page.get_by_label("Add to").select_option("lunch")
    search.fill("spinach")
    expect(page.locator("#food-results [role=option]")).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    lunch = page.locator("#meal-lunch")
    expect(lunch).to_contain_text("Spinach, raw")
    quantity = lunch.get_by_label("Quantity of Spinach, raw")
    quantity.fill("2")
    quantity.press("Tab")
    expect(lunch).to_contain_text("60 g")
    expect(totals).to_contain_text("757")  # 422.4 + 334.8 mg K
    screenshot("day-editor")

    # Remove the banana, then undo: nothing lost.
    breakfast.get_by_role("button", name="Remove Bananas, raw").click()
    expect(breakfast).not_to_contain_text("Bananas, raw")
    expect(totals).to_contain_text("335")
    page.get_by_role("button", name="Undo").click()
    expect(breakfast).to_contain_text("Bananas, raw")
    expect(totals).to_contain_text("757")

    # Move the spinach to dinner.
    lunch.get_by_label("Meal of Spinach, raw").select_option("dinner")
    expect(page.locator("#meal-dinner")).to_contain_text("Spinach, raw")
    expect(page.locator("#meal-lunch")).not_to_contain_text("Spinach, raw")

    # Units: mmol, remembered after a reload.
    page.get_by_role("radio", name="mmol").check()
    expect(totals).to_contain_text("mmol")
    page.reload()
    expect(page.locator("#totals")).to_contain_text("mmol")
    screenshot("day-editor-mmol")


LAPTOP = {"width": 1280, "height": 800}


def test_an_added_food_updates_the_totals_in_the_same_response(page, patient, week):
    # Kidney disease stage 4: a potassium limit, so the totals carry statuses and warnings.
    Profile.objects.create(
        user=patient, sex="female", birth_date=dt.date(1957, 3, 14), kidney_status="g4"
    )
    log_in(page, "patient")
    day = week.days.first()
    page.goto(day.get_absolute_url())
    totals = page.locator("#totals")
    potassium = totals.locator("li.total", has_text="Potassium")
    expect(potassium).to_contain_text("nothing planned")
    search = page.get_by_role("combobox", name="Food")
    search.fill("spinach")
    expect(page.locator("#food-results [role=option]")).to_have_count(1)

    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.locator("#meal-breakfast")).to_contain_text("Spinach, raw")
    # 1 cup (30 g): 558 mg K and 79 mg Mg per 100 g.
    expect(potassium).to_contain_text("167 mg")
    expect(totals.locator("li.total", has_text="Magnesium")).to_contain_text("23.7 mg")
    # The status words (row.words) and the warnings came back with the same answer.
    expect(totals.locator("li.total", has_text="Magnesium")).to_contain_text("below target")
    expect(potassium).to_contain_text("within target")
    expect(totals.locator(".warnings")).to_contain_text("below your target of 320 mg")
    # Give a follow-up request (an event, a load trigger) the time to show itself.
    page.wait_for_timeout(750)
    assert [method for method, _ in requests] == ["POST"], requests
    assert requests[0][1].endswith(f"/days/{day.id}/items/add/")
    assert not [url for _, url in requests if "/totals/" in url]
    # The whole page at 1280×800 and 390×844, and the totals panel as a phone shows it.
    shots(page, "day-editor-one-response", sections=(("totals", "#totals"),), desktop=LAPTOP)

    # The unit toggle: one request, the totals come back in mmol.
    requests.clear()
    page.get_by_role("radio", name="mmol").check()
    expect(potassium).to_contain_text("4.3 mmol")  # 167.4 mg / 39.1
    page.wait_for_timeout(500)
    assert [method for method, _ in requests] == ["POST"], requests
