from __future__ import annotations

import pytest
from django.urls import reverse

from tests.helpers import SPINACH


@pytest.fixture
def spinach(food, food_group):
    return food(
        "Spinach, raw",
        **SPINACH,
        portions=[("1 cup", 30), ("1 bunch", 340)],
    )


def test_search_page_lists_matches_with_values_per_100g_and_per_portion(client, spinach):
    response = client.get(reverse("nutrition:search"), {"q": "spinach"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Spinach, raw" in body
    assert "558" in body  # K per 100 g
    assert "167" in body  # K in 1 cup (30 g): 558 * 0.3 = 167.4


def test_search_answers_htmx_with_the_results_partial_only(client, spinach):
    response = client.get(reverse("nutrition:search"), {"q": "spinach"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert response.headers["Vary"].count("HX-Request") == 1


def test_search_with_a_bad_group_says_so(client, spinach):
    response = client.get(reverse("nutrition:search"), {"q": "spinach", "group": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_unknown_values_are_shown_as_unknown(client, food):
    food("Mystery stew", magnesium_mg=None, potassium_mg=120)
    body = client.get(reverse("nutrition:search"), {"q": "mystery"}).content.decode()
    assert "unknown" in body


def test_food_page_recomputes_for_the_chosen_portion_and_quantity(client, spinach):
    bunch = spinach.portions.get(label="1 bunch")
    response = client.get(
        spinach.get_absolute_url(), {"portion": bunch.id, "quantity": "2", "unit": "mg"}
    )
    body = response.content.decode()
    assert "2 × 1 bunch" in body
    assert "3,794" in body  # 558 mg/100 g * 680 g


def test_food_page_uses_grams_when_no_portion_is_chosen(client, spinach):
    response = client.get(spinach.get_absolute_url(), {"portion": "", "grams": "50"})
    rows = {row.field: row for row in response.context["rows"]}
    assert rows["potassium_mg"].per_amount == pytest.approx(279)


def test_food_page_converts_to_mmol_and_meq(client, spinach):
    mmol = client.get(spinach.get_absolute_url(), {"portion": "", "grams": "100", "unit": "mmol"})
    rows = {row.field: row for row in mmol.context["rows"]}
    assert rows["potassium_mg"].per_amount == pytest.approx(558 / 39.1, rel=1e-3)
    assert rows["magnesium_mg"].per_amount == pytest.approx(79 / 24.3, rel=1e-3)
    meq = client.get(spinach.get_absolute_url(), {"portion": "", "grams": "100", "unit": "meq"})
    rows = {row.field: row for row in meq.context["rows"]}
    assert rows["magnesium_mg"].per_amount == pytest.approx(2 * 79 / 24.3, rel=1e-3)
    assert rows["magnesium_mg"].unit == "mEq"
    assert rows["calcium_mg"].unit == "mg"  # no conversion offered for calcium


def test_food_page_shows_the_nkf_potassium_class_of_the_portion(client, spinach):
    cup = client.get(spinach.get_absolute_url())  # default portion: 1 cup, 167 mg K
    assert cup.context["k_class"].key == "medium"
    bunch = spinach.portions.get(label="1 bunch")
    big = client.get(spinach.get_absolute_url(), {"portion": bunch.id, "quantity": 1})
    assert big.context["k_class"].key == "very-high"


@pytest.mark.parametrize(
    "params",
    [
        {"portion": "999999"},
        {"portion": "abc"},
        {"quantity": "-1"},
        {"quantity": "nan"},
        {"grams": "1e309"},
        {"unit": "stones"},
    ],
)
def test_food_page_rejects_bad_input_with_a_message(client, spinach, params):
    response = client.get(spinach.get_absolute_url(), params)
    assert response.status_code == 200
    assert "message-error" in response.content.decode()


def test_food_page_htmx_returns_the_amounts_partial(client, spinach):
    response = client.get(spinach.get_absolute_url(), {"grams": "10"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="amounts"')


def test_unknown_food_is_404(client, db):
    assert client.get(reverse("nutrition:food_detail", args=[987654])).status_code == 404


def test_rankings_order_by_the_chosen_basis(client, food):
    food(
        "Pumpkin seeds",
        energy_kcal=559,
        magnesium_mg=592,
        potassium_mg=809,
        portions=[("1 oz", 28)],
    )
    food(
        "Spinach, cooked",
        energy_kcal=23,
        magnesium_mg=87,
        potassium_mg=466,
        portions=[("1 cup", 180)],
    )
    food("Water", energy_kcal=0, magnesium_mg=1, potassium_mg=0)
    food("Baking powder", magnesium_mg=40, potassium_mg=5, portions=[("1 tsp", 4.6)])

    def ranked(**params):
        response = client.get(reverse("nutrition:rankings"), {"kind": "food", **params})
        return [f.name for f in response.context["page"]]

    assert ranked(nutrient="mg", basis="100g")[:2] == ["Pumpkin seeds", "Spinach, cooked"]
    # per portion: spinach 1 cup = 156.6 mg, seeds 1 oz = 165.8 mg
    assert ranked(nutrient="mg", basis="portion")[:2] == ["Pumpkin seeds", "Spinach, cooked"]
    # per 100 kcal: spinach 378 mg, seeds 106 mg; water (0 kcal) left out
    assert ranked(nutrient="mg", basis="100kcal") == ["Spinach, cooked", "Pumpkin seeds"]
    # Mg per 100 mg K: seeds 73, spinach 18.7; water has no potassium, so no ratio; baking
    # powder has 800 but gives 1.8 mg of magnesium a teaspoon, too little to count
    assert ranked(nutrient="k", basis="mg_per_k") == ["Pumpkin seeds", "Spinach, cooked"]
    # potassium per portion at most 300 mg: seeds 226 mg pass, spinach 839 mg do not
    assert ranked(nutrient="mg", basis="100g", max_k="300") == [
        "Pumpkin seeds",
        "Baking powder",
        "Water",
    ]


def test_rankings_leave_out_unknown_values(client, food):
    food("Known", magnesium_mg=10, potassium_mg=10)
    food("Unknown magnesium", magnesium_mg=None, potassium_mg=10)
    response = client.get(
        reverse("nutrition:rankings"), {"nutrient": "mg", "basis": "100g", "kind": "food"}
    )
    assert [f.name for f in response.context["page"]] == ["Known"]


def test_rankings_paginate_and_survive_bad_page_numbers(client, food):
    for i in range(30):
        food(f"Food {i:02d}", magnesium_mg=100 - i)
    url = reverse("nutrition:rankings")
    second = client.get(url, {"nutrient": "mg", "basis": "100g", "kind": "food", "page": "2"})
    assert next(f.name for f in second.context["page"]) == "Food 25"
    for bad in ("0", "-3", "999", "abc"):
        assert client.get(url, {"nutrient": "mg", "basis": "100g", "page": bad}).status_code == 200


def test_rankings_reject_a_bad_limit_with_a_message(client, food):
    response = client.get(
        reverse("nutrition:rankings"), {"nutrient": "mg", "basis": "100g", "max_k": "-5"}
    )
    assert "message-error" in response.content.decode()
    assert response.context["page"] is None


def test_sources_page_backs_each_family_with_real_foods(client, food, food_group):
    food("Spinach, raw", source_id="11457", magnesium_mg=79, potassium_mg=558)
    food("Bananas, raw", source_id="09040", magnesium_mg=27, potassium_mg=358)
    response = client.get(reverse("nutrition:sources"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Leafy greens" in body and "Spinach, raw" in body
    assert "Fruits" in body and "Bananas, raw" in body
