from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from clinical import catalogue
from clinical import targets as dri
from clinical.classes import HIGH_POTASSIUM_ITEM_MG
from nutrition import supplements as supps
from planner import warnings as rules
from planner.learn import facts as learn
from tests.helpers import supplement_facts

LEARN_PAGES = ("learn_index", "learn_mg_k", "learn_symptoms", "learn_supplements", "warning_index")


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed, entities decoded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def get(client, db):
    def fetch(name: str, *args):
        return client.get(reverse(f"planner:{name}", args=args))

    return fetch


def test_every_entry_is_complete():
    for entry in catalogue.CATALOGUE.values():
        for text in (entry.title, entry.means, entry.why, entry.what_to_do, entry.applies_to):
            assert text.strip(), entry.code
        assert entry.thresholds, entry.code
        assert entry.sources, entry.code
        assert set(entry.levels) <= {"danger", "caution", "info"}, entry.code


@pytest.mark.parametrize("code", sorted(catalogue.CODES))
def test_each_warning_page_answers_with_its_title_and_sources(get, code):
    entry = catalogue.CATALOGUE[code]
    response = get("warning_detail", code)
    assert response.status_code == 200
    text = text_of(response)
    assert entry.title in text
    assert code in text
    for source in entry.sources:
        assert source.text in text
    assert "planning support, not diagnosis" in text
    assert "talk to your clinician" in text


def test_a_warnings_url_is_its_detail_page(get):
    warning = rules.Warning("K_HIGH_ITEM", "caution", "message", "source")
    assert warning.url == reverse("planner:warning_detail", args=["K_HIGH_ITEM"])


def test_an_unknown_code_is_404(get):
    assert get("warning_detail", "NOT_A_CODE").status_code == 404
    assert get("warning_detail", "k_high_item").status_code == 404


def test_the_warning_index_lists_every_code_grouped_by_level(get):
    response = get("warning_index")
    assert response.status_code == 200
    body = response.content.decode()
    for code in catalogue.CODES:
        assert reverse("planner:warning_detail", args=[code]) in body
    text = text_of(response)
    assert text.index("Danger") < text.index("Caution") < text.index("Information")
    # Each entry sits under its most serious level.
    danger_part = text[text.index("Danger") : text.index("Caution")]
    assert catalogue.CATALOGUE["K_ABOVE_LIMIT"].title in danger_part
    assert catalogue.CATALOGUE["MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION"].title in danger_part


@pytest.mark.parametrize("name", LEARN_PAGES)
def test_learn_pages_are_public_and_end_with_the_clinician_advice(get, name):
    response = get(name)
    assert response.status_code == 200
    text = text_of(response)
    assert "planning support, not diagnosis — talk to your clinician" in text


def test_the_learn_pages_only_answer_get(client, db):
    response = client.post(reverse("planner:learn_mg_k"))
    assert response.status_code == 405


def test_the_magnesium_and_potassium_page_explains_the_mechanism_with_sources(get):
    text = text_of(get("learn_mg_k"))
    for fact in (
        "sodium-potassium pump",
        "Mg-ATP",
        "ROMK",
        "refractory hypokalaemia",
        "until magnesium is repleted",
        "More than half of clinically significant low potassium",
        "loop and thiazide diuretics",
    ):
        assert fact in text, fact
    assert "Huang C-L, Kuo E." in text
    assert "CMDT" in text
    body = get("learn_mg_k").content.decode()
    assert "https://doi.org/10.1681/ASN.2007070792" in body


def test_the_lab_thresholds_come_from_the_targets_module(get):
    text = text_of(get("learn_mg_k"))
    assert f"below {dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L:.2f}" in text
    assert (
        f"{dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L:.2f}–{dri.SERUM_MG_UPPER_NORMAL_MMOL_L:.2f}" in text
    )
    assert f"below {dri.HYPOKALAEMIA_MMOL_L:.1f}" in text
    assert f"{dri.HYPOKALAEMIA_MMOL_L:.1f} to {dri.HYPERKALAEMIA_MMOL_L:.1f}" in text
    for band in dri.POTASSIUM_BANDS:
        assert band.label in text
    assert "1.8–2.3" in text  # mg/dL, as clinical.md §1 gives it


def test_the_symptoms_page_lists_the_shared_symptoms_and_says_when_to_go_urgently(get):
    text = text_of(get("learn_symptoms"))
    for symptom in (
        "Muscle cramps and spasms",
        "Fatigue and weakness",
        "Irregular heartbeat",
        "Numbness or tingling",
        "Loss of appetite and nausea",
    ):
        assert symptom in text
    assert "see a clinician — urgently with palpitations, or with heart or kidney disease" in (
        text.lower()
    )
    assert "Only a blood test can" in text
    assert "Symptoms cannot tell which mineral is low" in text
    for source in learn.SYMPTOM_SOURCES:
        assert source.text in text


def test_the_supplements_page_compares_the_two_from_the_data_modules(get):
    response = get("learn_supplements")
    text = text_of(response)
    for row in ("Goal", "Effect on potassium", "Best used for", "Side effects", "Kidney caution"):
        assert row in text
    assert f"{dri.MAGNESIUM_UL['19-30y']:,.0f} mg a day from supplements and medicines" in text
    assert "magnesium in food has no upper limit" in text
    assert "ulcerate" in text
    assert "hyperkalaemia" in text
    # Elemental shares and strengths as the supplement module stores them.
    assert "60.3 %" in text  # magnesium oxide
    assert "52.4 %" in text  # potassium chloride
    for meq, k_mg in ((8, 313), (10, 391), (15, 587), (20, 782)):
        assert f"{meq} mEq" in text
        assert f"{k_mg} mg" in text
    oxide = supps.SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"]
    assert f"gives {oxide.elemental_mg_per_unit:.0f} mg of magnesium" in text
    # Diarrhoea forms and spacing come from the data, not retyped.
    for name in learn.diarrhoea_forms():
        assert name in text
    assert "tetracycline antibiotic by 2–3 hours" in text
    assert "quinolone antibiotic by 3–4 hours" in text
    assert "oral iron by 3–4 hours" in text
    assert "amiloride and triamterene" in text


def test_the_supplements_page_links_to_the_supplements_in_the_database(get):
    body = get("learn_supplements").content.decode()
    search = reverse("nutrition:search")
    assert f"{search}?kind=supplement&amp;q=magnesium" in body
    assert f"{search}?kind=supplement&amp;q=potassium" in body


def test_thresholds_on_the_pages_match_the_data_modules(get):
    text = text_of(get("warning_detail", "K_HIGH_ITEM"))
    assert f"more than {HIGH_POTASSIUM_ITEM_MG:,.0f} mg" in text

    text = text_of(get("warning_detail", "NA_ABOVE_LIMIT"))
    assert f"{dri.SODIUM_LIMIT_MG:,.0f} mg" in text

    text = text_of(get("warning_detail", "P_ABOVE_LIMIT"))
    assert f"{dri.PHOSPHORUS_LIMIT_MG:,.0f} mg" in text

    text = text_of(get("warning_detail", "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION"))
    assert f"eGFR below {rules.LOW_EGFR:g}" in text
    assert f"eGFR below {rules.REDUCED_EGFR:g}" in text

    text = text_of(get("warning_detail", "K_ABOVE_LIMIT"))
    for row in dri.RENAL_TABLE.values():
        if row.potassium is not None:
            assert f"{row.potassium[0]:,.0f} mg a day" in text

    text = text_of(get("warning_detail", "MG_SUPPLEMENT_ABOVE_UL"))
    for value in set(dri.MAGNESIUM_UL.values()):
        assert f"{value:,.0f} mg" in text

    text = text_of(get("warning_detail", "K_BELOW_TARGET"))
    assert f"{dri.POTASSIUM_AI['19-30y'].male:,.0f}" in text


def test_a_changed_threshold_shows_on_the_page(get, monkeypatch):
    # The catalogue is built from the data modules, not from copies of their numbers.
    monkeypatch.setattr("clinical.classes.HIGH_POTASSIUM_ITEM_MG", 250.0)
    monkeypatch.setattr(catalogue, "CATALOGUE", catalogue.build()[1])
    text = text_of(get("warning_detail", "K_HIGH_ITEM"))
    assert "more than 250 mg" in text


def test_design_choices_are_labelled_as_such(get):
    text = text_of(get("warning_detail", "K_ABOVE_LIMIT"))
    assert "a design choice of this app, not a guideline" in text.lower()
    text = text_of(get("learn_supplements"))
    assert "a design choice of this app, not a guideline" in text


def test_evidence_tags_follow_the_clinical_reference():
    assert catalogue.SOURCES["huang_kuo"].evidence == "P"
    assert catalogue.SOURCES["mg_ul"].evidence == "S"
    assert catalogue.SOURCES["mg_food_no_ul"].evidence == "P"
    assert catalogue.SOURCES["k_limit"].evidence == "D"
    assert catalogue.SOURCES["p_limit"].evidence == "D"
    assert catalogue.SOURCES["na_limit"].evidence == "P"
    assert catalogue.SOURCES["mg_renal_rule"].design_choice


def test_the_nav_and_the_home_page_link_to_learn(client, db):
    body = client.get(reverse("home")).content.decode()
    assert body.count(f'href="{reverse("planner:learn_index")}"') >= 2
    body = client.get(reverse("planner:learn_symptoms")).content.decode()
    assert f'href="{reverse("planner:learn_index")}" aria-current="page"' in body


def test_the_pages_have_no_inline_style_or_script(get):
    pages = [get(name) for name in LEARN_PAGES]
    pages += [get("warning_detail", code) for code in sorted(catalogue.CODES)]
    for response in pages:
        body = response.content.decode()
        assert " style=" not in body
        assert "<style" not in body
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


# --- The warnings the rules raise lead to pages that explain them ----------------


@pytest.fixture
def scenario_days(patient, make_user, plan_for, food, food_group, item):
    """Two planned days that between them raise every warning code."""
    import datetime as dt

    from planner.access import profile_for
    from planner.models import ProfileMedicine

    def supplement(name, mineral, elemental, **extra):
        fields = {"magnesium_mg": 0, "potassium_mg": 0}
        fields[f"{'magnesium' if mineral == 'mg' else 'potassium'}_mg"] = elemental * 100
        made = food(name, group=food_group("SUPP", "Supplements"), kind="supplement", **fields)
        supplement_facts(made, mineral, elemental, use="supplement", **extra)
        return made

    today = dt.date.today()
    # A man of 60 on CKD G4 with low serum K and Mg, three medicines and a full day.
    kidney = profile_for(patient)
    kidney.birth_date = today.replace(year=today.year - 60)
    kidney.sex = "male"
    kidney.kidney_status = "g4"
    kidney.egfr = 20
    kidney.serum_k = 3.2
    kidney.serum_mg = 0.6
    kidney.save()
    for code in ("furosemide", "omeprazole", "lisinopril"):
        ProfileMedicine.objects.create(profile=kidney, code=code)
    day = plan_for(patient).days.get()
    potato = food("Potatoes, baked", potassium_mg=535, magnesium_mg=28, sodium_mg=10)
    item(day, potato, grams=1000)
    item(
        day, food("Salted crackers", sodium_mg=3000, phosphorus_mg=1500, magnesium_mg=1), grams=100
    )
    item(day, food("Grandma's stew", magnesium_mg=30), grams=100)  # no potassium value
    item(day, supplement("Milk of magnesia", "mg", 500), grams=1)
    item(day, supplement("KCl ER 10 mEq", "k", 391), grams=1)

    # A healthy woman of 40 whose day is short of both minerals.
    other = make_user("ruth")
    healthy = profile_for(other)
    healthy.birth_date = today.replace(year=today.year - 40)
    healthy.sex = "female"
    healthy.save()
    short_day = plan_for(other).days.get()
    item(short_day, food("Rice, white", magnesium_mg=12, potassium_mg=35), grams=100)
    return [(kidney, day), (healthy, short_day)]


def test_every_code_the_rules_raise_has_a_page_with_the_warnings_own_source(client, scenario_days):
    raised = [w for profile, day in scenario_days for w in rules.evaluate(profile, day)]
    assert {w.code for w in raised} == catalogue.CODES
    pages = {}
    for warning in raised:
        entry = catalogue.CATALOGUE[warning.code]
        assert warning.level in entry.levels, warning.code
        if warning.url not in pages:
            response = client.get(warning.url)
            assert response.status_code == 200
            pages[warning.url] = text_of(response)
        for part in warning.source.split("; "):
            assert part in pages[warning.url], (warning.code, part)
