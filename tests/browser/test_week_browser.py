from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from planner.access import profile_for
from planner.models import MealItem, Plan, PlanDay
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week_plan(make_user, food, food_group):
    """A woman of 45 on hemodialysis: Mg target 320 mg, K limit 3,000 mg."""
    user = make_user("ines")
    profile = profile_for(user)
    profile.birth_date = dt.date.today() - dt.timedelta(days=45 * 366)
    profile.sex = "female"
    profile.kidney_status = "hd"
    profile.save()

    spinach = food("Spinach, raw", magnesium_mg=79, potassium_mg=558, sodium_mg=79, energy_kcal=23)
    banana = food("Banana, raw", magnesium_mg=27, potassium_mg=358, sodium_mg=1, energy_kcal=89)
    almonds = food("Almonds", magnesium_mg=270, potassium_mg=733, sodium_mg=1, energy_kcal=579)
    stew = food("Grandma's stew", magnesium_mg=30)  # no potassium value
    tablet = food(
        "Magnesium oxide tablet",
        group=food_group("SUPP", "Supplements"),
        kind="supplement",
        magnesium_mg=24100,
        potassium_mg=0,
        energy_kcal=0,
    )
    plan = Plan.objects.create(owner=user, author=user, name="Dialysis week")
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    days = [PlanDay.objects.create(plan=plan, position=i, name=n) for i, n in enumerate(names)]
    menu = [
        [(banana, 120), (spinach, 100), (almonds, 30)],
        [(spinach, 400), (almonds, 60), (banana, 240)],  # over the potassium limit
        [(stew, 300), (banana, 120), (tablet, 1)],  # potassium unknown in part
        [(almonds, 40), (tablet, 1)],
        [(spinach, 60), (banana, 100)],
        [(almonds, 80), (spinach, 200)],
        [],  # Sunday not planned yet
    ]
    for day, items in zip(days, menu, strict=True):
        for position, (item_food, grams) in enumerate(items):
            MealItem.objects.create(
                day=day, meal="lunch", food=item_food, grams=grams, position=position
            )
    return user, plan


def test_the_week_view_shows_days_chart_averages_and_exports(page, screenshot, week_plan):
    user, plan = week_plan
    log_in(page, user.username)
    page.goto(f"/plans/{plan.pk}/week/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Dialysis week")
    expect(page.get_by_role("img", name=re.compile("Magnesium per day"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Potassium per day"))).to_be_visible()
    table = page.locator(".week-table")
    expect(table.get_by_role("link", name="Wednesday")).to_be_visible()
    expect(table).to_contain_text("over limit")  # Tuesday's potassium
    expect(table).to_contain_text("1 item lack data")  # Wednesday's stew
    expect(page.get_by_text("Average per planned day")).to_be_visible()
    screenshot("week-view")

    # Nothing but the wide table scrolls sideways on a phone.
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    # A close-up of the charts at phone width, to check their text is legible.
    page.locator(".chart-grid").screenshot(path=SCREENSHOTS / "week-charts-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.emulate_media(media="print")
    screenshot("week-view-print", phone=False)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"mgk-plan-{plan.pk}-dialysis-week.csv"

    wednesday = plan.days.get(name="Wednesday")
    link = table.get_by_role("link", name="Wednesday")
    expect(link).to_have_attribute("href", wednesday.get_absolute_url())
