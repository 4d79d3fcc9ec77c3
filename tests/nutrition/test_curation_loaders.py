"""load_foods and import_fdc leave a curator's correction alone on every re-run."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

from nutrition.importers.fdc import apply_import, parse_fdc_dir, preview_import
from nutrition.models import Food, FoodMerge, Portion
from nutrition.sr24 import load_foods
from tests.nutrition.test_bundled_data import small_fixture  # noqa: F401 - a fixture
from tests.nutrition.test_import_fdc import BANANA, download  # noqa: F401 - a fixture


def _curate(food: Food, **values) -> Food:
    for name, value in values.items():
        setattr(food, name, value)
    food.curated_at = timezone.now()
    food.save()
    return food


def test_load_foods_keeps_a_curated_correction_and_reports_it(db, small_fixture):  # noqa: F811
    load_foods(small_fixture)
    banana = Food.objects.get(source="usda-sr24", source_id="09040")
    _curate(banana, potassium_mg=420, name="Bananas, raw (checked)")
    Portion.objects.filter(food=banana, label="1 cup, sliced").update(grams=151)

    report = load_foods(small_fixture)

    banana.refresh_from_db()
    assert (banana.potassium_mg, banana.name) == (420, "Bananas, raw (checked)")
    assert banana.portions.get(label="1 cup, sliced").grams == 151
    assert report.foods_kept == 1
    assert report.foods_updated == 0
    assert "1 kept as curated" in report.summary()


def test_load_foods_still_restores_an_uncurated_edit(db, small_fixture):  # noqa: F811
    load_foods(small_fixture)
    Food.objects.filter(source_id="09040").update(potassium_mg=1)

    report = load_foods(small_fixture)

    assert Food.objects.get(source_id="09040").potassium_mg == 358
    assert (report.foods_updated, report.foods_kept) == (1, 0)


def test_load_foods_does_not_bring_back_a_food_merged_away(db, small_fixture, food):  # noqa: F811
    load_foods(small_fixture)
    kept = food("Bananas")
    banana = Food.objects.get(source_id="09040")
    FoodMerge.objects.create(
        retired_id=banana.pk,
        retired_name=banana.name,
        source=banana.source,
        source_id=banana.source_id,
        kept=kept,
    )
    banana.delete()

    report = load_foods(small_fixture)

    assert not Food.objects.filter(source="usda-sr24", source_id="09040").exists()
    assert report.foods_kept == 1


def test_import_fdc_keeps_a_curated_correction_and_reports_it(db, download):  # noqa: F811
    directory = download.write()
    call_command("import_fdc", str(directory), stdout=io.StringIO())
    banana = Food.objects.get(source="fdc", source_id=str(BANANA))
    _curate(banana, potassium_mg=999)
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "360"
    parsed = parse_fdc_dir(download.write())

    preview = preview_import(parsed)
    result = apply_import(parsed)
    out = io.StringIO()
    call_command("import_fdc", str(directory), stdout=out)

    banana.refresh_from_db()
    assert banana.potassium_mg == 999
    assert (preview.kept, preview.changed) == (1, 0)
    assert result.kept == 1
    assert "1 kept as curators left them" in out.getvalue()
