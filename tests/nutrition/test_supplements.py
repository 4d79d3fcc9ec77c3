from __future__ import annotations

import pytest

from clinical.supplements import SALT_FORMS, SHARE_TOLERANCE
from nutrition.models import Food, FoodGroup, Portion, SupplementFacts
from nutrition.supplements import (
    SUPPLEMENTS,
    SUPPLEMENTS_BY_SLUG,
    elemental_share,
    sync_supplements,
)
from nutrition.text import normalize


def test_the_catalogue_has_at_least_twenty_products_with_unique_slugs():
    assert len(SUPPLEMENTS) >= 20
    assert len(SUPPLEMENTS_BY_SLUG) == len(SUPPLEMENTS)
    assert all(len(row.slug) <= 32 for row in SUPPLEMENTS)


def test_it_covers_every_common_magnesium_salt():
    salts = {row.salt_form.split("-")[1] for row in SUPPLEMENTS if row.mineral == "mg"}
    expected = (
        "oxide citrate glycinate chloride malate lactate hydroxide sulfate carbonate "
        "aspartate gluconate"
    )
    assert set(expected.split()) <= salts


@pytest.mark.parametrize("row", SUPPLEMENTS, ids=lambda row: row.slug)
def test_each_elemental_amount_matches_its_salt_share(row):
    salt = SALT_FORMS[row.salt_form]
    assert salt.mineral == row.mineral
    share = elemental_share(row)
    assert share is not None, "every row states its salt weight"
    low = salt.share_low * (1 - SHARE_TOLERANCE)
    high = salt.share_high * (1 + SHARE_TOLERANCE)
    assert low <= share <= high, f"{row.slug}: {share:.4f} outside {low:.4f}-{high:.4f}"


@pytest.mark.parametrize("row", SUPPLEMENTS, ids=lambda row: row.slug)
def test_each_row_has_a_source_side_effects_and_fits_the_model(row):
    assert row.reference and len(row.reference) <= 300
    assert row.side_effects
    assert len(row.name) <= 255 and len(row.unit) <= 40
    assert row.use in SupplementFacts.Use.values
    assert row.mineral in SupplementFacts.Mineral.values
    assert row.doses and all(dose.units > 0 for dose in row.doses)


def test_potassium_chloride_er_tablets_hold_313_391_587_and_782_mg():
    for meq, salt_mg, k_mg in ((8, 600, 313), (10, 750, 391), (15, 1125, 587), (20, 1500, 782)):
        row = SUPPLEMENTS_BY_SLUG[f"supp-k-chloride-er-{meq}"]
        assert (row.salt_mg_per_unit, row.elemental_mg_per_unit) == (salt_mg, k_mg)
        assert row.use == SupplementFacts.Use.PRESCRIPTION
        # 1 mEq of potassium is 39.1 mg.
        assert row.elemental_mg_per_unit == pytest.approx(meq * 39.1, abs=0.5)


def test_a_400_mg_magnesium_oxide_tablet_gives_241_mg():
    row = SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"]
    assert row.elemental_mg_per_unit == pytest.approx(241, abs=0.5)


def test_salt_substitutes_are_foods_flagged_as_containing_kcl():
    substitutes = [row for row in SUPPLEMENTS if row.use == SupplementFacts.Use.SALT_SUBSTITUTE]
    assert len(substitutes) >= 3
    for row in substitutes:
        assert row.kind == Food.Kind.FOOD
        assert row.contains_kcl
        assert row.mineral == "k"
    lite = SUPPLEMENTS_BY_SLUG["salt-lite-half-kcl"]
    assert lite.sodium_mg == pytest.approx(275.1)
    assert lite.nutrients()["potassium_mg"] == pytest.approx(26_200)
    assert lite.nutrients()["sodium_mg"] == pytest.approx(19_650)


def test_only_salt_substitutes_are_flagged_as_containing_kcl():
    for row in SUPPLEMENTS:
        assert row.contains_kcl == (row.use == SupplementFacts.Use.SALT_SUBSTITUTE), row.slug


@pytest.mark.django_db
def test_sync_creates_foods_facts_and_portions():
    written = sync_supplements()

    assert written == len(SUPPLEMENTS)
    foods = Food.objects.filter(source=Food.Source.CURATED)
    assert foods.count() == len(SUPPLEMENTS)
    assert SupplementFacts.objects.count() == len(SUPPLEMENTS)
    oxide = Food.objects.get(source_id="supp-mg-oxide-400")
    assert oxide.kind == Food.Kind.SUPPLEMENT
    assert oxide.group.code == "SUPP"
    assert oxide.search_name == normalize(oxide.name)
    assert oxide.supplement.elemental_mg_per_unit == 241.3
    assert oxide.supplement.salt_form == "magnesium oxide"
    assert oxide.potassium_mg == 0
    assert oxide.sodium_mg is None  # fillers vary: unknown, not zero
    assert [p.label for p in oxide.portions.all()] == ["1 tablet", "2 tablets"]


@pytest.mark.django_db
def test_sync_is_idempotent():
    sync_supplements()
    ids = sorted(Food.objects.values_list("id", flat=True))
    portions = sorted(Portion.objects.values_list("id", "label", "grams"))

    assert sync_supplements() == len(SUPPLEMENTS)

    assert sorted(Food.objects.values_list("id", flat=True)) == ids
    assert sorted(Portion.objects.values_list("id", "label", "grams")) == portions
    assert SupplementFacts.objects.count() == len(SUPPLEMENTS)
    assert FoodGroup.objects.filter(code="SUPP").count() == 1


@pytest.mark.django_db
def test_sync_restores_a_changed_value_and_keeps_portions_meal_items_use():
    sync_supplements()
    food = Food.objects.get(source_id="supp-k-chloride-er-20")
    portion = food.portions.get(label="1 tablet")
    Food.objects.filter(pk=food.pk).update(potassium_mg=1)

    sync_supplements()

    food.refresh_from_db()
    assert food.potassium_mg == 78_200
    assert food.portions.get(label="1 tablet").pk == portion.pk


@pytest.mark.django_db
def test_sync_leaves_a_curators_correction_alone():
    from django.utils import timezone

    sync_supplements()
    food = Food.objects.get(source_id="supp-k-chloride-er-20")
    Food.objects.filter(pk=food.pk).update(potassium_mg=78_000, curated_at=timezone.now())

    sync_supplements()

    food.refresh_from_db()
    assert food.potassium_mg == 78_000


@pytest.mark.django_db
def test_the_nominal_unit_gives_the_exact_mg_per_tablet():
    sync_supplements()
    for row in SUPPLEMENTS:
        food = Food.objects.get(source_id=row.slug)
        field = "magnesium_mg" if row.mineral == "mg" else "potassium_mg"
        unit = food.portions.first()
        assert unit.label == row.doses[0].label
        assert food.per_grams(field, unit.grams) == pytest.approx(row.elemental_mg_per_unit)
        for portion, dose in zip(food.portions.all(), row.doses, strict=True):
            expected = row.elemental_mg_per_unit * dose.units
            assert food.per_grams(field, portion.grams) == pytest.approx(expected)

    two_tablets = Portion.objects.get(food__source_id="supp-mg-oxide-400", label="2 tablets")
    assert two_tablets.grams == 2.0
    assert two_tablets.food.per_grams("magnesium_mg", two_tablets.grams) == pytest.approx(482.6)


@pytest.mark.django_db
def test_salt_substitutes_use_real_grams_and_the_spices_group_when_it_exists():
    FoodGroup.objects.create(code="02", name="Spices and Herbs")

    sync_supplements()

    salt = Food.objects.get(source_id="salt-sub-kcl")
    assert salt.kind == Food.Kind.FOOD
    assert salt.contains_kcl
    assert salt.group.code == "02"
    assert salt.potassium_mg == pytest.approx(52_400)
    assert salt.sodium_mg == 0
    quarter = salt.portions.get(label="¼ teaspoon")
    assert quarter.grams == pytest.approx(1.4)
    assert salt.per_grams("potassium_mg", quarter.grams) == pytest.approx(733.6)
    assert salt.supplement.use == SupplementFacts.Use.SALT_SUBSTITUTE


@pytest.mark.django_db
def test_salt_substitutes_fall_back_to_the_supplements_group():
    sync_supplements()

    assert Food.objects.get(source_id="salt-lite-half-kcl").group.code == "SUPP"
