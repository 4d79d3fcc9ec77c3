from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from planner.models import Profile, ProfileMedicine
from planner.profile.forms import years_before
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def section_shots(page, name: str) -> None:
    """Phone-width pictures of each section, small enough to read when reviewing."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    for section in ("profile-form", "medicines", "targets"):
        page.locator(f"#{section}").screenshot(path=SCREENSHOTS / f"{name}-phone-{section}.png")
    page.set_viewport_size(DESKTOP)


def test_a_patient_fills_the_profile_picks_lisinopril_with_the_keyboard_and_sees_targets(
    page, screenshot, make_user
):
    make_user("rosa")
    log_in(page, "rosa", next_url="/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.locator("#targets")).to_contain_text("Fill in your birth date and sex")
    screenshot("profile-empty")

    birth = years_before(dt.date.today(), 44).isoformat()
    page.get_by_label("Birth date").fill(birth)
    page.get_by_label("Sex", exact=True).select_option("female")
    page.get_by_label("Kidney status").select_option("g2")
    page.get_by_label("eGFR (mL/min/1.73 m²)").fill("72")
    page.get_by_label("Latest serum potassium").fill("4.6")
    page.get_by_label("Latest serum magnesium").fill("1.9")
    page.locator("#id_serum_mg_unit").select_option("mg/dL")

    # Pick a medicine with the keyboard only: type, Tab past the Search button
    # to the first result's Add button, press Enter.
    search = page.get_by_label("Find a medicine")
    search.click()
    page.keyboard.type("lisin", delay=40)
    add = page.get_by_role("button", name="Add Lisinopril")
    expect(add).to_be_visible()
    expect(page.locator("#medicine-results")).to_contain_text("ACE inhibitor")
    expect(page.locator("#medicine-results")).to_contain_text("raises potassium")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(add).to_be_focused()
    screenshot("profile-medicine-search")
    page.set_viewport_size(PHONE)
    page.locator("#medicines").screenshot(
        path=SCREENSHOTS / "profile-medicine-search-phone-medicines.png"
    )
    page.set_viewport_size(DESKTOP)
    expect(add).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#medicine-status")).to_contain_text("Added Lisinopril")
    expect(page.locator("#medicine-list")).to_contain_text("Lisinopril")
    expect(page.locator("#medicine-list")).to_contain_text("Ben Salem")
    # The targets refreshed on their own: lisinopril is a hyperkalaemia risk.
    expect(page.locator("#target-card-potassium_mg")).to_contain_text("hyperkalaemia")
    # The unsaved profile fields were not lost by the htmx add.
    expect(page.get_by_label("eGFR (mL/min/1.73 m²)")).to_have_value("72")

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").first).to_contain_text("Your profile is saved.")
    magnesium = page.locator("#target-card-magnesium_mg")
    expect(magnesium).to_contain_text("At least 320 mg a day")
    expect(magnesium).to_contain_text("Recommended Dietary Allowance (RDA)")
    potassium = page.locator("#target-card-potassium_mg")
    expect(potassium).to_contain_text("At most 3,000 mg a day")
    expect(potassium).to_contain_text("you take Lisinopril (ACE inhibitor)")
    expect(potassium).to_contain_text("design choice of this app")
    expect(page.locator("#target-card-mg-supplements")).to_contain_text("supplements only")
    screenshot("profile-filled")
    section_shots(page, "profile-filled")

    profile = Profile.objects.get(user__username="rosa")
    assert profile.sex == "female"
    assert profile.kidney_status == "g2"
    assert (profile.serum_mg, profile.serum_mg_unit) == (1.9, "mg/dL")
    assert profile.medicine_codes == ["lisinopril"]


def test_removing_a_medicine_puts_focus_on_the_list_and_restores_the_potassium_ai(page, make_user):
    user = make_user("omar")
    profile = Profile.objects.create(
        user=user, birth_date=years_before(dt.date.today(), 50), sex="male"
    )
    ProfileMedicine.objects.create(profile=profile, code="spironolactone")
    log_in(page, "omar", next_url="/profile/")
    expect(page.locator("#target-card-potassium_mg")).to_contain_text("At most 3,000 mg")
    page.get_by_role("button", name="Remove Spironolactone").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#medicine-status")).to_contain_text("Removed Spironolactone")
    expect(page.get_by_role("heading", name="Your medicines")).to_be_focused()
    expect(page.locator("#target-card-potassium_mg")).to_contain_text("At least 3,400 mg")


def test_a_validation_error_is_shown_beside_the_field_and_nothing_is_saved(
    page, screenshot, make_user
):
    user = make_user("lena")
    Profile.objects.create(user=user, sex="male")
    log_in(page, "lena", next_url="/profile/")
    page.get_by_label("Birth date").fill(years_before(dt.date.today(), 30).isoformat())
    page.get_by_label("Pregnancy or breastfeeding").select_option("pregnant")
    page.get_by_label("Latest serum magnesium").fill("13")
    page.locator("#id_serum_mg_unit").select_option("mg/dL")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status").first).to_contain_text("Nothing was saved")
    expect(page.locator("#profile-form")).to_contain_text("only be recorded when sex is female")
    expect(page.locator("#profile-form")).to_contain_text("between 0.49 and 12.15 mg/dL")
    expect(page.get_by_label("Latest serum magnesium")).to_have_attribute("aria-invalid", "true")
    screenshot("profile-errors", phone=False)
    assert Profile.objects.get(user=user).birth_date is None


def test_the_medicine_picker_works_without_javascript(browser, live_server, make_user):
    make_user("noscript")
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, "noscript", next_url="/profile/")
        page.get_by_label("Find a medicine").fill("furo")
        page.get_by_label("Find a medicine").press("Enter")
        expect(page).to_have_url(re.compile(r"/profile/\?q=furo#medicines$"))
        page.get_by_role("button", name="Add Furosemide").click()
        expect(page.locator(".messages")).to_contain_text("Added Furosemide")
        expect(page.locator("#medicine-list")).to_contain_text("lowers magnesium")
        expect(page.locator("#medicine-results")).to_contain_text("Already in your list")
        page.get_by_role("button", name="Remove Furosemide").click()
        expect(page.locator(".messages")).to_contain_text("Removed Furosemide")
        expect(page.locator("#medicine-list")).to_contain_text("None added yet")
    finally:
        context.close()
