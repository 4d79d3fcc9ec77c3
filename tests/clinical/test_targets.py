from __future__ import annotations

import pytest

from clinical import nutrients, targets
from clinical.medicines import (
    CLASSES,
    MEDICINES,
    MEDICINES_BY_CODE,
    find_medicines,
    get_medicine,
    medicines_for,
)

# --- Life stages and daily targets ------------------------------------------------


@pytest.mark.parametrize(
    ("age", "code"),
    [
        (0, "0-6m"),
        (0.49, "0-6m"),
        (0.5, "7-12m"),
        (0.99, "7-12m"),
        (1, "1-3y"),
        (3.99, "1-3y"),
        (4, "4-8y"),
        (13.9, "9-13y"),
        (14, "14-18y"),
        (18.99, "14-18y"),
        (19, "19-30y"),
        (30.99, "19-30y"),
        (31, "31-50y"),
        (51, "51+y"),
        (99, "51+y"),
    ],
)
def test_life_stage_boundaries_follow_the_dri_tables(age, code):
    assert targets.life_stage(age).code == code


def test_a_negative_age_is_rejected():
    with pytest.raises(ValueError):
        targets.life_stage(-1)


def test_a_19_year_old_man_needs_400_mg_magnesium():
    target = targets.magnesium_target(19, "male")
    assert (target.value_mg, target.kind) == (400, "RDA")
    assert "IOM 1997" in target.source
    assert not target.design_choice


def test_an_18_year_old_man_is_still_in_the_14_to_18_row():
    assert targets.magnesium_target(18.9, "male").value_mg == 410


def test_a_31_year_old_woman_needs_320_mg_and_a_30_year_old_310():
    assert targets.magnesium_target(31, "female").value_mg == 320
    assert targets.magnesium_target(30.9, "female").value_mg == 310


def test_a_pregnant_25_year_old_needs_350_mg_magnesium():
    assert targets.magnesium_target(25, "female", pregnant=True).value_mg == 350


def test_a_lactating_16_year_old_needs_360_mg_magnesium():
    assert targets.magnesium_target(16, "female", lactating=True).value_mg == 360


def test_infants_get_an_adequate_intake_not_an_rda():
    target = targets.magnesium_target(0.25, "female")
    assert (target.value_mg, target.kind) == (30, "AI")
    assert targets.magnesium_target(0.75, "male").value_mg == 75


def test_pregnancy_is_ignored_for_men_and_outside_the_table_is_a_design_choice():
    assert targets.magnesium_target(40, "male", pregnant=True).value_mg == 420
    young = targets.magnesium_target(13, "female", pregnant=True)
    assert young.value_mg == 400
    assert young.design_choice
    assert young.note


def test_sex_must_be_one_the_tables_know():
    with pytest.raises(ValueError):
        targets.magnesium_target(30, "unknown")


def test_the_magnesium_ul_is_none_for_infants_65_for_toddlers_and_350_for_adults():
    assert targets.magnesium_ul(0.3) is None
    assert targets.magnesium_ul(0.9) is None
    assert targets.magnesium_ul(1).value_mg == 65
    assert targets.magnesium_ul(3.9).value_mg == 65
    assert targets.magnesium_ul(4).value_mg == 110
    assert targets.magnesium_ul(9).value_mg == 350
    adult = targets.magnesium_ul(40)
    assert (adult.value_mg, adult.kind) == (350, "UL")
    assert "supplements" in adult.note


def test_potassium_ais_are_3400_for_men_2600_for_women_and_2900_in_pregnancy():
    assert targets.potassium_target(19, "male").value_mg == 3400
    assert targets.potassium_target(70, "female").value_mg == 2600
    assert targets.potassium_target(25, "female", pregnant=True).value_mg == 2900
    assert targets.potassium_target(25, "female", lactating=True).value_mg == 2800
    assert targets.potassium_target(15, "female", pregnant=True).value_mg == 2600
    assert targets.potassium_target(10, "male").value_mg == 2500
    assert targets.potassium_target(10, "female").value_mg == 2300
    target = targets.potassium_target(40, "male")
    assert target.kind == "AI"
    assert "NASEM 2019" in target.source
    assert "kidney" in target.note


# --- Serum thresholds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("mmol_l", "code"),
    [
        (2.4, "hypokalaemia-severe"),
        (2.5, "hypokalaemia-moderate"),
        (2.9, "hypokalaemia-moderate"),
        (3.0, "hypokalaemia-mild"),
        (3.4, "hypokalaemia-mild"),
        (3.5, "normal"),
        (5.0, "normal"),
        (5.1, "hyperkalaemia-mild"),
        (5.9, "hyperkalaemia-mild"),
        (6.0, "hyperkalaemia-moderate"),
        (6.5, "hyperkalaemia-moderate"),
        (6.6, "hyperkalaemia-severe"),
    ],
)
def test_serum_potassium_grades_follow_the_thresholds(mmol_l, code):
    assert targets.classify_serum_potassium(mmol_l).code == code


def test_hypomagnesaemia_starts_below_075_unless_the_lab_says_otherwise():
    assert targets.classify_serum_magnesium(0.74).code == "hypomagnesaemia"
    assert targets.classify_serum_magnesium(0.75).code == "normal"
    assert targets.classify_serum_magnesium(0.96).code == "above-range"
    lab = targets.classify_serum_magnesium(0.75, low_mmol_l=0.8)
    assert lab.code == "hypomagnesaemia"
    assert lab.design_choice


# --- Kidney disease ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["none", "g1", "g2", "g3a"])
def test_early_ckd_has_no_potassium_limit_without_a_hyperkalaemia_risk(status):
    assert "potassium_mg" not in targets.renal_limits(status, hyperkalaemia_risk=False)


@pytest.mark.parametrize("status", ["none", "g1", "g2", "g3a", "g3b", "g4", "g5", "hd", "pd"])
def test_a_hyperkalaemia_risk_caps_potassium_at_3000_mg(status):
    limit = targets.renal_limits(status, hyperkalaemia_risk=True)["potassium_mg"]
    assert limit.max_mg == 3000
    assert limit.shown_range == (2000, 3000)
    assert limit.design_choice


@pytest.mark.parametrize("status", ["g3b", "g4", "g5", "hd"])
def test_late_ckd_and_hemodialysis_default_to_3000_mg_potassium(status):
    limit = targets.renal_limits(status, hyperkalaemia_risk=False)["potassium_mg"]
    assert (limit.max_mg, limit.shown_range) == (3000, (2000, 3000))
    assert "NKF" in limit.source


def test_peritoneal_dialysis_defaults_to_4000_mg_potassium():
    limit = targets.renal_limits("pd", hyperkalaemia_risk=False)["potassium_mg"]
    assert (limit.max_mg, limit.shown_range) == (4000, (3000, 4000))


def test_a_transplant_has_no_potassium_limit_unless_there_is_a_risk():
    assert "potassium_mg" not in targets.renal_limits("transplant", hyperkalaemia_risk=False)
    assert (
        targets.renal_limits("transplant", hyperkalaemia_risk=True)["potassium_mg"].max_mg == 3000
    )


def test_sodium_is_limited_to_2300_mg_from_stage_3_and_after_a_transplant():
    for status in ("g3a", "g3b", "g4", "g5", "hd", "pd", "transplant"):
        limit = targets.renal_limits(status, hyperkalaemia_risk=False)["sodium_mg"]
        assert limit.max_mg == 2300
        assert not limit.design_choice
        assert "KDOQI 2020" in limit.source
    for status in ("none", "g1", "g2"):
        assert "sodium_mg" not in targets.renal_limits(status, hyperkalaemia_risk=False)


def test_phosphorus_defaults_to_1000_mg_as_a_design_choice_from_stage_3():
    limit = targets.renal_limits("G4", hyperkalaemia_risk=False)["phosphorus_mg"]
    assert limit.max_mg == 1000
    assert limit.design_choice
    assert "phosphorus_mg" not in targets.renal_limits("g2", hyperkalaemia_risk=False)
    assert "phosphorus_mg" not in targets.renal_limits("transplant", hyperkalaemia_risk=False)


def test_an_unknown_kidney_status_is_rejected():
    with pytest.raises(ValueError):
        targets.renal_limits("g6", hyperkalaemia_risk=False)


def test_hyperkalaemia_risk_comes_from_serum_potassium_above_5_or_a_k_raising_drug():
    assert not targets.hyperkalaemia_risk(5.0, takes_k_raising_medicine=False)
    assert targets.hyperkalaemia_risk(5.1, takes_k_raising_medicine=False)
    assert targets.hyperkalaemia_risk(None, takes_k_raising_medicine=True)
    assert not targets.hyperkalaemia_risk(None, takes_k_raising_medicine=False)


@pytest.mark.parametrize(
    ("egfr", "category"),
    [
        (120, "g1"),
        (90, "g1"),
        (89.9, "g2"),
        (60, "g2"),
        (45, "g3a"),
        (30, "g3b"),
        (15, "g4"),
        (5, "g5"),
    ],
)
def test_egfr_maps_to_the_kdigo_category(egfr, category):
    assert targets.egfr_category(egfr) == category


def test_magnesium_supplements_are_a_danger_from_stage_4_and_a_caution_at_stage_3():
    assert targets.magnesium_supplement_rule("g4").level == "danger"
    assert targets.magnesium_supplement_rule("hd").level == "danger"
    assert targets.magnesium_supplement_rule("g3b").level == "caution"
    assert targets.magnesium_supplement_rule("g2") is None


# --- Units ---------------------------------------------------------------------------


def test_units_convert_potassium_mg_to_mmol_and_back():
    assert nutrients.convert(391, "potassium", "mmol") == pytest.approx(10, abs=0.01)
    assert nutrients.convert(391, "k", "mEq") == pytest.approx(10, abs=0.01)
    assert nutrients.to_mg(10, "potassium_mg", "mmol") == pytest.approx(391)
    assert nutrients.to_mg(20, "k", "meq") == pytest.approx(782)


def test_units_count_magnesium_as_divalent():
    assert nutrients.convert(243, "magnesium", "mmol") == pytest.approx(10)
    assert nutrients.convert(243, "mg", "mEq") == pytest.approx(20)
    assert nutrients.to_mg(20, "magnesium", "mEq") == pytest.approx(243)
    assert nutrients.convert(243, "magnesium_mg", "mg") == 243


def test_units_convert_sodium_2300_mg_to_100_mmol():
    assert nutrients.convert(2300, "sodium", "mmol") == pytest.approx(100)
    assert nutrients.to_mg(100, "na", "mEq") == pytest.approx(2300)


def test_units_reject_what_they_cannot_convert():
    with pytest.raises(ValueError):
        nutrients.convert(100, "phosphorus", "mmol")
    with pytest.raises(ValueError):
        nutrients.convert(100, "potassium", "g")


def test_amounts_format_in_the_chosen_unit_and_unknown_stays_unknown():
    assert nutrients.format_amount(3400, "potassium") == "3,400 mg"
    assert nutrients.format_amount(3400, "potassium", "mmol") == "87.0 mmol"
    assert nutrients.format_amount(243, "magnesium", "meq") == "20.0 mEq"
    assert nutrients.format_amount(None, "potassium") == "unknown"


def test_serum_units_convert_mg_per_dl_and_meq_per_l():
    assert nutrients.serum_mg_to_mmol_l(1.8, "mg/dL") == pytest.approx(0.74, abs=0.005)
    assert nutrients.serum_mg_from_mmol_l(0.75, "mg/dL") == pytest.approx(1.82, abs=0.01)
    assert nutrients.serum_mg_to_mmol_l(1.6, "mEq/L") == pytest.approx(0.8)
    assert nutrients.serum_k_to_mmol_l(4.2, "mEq/L") == 4.2


# --- Medicines -----------------------------------------------------------------------


def test_find_medicines_matches_the_start_of_a_name():
    assert [m.code for m in find_medicines("lisin")] == ["lisinopril"]
    assert find_medicines("furo")[0].code == "furosemide"


def test_find_medicines_ignores_case_and_accents():
    assert find_medicines("LOSARTAN")[0].code == "losartan"
    assert find_medicines("Hydrochlorothiazide")[0].code == "hydrochlorothiazide"
    assert find_medicines("omépràzole")[0].code == "omeprazole"


def test_find_medicines_puts_name_matches_before_substrings():
    codes = [m.code for m in find_medicines("omeprazole")]
    assert codes[0] == "omeprazole"
    assert "esomeprazole" in codes


def test_find_medicines_finds_a_class():
    codes = {m.code for m in find_medicines("ACE")}
    assert {"lisinopril", "enalapril", "ramipril"} <= codes
    assert "losartan" not in codes


def test_find_medicines_finds_brands_and_other_names():
    assert find_medicines("Lasix")[0].code == "furosemide"
    assert find_medicines("albuterol")[0].code == "salbutamol"
    assert find_medicines("cyclosporine")[0].code == "ciclosporin"
    assert find_medicines("bactrim")[0].code == "co-trimoxazole"


def test_an_empty_query_finds_nothing():
    assert find_medicines("  ") == []


def test_medicine_codes_are_unique_slugs_and_every_class_has_a_source():
    assert len(MEDICINES_BY_CODE) == len(MEDICINES)
    for medicine in MEDICINES:
        assert medicine.code == medicine.code.lower().replace(" ", "-")
        assert len(medicine.code) <= 60
    for medicine_class in CLASSES.values():
        assert medicine_class.source


def test_medicine_effects_come_from_their_class():
    assert get_medicine("spironolactone").raises_k
    assert get_medicine("furosemide").lowers_k and get_medicine("furosemide").lowers_mg
    assert get_medicine("omeprazole").lowers_mg
    assert get_medicine("amiloride").kcl_contraindicated
    assert get_medicine("triamterene").kcl_contraindicated
    assert not get_medicine("spironolactone").kcl_contraindicated
    assert get_medicine("doxycycline").spacing_hours == (2, 3)
    assert get_medicine("ciprofloxacin").spacing_hours == (3, 4)
    assert "3-4 hours" in get_medicine("ferrous-sulfate").spacing_note
    assert get_medicine("lisinopril").spacing_note == ""


def test_stored_codes_that_left_the_catalogue_are_skipped():
    assert [m.code for m in medicines_for(["lisinopril", "retired-drug"])] == ["lisinopril"]
    assert get_medicine("retired-drug") is None


def test_the_catalogue_covers_every_class_of_clinical_md():
    expected = {
        "ace-inhibitor", "arb", "direct-renin-inhibitor", "aldosterone-antagonist",
        "k-sparing-diuretic", "trimethoprim", "nsaid", "calcineurin-inhibitor", "heparin",
        "beta-blocker", "loop-diuretic", "thiazide-diuretic", "ppi", "aminoglycoside",
        "amphotericin-b", "cisplatin", "egfr-antibody", "insulin", "beta2-agonist",
        "corticosteroid", "tetracycline", "quinolone", "bisphosphonate", "iron",
    }  # fmt: skip
    assert expected == set(CLASSES)
    assert expected == {m.medicine_class.code for m in MEDICINES}
