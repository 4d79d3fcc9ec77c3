from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinical import catalogue
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = (
    ("/learn/", "learn-index", "Learn"),
    ("/learn/magnesium-and-potassium/", "learn-mg-k", "How magnesium and potassium work together"),
    ("/learn/symptoms/", "learn-symptoms", "Symptoms of low magnesium and low potassium"),
    ("/learn/supplements/", "learn-supplements", "Magnesium and potassium supplements compared"),
    ("/warnings/", "warning-index", "What the warnings mean"),
    ("/warnings/K_SUPPLEMENT_HYPERKALEMIA_RISK/", "warning-detail", "Potassium supplement"),
)


def page_overflows_sideways(page) -> bool:
    # Wide tables scroll inside their .table-wrap; the page itself must not.
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


@pytest.mark.parametrize(("path", "name", "heading"), PAGES)
def test_each_learn_page_reads_at_phone_and_desktop_widths(page, screenshot, path, name, heading):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.locator(".clinician-note")).to_contain_text(
        "planning support, not diagnosis — talk to your clinician"
    )
    page.set_viewport_size(PHONE)
    assert not page_overflows_sideways(page), f"{path} scrolls sideways on a phone"
    page.set_viewport_size(DESKTOP)
    assert not page_overflows_sideways(page)
    screenshot(name)


def test_a_visitor_finds_the_learn_pages_from_the_home_page(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").click()
    expect(page).to_have_url(re.compile(r"/learn/$"))
    expect(page.get_by_role("link", name="Learn", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_role("link", name="Symptoms of low magnesium and potassium").click()
    expect(
        page.get_by_role("heading", name=re.compile("urgently with palpitations"))
    ).to_be_visible()

    page.get_by_role("navigation", name="Learn pages").get_by_role("link", name="Warnings").click()
    expect(page.get_by_role("heading", level=2, name="Danger")).to_be_visible()
    entry = catalogue.CATALOGUE["LOW_K_CHECK_MG"]
    page.get_by_role("link", name=entry.title).click()
    expect(page).to_have_url(re.compile(r"/warnings/LOW_K_CHECK_MG/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    page.get_by_role("link", name="Magnesium and potassium together").click()
    expect(page.get_by_role("heading", name="The blood tests")).to_be_visible()


def test_the_supplements_page_links_into_the_database(page):
    page.goto("/learn/supplements/")
    page.get_by_role("link", name="Magnesium supplements").click()
    expect(page).to_have_url(re.compile(r"kind=supplement&q=magnesium"))


SHOWN = {"K_ABOVE_LIMIT", "LOW_K_CHECK_MG", "MG_SUPPLEMENT_ABOVE_UL"}


def test_every_warning_page_fits_a_phone(page, screenshot):
    page.set_viewport_size(PHONE)
    for code, entry in sorted(catalogue.CATALOGUE.items()):
        page.goto(reverse("planner:warning_detail", args=[code]))
        expect(page.get_by_role("heading", level=1)).to_have_text(entry.title)
        assert not page_overflows_sideways(page), f"{code} scrolls sideways on a phone"
        if code in SHOWN:
            screenshot(f"warning-{code.lower().replace('_', '-')}")
            page.set_viewport_size(PHONE)
