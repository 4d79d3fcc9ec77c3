"""Playwright fixtures driving Debian's Chromium.

In CI (REQUIRE_BROWSER=1) a missing Chromium fails the run; elsewhere the
browser tests skip and say why.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# fixtures around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        _unavailable("Chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def open_page(browser, base_url: str):
    """A page in a browser context of its own (its own cookies: another person); script
    errors and CSP violations collect in `page.errors`."""
    context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    return page


def log_in(page, username: str, next_url: str | None = None) -> None:
    """Log in through the form; wait for `next_url`, or else for the name in the header."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if next_url:
        expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))
    else:
        expect(page.locator(".site-nav .who")).to_have_text(username)


def phone_and_desktop_screenshots(
    page,
    name: str,
    *,
    phone: bool = True,
    sections: tuple[tuple[str, str], ...] = (),
    desktop: dict = DESKTOP,
) -> None:
    """The whole page at `desktop` size and (unless phone=False) at phone width, then each
    (file suffix, CSS selector) of `sections` alone at phone width; it ends at DESKTOP size."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(desktop)
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
        for suffix, selector in sections:
            page.locator(selector).screenshot(path=SCREENSHOTS / f"{name}-phone-{suffix}.png")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def dana_and_rosa(make_user):
    """make(age=58, **profile) -> Dana Diet, a dietitian, and Rosa Marsh, not yet her client;
    Rosa gets a profile, born on the 1st of this month `age` years ago, when given one."""

    def make(age: int | None = None, **profile):
        from django.contrib.auth.models import Group

        from accounts.roles import DIETITIANS_GROUP
        from planner.models import Profile

        dana = make_user("dana", first_name="Dana", last_name="Diet")
        dana.groups.add(Group.objects.get_or_create(name=DIETITIANS_GROUP)[0])
        rosa = make_user("rosa", first_name="Rosa", last_name="Marsh")
        if age is not None:
            today = dt.date.today()
            birth_date = today.replace(year=today.year - age, day=1)
            Profile.objects.create(user=rosa, birth_date=birth_date, **profile)
        return dana, rosa

    return make


@pytest.fixture
def page(browser, live_server):
    page = open_page(browser, live_server.url)
    yield page
    page.context.close()
    # A CSP violation or a script error is a failure, not noise.
    assert not page.errors, f"browser errors: {page.errors}"


@pytest.fixture
def screenshot(page):
    def take(name: str, *, phone: bool = True) -> None:
        phone_and_desktop_screenshots(page, name, phone=phone)

    return take
