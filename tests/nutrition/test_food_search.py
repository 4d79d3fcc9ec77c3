from __future__ import annotations

import pytest

from nutrition.search import Filters, search_foods
from nutrition.text import normalize


def names(foods):
    return [f.name for f in foods]


def test_normalize_folds_case_accents_and_punctuation():
    assert normalize("Crème Brûlée, RAW (frozen)") == "creme brulee raw frozen"


@pytest.fixture
def pantry(food, food_group):
    fruit = food_group("09", "Fruits and Fruit Juices")
    veg = food_group("11", "Vegetables and Vegetable Products")
    baby = food_group("03", "Baby Foods")
    food("Bananas, dehydrated, or banana powder", group=fruit, magnesium_mg=108)
    food("Babyfood, fruit, bananas with tapioca, strained", group=baby, magnesium_mg=9)
    food("Bananas, raw", group=fruit, magnesium_mg=27, potassium_mg=358)
    food("Plantains, raw", group=fruit)
    food("Sweet potato, cooked, baked in skin, flesh, without salt", group=veg)
    food("Potatoes, baked, flesh and skin, without salt", group=veg)
    food("Potato pancakes", group=veg)
    food("Potatoes, boiled, cooked in skin, flesh, without salt", group=veg)
    food("Crème fraîche", group=food_group("01", "Dairy and Egg Products"))
    food(
        "Magnesium oxide 400 mg tablet", group=food_group("SUPP", "Supplements"), kind="supplement"
    )


def test_banana_finds_bananas_raw_first(pantry):
    assert names(search_foods("banana"))[0] == "Bananas, raw"


def test_search_ignores_case_and_accents(pantry):
    assert names(search_foods("CREME FRAICHE")) == ["Crème fraîche"]
    assert names(search_foods("crème")) == ["Crème fraîche"]


def test_potato_baked_finds_baked_potatoes_before_other_potatoes(pantry):
    found = names(search_foods("potato baked"))
    assert found[0] == "Potatoes, baked, flesh and skin, without salt"
    assert "Potato pancakes" not in found  # every word must match
    assert found.index("Potatoes, baked, flesh and skin, without salt") < found.index(
        "Sweet potato, cooked, baked in skin, flesh, without salt"
    )


def test_word_start_matches_beat_matches_inside_words(food):
    food("Pineapple, raw")
    food("Apples, raw, with skin")
    assert names(search_foods("apple")) == ["Apples, raw, with skin", "Pineapple, raw"]


def test_filters_by_group_and_kind(pantry):
    assert names(search_foods("banana", Filters(group="03"))) == [
        "Babyfood, fruit, bananas with tapioca, strained"
    ]
    assert names(search_foods("magnesium", Filters(kind="supplement"))) == [
        "Magnesium oxide 400 mg tablet"
    ]
    assert search_foods("magnesium", Filters(kind="food")) == []


def test_blank_or_symbol_only_queries_find_nothing(pantry):
    assert search_foods("   ") == []
    assert search_foods("%_*") == []


def test_search_does_not_treat_sql_wildcards_as_wildcards(food):
    food("Milk, 2% milkfat")
    food("Milk, whole")
    assert names(search_foods("2%")) == ["Milk, 2% milkfat"]


def test_limit_caps_the_results(food):
    for i in range(12):
        food(f"Beans, variety {i}")
    assert len(search_foods("beans", limit=5)) == 5
