from __future__ import annotations

import csv
import gzip
import importlib.util
import os
import sys
import types
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from nutrition.models import NUTRIENT_FIELDS, Food, FoodGroup, Portion
from nutrition.sr24 import FOODS_FILE, GROUPS_FILE, PORTIONS_FILE, load_foods, read_fixture
from nutrition.text import normalize

ROOT = Path(__file__).resolve().parents[2]
# The jar is not in the repository (CI has none); tests that compare with it
# skip without it. Point SR24_JAR at an extracted copy to run them.
JAR = Path(os.environ.get("SR24_JAR", "/usr/share/cronometer/usda_sr24.jar"))
needs_jar = pytest.mark.skipif(not JAR.is_file(), reason=f"no SR24 jar at {JAR} (set SR24_JAR)")


def builder() -> types.ModuleType:
    if "build_sr24" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_sr24", ROOT / "tools/build_sr24.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["build_sr24"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules["build_sr24"]


# USDA's 25 food groups, as tools/build_sr24.py writes them into the fixture.
SR24_GROUPS = builder().SR24_GROUPS

# Values read from usda_sr24.jar (cronometer 0.9.9+dfsg1-1), per 100 g, in
# NUTRIENT_FIELDS order: energy, protein, Mg, K, Na, P, Ca. None = not listed.
SAMPLES = {
    "09040": ("Bananas, raw", "09", (89, 1.09, 27, 358, 1, 22, 5)),
    "12061": ("Nuts, almonds", "12", (575, 21.22, 268, 705, 1, 484, 264)),
    "02003": ("Spices, basil, dried", "02", (233, 22.98, 711, 2630, 76, 274, 2240)),
    "01036": ("Cheese, ricotta, whole milk", "01", (174, 11.26, 11, 105, 84, 158, 207)),
    "01188": (
        "KRAFT CHEEZ WHIZ Pasteurized Process Cheese Sauce",
        "01",
        (276, 12, None, 240, 1638, 806, 359),
    ),
    "02073": (
        "CAMPBELL Soup Company, PACE, Dry Taco Seasoning Mix",
        "02",
        (188, 0, None, None, 8068, None, None),
    ),
    # NDB numbers outside their group's series: the group is USDA's, not the prefix.
    "43128": ("Chicken, meatless", "16", (224, 23.64, 17, 54, 709, 335, 35)),
}


@pytest.fixture(scope="module")
def bundled():
    groups, foods = read_fixture()
    return groups, {food.ndb: food for food in foods}


def write_small_fixture(directory: Path, foods, portions, groups=None) -> Path:
    """A hand-made fixture: foods as (ndb, name, group, *seven values), portions (ndb, seq, …)."""
    groups = groups or [("09", "Fruits and Fruit Juices"), ("11", "Vegetables")]

    def write(name: str, header, rows) -> None:
        buffer = StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
        data = buffer.getvalue().encode()
        (directory / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)

    write(GROUPS_FILE, ["code", "name"], groups)
    write(FOODS_FILE, ["ndb", "name", "group", *NUTRIENT_FIELDS], foods)
    write(PORTIONS_FILE, ["ndb", "seq", "label", "grams"], portions)
    return directory


SMALL_FOODS = [
    ("09040", "Bananas, raw", "09", 89, 1.09, 27, 358, 1, 22, 5),
    ("11090", "Broccoli, raw", "11", 34, 2.82, 21, 316, 33, 66, 47),
    ("11999", "Mystery greens", "11", 20, None, None, 300, None, 0, None),
]
SMALL_PORTIONS = [
    ("09040", 0, "1 cup, mashed", 225),
    ("09040", 1, "1 cup, sliced", 150),
    ("11090", 0, "1 cup chopped", 91),
]


@pytest.fixture
def small_fixture(tmp_path):
    return write_small_fixture(tmp_path, SMALL_FOODS, SMALL_PORTIONS)


def sr24_counts() -> tuple[int, int, int]:
    return (
        Food.objects.filter(source=Food.Source.USDA_SR24).count(),
        Portion.objects.filter(food__source=Food.Source.USDA_SR24).count(),
        # nutrition.supplements may add its own group beside these.
        FoodGroup.objects.filter(code__in=SR24_GROUPS).count(),
    )


def sr24_portion_ids() -> list[int]:
    portions = Portion.objects.filter(food__source=Food.Source.USDA_SR24)
    return list(portions.order_by("id").values_list("id", flat=True))


# -- the bundled fixture ----------------------------------------------------------


def test_the_fixture_holds_every_current_sr24_food(bundled):
    _, foods = bundled
    # foods.index lists 7,907; the 7,907th is cronometer's empty ground-beef
    # calculator (23999), which USDA does not have: SR24 counts 7,906 foods.
    assert len(foods) == 7906
    assert "23999" not in foods
    assert "03266" not in foods  # only in deprecated.index
    assert all(len(ndb) == 5 and ndb.isdigit() for ndb in foods)


def test_every_food_is_in_one_of_the_25_sr24_food_groups(bundled):
    groups, foods = bundled
    assert len(groups) == 25
    assert groups == SR24_GROUPS
    assert {food.group for food in foods.values()} == set(SR24_GROUPS)
    # Series whose first two digits are not the group.
    assert foods["23001"].group == "13"  # beef
    assert foods["27000"].group == "06"  # soup
    assert foods["31001"].group == "11"  # tomato juice
    assert foods["42040"].group == "19"  # grenadine
    assert foods["93600"].group == "15"  # turtle


@pytest.mark.parametrize("ndb", SAMPLES)
def test_sampled_foods_have_the_values_the_jar_gives(bundled, ndb):
    _, foods = bundled
    name, group, values = SAMPLES[ndb]
    food = foods[ndb]
    assert (food.name, food.group) == (name, group)
    assert food.nutrients == tuple(None if v is None else float(v) for v in values)


def test_a_nutrient_the_jar_does_not_list_is_unknown_not_zero(bundled):
    _, foods = bundled
    taco = dict(zip(NUTRIENT_FIELDS, foods["02073"].nutrients, strict=True))
    assert taco["protein_g"] == 0.0  # listed as 0.0: a real zero
    assert taco["magnesium_mg"] is None
    assert taco["potassium_mg"] is None
    unknown_mg = sum(food.nutrients[2] is None for food in foods.values())
    assert unknown_mg == 678


def test_portions_read_amount_then_unit_in_the_jar_order(bundled):
    _, foods = bundled
    assert foods["09040"].portions[:2] == (("1 cup, mashed", 225.0), ("1 cup, sliced", 150.0))
    assert len(foods["09040"].portions) == 8
    assert ("0.5 cup", 124.0) in foods["01036"].portions
    assert foods["01161"].portions[4] == ("3 oz", 85.0)
    assert foods["02003"].portions[0] == ("1 tsp, leaves", 0.7)
    # The jar lists "1 jar, 170 g" twice for this one; once is enough.
    assert [label for label, _ in foods["03072"].portions].count("1 jar") == 1


@needs_jar
def test_the_fixture_matches_the_jar():
    build = builder()
    assert build.check_fixture(build.read_jar(JAR), ROOT / "fixtures") == []


@needs_jar
def test_rebuilding_the_fixture_gives_byte_identical_files(tmp_path):
    build = builder()
    for path in build.write_fixture(build.read_jar(JAR), tmp_path):
        assert path.read_bytes() == (ROOT / "fixtures" / path.name).read_bytes(), path.name


# -- loading ----------------------------------------------------------------------


@pytest.mark.django_db
def test_load_foods_loads_everything_and_a_second_run_changes_nothing():
    call_command("load_foods", stdout=StringIO())
    assert sr24_counts() == (7906, 13816, 25)
    portion_ids = sr24_portion_ids()

    out = StringIO()
    call_command("load_foods", stdout=out)

    assert sr24_counts() == (7906, 13816, 25)
    assert sr24_portion_ids() == portion_ids
    assert not Food.objects.values("source", "source_id").annotate(n=Count("id")).filter(n__gt=1)
    assert "0 new, 0 changed, 7906 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_unknown_values_stay_null_in_the_database():
    load_foods()
    sr24 = Food.objects.filter(source=Food.Source.USDA_SR24)
    cheez = sr24.get(source_id="01188")
    taco = sr24.get(source_id="02073")
    assert cheez.magnesium_mg is None
    assert cheez.potassium_mg == 240
    assert taco.protein_g == 0.0
    assert sr24.filter(magnesium_mg__isnull=True).count() == 678

    banana = sr24.select_related("group").get(source_id="09040")
    assert (banana.magnesium_mg, banana.potassium_mg, banana.energy_kcal) == (27, 358, 89)
    assert banana.group.name == "Fruits and Fruit Juices"
    assert banana.search_name == normalize(banana.name) == "bananas raw"
    assert banana.kind == Food.Kind.FOOD
    sliced = banana.portions.all()[1]
    assert (sliced.label, sliced.grams, sliced.seq) == ("1 cup, sliced", 150, 1)


@pytest.mark.django_db
def test_load_foods_restores_edited_sr24_rows_in_place(small_fixture):
    load_foods(small_fixture)
    banana = Food.objects.get(source_id="09040")
    portion_ids = sr24_portion_ids()
    Food.objects.filter(pk=banana.pk).update(magnesium_mg=0, name="Banana?")
    Portion.objects.filter(food=banana, seq=1).update(label="1 cup")
    Portion.objects.create(food=banana, seq=2, label="1 bunch", grams=1000)

    report = load_foods(small_fixture)

    banana.refresh_from_db()
    assert (banana.name, banana.search_name, banana.magnesium_mg) == (
        "Bananas, raw",
        "bananas raw",
        27,
    )
    assert list(banana.portions.values_list("label", "grams")) == [
        ("1 cup, mashed", 225),
        ("1 cup, sliced", 150),
    ]
    # Rows are fixed where they stand, so meal items keep their portion.
    assert sr24_portion_ids() == portion_ids
    assert (report.foods_updated, report.portions_updated, report.portions_deleted) == (1, 1, 1)


@pytest.mark.django_db
def test_load_foods_leaves_other_sources_and_curator_flags_alone(small_fixture, food):
    curated = food("Bananas, my way", source=Food.Source.CURATED, source_id="09040", magnesium_mg=1)
    load_foods(small_fixture)
    Food.objects.filter(source=Food.Source.USDA_SR24, source_id="11090").update(contains_kcl=True)

    load_foods(small_fixture)

    curated.refresh_from_db()
    assert (curated.name, curated.magnesium_mg) == ("Bananas, my way", 1)
    assert Food.objects.get(source=Food.Source.USDA_SR24, source_id="11090").contains_kcl


@pytest.mark.django_db
def test_load_foods_keeps_sr24_foods_the_fixture_no_longer_lists(small_fixture):
    load_foods(small_fixture)
    write_small_fixture(small_fixture, SMALL_FOODS[:2], SMALL_PORTIONS)

    report = load_foods(small_fixture)

    assert report.foods_stale == 1
    assert Food.objects.filter(source_id="11999").exists()


def fake_supplements(monkeypatch, sync) -> None:
    monkeypatch.setattr("nutrition.supplements.sync_supplements", sync)


@pytest.mark.django_db
def test_load_foods_syncs_supplements_after_the_foods(small_fixture, monkeypatch):
    foods_seen = []
    fake_supplements(monkeypatch, lambda: foods_seen.append(Food.objects.count()) or 4)

    assert load_foods(small_fixture).supplements == 4
    assert foods_seen == [3]


@pytest.mark.django_db
def test_a_failing_supplement_sync_takes_the_foods_back_with_it(small_fixture, monkeypatch):
    def broken() -> int:
        raise RuntimeError("supplement data is wrong")

    fake_supplements(monkeypatch, broken)

    with pytest.raises(RuntimeError):
        load_foods(small_fixture)
    assert sr24_counts() == (0, 0, 0)


@pytest.mark.django_db
def test_load_foods_says_how_many_supplements_it_synced(small_fixture, monkeypatch):
    fake_supplements(monkeypatch, lambda: 4)
    out = StringIO()

    call_command("load_foods", "--fixtures", str(small_fixture), stdout=out)

    assert "Supplements: 4 synced." in out.getvalue()
    assert sr24_counts() == (3, 3, 2)


@pytest.mark.django_db
def test_a_malformed_fixture_is_refused_and_nothing_is_written(tmp_path):
    write_small_fixture(
        tmp_path,
        [*SMALL_FOODS, ("20001", "Amaranth", "20", 371, 13.56, -248, 508, 4, 557, 159)],
        [*SMALL_PORTIONS, ("99999", 0, "1 cup", 10)],
    )

    with pytest.raises(CommandError) as error:
        call_command("load_foods", "--fixtures", str(tmp_path), stdout=StringIO())

    message = str(error.value)
    assert "unknown food group '20'" in message
    assert "negative nutrient value" in message
    assert "portions for unknown NDB 99999" in message
    assert sr24_counts() == (0, 0, 0)
