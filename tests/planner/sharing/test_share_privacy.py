"""What a share link lets out: the allow-list of planner.sharing.report, on every surface.

The plan's owner has every sensitive field filled; for each combination of
the share options, the page, its print view and its PDF must show none of it.
"""

from __future__ import annotations

import itertools
import re
from html import unescape

import pytest
from django.urls import reverse

from planner import history
from planner.models import Comment, CustomTarget, ShareLink
from tests import helpers
from tests.helpers import filled_profile, linked, pdf_text, potato_and_rice_plan

LAB_REASON = "Serum K 5.87 mmol/L on lisinopril, recheck in March"
# Strings from the profile, the dietitian, comments and history that no share may show.
ALWAYS_PRIVATE = (
    "anna-private",
    "anna-private@example.org",
    "1961",
    "14 Mar",
    "Lisinopril",
    "lisinopril",
    "Furosemide",
    "Omeprazole",
    "diuretic",
    "proton-pump",
    "5.87",
    "0.61",
    "23.5",
    "eGFR",
    "Serum",
    "serum",
    "CKD",
    "G4",
    "G3",
    "dialysis",
    "transplant",
    "Dana",
    "Lee",
    "Set for you",
    "Reason",
    "recheck in March",
    "pregnan",
    "women",
    "RDA",
    "renal",
    "Private remark from the dietitian",
    "History-only words",
    "for Dr Whitfield",
)
OWNER_NAME = ("Anna", "Berg")


@pytest.fixture
def owner(make_user):
    return make_user("anna-private", first_name="Anna", last_name="Berg")


@pytest.fixture
def dietitian(dietitian, owner):
    linked(dietitian, owner)
    return dietitian


@pytest.fixture
def plan(owner, dietitian, plan_for, food, item, supplement):
    profile = filled_profile(owner, "lisinopril", "furosemide", "omeprazole", serum_k=5.87)
    CustomTarget.objects.create(
        profile=profile, nutrient="potassium_mg", maximum=2000, reason=LAB_REASON, set_by=dietitian
    )
    notes = "Soak the potatoes overnight."
    plan = potato_and_rice_plan(plan_for, food, item, owner, "Week of soups", notes, 600)
    monday = plan.days.first()
    item(monday, supplement("Magnesium oxide 400", "mg", 241), grams=3, meal="breakfast")
    item(monday, supplement("Salt substitute KCl", "k", 500, contains_kcl=True), grams=1)
    Comment.objects.create(plan=plan, author=dietitian, body="Private remark from the dietitian")
    history.record(dietitian, owner, "target-set", "History-only words", plan)
    return plan


def make_link(plan, user, **options) -> ShareLink:
    return helpers.make_link(plan, user, days=7, label="for Dr Whitfield", **options)


def visible_text(html: str) -> str:
    """The page as a reader sees it: no tags, no attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def surfaces(client, link: ShareLink) -> dict[str, str]:
    texts = {}
    for name in ("planner:share_page", "planner:share_print"):
        response = client.get(reverse(name, args=[link.token]))
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "private, no-store"
        # The random token is in the page's own links: it must not fake a match.
        texts[name] = response.content.decode().replace(link.token, "TOKEN")
    response = client.get(reverse("planner:share_pdf", args=[link.token]))
    assert response.status_code == 200
    texts["planner:share_pdf"] = pdf_text(response.content)
    return texts


OPTION_SETS = [
    dict(zip(("show_name", "show_targets", "show_notes"), values, strict=True))
    for values in itertools.product((False, True), repeat=3)
]


@pytest.mark.parametrize(
    "options", OPTION_SETS, ids=lambda o: "-".join(k for k, v in o.items() if v) or "none"
)
def test_no_share_surface_shows_private_health_data(client, plan, owner, options):
    link = make_link(plan, owner, **options)
    for surface, text in surfaces(client, link).items():
        # The whole HTML (attributes included) for the pages, the extracted text for the PDF.
        for private in ALWAYS_PRIVATE:
            assert private not in text, (surface, private)
        if not options["show_name"]:
            for name in OWNER_NAME:
                assert name not in text, (surface, name)
        # Always: the plan, its days, its foods and the day totals.
        assert "Week of soups" in text
        assert "Potatoes, baked" in text
        assert "Rice, white, cooked" in text
        assert "Day total" in text


@pytest.mark.parametrize(
    "options", OPTION_SETS, ids=lambda o: "-".join(k for k, v in o.items() if v) or "none"
)
def test_each_share_option_adds_only_its_own_part(client, plan, owner, options):
    link = make_link(plan, owner, **options)
    for surface, text in surfaces(client, link).items():
        shown = visible_text(text) if surface != "planner:share_pdf" else text
        assert ("Anna Berg" in shown) == options["show_name"], surface
        assert ("Soak the potatoes overnight." in shown) == options["show_notes"], surface
        assert ("set for this person" in shown) == options["show_targets"], surface
        assert ("Warnings" in shown) == options["show_targets"], surface


def test_a_shared_target_reads_as_set_for_this_person(client, plan, owner):
    link = make_link(plan, owner, show_targets=True)
    page = visible_text(
        client.get(reverse("planner:share_page", args=[link.token])).content.decode()
    )
    assert re.search(r"Potassium:\s+at most\s+2,000 mg\s+a day \(set for this person\)", page)
    # The warnings still come from the owner's real limits, worded from the numbers only.
    assert "above the limit of 2,000 mg set for this person" in page
    assert "potassium supplement or salt substitute" in page
    assert "magnesium supplement, antacid or laxative" in page


def test_warnings_about_the_person_rather_than_the_plan_are_never_shared(client, plan, owner):
    from planner.sharing.report import build_public_report

    link = make_link(plan, owner, show_targets=True)
    codes = {w.code for day in build_public_report(link).days for w in day.warnings}
    assert {"K_ABOVE_LIMIT", "K_HIGH_ITEM", "K_SUPPLEMENT_HYPERKALEMIA_RISK"} <= codes
    assert not codes & {"DIURETIC_LOSSES", "PPI_LOW_MG", "LOW_K_CHECK_MG"}


def test_a_new_link_shows_only_the_meals_and_totals_unless_ticked(client, plan, owner):
    client.force_login(owner)
    response = client.post(reverse("planner:share_create", args=[plan.pk]), {"days": "7"})
    assert response.status_code == 302
    link = ShareLink.objects.get(plan=plan)
    assert (link.show_name, link.show_targets, link.show_notes) == (False, False, False)
    client.post(
        reverse("planner:share_create", args=[plan.pk]),
        {"days": "7", "show_targets": "on", "show_notes": "on"},
    )
    newest = ShareLink.objects.filter(plan=plan).order_by("-id").first()
    assert (newest.show_name, newest.show_targets, newest.show_notes) == (False, True, True)


def test_the_share_form_says_what_a_link_shows_in_plain_words(client, plan, owner):
    client.force_login(owner)
    page = visible_text(client.get(reverse("planner:share_list", args=[plan.pk])).content.decode())
    page = " ".join(page.split())
    assert "Always shown: the plan’s name, its days, meals, foods, amounts and day totals" in page
    assert "Only if you tick it below (off by default)" in page
    assert "Never shown: username, e-mail, birth date, kidney status, lab results" in page
