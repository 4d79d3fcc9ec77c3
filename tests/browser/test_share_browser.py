from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from planner.access import profile_for
from planner.models import Comment, MealItem, Plan, PlanDay, ShareLink
from tests.browser.conftest import DESKTOP, SCREENSHOTS, log_in, phone_and_desktop_screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_plan(make_user, food, food_group):
    """A man of 60 with CKD G4: Mg target 420 mg, K limit 3,000 mg."""
    user = make_user("omar", first_name="Omar", last_name="Haddad")
    profile = profile_for(user)
    profile.birth_date = dt.date.today() - dt.timedelta(days=60 * 366)
    profile.sex = "male"
    profile.kidney_status = "g4"
    profile.serum_k = 5.4
    profile.save()
    potato = food("Potatoes, baked, flesh and skin", magnesium_mg=28, potassium_mg=535)
    rice = food("Rice, white, long-grain, cooked", magnesium_mg=12, potassium_mg=35)
    apple = food("Apples, raw, with skin", magnesium_mg=5, potassium_mg=107)
    plan = Plan.objects.create(
        owner=user, author=user, name="Kidney-friendly week", notes="Leach potatoes first."
    )
    monday = PlanDay.objects.create(plan=plan, position=0, name="Monday")
    tuesday = PlanDay.objects.create(plan=plan, position=1, name="Tuesday")
    for day, meal, item_food, grams in (
        (monday, "breakfast", apple, 150),
        (monday, "lunch", rice, 200),
        (monday, "dinner", potato, 300),
        (tuesday, "lunch", rice, 180),
        (tuesday, "dinner", apple, 120),
    ):
        MealItem.objects.create(day=day, meal=meal, food=item_food, grams=grams)
    Comment.objects.create(plan=plan, author=user, body="A private question for my dietitian")
    return user, plan


def test_the_owner_shares_a_plan_an_anonymous_visitor_reads_it_and_it_is_withdrawn(
    page, browser, live_server, screenshot, shared_plan
):
    user, plan = shared_plan
    log_in(page, user.username)
    page.goto(f"/plans/{plan.pk}/")

    # The share section loads itself with htmx; create a link for 30 days.
    shares = page.locator("#shares")
    expect(shares.get_by_role("heading", name="Read-only share links")).to_be_visible()
    shares.get_by_label("Works for (days)").fill("30")
    shares.get_by_label("Who it is for").fill("for Dr Lee")
    # Off by default: the meals and totals only. This sharer adds targets and notes.
    expect(shares.get_by_label("Show the daily targets")).not_to_be_checked()
    shares.get_by_label("Show the daily targets").check()
    shares.get_by_label("Show the plan’s notes").check()
    shares.get_by_role("button", name="Create share link").click()
    expect(shares.get_by_role("status")).to_contain_text("Share link created")
    expect(shares.locator(".share-table")).to_contain_text("for Dr Lee")
    link = ShareLink.objects.get(plan=plan)
    share_path = f"/share/{link.token}/"
    expect(shares.locator(".share-table")).to_contain_text(share_path)
    screenshot("share-section")

    # A fresh browser context: no cookies, no account.
    anonymous = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    visitor = anonymous.new_page()
    errors: list[str] = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    response = visitor.goto(share_path)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Kidney-friendly week")
    expect(visitor.locator(".report-day")).to_have_count(2)
    expect(visitor.get_by_role("cell", name="Potatoes, baked, flesh and skin")).to_be_visible()
    expect(visitor.locator(".report-day").first).to_contain_text("Day total")
    expect(visitor.locator(".report-day").first).to_contain_text("limit 3,000")
    expect(visitor.locator(".report-targets")).to_contain_text("(set for this person)")
    expect(visitor.get_by_text("Leach potatoes first.")).to_be_visible()
    # Read only: nothing to fill in or press, no name, no comments, no lab values.
    expect(visitor.locator("form, input, textarea, select, button")).to_have_count(0)
    body = visitor.locator("body").inner_text()
    for private in ("Omar", "Haddad", "omar", "5.4", "private question", "for Dr Lee"):
        assert private not in body, private
    phone_and_desktop_screenshots(visitor, "share-page")
    visitor.emulate_media(media="print")
    visitor.screenshot(path=SCREENSHOTS / "share-page-print.png", full_page=True)
    visitor.emulate_media(media="screen")

    # The signed-in print view, as paper would show it.
    page.goto(f"/plans/{plan.pk}/print/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    page.screenshot(path=SCREENSHOTS / "plan-print-view-print.png", full_page=True)
    page.emulate_media(media="screen")

    # The owner withdraws the link; the visitor's next visit finds it gone.
    page.goto(f"/plans/{plan.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    shares.get_by_role("button", name=re.compile("Withdraw")).click()
    expect(shares.get_by_role("status")).to_contain_text("withdrawn")
    expect(shares.locator(".share-table")).to_contain_text("withdrawn")
    # A CSP violation or a script error on the share page would have shown up by now.
    assert not errors, errors
    gone = visitor.goto(share_path)
    assert gone.status == 404
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "This link has expired or was withdrawn"
    )
    visitor.screenshot(path=SCREENSHOTS / "share-page-withdrawn-desktop.png", full_page=True)
    anonymous.close()


def test_comments_on_an_item_and_the_day_with_htmx(page, screenshot, shared_plan):
    user, plan = shared_plan
    monday = plan.days.get(name="Monday")
    potato_item = monday.items.get(meal="dinner")
    log_in(page, user.username)
    page.goto(f"/days/{monday.pk}/")

    thread = page.locator(f"#comments-day-{monday.pk}")
    expect(thread.get_by_role("heading", name=re.compile("Comments"))).to_be_visible()
    page.get_by_role("link", name="Comment on Potatoes, baked, flesh and skin").click()
    form = page.locator(f"#item-comment-form-{potato_item.pk}")
    form.get_by_label(re.compile("Comment on Dinner: 300 g Potatoes")).fill("Can I leach these?")
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Comment posted on Dinner: 300 g Potatoes")).to_be_visible()
    # The day's thread refreshes on the htmx event.
    expect(thread).to_contain_text("Can I leach these?")
    expect(thread).to_contain_text("about Dinner: 300 g Potatoes, baked, flesh and skin")

    thread.get_by_label("Comment on Monday").fill("")
    thread.get_by_role("button", name="Post comment").click()  # the browser's required check
    expect(thread.locator(".comment")).to_have_count(1)
    thread.get_by_label("Comment on Monday").fill("Monday looks good.")
    thread.get_by_role("button", name="Post comment").click()
    expect(thread.get_by_role("status")).to_contain_text("Comment posted.")
    expect(thread.locator(".comment")).to_have_count(2)
    thread.scroll_into_view_if_needed()
    screenshot("day-comments")
