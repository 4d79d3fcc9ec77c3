"""A curator corrects a food in the admin; a user's day totals follow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import curators_group
from tests.browser.conftest import DESKTOP, SCREENSHOTS, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(patient, make_user, plan_for, food, food_group, item):
    curator = make_user("curator", is_staff=True)
    # Browser tests flush the database between tests, data migrations' rows too.
    curator.groups.add(curators_group())
    banana = food(
        "Bananas, raw",
        group=food_group("09", "Fruits and Fruit Juices"),
        energy_kcal=89,
        magnesium_mg=27,
        potassium_mg=358,
        portions=[("1 medium", 118), ("1 cup, sliced", 150)],
    )
    food("Spinach, raw", magnesium_mg=79, potassium_mg=558, portions=[("1 cup", 30)])
    day = plan_for(patient).days.get()
    item(day, banana, grams=200, meal="breakfast")
    return day, banana


def test_a_curator_corrects_potassium_and_the_users_day_totals_follow(
    browser, live_server, page, screenshot, setting
):
    day, banana = setting

    # The user's day editor, in a browser context of its own.
    user_context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    user_context.set_default_timeout(10_000)
    user_page = user_context.new_page()
    user_errors: list[str] = []
    user_page.on("pageerror", lambda exc: user_errors.append(str(exc)))
    log_in(user_page, "patient")
    user_page.goto(day.get_absolute_url())
    totals = user_page.locator("#totals")
    expect(totals).to_contain_text("716 mg")  # 200 g × 358 mg / 100 g
    user_page.screenshot(path=SCREENSHOTS / "curation-day-before-desktop.png", full_page=True)

    # The curator, in the admin: find the food, change its potassium, save.
    page.goto("/admin/login/?next=/admin/nutrition/food/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Select food to change")).to_be_visible()
    page.locator("#searchbar").fill("banana")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list")).to_contain_text("Bananas, raw")
    expect(page.locator("#result_list")).not_to_contain_text("Spinach")
    expect(page.locator("#result_list")).to_contain_text("1 medium (118 g)")
    expect(page.locator("#result_list")).to_contain_text("422 mg")
    screenshot("curation-admin-list", phone=False)

    page.get_by_role("link", name="Bananas, raw").click()
    potassium = page.get_by_label("Potassium mg")
    expect(potassium).to_have_value("358.0")
    potassium.fill("-5")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("greater than or equal to 0")
    potassium = page.get_by_label("Potassium mg")
    potassium.fill("420")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#result_list")).to_contain_text("420 mg")

    # The admin history shows who changed what, old → new.
    page.goto(f"/admin/nutrition/food/{banana.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("curator")
    expect(page.locator("#change-history")).to_contain_text("358.0")
    expect(page.locator("#change-history")).to_contain_text("420.0")
    screenshot("curation-admin-history", phone=False)

    # The user's totals follow the corrected value on the next look.
    user_page.reload()
    expect(totals).to_contain_text("840 mg")  # 200 g × 420 mg / 100 g
    user_page.screenshot(path=SCREENSHOTS / "curation-day-after-desktop.png", full_page=True)

    # And the public food page says so.
    user_page.goto(banana.get_absolute_url())
    expect(user_page.locator("#corrections")).to_contain_text("Corrected by a curator on")
    expect(user_page.locator("#corrections")).to_contain_text("Potassium (mg) 358 → 420")
    user_page.screenshot(path=SCREENSHOTS / "curation-food-page-desktop.png", full_page=True)
    user_context.close()
    assert not user_errors


def test_a_user_adds_a_food_from_a_label_and_sees_the_conversion(page, screenshot, patient):
    log_in(page, "patient")
    page.get_by_role("link", name="My foods").click()
    page.get_by_role("link", name="Add a food from a label").click()
    page.get_by_label("Name").fill("Oat bar, dark chocolate")
    page.get_by_label("Serving:", exact=True).fill("1 bar")
    page.get_by_label("Serving size (g)").fill("40")
    page.get_by_label("Magnesium per serving (mg)").fill("32")
    page.get_by_label("Potassium per serving (mg)").fill("140")
    conversion = page.locator("#conversion")
    expect(conversion).to_contain_text("350 mg")  # live, through htmx
    expect(conversion).to_contain_text("80 mg")
    screenshot("curation-user-food-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Oat bar, dark chocolate")).to_be_visible()
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator("#review-pending")).to_be_visible()
    screenshot("curation-user-food-detail")


def test_a_curator_previews_an_import_fixes_the_bad_row_and_applies(
    page, screenshot, setting, tmp_path
):
    from nutrition.curation.csvfile import COLUMNS

    header = ",".join(COLUMNS)
    good = 'curated,C-1,"Kale chips",09,food,480,10,120,1200,,,,no,yes,1 bag:28\n'
    bad = "curated,C-2,Salty crackers,09,food,420,,,,-5,,,no,no,\n"
    _, banana = setting
    changed = (
        f'usda-sr24,{banana.source_id},"Bananas, raw",09,food,89,,27,400,,,,no,yes,'
        '"1 medium:118|1 cup, sliced:150"\n'
    )
    first = tmp_path / "foods.csv"
    first.write_text(header + "\n" + good + bad + changed)
    page.goto("/admin/login/?next=/admin/nutrition/food/import/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("File").set_input_files(first)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-errors")).to_contain_text("Sodium cannot be negative")
    expect(page.get_by_role("button", name="Apply this import")).to_have_count(0)
    screenshot("curation-import-rejected", phone=False)

    fixed = tmp_path / "foods-fixed.csv"
    fixed.write_text(header + "\n" + good + bad.replace("-5", "") + changed)
    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("File").set_input_files(fixed)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-counts")).to_contain_text("2 new, 1 changed")
    expect(page.locator("#import-changed")).to_contain_text("358 → 400")
    screenshot("curation-import-preview", phone=False)
    page.get_by_role("button", name="Apply this import").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Imported foods-fixed.csv: 2 new, 1 changed"
    )
