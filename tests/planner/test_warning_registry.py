"""The warnings are a registry of rules: one function per code, each with a page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clinical import catalogue, classes
from clinical import targets as dri
from clinical.catalogue import mmol_value
from planner import warnings
from planner.access import profile_for
from planner.sharing.report import PUBLIC_WORDING, public_warnings
from planner.warnings import RULES, Found, evaluate, rule

TODAY = dt.date.today()
THROWAWAY = "TEST_THROWAWAY_RULE"


@pytest.fixture
def profile(patient):
    profile = profile_for(patient)
    profile.birth_date = TODAY.replace(year=TODAY.year - 60) - dt.timedelta(days=30)
    profile.sex = "male"
    profile.save()
    return profile


@pytest.fixture
def day(plan_for, patient):
    return plan_for(patient).days.get()


@pytest.fixture
def throwaway_rule():
    """A rule added for one test, as a new rule is added: one registered function."""

    @rule(THROWAWAY)
    def throwaway(ctx):
        """Fires on any day with a potassium limit, twice, to show a rule may find several."""
        if ctx.k_limit is None:
            return None
        return [
            Found("danger", f"limit {ctx.k_limit:,.0f} mg", "a test source"),
            Found("danger", "second finding", "a test source"),
        ]

    yield throwaway
    del RULES[THROWAWAY]


def set_profile(profile, **fields):
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()


def test_the_registered_rules_are_the_catalogued_codes():
    assert set(RULES) == catalogue.CODES
    assert len(RULES) >= 14


@pytest.mark.parametrize("code", list(RULES))
def test_every_registered_code_has_an_explanation_page(client, db, code):
    response = client.get(reverse("planner:warning_detail", args=[code]))
    assert response.status_code == 200
    assert catalogue.CATALOGUE[code].title in response.content.decode()


def test_a_code_without_a_rule_has_no_page(client, db):
    assert client.get(reverse("planner:warning_detail", args=["NOT_A_CODE"])).status_code == 404


def test_every_rule_is_explained_by_a_docstring_or_a_catalogue_entry():
    for code, function in RULES.items():
        assert (function.__doc__ or "").strip() or catalogue.entry(code), code


def test_every_publicly_worded_code_is_a_registered_rule():
    assert set(PUBLIC_WORDING) <= set(RULES)


def test_a_code_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        rule("K_ABOVE_LIMIT")(lambda ctx: None)
    assert RULES["K_ABOVE_LIMIT"].__name__ == "k_above_limit"


def test_a_rule_added_to_the_registry_is_run_by_evaluate(throwaway_rule, profile, day):
    set_profile(profile, kidney_status="g4", serum_k=3.1)
    found = evaluate(profile, day)
    mine = [w for w in found if w.code == THROWAWAY]
    assert [w.message for w in mine] == ["limit 3,000 mg", "second finding"]
    # Danger first, then the rest; the throwaway rule runs last, so it follows the
    # registered danger rules and precedes every lower level.
    levels = [w.level for w in found]
    assert levels == sorted(levels, key=warnings.LEVEL_ORDER.__getitem__)
    assert found[-1].code == "LOW_K_CHECK_MG"


def test_a_rule_added_later_stays_off_share_links_until_it_has_public_wording(
    throwaway_rule, profile, day
):
    set_profile(profile, kidney_status="g4")
    found = evaluate(profile, day)
    assert THROWAWAY in {w.code for w in found}
    assert THROWAWAY not in {w.code for w in public_warnings(found, ctx=None)}


def test_a_rule_that_finds_nothing_adds_nothing(throwaway_rule, profile, day):
    assert THROWAWAY not in {w.code for w in evaluate(profile, day)}


def test_equal_levels_keep_the_order_of_the_rules(profile, day):
    from planner.models import ProfileMedicine

    for code in ("omeprazole", "furosemide"):
        ProfileMedicine.objects.create(profile=profile, code=code)
    set_profile(profile, serum_k=3.2)
    found = [w.code for w in evaluate(profile, day)]
    order = list(RULES)
    assert found == sorted(found, key=order.index)
    assert found == ["LOW_K_CHECK_MG", "DIURETIC_LOSSES", "PPI_LOW_MG"]


# --- Messages name the data's thresholds, never retyped numbers ------------------


def test_the_low_potassium_message_names_the_threshold_of_the_data(profile, day, monkeypatch):
    set_profile(profile, serum_k=3.2)
    (warning,) = evaluate(profile, day)
    assert f"below {mmol_value(dri.HYPOKALAEMIA_MMOL_L)}." in warning.message
    monkeypatch.setattr(dri, "HYPOKALAEMIA_MMOL_L", 3.6)
    set_profile(profile, serum_k=3.55)
    (warning,) = evaluate(profile, day)
    assert "below 3.6." in warning.message


def test_the_hyperkalaemia_reason_names_the_threshold_of_the_data(
    profile, day, supplement, item, monkeypatch
):
    item(day, supplement("Salt substitute", "k", 500, contains_kcl=True), grams=1)
    set_profile(profile, serum_k=5.4)
    message = next(w for w in evaluate(profile, day) if w.code == "K_SUPPLEMENT_HYPERKALEMIA_RISK")
    assert f"5.4 mmol/L (above {mmol_value(dri.HYPERKALAEMIA_MMOL_L)})" in message.message
    monkeypatch.setattr(dri, "HYPERKALAEMIA_MMOL_L", 5.25)
    message = next(w for w in evaluate(profile, day) if w.code == "K_SUPPLEMENT_HYPERKALEMIA_RISK")
    assert "5.4 mmol/L (above 5.25)" in message.message


def test_the_low_magnesium_reason_names_the_threshold_of_the_data(
    profile, day, supplement, item, monkeypatch
):
    item(day, supplement("KCl ER 10 mEq", "k", 391), grams=1)
    monkeypatch.setattr(dri, "HYPOMAGNESAEMIA_DEFAULT_MMOL_L", 0.7)
    set_profile(profile, serum_mg=0.65)
    warning = next(w for w in evaluate(profile, day) if w.code == "K_SUPPLEMENT_LOW_MG")
    assert "0.65 mmol/L (below 0.7)" in warning.message


def test_the_high_potassium_item_names_the_class_of_the_data(profile, day, food, item, monkeypatch):
    set_profile(profile, kidney_status="g4")
    item(day, food("Banana", potassium_mg=358), grams=70)  # 251 mg
    monkeypatch.setattr(classes, "HIGH_POTASSIUM_ITEM_MG", 250.0)
    warning = next(w for w in evaluate(profile, day) if w.code == "K_HIGH_ITEM")
    assert "more than 250 mg counts as high potassium" in warning.message


def test_templates_name_thresholds_through_the_threshold_tag(monkeypatch):
    from django.template import Context, Template

    page = Template(
        "{% load planner_tags %}More than {% threshold 'high_k_item' %}; "
        "above {% threshold 'hyperkalaemia' %}"
    )
    assert page.render(Context()) == (
        f"More than {catalogue.mg(classes.HIGH_POTASSIUM_ITEM_MG)}; "
        f"above {catalogue.mmol(dri.HYPERKALAEMIA_MMOL_L)}"
    )
    monkeypatch.setattr(classes, "HIGH_POTASSIUM_ITEM_MG", 250.0)
    monkeypatch.setattr(dri, "HYPERKALAEMIA_MMOL_L", 5.5)
    assert page.render(Context()) == "More than 250 mg; above 5.5 mmol/L"
