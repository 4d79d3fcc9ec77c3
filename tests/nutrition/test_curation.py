"""Curators: permissions, the food admin, validation, history and revert, merges."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nutrition.curation.merge import merge_foods
from nutrition.models import NUTRIENT_FIELDS, Food, FoodMerge, Portion
from planner.intake import day_totals
from tests.helpers import BANANA, supplement_facts

CHANGELIST = "admin:nutrition_food_changelist"


@pytest.fixture
def banana(food):
    return food(
        "Bananas, raw",
        **BANANA,
        portions=[("1 cup, mashed", 225), ("1 medium", 118)],
    )


def _form_data(food: Food, **changes) -> dict:
    """The admin change form's POST data for `food`, with its portions inline."""
    data = {
        "name": food.name,
        "group": food.group_id or "",
        "kind": food.kind,
        "contains_kcl": "on" if food.contains_kcl else "",
        "verified": "on" if food.verified else "",
    }
    for name in NUTRIENT_FIELDS:
        value = getattr(food, name)
        data[name] = "" if value is None else value
    portions = list(food.portions.order_by("seq", "id"))
    data.update(
        {
            "portions-TOTAL_FORMS": len(portions),
            "portions-INITIAL_FORMS": len(portions),
            "portions-MIN_NUM_FORMS": 0,
            "portions-MAX_NUM_FORMS": 1000,
        }
    )
    for index, portion in enumerate(portions):
        data.update(
            {
                f"portions-{index}-id": portion.pk,
                f"portions-{index}-food": food.pk,
                f"portions-{index}-label": portion.label,
                f"portions-{index}-grams": portion.grams,
                f"portions-{index}-seq": portion.seq,
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def _change_url(food: Food) -> str:
    return reverse("admin:nutrition_food_change", args=[food.pk])


# -- permissions ----------------------------------------------------------------------


def test_the_curators_group_holds_just_what_curators_need(db):
    codenames = set(
        Group.objects.get(name="curators").permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_food",
        "add_food",
        "change_food",
        "view_portion",
        "add_portion",
        "change_portion",
        "delete_portion",
        "view_supplementfacts",
        "add_supplementfacts",
        "change_supplementfacts",
        "view_foodgroup",
        "view_foodmerge",
    }
    assert "delete_food" not in codenames


def test_a_curator_reaches_the_food_admin_and_the_review_queue(curator_client, banana):
    assert curator_client.get(reverse(CHANGELIST)).status_code == 200
    assert curator_client.get(_change_url(banana)).status_code == 200
    assert curator_client.get(reverse("admin:nutrition_food_import")).status_code == 200
    assert curator_client.get(reverse("nutrition:review_queue")).status_code == 200


def test_a_staff_member_outside_the_curators_group_reaches_neither(client, make_user, banana):
    client.force_login(make_user("clerk", is_staff=True))

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(_change_url(banana)).status_code == 403
    assert client.get(reverse("admin:nutrition_food_import")).status_code == 403
    assert client.get(reverse("admin:nutrition_food_export")).status_code == 403
    assert client.get(reverse("nutrition:review_queue")).status_code == 404


def test_a_normal_user_reaches_neither(client, patient, banana):
    client.force_login(patient)

    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert client.get(reverse("nutrition:review_queue")).status_code == 404
    assert client.post(reverse("nutrition:review_approve", args=[banana.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_queue(client, db):
    response = client.get(reverse("nutrition:review_queue"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_curator_with_the_group_but_no_staff_flag_stays_out(client, make_user):
    user = make_user("almost")
    user.groups.add(Group.objects.get(name="curators"))
    client.force_login(user)

    assert client.get(reverse(CHANGELIST)).status_code == 302
    assert client.get(reverse("nutrition:review_queue")).status_code == 404


def test_a_curator_cannot_delete_a_food(curator_client, banana):
    response = curator_client.get(reverse("admin:nutrition_food_delete", args=[banana.pk]))
    assert response.status_code == 403
    assert Food.objects.filter(pk=banana.pk).exists()


def test_the_make_curator_command_grants_the_role(db, make_user):
    from django.core.management import call_command

    user = make_user("newcurator")
    call_command("make_curator", "newcurator", stdout=__import__("io").StringIO())

    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("nutrition.change_food")
    assert not user.is_superuser


# -- the food list ----------------------------------------------------------------------


def test_the_list_shows_mg_and_k_per_100g_and_per_default_portion(curator_client, banana):
    page = curator_client.get(reverse(CHANGELIST)).content.decode()

    assert "Bananas, raw" in page
    assert "358 mg" in page
    # 358 mg per 100 g × 225 g = 805.5 mg in the first (default) portion.
    assert "1 cup, mashed (225 g)" in page
    assert "806 mg" in page
    assert "61 mg" in page


def test_the_list_says_unknown_rather_than_zero(curator_client, food):
    food("Mystery greens", potassium_mg=300)
    page = curator_client.get(reverse(CHANGELIST)).content.decode()
    assert "unknown" in page
    assert '<td class="field-default_portion">none</td>' in page


def test_the_list_filters_foods_missing_mg_or_k(curator_client, food, banana):
    food("Mystery greens", potassium_mg=300)

    page = curator_client.get(reverse(CHANGELIST), {"missing": "any"}).content.decode()

    assert "Mystery greens" in page
    assert "Bananas, raw" not in page


def test_the_list_searches_by_source_id(curator_client, food, banana):
    food("Apples", source_id="09003")
    page = curator_client.get(reverse(CHANGELIST), {"q": "09003"}).content.decode()
    assert "Apples" in page
    assert "Bananas, raw" not in page


def test_the_list_hides_private_user_foods_until_they_are_sent_for_review(
    curator_client, food, patient
):
    food("My secret bar", source="user", owner=patient, review_status="private")
    food("My shared bar", source="user", owner=patient, review_status="pending")

    page = curator_client.get(reverse(CHANGELIST)).content.decode()

    assert "My secret bar" not in page
    assert "My shared bar" in page


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    return len(queries)


def test_the_list_takes_a_fixed_number_of_queries(curator_client, food):
    for index in range(3):
        food(f"Food {index}", potassium_mg=100, portions=[("1 cup", 100)])
    few = _changelist_queries(curator_client)
    for index in range(3, 40):
        food(f"Food {index}", potassium_mg=100, portions=[("1 cup", 100), ("1 tbsp", 15)])

    assert _changelist_queries(curator_client) == few
    # session, user, permissions (user, groups), two counts, the page, the group filter.
    assert few == 8


# -- validation -------------------------------------------------------------------------


REFUSED_EDITS = [
    pytest.param(
        {"magnesium_mg": -1},
        ["Ensure this value is greater than or equal to 0"],
        id="a-negative-value-with-a-clear-message",
    ),
    pytest.param(
        {"potassium_mg": 358000},
        [
            "Potassium of 358,000 mg per 100 g is above the most any food can hold",
            "52,500 mg",
            "mg, not µg",
        ],
        id="potassium-above-what-any-food-can-hold-explained",
    ),
    pytest.param(
        {"energy_kcal": 950, "protein_g": 120},
        ["Energy of 950 kcal per 100 g is above", "Protein of 120 g per 100 g is above"],
        id="energy-above-pure-fat-and-protein-above-100-g",
    ),
    pytest.param(
        {"protein_g": 80, "sodium_mg": 30000},
        ["more than the food itself"],
        id="nutrients-that-outweigh-the-food",
    ),
]


@pytest.mark.parametrize(("changes", "messages"), REFUSED_EDITS)
def test_an_implausible_value_is_refused_and_explained(curator_client, banana, changes, messages):
    response = curator_client.post(_change_url(banana), _form_data(banana, **changes))

    page = response.content.decode()
    assert response.status_code == 200
    for message in messages:
        assert message in page
    banana.refresh_from_db()
    assert {field: getattr(banana, field) for field in changes} == {
        field: BANANA[field] for field in changes
    }


def test_a_supplement_is_checked_per_unit_not_per_100g(curator_client, food):
    tablet = food(
        "Magnesium oxide 400 mg tablet",
        kind="supplement",
        magnesium_mg=24_100,
        portions=[("1 tablet", 1)],
    )
    supplement_facts(
        tablet, "mg", 241, salt_form="magnesium oxide", side_effects="Diarrhoea.", reference="Label"
    )
    data = _form_data(tablet, magnesium_mg=48_200)
    data.update(
        {
            "supplement-TOTAL_FORMS": 1,
            "supplement-INITIAL_FORMS": 1,
            "supplement-MIN_NUM_FORMS": 0,
            "supplement-MAX_NUM_FORMS": 1,
            "supplement-0-id": tablet.supplement.pk,
            "supplement-0-food": tablet.pk,
            "supplement-0-mineral": "mg",
            "supplement-0-use": "supplement",
            "supplement-0-salt_form": "magnesium oxide",
            "supplement-0-unit": "tablet",
            "supplement-0-elemental_mg_per_unit": 24_100,
            "supplement-0-side_effects": "Diarrhoea.",
            "supplement-0-reference": "Label",
        }
    )

    response = curator_client.post(_change_url(tablet), data)

    # 48,200 mg per 100 g is fine for a tablet; 24,100 mg in one tablet is not.
    page = response.content.decode()
    assert "24,100 mg of elemental mineral in one unit is more than any product holds" in page
    tablet.refresh_from_db()
    assert tablet.magnesium_mg == 24_100


def test_every_bundled_food_passes_the_ceilings():
    from nutrition.plausibility import value_problems
    from nutrition.sr24 import read_fixture

    _, foods = read_fixture()
    fields = ["energy_kcal", "protein_g", "magnesium_mg", "potassium_mg"]
    fields += ["sodium_mg", "phosphorus_mg", "calcium_mg"]
    rejected = [
        (food.name, value_problems("food", dict(zip(fields, food.nutrients, strict=True))))
        for food in foods
    ]
    assert [(name, problems) for name, problems in rejected if problems] == []


def test_every_bundled_supplement_passes_the_checks(db):
    from nutrition.supplements import sync_supplements

    sync_supplements()
    for food in Food.objects.filter(source="curated").select_related("supplement"):
        food.full_clean()
        if hasattr(food, "supplement"):
            food.supplement.full_clean()


# -- history and revert -----------------------------------------------------------------


def test_an_admin_edit_records_who_when_and_old_and_new_values(curator_client, curator, banana):
    response = curator_client.post(_change_url(banana), _form_data(banana, potassium_mg=420))
    assert response.status_code == 302

    banana.refresh_from_db()
    assert banana.potassium_mg == 420
    assert banana.curated_at is not None
    latest, baseline = banana.history.order_by("-history_date")[:2]
    assert latest.history_user == curator
    assert latest.history_change_reason == "Edited in the admin"
    assert (baseline.potassium_mg, latest.potassium_mg) == (358, 420)
    assert [change.field for change in latest.diff_against(baseline).changes] == ["potassium_mg"]


def test_the_admin_history_page_shows_old_and_new_values(curator_client, banana):
    curator_client.post(_change_url(banana), _form_data(banana, potassium_mg=420))

    page = curator_client.get(
        reverse("admin:nutrition_food_history", args=[banana.pk])
    ).content.decode()

    assert "curator" in page
    assert "358.0" in page and "420.0" in page
    assert 'style="' not in page  # the CSP allows no inline style


def test_a_portion_change_is_recorded_and_shown_in_the_history(curator_client, banana):
    data = _form_data(banana)
    data["portions-1-grams"] = 120
    curator_client.post(_change_url(banana), data)

    record = Portion.history.filter(label="1 medium").order_by("-history_date").first()
    assert record.grams == 120
    assert record.history_user.username == "curator"
    page = curator_client.get(
        reverse("admin:nutrition_food_history", args=[banana.pk])
    ).content.decode()
    assert "1 medium" in page
    assert "118" in page and "120" in page
    banana.refresh_from_db()
    assert banana.curated_at is not None


def test_the_food_page_says_corrected_by_a_curator_with_the_changes(client, curator_client, banana):
    curator_client.post(_change_url(banana), _form_data(banana, potassium_mg=420))

    page = client.get(banana.get_absolute_url()).content.decode()

    assert "Corrected by a curator on" in page
    assert "Potassium (mg) 358 → 420" in page


def test_an_uncorrected_food_page_shows_no_corrections_and_no_extra_query(
    client, banana, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        page = client.get(banana.get_absolute_url()).content.decode()
    assert "Corrected by a curator" not in page


def test_revert_restores_the_old_value_and_is_itself_recorded(curator_client, curator, banana):
    curator_client.post(_change_url(banana), _form_data(banana, potassium_mg=420))
    baseline = banana.history.order_by("history_date").first()
    revert_url = reverse("admin:nutrition_food_simple_history", args=[banana.pk, baseline.pk])

    assert curator_client.get(revert_url).status_code == 200
    banana.refresh_from_db()
    response = curator_client.post(revert_url, _form_data(banana, potassium_mg=358))

    assert response.status_code == 302
    banana.refresh_from_db()
    assert banana.potassium_mg == 358
    latest = banana.history.order_by("-history_date").first()
    assert latest.history_user == curator
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert banana.history.count() == 3


def test_revert_does_not_bring_back_who_owned_the_food(curator_client, patient, food):
    bar = food("Oat bar", source="user", owner=patient, review_status="pending", potassium_mg=100)
    from nutrition.curation import moderation

    bar.potassium_mg = 110
    bar.save()
    first = bar.history.order_by("history_date").first()
    moderation.approve(bar, None)
    revert_url = reverse("admin:nutrition_food_simple_history", args=[bar.pk, first.pk])

    curator_client.post(revert_url, _form_data(bar, potassium_mg=100))

    bar.refresh_from_db()
    assert bar.potassium_mg == 100
    assert (bar.source, bar.owner) == ("curated", None)


# -- merge -----------------------------------------------------------------------------


@pytest.fixture
def duplicate(food):
    return food(
        "Banana, raw (duplicate)",
        source="curated",
        source_id="C-1",
        magnesium_mg=30,
        potassium_mg=400,
        portions=[("1 medium", 120), ("1 slice", 8)],
    )


def test_merging_moves_menu_items_and_the_day_totals_follow_the_kept_food(
    curator, banana, duplicate, patient, plan_for, item
):
    day = plan_for(patient).days.get()
    medium = duplicate.portions.get(label="1 medium")
    slice_ = duplicate.portions.get(label="1 slice")
    item(day, duplicate, grams=120, portion=medium, quantity=1)
    item(day, duplicate, grams=16, portion=slice_, quantity=2)
    assert day_totals(day).total["potassium_mg"] == pytest.approx(400 * 1.36)

    result = merge_foods(banana, duplicate, user=curator)

    assert result.items_moved == 2
    items = list(day.items.order_by("grams"))
    assert {i.food_id for i in items} == {banana.pk}
    # "1 medium" exists on the kept food; "1 slice" does not, so it counts in grams.
    assert items[1].portion == banana.portions.get(label="1 medium")
    assert (items[0].portion, items[0].grams) == (None, 16)
    assert day_totals(day).total["potassium_mg"] == pytest.approx(358 * 1.36)
    assert not Food.objects.filter(pk=duplicate.pk).exists()


def test_a_merge_is_recorded_in_the_history_and_remembered(curator, banana, duplicate):
    retired_id = duplicate.pk
    merge_foods(banana, duplicate, user=curator)

    kept_record = banana.history.order_by("-history_date").first()
    assert "Merged “Banana, raw (duplicate)”" in kept_record.history_change_reason
    assert kept_record.history_user is None or kept_record.history_user == curator
    gone = Food.history.filter(id=retired_id).order_by("-history_date").first()
    assert gone.history_type == "-"
    assert gone.potassium_mg == 400
    merge = FoodMerge.objects.get(retired_id=retired_id)
    assert (merge.source, merge.source_id, merge.kept) == ("curated", "C-1", banana)


def test_the_retired_food_page_leads_to_the_kept_food(client, curator, banana, duplicate):
    retired_id = duplicate.pk
    merge_foods(banana, duplicate, user=curator)

    response = client.get(reverse("nutrition:food_detail", args=[retired_id]))

    assert response.status_code == 302
    assert response["Location"] == banana.get_absolute_url()


def test_the_merge_action_asks_which_food_to_keep_then_merges(
    curator_client, banana, duplicate, patient, plan_for, item
):
    day = plan_for(patient).days.get()
    item(day, duplicate, grams=50)
    selected = {"action": "merge_selected", "_selected_action": [banana.pk, duplicate.pk]}

    page = curator_client.post(reverse(CHANGELIST), selected)
    assert page.status_code == 200
    assert "Pick the food to keep" in page.content.decode()
    assert Food.objects.filter(pk=duplicate.pk).exists()

    response = curator_client.post(
        reverse(CHANGELIST), {**selected, "confirm": "yes", "keep": banana.pk}
    )

    assert response.status_code == 302
    assert not Food.objects.filter(pk=duplicate.pk).exists()
    assert day.items.get().food == banana


def test_the_merge_action_needs_exactly_two_foods(curator_client, banana):
    response = curator_client.post(
        reverse(CHANGELIST),
        {"action": "merge_selected", "_selected_action": [banana.pk]},
        follow=True,
    )
    assert "Select exactly two foods to merge." in response.content.decode()
    assert Food.objects.filter(pk=banana.pk).exists()


def test_a_private_user_food_cannot_be_the_food_kept(curator, banana, food, patient):
    from django.core.exceptions import ValidationError

    mine = food("My banana", source="user", owner=patient, review_status="pending")
    with pytest.raises(ValidationError):
        merge_foods(mine, banana, user=curator)
    assert Food.objects.filter(pk=banana.pk).exists()


def test_a_failed_merge_changes_nothing(
    curator, banana, duplicate, patient, plan_for, item, monkeypatch
):
    day = plan_for(patient).days.get()
    item(day, duplicate, grams=50)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FoodMerge.objects, "create", fail)
    with pytest.raises(RuntimeError):
        merge_foods(banana, duplicate, user=curator)

    assert day.items.get().food == duplicate
    assert Food.objects.filter(pk=duplicate.pk).exists()


def test_the_group_helper_makes_the_same_group_as_the_migration(db):
    from accounts.roles import curators_group

    made = set(Group.objects.get(name="curators").permissions.values_list("codename", flat=True))
    Group.objects.filter(name="curators").delete()

    again = set(curators_group().permissions.values_list("codename", flat=True))

    assert again == made


@pytest.mark.parametrize(
    "url",
    [
        "/admin/nutrition/food/abc/history/",
        "/admin/nutrition/food/abc/history/1/",
        "/admin/nutrition/food/1/history/abc/",
        "/admin/nutrition/food/999999/history/",
        "/admin/nutrition/food/export/?missing=nonsense&group__id__exact=abc",
    ],
)
def test_odd_admin_urls_answer_without_a_server_error(curator_client, banana, url):
    assert curator_client.get(url).status_code in (200, 302, 404)
    assert curator_client.post(url).status_code in (200, 302, 403, 404)
