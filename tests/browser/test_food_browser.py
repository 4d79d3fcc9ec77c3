from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nutrition.sr24 import load_foods

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bundled_foods(db):
    load_foods()


def test_a_visitor_searches_spinach_opens_it_and_changes_the_portion(
    page, screenshot, bundled_foods
):
    page.goto("/foods/")
    page.get_by_label("Search foods").fill("spinach")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Spinach, raw", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=spinach"))
    screenshot("food-search")

    results.get_by_role("link", name="Spinach, raw", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spinach, raw")
    amounts = page.locator("#amounts")
    # Default portion: 1 cup (30 g) of raw spinach, 558 mg K per 100 g.
    expect(amounts).to_contain_text("30 g")
    expect(amounts.get_by_role("row", name=re.compile("Potassium"))).to_contain_text("167")

    page.get_by_label("Portion", exact=True).select_option(label="1 bunch (340 g)")
    expect(amounts).to_contain_text("340 g")
    expect(amounts.get_by_role("row", name=re.compile("Potassium"))).to_contain_text("1,897")
    expect(amounts).to_contain_text("Very high potassium")

    page.get_by_label("How many").fill("2")
    expect(amounts.get_by_role("row", name=re.compile("Potassium"))).to_contain_text("3,794")

    page.get_by_label("Show Mg, K and Na in").select_option("mmol")
    expect(amounts.get_by_role("row", name=re.compile("Potassium"))).to_contain_text("mmol")
    screenshot("food-detail")


def test_rankings_show_magnesium_per_potassium(page, screenshot, bundled_foods):
    page.goto("/foods/rankings/?nutrient=mg&basis=mg_per_k&kind=food")
    expect(page.locator("#ranking-results tbody tr")).to_have_count(25)
    page.get_by_label("Potassium per portion at most (mg)").fill("150")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#ranking-results")).to_contain_text("ranked by magnesium")
    screenshot("rankings")


def test_sources_page_lists_real_foods(page, screenshot, bundled_foods):
    page.goto("/foods/sources/")
    expect(
        page.get_by_role("link", name="Seeds, pumpkin and squash seed kernels, dried")
    ).to_be_visible()
    screenshot("sources")
