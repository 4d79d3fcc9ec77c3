from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from planner.models import CareLink, Comment, HistoryEvent, ShareLink
from planner.sharing.views import find
from tests.helpers import filled_profile, linked, make_link, potato_and_rice_plan

# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def patient(make_user):
    return make_user("patient", first_name="Anna", last_name="Berg")


@pytest.fixture
def profile(patient):
    """CKD G4 with lab values that must never reach a share page."""
    return filled_profile(patient, "lisinopril")


@pytest.fixture
def plan(plan_for, patient, profile, food, item):
    notes = "Drink water with the tablets."
    return potato_and_rice_plan(plan_for, food, item, patient, "Renal week", notes, 300)


@pytest.fixture
def dietitian(dietitian, patient):
    linked(dietitian, patient)
    return dietitian


@pytest.fixture
def link(plan, patient):
    return make_link(plan, patient, label="for Dr Lee")


def share_url(link: ShareLink) -> str:
    return reverse("planner:share_page", args=[link.token])


# --- creating and listing -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["patient", "dietitian"])
def test_the_owner_and_the_dietitian_can_create_a_share_link(client, request, plan, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = timezone.now()
    response = client.post(
        reverse("planner:share_create", args=[plan.pk]),
        {"days": "30", "label": "for Dr Lee"},
    )
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert link.created_by == user
    assert link.label == "for Dr Lee"
    assert link.show_name is False
    assert len(link.token) == 43
    assert before + dt.timedelta(days=30) <= link.expires_at
    assert link.expires_at <= timezone.now() + dt.timedelta(days=30)
    event = HistoryEvent.objects.get(action="share-created")
    assert (event.owner, event.actor, event.plan) == (plan.owner, user, plan)
    listing = client.get(response["Location"]).content.decode()
    assert link.token in listing
    assert "for Dr Lee" in listing
    assert "active" in listing


def test_creating_with_htmx_re_renders_the_section_with_the_new_link(client, patient, plan):
    client.force_login(patient)
    response = client.post(
        reverse("planner:share_create", args=[plan.pk]),
        {"days": "14", "show_name": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="shares"')
    link = ShareLink.objects.get()
    assert link.show_name is True
    assert f"/share/{link.token}/" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "0"}, "at least 1 day"),
        ({"days": "91"}, "at most 90 days"),
        ({"days": "abc"}, "whole number of days"),
        ({"days": ""}, "Choose how many days"),
        ({"days": "5", "label": "x" * 121}, "120 characters"),
    ],
)
def test_bad_share_settings_are_refused_with_a_message_and_nothing_is_saved(
    client, patient, plan, data, message
):
    client.force_login(patient)
    response = client.post(reverse("planner:share_create", args=[plan.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    htmx = client.post(
        reverse("planner:share_create", args=[plan.pk]), data, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200
    assert message in htmx.content.decode()
    assert not ShareLink.objects.exists()
    assert not HistoryEvent.objects.filter(action="share-created").exists()


def test_the_share_form_defaults_to_14_days_and_no_name(client, patient, plan):
    client.force_login(patient)
    page = client.get(reverse("planner:share_list", args=[plan.pk])).content.decode()
    assert re.search(r'name="days"[^>]*value="14"', page, re.S)
    assert 'name="show_name" id="share-show-name">' in page  # not checked


def test_a_template_plan_is_not_shared(client, dietitian, plan_for):
    template = plan_for(dietitian, name="Template")
    template.is_template = True
    template.save()
    client.force_login(dietitian)
    response = client.post(reverse("planner:share_create", args=[template.pk]), {"days": "5"})
    assert response.status_code == 302
    assert not ShareLink.objects.exists()


def test_the_plan_page_loads_the_share_section_and_links_to_print_and_pdf(client, patient, plan):
    client.force_login(patient)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'hx-get="{reverse("planner:share_list", args=[plan.pk])}"' in page
    assert reverse("planner:plan_pdf", args=[plan.pk]) in page
    assert reverse("planner:plan_print", args=[plan.pk]) in page


# --- strangers ------------------------------------------------------------------------------


def test_another_user_cannot_list_create_or_revoke_share_links(client, stranger, plan, link):
    client.force_login(stranger)
    assert client.get(reverse("planner:share_list", args=[plan.pk])).status_code == 404
    assert (
        client.post(reverse("planner:share_create", args=[plan.pk]), {"days": "5"}).status_code
        == 404
    )
    assert client.post(reverse("planner:share_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


def test_an_anonymous_visitor_must_log_in_to_manage_share_links(client, plan, link):
    for response in (
        client.get(reverse("planner:share_list", args=[plan.pk])),
        client.post(reverse("planner:share_create", args=[plan.pk]), {"days": "5"}),
        client.post(reverse("planner:share_revoke", args=[link.pk])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert ShareLink.objects.count() == 1


def test_revoking_needs_a_post(client, patient, link):
    client.force_login(patient)
    assert client.get(reverse("planner:share_revoke", args=[link.pk])).status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


# --- revoking -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["patient", "dietitian"])
def test_the_owner_or_the_dietitian_revokes_a_link_and_it_stops_working(client, request, link, who):
    user = request.getfixturevalue(who)
    assert client.get(share_url(link)).status_code == 200
    client.force_login(user)
    response = client.post(reverse("planner:share_revoke", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == user
    event = HistoryEvent.objects.get(action="share-revoked")
    assert event.actor == user and "for Dr Lee" in event.summary
    listing = client.get(response["Location"]).content.decode()
    assert "withdrawn" in listing
    client.logout()
    gone = client.get(share_url(link))
    assert gone.status_code == 404
    assert "expired or was withdrawn" in gone.content.decode()


def test_revoking_twice_records_one_withdrawal(client, patient, link):
    client.force_login(patient)
    client.post(reverse("planner:share_revoke", args=[link.pk]))
    client.post(reverse("planner:share_revoke", args=[link.pk]), headers={"HX-Request": "true"})
    assert HistoryEvent.objects.filter(action="share-revoked").count() == 1


# --- the public page ------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_the_plan_items_and_totals(client, link):
    response = client.get(share_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Renal week" in page
    assert "Potatoes, baked" in page and "Rice, white, cooked" in page
    assert "300 g" in page
    assert "Day total" in page
    # Monday: 300 g potato (1,605 mg K) + 150 g rice (52.5) = 1,658 mg against the 3,000 limit.
    assert "1,658" in page
    # Targets, warnings and notes only when the sharer ticks them (public_report).
    assert "limit 3,000" not in page
    assert "Drink water with the tablets." not in page
    assert "data-code=" not in page


def test_a_link_with_targets_and_notes_ticked_shows_them(client, plan, patient):
    link = make_link(plan, patient, show_targets=True, show_notes=True)
    page = client.get(share_url(link)).content.decode()
    assert "1,658" in page
    assert "limit 3,000" in page
    assert "Drink water with the tablets." in page  # the plan's notes
    assert 'data-code="K_HIGH_ITEM"' in page  # warnings


def test_the_share_page_sends_privacy_headers(client, link):
    response = client.get(share_url(link))
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"


def test_the_share_page_has_no_forms_and_no_csrf_protected_actions(client, patient, link):
    for logged_in in (False, True):
        if logged_in:
            client.force_login(patient)
        response = client.get(share_url(link))
        page = response.content.decode()
        assert "<form" not in page
        assert "csrfmiddlewaretoken" not in page
        assert "X-CSRFToken" not in page
        assert "hx-post" not in page and "hx-get" not in page
        assert "csrftoken" not in response.cookies


def test_the_share_page_shows_no_personal_data_by_default(client, patient, profile, link):
    page = client.get(share_url(link)).content.decode()
    for private in (
        "patient",  # username
        "patient@example.org",
        "Anna",
        "Berg",
        "1961",
        "14 Mar",
        "5.7",  # serum K
        "0.61",  # serum Mg
        "23.5",  # eGFR
        "for Dr Lee",  # the sharer's label is for their list only
    ):
        assert private not in page, private
    assert "never shows who the plan is for" in page


def test_the_share_page_shows_only_the_display_name_when_chosen(client, plan, patient):
    link = make_link(plan, patient, show_name=True)
    page = client.get(share_url(link)).content.decode()
    assert "For Anna Berg" in page
    assert "patient@example.org" not in page
    assert ">patient<" not in page


def test_the_share_page_shows_no_comments(client, plan, dietitian, link):
    Comment.objects.create(plan=plan, author=dietitian, body="Private advice about labs")
    page = client.get(share_url(link)).content.decode()
    assert "Private advice about labs" not in page
    assert "Dana" not in page


def test_the_share_page_works_for_a_logged_in_stranger_too(client, stranger, link):
    client.force_login(stranger)
    assert client.get(share_url(link)).status_code == 200


def test_an_expired_link_answers_404_with_a_friendly_page(client, plan, patient):
    link = make_link(plan, patient)
    link.expires_at = timezone.now() - dt.timedelta(seconds=1)
    link.save()
    response = client.get(share_url(link))
    assert response.status_code == 404
    assert "This link has expired or was withdrawn" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"


def test_a_link_expires_after_its_days(client, plan, patient):
    link = make_link(plan, patient, days=1)
    assert find(link.token)[1] == "active"
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert find(link.token)[1] == "expired"


@pytest.mark.parametrize(
    "token", ["nope", "x" * 43, "a" * 200, "bad token with spaces", "%00", "..", "ü" * 30]
)
def test_an_unknown_token_answers_404(client, link, token):
    response = client.get(f"/share/{token}/")
    assert response.status_code == 404
    assert "No shared plan here" in response.content.decode()
    assert client.get(f"/share/{token}/pdf").status_code == 404


def test_the_share_page_query_count_does_not_grow_with_the_plan(client, plan, patient, food, item):
    link = make_link(plan, patient)
    with CaptureQueriesContext(connection) as small:
        client.get(share_url(link))
    extra_food = food("Apples, raw", magnesium_mg=5, potassium_mg=107)
    for day in plan.days.all():
        for _ in range(20):
            item(day, extra_food, grams=50)
    with CaptureQueriesContext(connection) as big:
        client.get(share_url(link))
    assert len(small) == len(big)
    assert len(big) <= 10, [q["sql"] for q in big.captured_queries]


def test_a_plan_whose_owner_has_no_profile_is_shared_without_creating_one(
    client, make_user, plan_for
):
    from planner.models import Profile

    owner = make_user("newcomer")
    plan = plan_for(owner, name="First try")
    link = make_link(plan, owner, show_targets=True)
    response = client.get(share_url(link))
    assert response.status_code == 200
    assert "No daily targets are set for this person." in response.content.decode()
    assert client.get(reverse("planner:share_pdf", args=[link.token])).status_code == 200
    assert not Profile.objects.filter(user=owner).exists()


def test_a_link_made_by_a_dietitian_keeps_working_after_the_care_link_ends(client, plan, dietitian):
    link = make_link(plan, dietitian)
    CareLink.objects.filter(dietitian=dietitian).update(status="ended")
    assert client.get(share_url(link)).status_code == 200
    # The former dietitian can no longer see or withdraw it; the owner still can.
    client.force_login(dietitian)
    assert client.post(reverse("planner:share_revoke", args=[link.pk])).status_code == 404
