"""Issue 6's whole story in a real browser.

A dietitian invites a client, the client accepts, the dietitian sets a
potassium limit and builds a day, the client sees it with the dietitian's
comment, a share link shows it read-only and stops working once withdrawn.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def context_for(browser, live_server):
    contexts = []

    def make():
        page = open_page(browser, live_server.url)
        contexts.append(page.context)
        return page

    yield make
    for context in contexts:
        context.close()


def test_the_whole_dietitian_story(page, screenshot, context_for, dana_and_rosa, food, food_group):
    dana_and_rosa(age=61, sex="female", kidney_status="g4", egfr=24)
    fruit = food_group("09", "Fruits and Fruit Juices")
    for name, potassium, magnesium, kcal, medium in (
        ("Apples, raw, with skin", 107, 5, 52, 182),
        ("Bananas, raw", 358, 27, 89, 118),
    ):
        portions = [("1 medium", medium)]
        food(name, group=fruit, potassium_mg=potassium, magnesium_mg=magnesium, energy_kcal=kcal, portions=portions)  # fmt: skip  # noqa: E501

    # 1. The dietitian invites Rosa with a link.
    log_in(page, "dana")
    page.goto("/clients/")
    page.get_by_role("button", name="Create invitation").click()
    invite_url = page.locator("#invites input[value*='/invites/']").first.input_value()
    assert re.search(r"/invites/[\w-]+/$", invite_url)

    # 2. Rosa accepts in her own browser.
    client = context_for()
    log_in(client, "rosa")
    client.goto(invite_url)
    client.get_by_role("button", name="Accept").click()
    expect(client.locator(".message-success")).to_contain_text("Dana Diet is now your dietitian")

    # 3. The dietitian sets a potassium limit with a reason.
    page.goto("/clients/")
    page.get_by_role("link", name="Rosa Marsh").first.click()
    form = page.locator("#target-form")
    form.get_by_label("Nutrient").select_option("potassium_mg")
    form.get_by_label("Maximum a day").fill("2000")
    form.get_by_label("Reason (the client sees it)").fill("Serum potassium 5.6 mmol/L last week.")
    form.get_by_role("button", name="Save target").click()
    expect(page.locator("#target-potassium_mg")).to_contain_text("at most 2,000 mg a day")

    # 4. ... and builds a day for her: a new plan, a banana at breakfast, a comment.
    page.get_by_label("Plan name").fill("Week from Dana")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week from Dana")
    search = page.get_by_role("combobox", name="Food")
    search.fill("banana")
    expect(page.locator("#food-results [role=option]")).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.locator("#meal-breakfast")).to_contain_text("Bananas, raw")
    expect(page.locator("#totals")).to_contain_text("limit 2,000")
    comment_box = page.get_by_label(re.compile("Comment on Monday"))
    comment_box.fill("One banana is fine on this limit; keep it to one a day.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#main")).to_contain_text("keep it to one a day")
    screenshot("story-dietitian-day")

    # 5. Rosa sees the plan, the limit and the comment.
    client.goto("/plans/")
    client.get_by_role("link", name="Week from Dana").click()
    client.get_by_role("link", name="Monday").first.click()
    expect(client.locator("#meal-breakfast")).to_contain_text("Bananas, raw")
    expect(client.locator("#totals")).to_contain_text("set by Dana Diet")
    expect(client.locator("#main")).to_contain_text("keep it to one a day")
    expect(client.locator(".site-nav")).to_contain_text("Comments")

    # 6. Rosa shares the plan read-only with her nephrologist.
    client.goto(client.url.split("/days/")[0] + "/plans/")
    client.get_by_role("link", name="Week from Dana").click()
    shares = client.locator("#shares")  # loads itself into the plan page
    shares.get_by_label(re.compile("Who it is for")).fill("for Dr Lee")
    shares.get_by_role("button", name="Create share link").click()
    share_url = client.locator("a.share-url").first.get_attribute("href")

    visitor = context_for()
    visitor.goto(share_url)
    expect(visitor.locator("main")).to_contain_text("Bananas, raw")
    expect(visitor.locator("main")).not_to_contain_text("Rosa")
    assert visitor.locator("main form").count() == 0
    visitor.screenshot(path="tests/browser/screenshots/story-share-page.png", full_page=True)

    # 7. She withdraws it; the link stops working at once.
    client.locator("#shares").get_by_role("button", name=re.compile("Withdraw")).click()
    expect(client.locator("#shares")).to_contain_text("withdrawn")
    response = visitor.goto(share_url)
    assert response.status == 404
    expect(visitor.locator("main")).to_contain_text("expired or was withdrawn")

    assert not client.errors, client.errors
    # The visitor's only console error is the expected 404 of the withdrawn link.
    assert all("404" in error for error in visitor.errors), visitor.errors
