"""A user's own foods from product labels, their privacy, and the curators' review queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nutrition.models import Food
from nutrition.search import search_foods
from planner.intake import day_totals

LABEL = {
    "name": "Oat bar, dark chocolate",
    "serving_label": "1 bar",
    "serving_grams": "40",
    "energy_kcal": "180",
    "protein_g": "4",
    "magnesium_mg": "32",
    "potassium_mg": "140",
    "sodium_mg": "",
    "phosphorus_mg": "",
    "calcium_mg": "0",
}


@pytest.fixture
def patient_client(patient):
    # A client of its own: tests also use `client` for a second person.
    own = Client()
    own.force_login(patient)
    return own


@pytest.fixture
def oat_bar(patient_client) -> Food:
    response = patient_client.post(reverse("nutrition:user_food_new"), LABEL)
    assert response.status_code == 302
    return Food.objects.get(name="Oat bar, dark chocolate")


def test_a_user_food_is_stored_per_100g_from_the_label_per_serving(oat_bar, patient):
    assert (oat_bar.source, oat_bar.owner, oat_bar.review_status) == ("user", patient, "private")
    # 140 mg in a 40 g bar = 350 mg per 100 g.
    assert oat_bar.potassium_mg == pytest.approx(350)
    assert oat_bar.magnesium_mg == pytest.approx(80)
    assert oat_bar.energy_kcal == pytest.approx(450)
    assert [(p.label, p.grams) for p in oat_bar.portions.all()] == [("1 bar", 40)]


def test_an_empty_label_value_stays_unknown_and_zero_stays_zero(oat_bar):
    assert oat_bar.sodium_mg is None
    assert oat_bar.phosphorus_mg is None
    assert oat_bar.calcium_mg == 0


def test_the_form_shows_the_conversion_without_saving(patient_client, db):
    response = patient_client.post(
        reverse("nutrition:user_food_new"), {**LABEL, "preview": "1"}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="conversion"')
    assert "Each value × 100 ÷ 40 g" in page
    assert "350 mg" in page
    assert not Food.objects.filter(source="user").exists()


def test_an_implausible_label_value_is_refused_with_a_message(patient_client, db):
    response = patient_client.post(
        reverse("nutrition:user_food_new"), {**LABEL, "potassium_mg": "30000"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Potassium of 75,000 mg per 100 g is above the most any food can hold" in page
    assert "Per serving of 40 g this is 30000 mg" in page
    assert not Food.objects.filter(source="user").exists()


@pytest.mark.parametrize(
    "changes",
    [{"serving_grams": "0"}, {"serving_grams": "abc"}, {"name": ""}, {"magnesium_mg": "-1"}],
)
def test_bad_label_input_changes_nothing(patient_client, db, changes):
    response = patient_client.post(reverse("nutrition:user_food_new"), {**LABEL, **changes})
    assert response.status_code == 200
    assert not Food.objects.filter(source="user").exists()


def test_the_owner_sees_the_food_on_my_foods_and_its_pages(patient_client, oat_bar):
    assert (
        "Oat bar, dark chocolate"
        in patient_client.get(reverse("nutrition:my_foods")).content.decode()
    )
    page = patient_client.get(reverse("nutrition:user_food_detail", args=[oat_bar.pk]))
    assert "350 mg" in page.content.decode()
    assert patient_client.get(oat_bar.get_absolute_url()).status_code == 200


def test_another_user_never_sees_a_private_food(client, oat_bar, stranger):
    client.force_login(stranger)

    assert client.get(oat_bar.get_absolute_url()).status_code == 404
    assert client.get(reverse("nutrition:user_food_detail", args=[oat_bar.pk])).status_code == 404
    assert client.get(reverse("nutrition:user_food_edit", args=[oat_bar.pk])).status_code == 404
    assert client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk])).status_code == 404
    assert client.post(reverse("nutrition:user_food_delete", args=[oat_bar.pk])).status_code == 404
    assert "Oat bar" not in client.get(reverse("nutrition:my_foods")).content.decode()
    assert (
        "Oat bar" not in client.get(reverse("nutrition:search"), {"q": "oat bar"}).content.decode()
    )
    assert client.get(reverse("nutrition:api_food_list"), {"q": "oat bar"}).json()["count"] == 0
    assert client.get(reverse("nutrition:api_food_item", args=[oat_bar.pk])).status_code == 404
    assert search_foods("oat bar", owner=stranger) == []


def test_an_anonymous_visitor_never_sees_a_private_food(client, oat_bar):
    assert client.get(oat_bar.get_absolute_url()).status_code == 404
    assert client.get(reverse("nutrition:my_foods")).status_code == 302


def test_the_owner_finds_the_food_in_the_day_editor_and_adds_it(
    patient_client, oat_bar, patient, plan_for
):
    day = plan_for(patient).days.get()

    results = patient_client.get(
        reverse("planner:day_food_search", args=[day.pk]), {"q": "oat bar"}
    )
    assert "Oat bar, dark chocolate" in results.content.decode()
    response = patient_client.post(
        reverse("planner:item_add", args=[day.pk]), {"food": oat_bar.pk, "meal": "snack"}
    )

    assert response.status_code == 302
    item = day.items.get()
    assert (item.food, item.grams, item.portion.label) == (oat_bar, 40, "1 bar")
    totals = day_totals(day).total
    assert totals["potassium_mg"] == pytest.approx(140)
    # Sodium is unknown on the label: counted as missing, not summed as 0.
    assert totals.missing["sodium_mg"] == 1


def test_another_user_cannot_add_someone_elses_private_food(client, oat_bar, stranger, plan_for):
    day = plan_for(stranger).days.get()
    client.force_login(stranger)

    client.post(reverse("planner:item_add", args=[day.pk]), {"food": oat_bar.pk, "meal": "snack"})
    results = client.get(reverse("planner:day_food_search", args=[day.pk]), {"q": "oat bar"})

    assert not day.items.exists()
    assert "Oat bar" not in results.content.decode()


def test_editing_converts_again_and_menus_follow(patient_client, oat_bar, patient, plan_for, item):
    day = plan_for(patient).days.get()
    item(day, oat_bar, grams=40)
    edit = patient_client.get(reverse("nutrition:user_food_edit", args=[oat_bar.pk]))
    page = edit.content.decode()
    assert 'value="140"' in page  # per serving again, without float noise

    patient_client.post(
        reverse("nutrition:user_food_edit", args=[oat_bar.pk]), {**LABEL, "potassium_mg": "200"}
    )

    oat_bar.refresh_from_db()
    assert oat_bar.potassium_mg == pytest.approx(500)
    assert day_totals(day).total["potassium_mg"] == pytest.approx(200)


def test_a_food_in_a_menu_cannot_be_deleted(patient_client, oat_bar, patient, plan_for, item):
    item(plan_for(patient).days.get(), oat_bar, grams=40)
    response = patient_client.post(
        reverse("nutrition:user_food_delete", args=[oat_bar.pk]), follow=True
    )
    assert "is in your menus" in response.content.decode()
    assert Food.objects.filter(pk=oat_bar.pk).exists()


def test_an_unused_food_can_be_deleted(patient_client, oat_bar):
    patient_client.post(reverse("nutrition:user_food_delete", args=[oat_bar.pk]))
    assert not Food.objects.filter(pk=oat_bar.pk).exists()


# -- moderation --------------------------------------------------------------------------


def test_a_submitted_food_waits_in_the_queue_and_cannot_be_edited(
    patient_client, oat_bar, client, curator
):
    patient_client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk]))
    oat_bar.refresh_from_db()
    assert oat_bar.review_status == "pending"
    response = patient_client.post(
        reverse("nutrition:user_food_edit", args=[oat_bar.pk]), {**LABEL, "potassium_mg": "1"}
    )
    assert response.status_code == 302
    oat_bar.refresh_from_db()
    assert oat_bar.potassium_mg == pytest.approx(350)

    client.force_login(curator)
    page = client.get(reverse("nutrition:review_queue")).content.decode()
    assert "Oat bar, dark chocolate" in page
    assert "From patient" in page
    assert "350 mg" in page and "140 mg" in page
    assert "Review queue (1)" in page


def test_approval_makes_the_food_public_and_curated_with_history(
    patient_client, oat_bar, client, curator, stranger, patient, plan_for, item
):
    day = plan_for(patient).days.get()
    item(day, oat_bar, grams=40)
    patient_client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk]))
    client.force_login(curator)

    client.post(reverse("nutrition:review_approve", args=[oat_bar.pk]))

    oat_bar.refresh_from_db()
    assert (oat_bar.source, oat_bar.owner, oat_bar.review_status) == ("curated", None, "approved")
    assert oat_bar.source_id == f"user-{oat_bar.pk}"
    assert oat_bar.curated_at is not None
    record = oat_bar.history.order_by("-history_date").first()
    assert (record.history_user, record.history_change_reason) == (
        curator,
        "Approved into the public database",
    )
    assert day.items.get().food == oat_bar  # the author's menu keeps it
    assert search_foods("oat bar", owner=stranger) == [oat_bar]
    my_foods = patient_client.get(reverse("nutrition:my_foods")).content.decode()
    assert "Approved" in my_foods


def test_rejection_with_a_reason_is_shown_to_the_author(patient_client, oat_bar, client, curator):
    patient_client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk]))
    client.force_login(curator)

    client.post(
        reverse("nutrition:review_reject", args=[oat_bar.pk]),
        {"reason": "The label gives 140 mg per 2 bars, not per bar."},
    )

    oat_bar.refresh_from_db()
    assert (oat_bar.review_status, oat_bar.source, oat_bar.owner_id) == (
        "rejected",
        "user",
        oat_bar.created_by_id,
    )
    page = patient_client.get(reverse("nutrition:my_foods")).content.decode()
    assert "The label gives 140 mg per 2 bars, not per bar." in page
    detail = patient_client.get(reverse("nutrition:user_food_detail", args=[oat_bar.pk]))
    assert "A curator did not accept it" in detail.content.decode()
    # The author fixes it and sends it again.
    patient_client.post(
        reverse("nutrition:user_food_edit", args=[oat_bar.pk]), {**LABEL, "potassium_mg": "70"}
    )
    patient_client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk]))
    oat_bar.refresh_from_db()
    assert oat_bar.review_status == "pending"


def test_a_rejection_needs_a_reason(patient_client, oat_bar, client, curator):
    patient_client.post(reverse("nutrition:user_food_submit", args=[oat_bar.pk]))
    client.force_login(curator)

    response = client.post(
        reverse("nutrition:review_reject", args=[oat_bar.pk]), {"reason": "  "}, follow=True
    )

    assert "Give a reason" in response.content.decode()
    oat_bar.refresh_from_db()
    assert oat_bar.review_status == "pending"


def test_a_private_food_not_sent_for_review_cannot_be_approved(oat_bar, client, curator):
    client.force_login(curator)
    response = client.post(reverse("nutrition:review_approve", args=[oat_bar.pk]))
    assert response.status_code == 404
    oat_bar.refresh_from_db()
    assert oat_bar.source == "user"


def test_the_nav_shows_my_foods_to_users_and_the_queue_to_curators_only(
    patient_client, client, curator
):
    page = patient_client.get(reverse("nutrition:search")).content.decode()
    assert "My foods" in page
    assert "Review queue" not in page
    client.force_login(curator)
    assert "Review queue (0)" in client.get(reverse("nutrition:search")).content.decode()


def test_the_nav_costs_an_ordinary_user_no_query(patient_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        patient_client.get(reverse("nutrition:search"))
    # is_curator looks at is_staff first: no permission or queue query for most people.
    sql = " ".join(query["sql"] for query in queries)
    assert "auth_permission" not in sql
    assert '"nutrition_food"' not in sql
