from __future__ import annotations

import pytest

from clinical import nutrients


def test_the_registry_lists_the_seven_stored_nutrients_in_food_column_order():
    assert nutrients.FIELDS == (
        "energy_kcal",
        "protein_g",
        "magnesium_mg",
        "potassium_mg",
        "sodium_mg",
        "phosphorus_mg",
        "calcium_mg",
    )
    assert [n.short for n in nutrients.NUTRIENTS.values()] == [
        "Energy",
        "Protein",
        "Mg",
        "K",
        "Na",
        "P",
        "Ca",
    ]
    assert [n.unit for n in nutrients.NUTRIENTS.values()] == ["kcal", "g"] + ["mg"] * 5


def test_minerals_come_first_for_targets_and_totals():
    assert [n.field for n in nutrients.MINERALS_FIRST] == [
        "magnesium_mg",
        "potassium_mg",
        "sodium_mg",
        "phosphorus_mg",
        "calcium_mg",
        "energy_kcal",
        "protein_g",
    ]


def test_potassium_39_1_mg_is_one_mmol_and_one_meq():
    assert nutrients.nutrient("potassium_mg").molar_mass == 39.1
    assert nutrients.convert(39.1, "potassium_mg", "mmol") == pytest.approx(1)
    assert nutrients.convert(39.1, "potassium_mg", "meq") == pytest.approx(1)
    assert nutrients.to_mg(1, "k", "mEq") == pytest.approx(39.1)


def test_magnesium_24_3_mg_is_one_mmol_and_two_meq():
    assert nutrients.nutrient("magnesium_mg").molar_mass == 24.3
    assert nutrients.convert(24.3, "magnesium", "mmol") == pytest.approx(1)
    assert nutrients.convert(24.3, "magnesium", "meq") == pytest.approx(2)
    assert nutrients.to_mg(2, "mg", "meq") == pytest.approx(24.3)


def test_sodium_23_mg_is_one_mmol():
    assert nutrients.convert(23.0, "na", "mmol") == pytest.approx(1)
    assert nutrients.convert(2300, "sodium_mg", "meq") == pytest.approx(100)


def test_phosphorus_calcium_energy_and_protein_keep_their_stored_unit():
    for field in ("phosphorus_mg", "calcium_mg", "energy_kcal", "protein_g"):
        assert not nutrients.is_convertible(field)
        assert nutrients.in_unit(123.0, field, "mmol") == 123.0
    assert nutrients.unit_label("phosphorus_mg", "mmol") == "mg"
    assert nutrients.unit_label("energy_kcal", "meq") == "kcal"
    assert nutrients.unit_label("potassium_mg", "meq") == "mEq"
    with pytest.raises(ValueError, match="No mmol/mEq conversion"):
        nutrients.convert(100, "phosphorus_mg", "mmol")


def test_an_unknown_nutrient_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="Unknown nutrient"):
        nutrients.label("iron_mg")


def test_serum_magnesium_mg_per_dl_uses_the_registry_factor():
    assert nutrients.SERUM_MG_MGDL_TO_MMOLL == 0.4114
    assert nutrients.serum_mg_to_mmol_l(1.8, "mg/dL") == pytest.approx(0.74052)
    assert nutrients.serum_mg_to_mmol_l(1.6, "mEq/L") == pytest.approx(0.8)
