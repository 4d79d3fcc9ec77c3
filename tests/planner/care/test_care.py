"""Dietitians and their clients: invitations, links, the client workspace, targets, templates."""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import grant_dietitian
from planner.care import logic as care
from planner.models import (
    CareLink,
    CustomTarget,
    HistoryEvent,
    MealItem,
    Plan,
    Profile,
    ProfileMedicine,
)
from tests.helpers import linked

CLIENTS_URL = "/clients/"


# --- helpers and fixtures ---------------------------------------------------------------


def make_dietitian(make_user, username: str, **extra):
    user = make_user(username, **extra)
    grant_dietitian(user)
    return user


@pytest.fixture
def dietitian(make_user):
    return make_dietitian(make_user, "dana", first_name="Dana", last_name="Diet")


@pytest.fixture
def other_dietitian(make_user):
    return make_dietitian(make_user, "otto", first_name="Otto", last_name="Other")


def invitation(dietitian, email: str = "") -> CareLink:
    return CareLink.objects.create(dietitian=dietitian, email=email, token=care.new_token())


def invite_url(link: CareLink, action: str = "") -> str:
    name = {"": "invite_detail", "accept": "invite_accept", "decline": "invite_decline"}[action]
    return reverse(f"planner:{name}", args=[link.token])


def client_url(user) -> str:
    return reverse("planner:client_detail", args=[user.id])


def as_user(client, user):
    client.force_login(user)
    return client


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def born(years: int) -> dt.date:
    today = dt.date.today()
    return today.replace(year=today.year - years, day=1)


def snapshot() -> tuple:
    """Everything these views can change, to show a refusal changed nothing."""
    return (
        list(CareLink.objects.order_by("id").values()),
        HistoryEvent.objects.count(),
        list(CustomTarget.objects.order_by("id").values()),
        Plan.objects.count(),
    )


# --- invitations: the happy path ------------------------------------------------------------


def test_a_dietitian_invites_by_email_and_the_client_accepts_from_the_link(
    client, dietitian, patient, plan_for
):
    as_user(client, dietitian)
    response = client.post(reverse("planner:invite_create"), {"email": "pat@example.org"})
    assert response.status_code == 302
    link = CareLink.objects.get()
    assert link.status == CareLink.Status.PENDING
    assert link.email == "pat@example.org"
    assert len(link.token) >= 43  # secrets.token_urlsafe(32)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.org"]
    assert "Dana Diet" in message.subject
    url = re.search(r"https?://\S+/invites/\S+/", message.body).group(0)
    assert url.endswith(invite_url(link))

    # The dietitian's page shows the link to pass on, too.
    assert invite_url(link) in client.get(CLIENTS_URL).content.decode()

    as_user(client, patient)
    page = page_text(client.get(invite_url(link)))
    assert "Dana Diet" in page
    assert "see your profile" in page
    assert "set personal targets" in page
    response = client.post(invite_url(link, "accept"))
    assert response.status_code == 302
    assert response["Location"] == reverse("planner:care_home")
    link.refresh_from_db()
    assert link.status == CareLink.Status.ACTIVE
    assert link.client == patient
    assert link.responded_at is not None
    event = HistoryEvent.objects.get(owner=patient)
    assert event.action == "care-accepted"
    assert event.actor == patient
    assert "Dana Diet" in page_text(client.get(reverse("planner:care_home")))

    plan = plan_for(patient)
    as_user(client, dietitian)
    assert "patient" in client.get(CLIENTS_URL).content.decode()
    assert client.get(client_url(patient)).status_code == 200
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(plan.days.first().get_absolute_url()).status_code == 200


def test_an_invitation_without_an_email_sends_nothing_and_shows_the_link(client, dietitian):
    as_user(client, dietitian)
    response = client.post(reverse("planner:invite_create"), {"email": ""}, follow=True)
    link = CareLink.objects.get()
    assert mail.outbox == []
    assert link.email == ""
    assert invite_url(link) in response.content.decode()
    assert "copy its link below" in page_text(response)


def test_an_anonymous_visitor_logs_in_and_comes_back_to_the_invitation(client, dietitian):
    link = invitation(dietitian)
    response = client.get(invite_url(link))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={invite_url(link)}"
    assert client.post(invite_url(link, "accept")).status_code == 302
    assert CareLink.objects.get().status == CareLink.Status.PENDING


def test_a_client_declines_and_the_dietitian_gets_no_access(client, dietitian, patient, plan_for):
    link = invitation(dietitian)
    as_user(client, patient)
    response = client.post(invite_url(link, "decline"))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == CareLink.Status.DECLINED
    assert link.client == patient
    assert HistoryEvent.objects.get(owner=patient).action == "care-declined"
    plan = plan_for(patient)
    as_user(client, dietitian)
    assert client.get(client_url(patient)).status_code == 404
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_a_client_may_have_several_dietitians(client, dietitian, other_dietitian, patient):
    first, second = invitation(dietitian), invitation(other_dietitian)
    as_user(client, patient)
    client.post(invite_url(first, "accept"))
    client.post(invite_url(second, "accept"))
    assert CareLink.objects.filter(client=patient, status="active").count() == 2
    page = page_text(client.get(reverse("planner:care_home")))
    assert "Dana Diet" in page and "Otto Other" in page


def test_a_failed_email_keeps_the_invitation_and_says_so(client, dietitian, monkeypatch):
    def broken(*args, **kwargs):
        raise smtplib.SMTPException("mail server down")

    monkeypatch.setattr(care, "send_mail", broken)
    as_user(client, dietitian)
    response = client.post(reverse("planner:invite_create"), {"email": "pat@example.org"})
    assert response.status_code == 302
    assert CareLink.objects.filter(status="pending").count() == 1
    assert any("could not be sent" in m for m in message_texts(response))


@pytest.mark.parametrize("backend", ["RefusingBackend", "RecipientsRefusedBackend"])
def test_a_mail_server_that_is_down_leaves_the_invitation_its_link_and_a_log_line(
    client, dietitian, settings, caplog, backend
):
    settings.EMAIL_BACKEND = f"tests.mail_backends.{backend}"
    as_user(client, dietitian)
    with caplog.at_level(logging.WARNING, logger="config.mail"):
        response = client.post(
            reverse("planner:invite_create"), {"email": "pat@example.org"}, follow=True
        )
    assert response.status_code == 200
    link = CareLink.objects.get(status="pending", email="pat@example.org")
    text = page_text(response)
    assert "could not be sent" in text
    assert f"http://testserver{invite_url(link)}" in text
    [record] = caplog.records
    assert record.getMessage().startswith("Could not send the invitation e-mail: ")
    # Why it failed, not to whom: the address stays out of the log.
    assert "pat@example.org" not in record.getMessage()


# --- invitations: refusals ------------------------------------------------------------------


def refused(client, url: str, expected: str) -> None:
    before = snapshot()
    response = client.post(url)
    assert response.status_code == 302
    assert any(expected in m for m in message_texts(response)), message_texts(response)
    assert snapshot() == before


def test_accepting_your_own_invitation_is_refused(client, dietitian):
    link = invitation(dietitian)
    as_user(client, dietitian)
    refused(client, invite_url(link, "accept"), "This is your own invitation")
    refused(client, invite_url(link, "decline"), "This is your own invitation")
    assert "This is your own invitation" in page_text(client.get(invite_url(link)))


def test_accepting_twice_is_refused(client, dietitian, patient):
    link = invitation(dietitian)
    as_user(client, patient)
    client.post(invite_url(link, "accept"))
    refused(client, invite_url(link, "accept"), "You have already accepted this invitation")
    refused(client, invite_url(link, "decline"), "You have already accepted this invitation")


def test_someone_else_cannot_use_an_accepted_invitation(client, dietitian, patient, stranger):
    link = invitation(dietitian)
    as_user(client, patient)
    client.post(invite_url(link, "accept"))
    as_user(client, stranger)
    refused(client, invite_url(link, "accept"), "already been used")
    page = page_text(client.get(invite_url(link)))
    assert "already been used" in page
    assert "Accept" not in page.split("<main")[1]


def test_a_declined_invitation_cannot_be_accepted(client, dietitian, patient):
    link = invitation(dietitian)
    as_user(client, patient)
    client.post(invite_url(link, "decline"))
    refused(client, invite_url(link, "accept"), "was declined")


def test_a_withdrawn_invitation_cannot_be_accepted(client, dietitian, patient):
    link = invitation(dietitian, "pat@example.org")
    as_user(client, dietitian)
    response = client.post(reverse("planner:invite_withdraw", args=[link.id]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == CareLink.Status.ENDED
    assert HistoryEvent.objects.filter(owner=dietitian, action="care-withdrawn").exists()
    as_user(client, patient)
    refused(client, invite_url(link, "accept"), "withdrew this invitation")


def test_an_invitation_whose_link_has_ended_cannot_be_accepted_again(client, dietitian, patient):
    link = invitation(dietitian)
    as_user(client, patient)
    client.post(invite_url(link, "accept"))
    client.post(reverse("planner:care_end", args=[link.id]))
    refused(client, invite_url(link, "accept"), "link that has ended")


def test_an_invitation_from_someone_no_longer_a_dietitian_cannot_be_accepted(
    client, dietitian, patient
):
    link = invitation(dietitian)
    dietitian.groups.clear()
    as_user(client, patient)
    refused(client, invite_url(link, "accept"), "no longer a dietitian")


def test_a_second_invitation_from_your_dietitian_is_refused(client, dietitian, patient):
    linked(dietitian, patient)
    link = invitation(dietitian)
    as_user(client, patient)
    refused(client, invite_url(link, "accept"), "is already your dietitian")


def test_a_non_dietitian_cannot_create_invitations(client, patient):
    as_user(client, patient)
    response = client.post(reverse("planner:invite_create"), {"email": "x@example.org"})
    assert response.status_code == 403
    assert "dietitian role" in page_text(response)
    assert not CareLink.objects.exists()
    assert mail.outbox == []


def test_a_bad_email_is_refused_with_a_message(client, dietitian):
    as_user(client, dietitian)
    response = client.post(reverse("planner:invite_create"), {"email": "not an address"})
    assert response.status_code == 400
    assert "valid email" in page_text(response)
    assert not CareLink.objects.exists()


def test_an_unknown_or_malformed_token_is_404(client, patient):
    as_user(client, patient)
    assert client.get("/invites/no-such-token/").status_code == 404
    assert client.post("/invites/no-such-token/accept/").status_code == 404
    assert client.get("/invites/bad%20token!/").status_code == 404


def test_accepting_and_declining_need_a_post(client, dietitian, patient):
    link = invitation(dietitian)
    as_user(client, patient)
    assert client.get(invite_url(link, "accept")).status_code == 405
    assert client.get(invite_url(link, "decline")).status_code == 405
    assert CareLink.objects.get().status == CareLink.Status.PENDING


def test_only_the_inviting_dietitian_can_withdraw(client, dietitian, other_dietitian, patient):
    link = invitation(dietitian)
    for user in (other_dietitian, patient):
        as_user(client, user)
        assert client.post(reverse("planner:invite_withdraw", args=[link.id])).status_code == 404
    assert CareLink.objects.get().status == CareLink.Status.PENDING


def test_withdrawing_an_answered_invitation_changes_nothing(client, dietitian, patient):
    link = invitation(dietitian)
    as_user(client, patient)
    client.post(invite_url(link, "accept"))
    as_user(client, dietitian)
    refused(client, reverse("planner:invite_withdraw", args=[link.id]), "already answered")


def test_the_accept_form_carries_a_csrf_token(dietitian, patient):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(patient)
    link = invitation(dietitian)
    assert "csrfmiddlewaretoken" in csrf_client.get(invite_url(link)).content.decode()
    assert csrf_client.post(invite_url(link, "accept")).status_code == 403
    assert CareLink.objects.get().status == CareLink.Status.PENDING


# --- ending a link -------------------------------------------------------------------------


@pytest.mark.parametrize("ender", ["client", "dietitian"])
def test_either_side_ends_the_link_and_access_stops_at_once(
    client, dietitian, patient, plan_for, ender
):
    link = linked(dietitian, patient)
    plan = plan_for(patient)
    day = plan.days.first()
    as_user(client, dietitian)
    assert client.get(plan.get_absolute_url()).status_code == 200

    as_user(client, patient if ender == "client" else dietitian)
    # GET only asks; nothing ends until the POST.
    question = client.get(reverse("planner:care_end", args=[link.id]))
    assert question.status_code == 200
    assert "End the link" in page_text(question)
    link.refresh_from_db()
    assert link.status == CareLink.Status.ACTIVE
    response = client.post(reverse("planner:care_end", args=[link.id]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == CareLink.Status.ENDED
    assert link.ended_by == (patient if ender == "client" else dietitian)
    assert HistoryEvent.objects.get(owner=patient, action="care-ended")

    as_user(client, dietitian)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(day.get_absolute_url()).status_code == 404
    assert client.get(client_url(patient)).status_code == 404
    assert client_url(patient) not in page_text(client.get(CLIENTS_URL))


def test_a_stranger_cannot_end_someone_elses_link(client, dietitian, patient, stranger):
    link = linked(dietitian, patient)
    as_user(client, stranger)
    assert client.get(reverse("planner:care_end", args=[link.id])).status_code == 404
    assert client.post(reverse("planner:care_end", args=[link.id])).status_code == 404
    link.refresh_from_db()
    assert link.status == CareLink.Status.ACTIVE


def test_ending_a_link_twice_changes_nothing_the_second_time(client, dietitian, patient):
    link = linked(dietitian, patient)
    as_user(client, patient)
    client.post(reverse("planner:care_end", args=[link.id]))
    refused(client, reverse("planner:care_end", args=[link.id]), "not active")
    assert client.get(reverse("planner:care_end", args=[link.id])).status_code == 302


def test_a_dietitian_removed_from_the_group_loses_access(client, dietitian, patient, plan_for):
    linked(dietitian, patient)
    plan = plan_for(patient)
    as_user(client, dietitian)
    assert client.get(client_url(patient)).status_code == 200
    dietitian.groups.clear()
    assert client.get(client_url(patient)).status_code == 404
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(plan.days.first().get_absolute_url()).status_code == 404
    assert client.get(CLIENTS_URL).status_code == 403
    # The client no longer sees them as a dietitian with access either.
    as_user(client, patient)
    assert "Dana Diet" not in page_text(client.get(reverse("planner:care_home")))


# --- who may see a client -----------------------------------------------------------------


def test_a_stranger_and_another_dietitian_get_404_on_a_client(
    client, dietitian, other_dietitian, patient, stranger, plan_for
):
    linked(dietitian, patient)
    plan = plan_for(patient)
    for user in (stranger, other_dietitian):
        as_user(client, user)
        assert client.get(client_url(patient)).status_code == 404
        assert client.get(plan.get_absolute_url()).status_code == 404
        assert client.get(plan.days.first().get_absolute_url()).status_code == 404
        before = snapshot()
        for name, data in (
            ("client_target_set", {"nutrient": "potassium_mg", "maximum": "2000", "reason": "x"}),
            ("client_target_remove", {"nutrient": "potassium_mg"}),
            ("client_plan_create", {"name": "Sneaky"}),
        ):
            url = reverse(f"planner:{name}", args=[patient.id])
            assert client.post(url, data).status_code == 404
        assert snapshot() == before


def test_a_client_does_not_see_their_own_client_page(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, patient)
    assert client.get(client_url(patient)).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/clients/",
        "/clients/templates/",
        "/clients/1/",
        "/care/",
        "/history/",
        "/invites/some-token/",
        "/care/links/1/end/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_a_non_dietitian_gets_a_clear_403_on_the_dietitian_pages(client, patient):
    as_user(client, patient)
    for url in (CLIENTS_URL, reverse("planner:template_list")):
        response = client.get(url)
        assert response.status_code == 403
        assert "does not have the dietitian role" in page_text(response)
    response = client.post(reverse("planner:template_create"), {"name": "T"})
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_the_nav_shows_clients_to_dietitians_only(client, dietitian, patient):
    assert 'href="/care/"' not in client.get("/").content.decode()
    as_user(client, patient)
    html = client.get("/").content.decode()
    assert 'href="/care/"' in html
    assert 'href="/clients/"' not in html
    as_user(client, dietitian)
    assert 'href="/clients/"' in client.get("/").content.decode()


def test_the_profile_shows_the_dietitian_badge_and_the_clients_dietitians(
    client, dietitian, patient
):
    as_user(client, dietitian)
    assert "Dietitian</span>" in page_text(client.get(reverse("planner:profile")))
    linked(dietitian, patient)
    as_user(client, patient)
    page = page_text(client.get(reverse("planner:profile")))
    assert "Dietitian</span>" not in page
    assert "Your dietitian <strong>Dana Diet</strong>" in page


# --- custom targets -----------------------------------------------------------------------


def set_target(client, user, **data):
    return client.post(reverse("planner:client_target_set", args=[user.id]), data)


def test_a_dietitian_sets_a_potassium_limit_the_client_sees_with_who_and_why(
    client, dietitian, patient
):
    linked(dietitian, patient)
    as_user(client, dietitian)
    response = set_target(
        client, patient, nutrient="potassium_mg", maximum="2500", reason="  Serum K 5.6  "
    )
    assert response.status_code == 302
    target = CustomTarget.objects.get()
    assert (target.minimum, target.maximum, target.reason) == (None, 2500, "Serum K 5.6")
    assert target.set_by == dietitian
    event = HistoryEvent.objects.get(owner=patient)
    assert event.action == "target-set"
    assert "at most 2,500 mg" in event.summary
    assert "Serum K 5.6" in event.summary

    as_user(client, patient)
    page = page_text(client.get(reverse("planner:profile")))
    assert "Set by Dana Diet — Serum K 5.6" in page
    assert "At most 2,500 mg a day" in page
    assert "target-set" not in page
    assert "at most 2,500 mg" in page_text(client.get(reverse("planner:history")))


def test_a_custom_target_is_edited_and_removed_with_history(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    set_target(client, patient, nutrient="magnesium_mg", minimum="300", reason="first")
    edit = page_text(client.get(client_url(patient) + "?edit=magnesium_mg"))
    assert "Change the magnesium target" in edit
    assert 'value="300.0"' in edit or 'value="300"' in edit
    set_target(
        client, patient, nutrient="magnesium_mg", minimum="350", maximum="500", reason="second"
    )
    target = CustomTarget.objects.get()
    assert (target.minimum, target.maximum, target.reason) == (350, 500, "second")
    response = client.post(
        reverse("planner:client_target_remove", args=[patient.id]), {"nutrient": "magnesium_mg"}
    )
    assert response.status_code == 302
    assert not CustomTarget.objects.exists()
    actions = list(HistoryEvent.objects.filter(owner=patient).values_list("action", flat=True))
    assert actions == ["target-removed", "target-changed", "target-set"]
    # Removing what is not there says so and records nothing.
    before = snapshot()
    client.post(
        reverse("planner:client_target_remove", args=[patient.id]), {"nutrient": "magnesium_mg"}
    )
    client.post(reverse("planner:client_target_remove", args=[patient.id]), {"nutrient": "iron"})
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nutrient": "potassium_mg", "reason": "r"}, "Give a minimum, a maximum or both"),
        (
            {"nutrient": "potassium_mg", "minimum": "3000", "maximum": "2000", "reason": "r"},
            "The minimum is above the maximum",
        ),
        ({"nutrient": "potassium_mg", "maximum": "-1", "reason": "r"}, "greater than or equal"),
        ({"nutrient": "potassium_mg", "minimum": "-5", "reason": "r"}, "greater than or equal"),
        ({"nutrient": "potassium_mg", "maximum": "25000", "reason": "r"}, "not a sensible"),
        ({"nutrient": "energy_kcal", "maximum": "12000", "reason": "r"}, "not a sensible"),
        ({"nutrient": "protein_g", "minimum": "5000", "reason": "r"}, "not a sensible"),
        ({"nutrient": "potassium_mg", "maximum": "2000"}, "This field is required"),
        ({"nutrient": "potassium_mg", "maximum": "2000", "reason": "   "}, "required"),
        ({"nutrient": "iron_mg", "maximum": "20", "reason": "r"}, "Select a valid choice"),
        ({"nutrient": "potassium_mg", "maximum": "abc", "reason": "r"}, "Enter a number"),
        ({"nutrient": "potassium_mg", "maximum": "nan", "reason": "r"}, "Enter a number"),
        ({"nutrient": "potassium_mg", "maximum": "inf", "reason": "r"}, "Enter a number"),
        ({"nutrient": "potassium_mg", "maximum": "1e400", "reason": "r"}, "Enter a number"),
        ({"nutrient": "potassium_mg", "maximum": "1", "reason": "x" * 301}, "at most 300"),
        ({}, "This field is required"),
    ],
)
def test_custom_target_validation_refuses_bad_input(client, dietitian, patient, data, message):
    linked(dietitian, patient)
    as_user(client, dietitian)
    before = snapshot()
    response = set_target(client, patient, **data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert snapshot() == before


def test_a_minimum_equal_to_the_maximum_and_zero_bounds_are_allowed(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    set_target(client, patient, nutrient="sodium_mg", minimum="1500", maximum="1500", reason="r")
    set_target(client, patient, nutrient="phosphorus_mg", minimum="0", reason="r")
    set_target(client, patient, nutrient="energy_kcal", maximum="10000", reason="r")
    assert CustomTarget.objects.count() == 3


def test_the_client_page_shows_profile_targets_with_sources_plans_and_history(
    client, dietitian, patient, plan_for
):
    profile = Profile.objects.create(
        user=patient,
        birth_date=born(60),
        sex="female",
        kidney_status="g4",
        egfr=22,
        serum_k=5.3,
    )
    ProfileMedicine.objects.create(profile=profile, code="lisinopril")
    linked(dietitian, patient)
    plan = plan_for(patient, name="Spring week")
    as_user(client, dietitian)
    page = page_text(client.get(client_url(patient)))
    assert "CKD G4" in page
    assert "eGFR 22" in page
    assert "potassium 5.3 mmol/L" in page
    assert "Lisinopril" in page
    assert "renal limit" in page and "Potassium: at most 3,000 mg a day" in page
    assert "IOM 1997" in page or "NASEM" in page  # sources are shown
    assert plan.get_absolute_url() in page
    assert "Spring week" in page


def test_a_client_without_a_profile_is_shown_without_writing_one(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    page = page_text(client.get(client_url(patient)))
    assert "has not filled in a profile yet" in page
    assert not Profile.objects.filter(user=patient).exists()
    set_target(client, patient, nutrient="potassium_mg", maximum="2000", reason="r")
    assert Profile.objects.filter(user=patient).exists()


def test_the_client_page_ignores_a_bad_page_or_edit_parameter(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    for query in ("?page=abc", "?page=-3", "?page=99999", "?edit=nonsense", "?edit="):
        assert client.get(client_url(patient) + query).status_code == 200


# --- plans for clients and the history ----------------------------------------------------


def test_a_dietitian_creates_a_plan_for_a_client(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    response = client.post(
        reverse("planner:client_plan_create", args=[patient.id]), {"name": "Low-K week"}
    )
    plan = Plan.objects.get()
    assert (plan.owner, plan.author, plan.name, plan.is_template) == (
        patient,
        dietitian,
        "Low-K week",
        False,
    )
    day = plan.days.get()
    assert response["Location"] == day.get_absolute_url()
    event = HistoryEvent.objects.get(owner=patient)
    assert event.plan == plan
    assert event.actor == dietitian
    as_user(client, patient)
    page = page_text(client.get(reverse("planner:history")))
    assert "Created the plan “Low-K week”" in page
    assert "by Dana Diet" in page


def test_an_empty_plan_name_is_refused(client, dietitian, patient):
    linked(dietitian, patient)
    as_user(client, dietitian)
    response = client.post(
        reverse("planner:client_plan_create", args=[patient.id]), {"name": "   "}
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_the_history_is_newest_first_and_only_your_own(client, patient, stranger):
    HistoryEvent.objects.create(owner=patient, actor=patient, action="a", summary="Older thing")
    HistoryEvent.objects.create(owner=patient, actor=patient, action="a", summary="Newer thing")
    HistoryEvent.objects.create(owner=stranger, actor=stranger, action="a", summary="Not yours")
    as_user(client, patient)
    page = page_text(client.get(reverse("planner:history")))
    assert page.index("Newer thing") < page.index("Older thing")
    assert "Not yours" not in page


# --- the client list --------------------------------------------------------------------------


@pytest.fixture
def rich_food(food):
    # Per 100 g: plenty of both, so a big portion meets the targets.
    return food("Rich mix", magnesium_mg=100, potassium_mg=800, sodium_mg=10, phosphorus_mg=50)


@pytest.fixture
def banana(food):
    return food("Banana, raw", magnesium_mg=27, potassium_mg=358, sodium_mg=1, phosphorus_mg=22)


@pytest.fixture
def white_rice(food):
    return food("Rice, white", magnesium_mg=12, potassium_mg=35, sodium_mg=1, phosphorus_mg=43)


def client_with_day(make_user, dietitian, plan_for, item, name, *, kidney="none", items=()):
    user = make_user(name)
    Profile.objects.create(user=user, birth_date=born(40), sex="female", kidney_status=kidney)
    linked(dietitian, user)
    if items:
        plan = plan_for(user, name=f"{name} plan", days=2)
        day = plan.days.order_by("position").last()
        for food, grams in items:
            item(day, food, grams=grams)
    return user


def test_the_client_list_puts_who_needs_attention_first(
    client, dietitian, make_user, plan_for, item, rich_food, banana, white_rice
):
    ok = client_with_day(make_user, dietitian, plan_for, item, "a-ok", items=[(rich_food, 500)])
    none = client_with_day(make_user, dietitian, plan_for, item, "b-none")
    mg_low = client_with_day(
        make_user, dietitian, plan_for, item, "c-mglow", items=[(white_rice, 100)]
    )
    caution = client_with_day(
        make_user, dietitian, plan_for, item, "d-caution", kidney="g4", items=[(banana, 100)]
    )
    danger = client_with_day(
        make_user, dietitian, plan_for, item, "e-danger", kidney="g4", items=[(banana, 1000)]
    )
    summaries = care.client_summaries(dietitian)
    assert [s.client for s in summaries] == [danger, caution, mg_low, none, ok]
    assert [s.attention for s in summaries] == [
        "danger",
        "caution",
        "mg-below",
        "no-recent-plan",
        "ok",
    ]
    top = summaries[0]
    assert top.danger == 1
    assert top.k_over
    assert top.potassium.value == pytest.approx(3580)
    assert top.potassium.maximum == 3000
    assert summaries[4].magnesium.value == pytest.approx(500)
    assert summaries[4].magnesium.minimum == 320

    as_user(client, dietitian)
    page = page_text(client.get(CLIENTS_URL))
    order = [page.index(f">{u.username}<") for u in (danger, caution, mg_low, none, ok)]
    assert order == sorted(order)
    assert "1 danger" in page
    assert "limit 3,000" in page
    assert "No plan yet" in page


def test_the_last_planned_day_is_the_last_day_with_items_of_the_latest_plan(
    dietitian, make_user, plan_for, item, banana
):
    user = client_with_day(make_user, dietitian, plan_for, item, "pat")
    old = plan_for(user, name="Old", days=1)
    item(old.days.get(), banana, grams=100)
    latest = plan_for(user, name="Latest", days=3)
    days = list(latest.days.order_by("position"))
    item(days[1], banana, grams=200)  # the third day is empty
    Plan.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    template = plan_for(dietitian, name="Not a client's")
    template.is_template = True
    template.save()
    (summary,) = care.client_summaries(dietitian)
    assert summary.plan == latest
    assert summary.day_id == days[1].id
    assert summary.potassium.value == pytest.approx(716)


def test_a_stale_plan_counts_as_no_recent_plan(dietitian, make_user, plan_for, item, rich_food):
    user = client_with_day(make_user, dietitian, plan_for, item, "pat", items=[(rich_food, 500)])
    Plan.objects.filter(owner=user).update(updated_at=timezone.now() - dt.timedelta(days=45))
    (summary,) = care.client_summaries(dietitian)
    assert summary.attention == "no-recent-plan"


def list_queries(client, dietitian) -> int:
    as_user(client, dietitian)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CLIENTS_URL)
    assert response.status_code == 200
    return len(queries)


# With no client the page already asks for the session, the user, the dietitian
# group, the links and the open invitations (plus whatever the shared page chrome
# asks). Clients add exactly five, however many there are: their medicines, their
# custom targets, the latest plans with their last planned day, those days'
# totals, and those days' items for the warning rules.
CLIENT_QUERIES = 5


@pytest.mark.parametrize("count", [1, 5, 20])
def test_the_client_list_takes_a_fixed_number_of_queries(
    client, dietitian, make_user, plan_for, item, banana, rich_food, count
):
    baseline = list_queries(client, dietitian)  # no clients yet: the page's own queries
    setter = make_user("setter")
    for index in range(count):
        user = client_with_day(
            make_user,
            dietitian,
            plan_for,
            item,
            f"client{index:02d}",
            kidney="g4" if index % 2 else "none",
            items=[(banana, 300), (rich_food, 100)],
        )
        profile = user.profile
        ProfileMedicine.objects.create(profile=profile, code="furosemide")
        CustomTarget.objects.create(
            profile=profile, nutrient="sodium_mg", maximum=2000, reason="r", set_by=setter
        )
    assert MealItem.objects.count() == 2 * count
    assert list_queries(client, dietitian) - baseline == CLIENT_QUERIES


def test_a_client_without_a_profile_is_listed_with_defaults(client, dietitian, patient, plan_for):
    linked(dietitian, patient)
    plan_for(patient)
    as_user(client, dietitian)
    assert client.get(CLIENTS_URL).status_code == 200
    (summary,) = care.client_summaries(dietitian)
    assert summary.day_id is None
    assert summary.attention == "no-recent-plan"
    assert not Profile.objects.filter(user=patient).exists()


# --- templates ------------------------------------------------------------------------------


def test_a_template_applied_to_a_client_is_a_copy(
    client, dietitian, patient, plan_for, item, banana, rich_food
):
    linked(dietitian, patient)
    template = plan_for(dietitian, name="Renal starter", days=2)
    template.is_template = True
    template.save()
    first, second = template.days.order_by("position")
    item(first, banana, grams=100, meal="breakfast")
    item(second, rich_food, grams=50, meal="dinner")
    item(second, banana, grams=80, meal="snack")

    as_user(client, dietitian)
    response = client.post(
        reverse("planner:template_apply"),
        {"template": template.id, "client": patient.id, "name": "", "back": "templates"},
    )
    copy = Plan.objects.get(owner=patient)
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.author, copy.name, copy.is_template) == (dietitian, "Renal starter", False)
    copied = [
        (d.name, d.position, [(i.meal, i.food_id, i.grams) for i in d.items.order_by("position")])
        for d in copy.days.order_by("position")
    ]
    original = [
        (d.name, d.position, [(i.meal, i.food_id, i.grams) for i in d.items.order_by("position")])
        for d in template.days.order_by("position")
    ]
    assert copied == original
    event = HistoryEvent.objects.get(owner=patient)
    assert (event.action, event.plan) == ("template-applied", copy)

    # Changing the copy leaves the template alone.
    copy_item = MealItem.objects.filter(day__plan=copy).first()
    as_user(client, patient)
    client.post(
        reverse("planner:item_update", args=[copy_item.id]), {"grams": "999", "meal": "lunch"}
    )
    client.post(reverse("planner:item_delete", args=[copy_item.id]))
    assert not MealItem.objects.filter(pk=copy_item.pk).exists()
    assert [
        (i.meal, i.food_id, i.grams)
        for i in MealItem.objects.filter(day__plan=template).order_by("day__position", "position")
    ] == [("breakfast", banana.id, 100), ("dinner", rich_food.id, 50), ("snack", banana.id, 80)]
    # The client never sees the template itself.
    assert client.get(template.get_absolute_url()).status_code == 404


def test_templates_are_made_marked_and_listed_for_their_dietitian(
    client, dietitian, plan_for, other_dietitian
):
    as_user(client, dietitian)
    response = client.post(reverse("planner:template_create"), {"name": "Low potassium"})
    made = Plan.objects.get(name="Low potassium")
    assert made.is_template and made.owner == dietitian
    assert response["Location"] == made.days.get().get_absolute_url()
    own = plan_for(dietitian, name="My week")
    client.post(reverse("planner:template_mark"), {"plan": own.id})
    own.refresh_from_db()
    assert own.is_template
    page = page_text(client.get(reverse("planner:template_list")))
    assert "Low potassium" in page and "My week" in page
    client.post(reverse("planner:template_unmark", args=[own.id]))
    own.refresh_from_db()
    assert not own.is_template
    actions = set(HistoryEvent.objects.filter(owner=dietitian).values_list("action", flat=True))
    assert {"template-created", "template-marked", "template-unmarked"} <= actions

    as_user(client, other_dietitian)
    assert "Low potassium" not in page_text(client.get(reverse("planner:template_list")))
    assert client.post(reverse("planner:template_mark"), {"plan": own.id}).status_code == 302
    own.refresh_from_db()
    assert not own.is_template
    assert client.post(reverse("planner:template_unmark", args=[made.id])).status_code == 404


def test_a_template_cannot_be_applied_to_a_non_client_or_from_another_dietitian(
    client, dietitian, other_dietitian, patient, stranger, plan_for
):
    linked(dietitian, patient)
    linked(other_dietitian, patient)
    mine = plan_for(dietitian, name="Mine")
    theirs = plan_for(other_dietitian, name="Theirs")
    Plan.objects.filter(pk__in=[mine.pk, theirs.pk]).update(is_template=True)
    as_user(client, dietitian)
    before = snapshot()
    for data in (
        {"template": mine.id, "client": stranger.id},
        {"template": theirs.id, "client": patient.id},
        {"template": "x", "client": "y"},
        {},
    ):
        response = client.post(reverse("planner:template_apply"), data)
        assert response.status_code == 302
    assert snapshot() == before


def test_huge_ids_are_404_not_500(client, dietitian):
    as_user(client, dietitian)
    huge = "9" * 30
    assert client.get(f"/clients/{huge}/").status_code == 404
    assert client.get(f"/care/links/{huge}/end/").status_code == 404
    assert client.post(f"/clients/invites/{huge}/withdraw/").status_code == 404
    assert client.post(f"/clients/templates/{huge}/unmark/").status_code == 404
    response = client.post(
        reverse("planner:template_apply"), {"template": huge, "client": huge, "back": "client"}
    )
    assert response.status_code == 302
