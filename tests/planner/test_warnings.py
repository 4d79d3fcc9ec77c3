from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.access import profile_for
from planner.models import CustomTarget, ProfileMedicine
from planner.warnings import evaluate
from tests.helpers import POTATO

TODAY = dt.date.today()


def years_ago(years: int) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) - dt.timedelta(days=30)


@pytest.fixture
def profile(patient):
    profile = profile_for(patient)
    profile.birth_date = years_ago(60)
    profile.sex = "male"
    profile.save()
    return profile


@pytest.fixture
def day(plan_for, patient):
    return plan_for(patient).days.get()


def set_profile(profile, **fields):
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def take(profile, *codes):
    for code in codes:
        ProfileMedicine.objects.create(profile=profile, code=code)


def codes(warnings):
    return [w.code for w in warnings]


def only(warnings, code):
    found = [w for w in warnings if w.code == code]
    assert len(found) == 1, codes(warnings)
    return found[0]


@pytest.fixture
def potato(food, food_group):
    return food(
        "Potatoes, baked",
        group=food_group("11", "Vegetables"),
        **POTATO,
    )


def test_potassium_above_the_renal_limit_is_danger_with_the_numbers(profile, day, potato, item):
    set_profile(profile, kidney_status="g4")
    item(day, potato, grams=600)  # 3,210 mg K
    warning = only(evaluate(profile, day), "K_ABOVE_LIMIT")
    assert warning.level == "danger"
    assert "3,210 mg" in warning.message and "3,000 mg" in warning.message
    assert "Project default" in warning.source
    assert "clinician" in warning.message


def test_a_custom_limit_overrides_the_default(profile, day, potato, item, stranger):
    set_profile(profile, kidney_status="g4")
    CustomTarget.objects.create(
        profile=profile,
        nutrient="potassium_mg",
        maximum=2000,
        reason="serum K 5.6",
        set_by=stranger,
    )
    item(day, potato, grams=400)  # 2,140 mg
    warning = only(evaluate(profile, day), "K_ABOVE_LIMIT")
    assert "2,000 mg" in warning.message
    assert "stranger" in warning.source


def test_no_potassium_limit_means_no_k_warnings(profile, day, potato, item):
    item(day, potato, grams=1000)
    found = codes(evaluate(profile, day))
    assert "K_ABOVE_LIMIT" not in found
    assert "K_HIGH_ITEM" not in found


def test_high_potassium_items_are_flagged_only_with_a_limit(profile, day, potato, food, item):
    set_profile(profile, kidney_status="hd")
    big = item(day, potato, grams=100)  # 535 mg
    item(day, food("Rice", potassium_mg=35), grams=150)  # 52 mg
    warning = only(evaluate(profile, day), "K_HIGH_ITEM")
    assert warning.item_id == big.id
    assert warning.level == "caution"
    assert "535 mg" in warning.message


def test_sodium_and_phosphorus_above_limits(profile, day, food, item):
    set_profile(profile, kidney_status="g3b")
    item(day, food("Soy sauce", sodium_mg=5500, phosphorus_mg=1300), grams=100)
    found = evaluate(profile, day)
    assert only(found, "NA_ABOVE_LIMIT").level == "caution"
    assert "5,500 mg" in only(found, "NA_ABOVE_LIMIT").message
    assert "KDOQI 2020" in only(found, "NA_ABOVE_LIMIT").source
    assert only(found, "P_ABOVE_LIMIT").level == "caution"


def test_magnesium_supplements_above_the_ul_but_food_does_not_count(
    profile, day, supplement, food, item
):
    oxide = supplement("Mg oxide 400", "mg", 241.3)
    item(day, oxide, grams=1)
    item(day, food("Pumpkin seeds", magnesium_mg=592), grams=100)
    assert "MG_SUPPLEMENT_ABOVE_UL" not in codes(evaluate(profile, day))
    item(day, oxide, grams=1)  # 482.6 mg from supplements
    warning = only(evaluate(profile, day), "MG_SUPPLEMENT_ABOVE_UL")
    assert "483 mg" in warning.message and "350 mg" in warning.message


@pytest.mark.parametrize(
    ("status", "egfr", "level"),
    [
        ("g4", None, "danger"),
        ("hd", None, "danger"),
        ("none", 25, "danger"),
        ("g3a", None, "caution"),
        ("g3b", 40, "caution"),
        ("g2", None, None),
    ],
)
def test_magnesium_supplements_with_low_kidney_function(
    profile, day, supplement, item, status, egfr, level
):
    set_profile(profile, kidney_status=status, egfr=egfr)
    item(day, supplement("Milk of magnesia", "mg", 500, use="laxative"), grams=1)
    found = [w for w in evaluate(profile, day) if w.code == "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION"]
    if level is None:
        assert found == []
    else:
        assert [w.level for w in found] == [level]
        assert "Milk of magnesia" in found[0].message


def test_potassium_supplement_with_a_potassium_raising_medicine(profile, day, supplement, item):
    take(profile, "lisinopril")
    item(day, supplement("KCl ER 10 mEq", "k", 391, use="prescription"), grams=1)
    warning = only(evaluate(profile, day), "K_SUPPLEMENT_HYPERKALEMIA_RISK")
    assert warning.level == "danger"
    assert "Lisinopril" in warning.message
    assert "contraindicated" not in warning.message


def test_kcl_with_amiloride_is_named_contraindicated(profile, day, supplement, item):
    take(profile, "amiloride")
    item(day, supplement("KCl ER 20 mEq", "k", 782, use="prescription"), grams=1)
    warning = only(evaluate(profile, day), "K_SUPPLEMENT_HYPERKALEMIA_RISK")
    assert "contraindicated with Amiloride" in warning.message
    assert "DailyMed" in warning.source


def test_salt_substitute_counts_as_a_potassium_supplement(profile, day, supplement, item):
    set_profile(profile, serum_k=5.4)
    salt = supplement(
        "Salt substitute", "k", 733, use="salt-substitute", contains_kcl=True, kind="food"
    )
    item(day, salt, grams=1)
    warning = only(evaluate(profile, day), "K_SUPPLEMENT_HYPERKALEMIA_RISK")
    assert "5.4 mmol/L" in warning.message


def test_potassium_supplement_without_risk_raises_no_hyperkalaemia_warning(
    profile, day, supplement, food, item
):
    item(day, supplement("K gluconate 99", "k", 99), grams=1)
    item(day, food("Almonds", magnesium_mg=270), grams=200)  # 540 mg Mg: target met
    assert "K_SUPPLEMENT_HYPERKALEMIA_RISK" not in codes(evaluate(profile, day))
    assert "K_SUPPLEMENT_LOW_MG" not in codes(evaluate(profile, day))


def test_potassium_supplement_with_low_magnesium_puts_magnesium_first(
    profile, day, supplement, item
):
    set_profile(profile, serum_mg=1.4, serum_mg_unit="mg/dL")  # 0.58 mmol/L
    item(day, supplement("K gluconate 99", "k", 99), grams=1)
    warning = only(evaluate(profile, day), "K_SUPPLEMENT_LOW_MG")
    assert warning.level == "caution"
    assert "0.58 mmol/L" in warning.message
    assert "magnesium comes first" in warning.message
    assert "Huang" in warning.source


def test_low_serum_potassium_asks_about_magnesium(profile, day):
    set_profile(profile, serum_k=3.2)
    assert only(evaluate(profile, day), "LOW_K_CHECK_MG").level == "info"
    set_profile(profile, serum_mg=0.6)
    warning = only(evaluate(profile, day), "LOW_K_CHECK_MG")
    assert warning.level == "caution"
    assert "may not come up until magnesium is corrected" in warning.message


def test_below_targets_suggest_foods_that_close_the_gap(profile, day, food, food_group, item):
    nuts = food_group("12", "Nut and Seed Products")
    legumes = food_group("16", "Legumes")
    food("Seeds, pumpkin", group=nuts, magnesium_mg=592, potassium_mg=809, portions=[("1 oz", 28)])
    food(
        "Beans, black", group=legumes, magnesium_mg=70, potassium_mg=355, portions=[("1 cup", 172)]
    )
    item(day, food("Rice", magnesium_mg=12, potassium_mg=35), grams=150)
    found = evaluate(profile, day)
    mg = only(found, "MG_BELOW_TARGET")
    assert "420 mg" in mg.message
    # best per portion first: 1 oz of seeds 166 mg, 1 cup of beans 120 mg; rice is too little
    assert [s.name for s in mg.suggestions] == ["Seeds, pumpkin", "Beans, black"]
    k = only(found, "K_BELOW_TARGET")
    assert "3,400 mg" in k.message


def test_with_a_potassium_limit_magnesium_suggestions_stay_low_in_potassium(
    profile, day, food, food_group, item
):
    set_profile(profile, kidney_status="g4")
    nuts = food_group("12", "Nut and Seed Products")
    legumes = food_group("16", "Legumes")
    food("Seeds, pumpkin", group=nuts, magnesium_mg=592, potassium_mg=809, portions=[("1 oz", 28)])
    food(
        "Beans, black", group=legumes, magnesium_mg=70, potassium_mg=355, portions=[("1 cup", 172)]
    )
    food(
        "Tofu, firm", group=legumes, magnesium_mg=58, potassium_mg=121, portions=[("0.5 cup", 126)]
    )
    item(day, food("Rice", magnesium_mg=12, potassium_mg=35), grams=150)
    found = evaluate(profile, day)
    mg = only(found, "MG_BELOW_TARGET")
    # black beans: 611 mg K per cup and pumpkin seeds: 227 mg per oz are over 200 mg;
    # tofu gives 73 mg Mg for 152 mg K
    assert [s.name for s in mg.suggestions] == ["Tofu, firm"]
    assert "K_BELOW_TARGET" not in codes(found)


def test_diuretics_and_ppis_are_noted(profile, day):
    take(profile, "furosemide", "omeprazole")
    found = evaluate(profile, day)
    assert "Furosemide" in only(found, "DIURETIC_LOSSES").message
    assert only(found, "PPI_LOW_MG").level == "info"


def test_missing_data_is_reported(profile, day, food, item):
    item(day, food("Mystery", magnesium_mg=None, potassium_mg=None), grams=100)
    warning = only(evaluate(profile, day), "DATA_INCOMPLETE")
    assert "1 item lacks magnesium" in warning.message
    assert "1 item lacks potassium" in warning.message


def test_warnings_come_most_serious_first(profile, day, potato, item):
    set_profile(profile, kidney_status="g4", serum_k=3.1)
    take(profile, "furosemide")
    item(day, potato, grams=700)
    levels = [w.level for w in evaluate(profile, day)]
    order = {"danger": 0, "caution": 1, "info": 2}
    assert levels == sorted(levels, key=order.get)
    assert levels[0] == "danger"


def test_every_warning_has_a_source_and_a_known_level(profile, day, potato, supplement, item):
    set_profile(profile, kidney_status="g4", serum_k=5.5, serum_mg=0.6)
    take(profile, "amiloride", "furosemide", "omeprazole")
    item(day, potato, grams=700)
    item(day, supplement("KCl", "k", 782), grams=1)
    item(day, supplement("Mg oxide", "mg", 241.3), grams=2)
    found = evaluate(profile, day)
    assert len(found) >= 8
    for warning in found:
        assert warning.source
        assert warning.level in {"info", "caution", "danger"}


@pytest.mark.parametrize("count", [5, 40, 160])
def test_evaluation_takes_a_constant_number_of_queries(profile, day, potato, food, item, count):
    set_profile(profile, kidney_status="g4")
    rice = food("Rice", magnesium_mg=12, potassium_mg=35)
    for i in range(count):
        item(day, potato if i % 2 else rice, grams=50)
    with CaptureQueriesContext(connection) as queries:
        evaluate(profile, day)
    assert len(queries) <= 8, [q["sql"] for q in queries]


def test_suggestions_are_ranked_once_and_then_reused(profile, day, food, food_group, item):
    nuts = food_group("12", "Nut and Seed Products")
    food("Seeds, pumpkin", group=nuts, magnesium_mg=592, potassium_mg=809, portions=[("1 oz", 28)])
    item(day, food("Rice", magnesium_mg=12, potassium_mg=35), grams=150)
    with CaptureQueriesContext(connection) as first:
        evaluate(profile, day)
    with CaptureQueriesContext(connection) as second:
        found = evaluate(profile, day)
    assert len(second) == len(first) - 2  # the magnesium and potassium rankings
    assert [s.name for s in only(found, "MG_BELOW_TARGET").suggestions] == ["Seeds, pumpkin"]
