from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from planner.access import profile_for
from planner.models import Comment
from tests.helpers import linked, make_link, pdf_text


@pytest.fixture
def patient(make_user):
    return make_user("patient", first_name="Anna", last_name="Berg")


@pytest.fixture
def plan(plan_for, patient, food, item):
    profile = profile_for(patient)
    profile.birth_date = dt.date(1970, 5, 1)
    profile.sex = "female"
    profile.kidney_status = "hd"
    profile.serum_k = 5.9
    profile.save()
    plan = plan_for(patient, name="Dialysis week", days=2)
    plan.notes = "Keep fluids to 1 litre."
    plan.save()
    monday = plan.days.first()
    item(monday, food("Spinach, raw", magnesium_mg=79, potassium_mg=558), grams=400)
    item(monday, food("Crème fraîche <light> & co", magnesium_mg=8, potassium_mg=None), grams=30)
    return plan


@pytest.fixture
def dietitian(dietitian, patient):
    linked(dietitian, patient)
    return dietitian


def test_the_owner_downloads_the_plan_as_a_pdf(client, patient, plan):
    client.force_login(patient)
    response = client.get(reverse("planner:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="mgk-plan-{plan.pk}-dialysis-week.pdf"'
    )
    text = pdf_text(response.content)
    assert "Dialysis week" in text
    assert "Spinach, raw" in text
    assert "Crème fraîche <light> & co" in text
    assert "Keep fluids to 1 litre." in text
    assert "Day total" in text
    assert "limit 3,000" in text  # hemodialysis potassium limit
    assert "For Anna Berg" in text


def test_the_dietitian_downloads_the_pdf_with_their_notes(client, dietitian, patient, plan):
    day = plan.days.first()
    Comment.objects.create(plan=plan, day=day, author=dietitian, body="Boil the spinach first.")
    Comment.objects.create(plan=plan, author=patient, body="My own question")
    client.force_login(dietitian)
    response = client.get(reverse("planner:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Spinach, raw" in text
    assert "The dietitian’s notes" in text
    assert "Boil the spinach first." in text
    assert "My own question" not in text


def test_a_stranger_gets_404_for_the_pdf_and_the_print_view(client, stranger, plan):
    client.force_login(stranger)
    assert client.get(reverse("planner:plan_pdf", args=[plan.pk])).status_code == 404
    assert client.get(reverse("planner:plan_print", args=[plan.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_pdf(client, plan):
    for name in ("planner:plan_pdf", "planner:plan_print"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_valid_share_link_gives_the_pdf_without_personal_data(client, patient, plan, dietitian):
    Comment.objects.create(plan=plan, author=dietitian, body="Private remark")
    link = make_link(plan, patient, show_notes=True)
    response = client.get(reverse("planner:share_pdf", args=[link.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "Spinach, raw" in text
    assert "Keep fluids to 1 litre." in text
    for private in ("Anna", "Berg", "patient", "1970", "5.9", "Private remark"):
        assert private not in text, private


def test_a_share_link_pdf_shows_the_name_when_chosen(client, patient, plan):
    link = make_link(plan, patient, show_name=True)
    text = pdf_text(client.get(reverse("planner:share_pdf", args=[link.token])).content)
    assert "For Anna Berg" in text


def test_a_revoked_or_expired_share_link_gives_no_pdf(client, patient, plan):
    revoked = make_link(plan, patient, revoked_at=timezone.now(), revoked_by=patient)
    expired = make_link(plan, patient)
    expired.expires_at = timezone.now() - dt.timedelta(minutes=1)
    expired.save()
    for link in (revoked, expired):
        response = client.get(reverse("planner:share_pdf", args=[link.token]))
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def test_an_empty_plan_and_odd_text_still_make_a_pdf(client, patient, plan_for):
    plan = plan_for(patient, name="<b>Bold</b> \x01 名前 ≥ ×", days=1)
    plan.notes = "Line one\n<para>not markup</para> & more"
    plan.save()
    client.force_login(patient)
    response = client.get(reverse("planner:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Nothing planned for this day yet." in text
    assert "<para>not markup</para> & more" in text


def test_the_print_view_shows_the_report(client, patient, plan):
    client.force_login(patient)
    response = client.get(reverse("planner:plan_print", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Spinach, raw" in page
    assert "Totals against targets" in page
    assert reverse("planner:plan_pdf", args=[plan.pk]) in page


def test_report_warnings_do_not_end_on_an_introduction_to_left_out_suggestions(patient, plan):
    from planner.reports.pdf import build_report

    warnings = [w for day in build_report(plan).days for w in day.warnings]
    below = [w for w in warnings if w.code == "MG_BELOW_TARGET"]
    assert below, [w.code for w in warnings]
    assert all(not w.message.endswith(":") for w in warnings)
    assert below[0].message.endswith("(RDA).")


def test_an_unknown_total_is_not_shown_as_a_lower_bound(client, patient, plan):
    client.force_login(patient)
    page = client.get(reverse("planner:plan_print", args=[plan.pk])).content.decode()
    assert '≥ <span class="unknown"' not in page
