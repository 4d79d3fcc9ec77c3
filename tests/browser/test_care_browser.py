from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from planner.models import MealItem, Plan, PlanDay
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in, open_page
from tests.browser.conftest import phone_and_desktop_screenshots as shots
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser, live_server):
    """Another browser context: the client, signed in separately from the dietitian."""
    other = open_page(browser, live_server.url)
    yield other
    other.context.close()
    assert not other.errors, f"browser errors: {other.errors}"


def test_a_dietitian_invites_the_client_accepts_and_sees_the_potassium_limit_and_why(
    page, second_page, dana_and_rosa, food
):
    _, rosa = dana_and_rosa(age=58, sex="female", kidney_status="g3b", egfr=38, serum_k=5.4)
    # A planned day over the renal limit, so the client list has something to flag.
    banana = food("Bananas, raw", magnesium_mg=27, potassium_mg=358, portions=[("1 medium", 118)])
    potato = food("Potatoes, baked, flesh and skin", magnesium_mg=28, potassium_mg=535)
    plan = Plan.objects.create(owner=rosa, author=rosa, name="This week")
    day = PlanDay.objects.create(plan=plan, position=0, name="Monday")
    MealItem.objects.create(day=day, meal="breakfast", food=banana, grams=236)
    MealItem.objects.create(day=day, meal="dinner", food=potato, grams=450)

    # The dietitian invites Rosa by e-mail.
    log_in(page, "dana", next_url="/clients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your clients")
    expect(page.get_by_role("link", name="Clients", exact=True)).to_be_visible()
    page.get_by_label("Client's e-mail (optional)").fill("rosa@example.org")
    page.get_by_role("button", name="Create invitation").click()
    expect(page.locator(".message-success")).to_contain_text("Invitation sent to rosa@example.org")
    invite_field = page.get_by_label(re.compile("To rosa@example.org"))
    invite_url = invite_field.input_value()
    assert re.search(r"/invites/[\w-]{43}/$", invite_url)
    assert len(mail.outbox) == 1 and invite_url in mail.outbox[0].body
    shots(page, "care-invite-sent", sections=(("section", "#invites"),))

    # Rosa opens the link in her own browser: log in first, then back to the invitation.
    path = urlsplit(invite_url).path
    second_page.goto(path)
    expect(second_page).to_have_url(re.compile(r"/accounts/login/"))
    second_page.get_by_label("Username").fill("rosa")
    second_page.get_by_label("Password:", exact=True).fill(PASSWORD)
    second_page.get_by_role("button", name="Log in").click()
    expect(second_page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(second_page.get_by_role("heading", level=1)).to_have_text("Invitation from Dana Diet")
    expect(second_page.locator("main")).to_contain_text("see your profile")
    shots(second_page, "care-invitation")
    second_page.get_by_role("button", name="Accept").click()
    expect(second_page.get_by_role("heading", level=1)).to_have_text("My dietitians")
    expect(second_page.locator(".message-success")).to_contain_text(
        "Dana Diet is now your dietitian"
    )
    shots(second_page, "care-my-dietitians")

    # The dietitian sees Rosa at the top of the list, flagged, and opens her page.
    page.goto("/clients/")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Rosa Marsh")
    expect(row).to_contain_text("danger")
    expect(row).to_contain_text("limit 3,000")
    shots(page, "care-client-list")
    row.get_by_role("link", name="Rosa Marsh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rosa Marsh")
    expect(page.locator("#profile")).to_contain_text("CKD G3b")

    # A tighter potassium limit, with the reason.
    form = page.locator("#target-form")
    form.get_by_label("Nutrient").select_option("potassium_mg")
    form.get_by_label("Maximum a day").fill("2500")
    form.get_by_label("Reason (the client sees it)").fill(
        "Serum potassium 5.4 mmol/L on your last blood test."
    )
    form.get_by_role("button", name="Save target").click()
    expect(page.locator(".message-success")).to_contain_text("Potassium target saved")
    expect(page.locator("#target-potassium_mg")).to_contain_text("at most 2,500 mg a day")
    expect(page.locator("#history")).to_contain_text("potassium target to at most 2,500 mg")
    shots(page, "care-client-detail", sections=(("section", "#targets"),))

    # Rosa sees the limit, who set it and why, on her targets.
    second_page.goto("/profile/")
    card = second_page.locator("#target-card-potassium_mg")
    expect(card).to_contain_text("At most 2,500 mg a day")
    expect(card).to_contain_text("Set by Dana Diet — Serum potassium 5.4 mmol/L")
    expect(second_page.locator("#care-role")).to_contain_text("Dana Diet")
    second_page.set_viewport_size(PHONE)
    card.screenshot(path=SCREENSHOTS / "care-client-sees-limit-phone-card.png")
    second_page.set_viewport_size(DESKTOP)
    shots(second_page, "care-client-sees-limit")
    second_page.goto("/history/")
    expect(second_page.locator("main")).to_contain_text("by Dana Diet")
    shots(second_page, "care-history")


def test_a_dietitian_applies_a_template_to_a_client(page, dana_and_rosa, food):
    dietitian, rosa = dana_and_rosa()
    from planner.models import CareLink

    CareLink.objects.create(dietitian=dietitian, client=rosa, token="t" * 43, status="active")
    rice = food("Rice, white, cooked", magnesium_mg=12, potassium_mg=35)
    template = Plan.objects.create(
        owner=dietitian, author=dietitian, name="Low-potassium starter", is_template=True
    )
    for position, name in enumerate(("Monday", "Tuesday")):
        day = PlanDay.objects.create(plan=template, position=position, name=name)
        MealItem.objects.create(day=day, meal="lunch", food=rice, grams=150)
    Plan.objects.create(owner=dietitian, author=dietitian, name="My own week")

    log_in(page, "dana", next_url="/clients/templates/")
    expect(page.locator("tbody tr").first).to_contain_text("Low-potassium starter")
    shots(page, "care-templates")
    page.get_by_label("Client for Low-potassium starter").select_option(label="Rosa Marsh")
    page.get_by_role("button", name="Apply Low-potassium starter").click()
    expect(page.locator(".message-success")).to_contain_text("is now a plan of Rosa Marsh")
    copy = Plan.objects.get(owner=rosa)
    assert copy.days.count() == 2
    assert MealItem.objects.filter(day__plan=copy).count() == 2
