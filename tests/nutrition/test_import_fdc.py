from __future__ import annotations

import copy
import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nutrition.importers.fdc import (
    FDCImportError,
    apply_import,
    parse_fdc_dir,
    portion_label,
    preview_import,
)
from nutrition.models import Food, FoodGroup, Portion

# The real FDC column layouts (FoodData Central CSV download, SR Legacy 2018-04 and
# Foundation 2024), so the tests also prove the importer ignores columns it does not use.
COLUMNS = {
    "food.csv": ["fdc_id", "data_type", "description", "food_category_id", "publication_date"],
    "food_nutrient.csv": [
        "id",
        "fdc_id",
        "nutrient_id",
        "amount",
        "data_points",
        "derivation_id",
        "min",
        "max",
        "median",
        "footnote",
        "min_year_acquired",
    ],
    "nutrient.csv": ["id", "name", "unit_name", "nutrient_nbr", "rank"],
    "food_portion.csv": [
        "id",
        "fdc_id",
        "seq_num",
        "amount",
        "measure_unit_id",
        "portion_description",
        "modifier",
        "gram_weight",
        "data_points",
        "footnote",
        "min_year_acquired",
    ],
    "measure_unit.csv": ["id", "name"],
    "food_category.csv": ["id", "code", "description"],
    "sr_legacy_food.csv": ["fdc_id", "NDB_number"],
}

BANANA = 173944  # SR Legacy, every nutrient, energy in 1008
SPINACH = 2344719  # Foundation, energy in 2047 and 2048 but not 1008
LENTILS = 2644283  # Foundation, energy in 2048 only
MILK = 2705385  # Foundation, 1008 and 2048, no potassium row
SPINACH_SAMPLE = 2346401  # a sub-sample of the spinach: not a food the app imports


def _rows() -> dict[str, list[dict[str, str]]]:
    nutrient_rows = []
    counter = iter(range(1, 1000))

    def amounts(fdc_id: int, **by_id: float) -> None:
        for nutrient_id, amount in by_id.items():
            nutrient_rows.append(
                {
                    "id": str(next(counter)),
                    "fdc_id": str(fdc_id),
                    "nutrient_id": nutrient_id.removeprefix("n"),
                    "amount": str(amount),
                    "data_points": "1",
                    "derivation_id": "1",
                }
            )

    amounts(BANANA, n1008=89, n1062=371, n1003=1.09, n1087=5, n1090=27, n1091=22, n1092=358)
    amounts(BANANA, n1093=1, n1051=74.91)
    amounts(SPINACH, n2047=27.7, n2048=24.1, n1003=2.85, n1090=80.9, n1092=582, n1093=65.1)
    amounts(LENTILS, n2048=358, n1003=23.6, n1090=107, n1092=852)
    amounts(MILK, n1008=61, n2048=62.6, n1003=3.27, n1087=123, n1090=11.3, n1093=38.3)
    amounts(SPINACH_SAMPLE, n1090=79, n1092=600)
    return {
        "food.csv": [
            _food(BANANA, "sr_legacy_food", "Bananas, raw", "9", "2019-04-01"),
            _food(SPINACH, "foundation_food", "Spinach, baby", "11", "2022-10-28"),
            _food(LENTILS, "foundation_food", "Lentils, dry", "16", "2023-04-20"),
            _food(MILK, "foundation_food", "Milk, whole, 3.25% milkfat, with added vitamin D", "1"),
            _food(SPINACH_SAMPLE, "sub_sample_food", "Spinach, baby - NFY0904X7", "11"),
        ],
        "food_nutrient.csv": nutrient_rows,
        "nutrient.csv": [
            _nutrient(1003, "Protein", "G", "203"),
            _nutrient(1008, "Energy", "KCAL", "208"),
            _nutrient(1051, "Water", "G", "255"),
            _nutrient(1062, "Energy", "kJ", "268"),
            _nutrient(1087, "Calcium, Ca", "MG", "301"),
            _nutrient(1090, "Magnesium, Mg", "MG", "304"),
            _nutrient(1091, "Phosphorus, P", "MG", "305"),
            _nutrient(1092, "Potassium, K", "MG", "306"),
            _nutrient(1093, "Sodium, Na", "MG", "307"),
            _nutrient(2047, "Energy (Atwater General Factors)", "KCAL", "957"),
            _nutrient(2048, "Energy (Atwater Specific Factors)", "KCAL", "958"),
        ],
        "food_portion.csv": [
            # SR Legacy: the measure is in `modifier`, the unit "undetermined".
            _portion(1, BANANA, "1", "1", "9999", "", "cup, mashed", "225"),
            _portion(2, BANANA, "2", "1", "9999", "", 'medium (7" to 7-7/8" long)', "118"),
            # Foundation: a real unit, and one said in full in portion_description;
            # listed out of order so that seq_num has to sort them.
            _portion(3, SPINACH, "2", "10", "9999", "10 leaves", "", "20.5"),
            _portion(4, SPINACH, "1", "1", "1000", "", "", "30"),
            _portion(5, MILK, "1", "1", "1000", "", "", "244"),
            _portion(6, MILK, "2", "0.5", "1001", "", "level", "7.6"),
        ],
        "measure_unit.csv": [
            {"id": "1000", "name": "cup"},
            {"id": "1001", "name": "tablespoon"},
            {"id": "9999", "name": "undetermined"},
        ],
        "food_category.csv": [
            {"id": "1", "code": "0100", "description": "Dairy and Egg Products"},
            {"id": "9", "code": "0900", "description": "Fruits and Fruit Juices"},
            {"id": "11", "code": "1100", "description": "Vegetables and Vegetable Products"},
            {"id": "16", "code": "1600", "description": "Legumes and Legume Products"},
            {"id": "25", "code": "2500", "description": "Snacks"},
        ],
        "sr_legacy_food.csv": [{"fdc_id": str(BANANA), "NDB_number": "9040"}],
    }


def _food(fdc_id: int, data_type: str, description: str, category: str, date: str = "2019-04-01"):
    return {
        "fdc_id": str(fdc_id),
        "data_type": data_type,
        "description": description,
        "food_category_id": category,
        "publication_date": date,
    }


def _nutrient(nutrient_id: int, name: str, unit: str, number: str) -> dict[str, str]:
    return {"id": str(nutrient_id), "name": name, "unit_name": unit, "nutrient_nbr": number}


def _portion(pk, fdc_id, seq, amount, unit, description, modifier, grams) -> dict[str, str]:
    return {
        "id": str(pk),
        "fdc_id": str(fdc_id),
        "seq_num": seq,
        "amount": amount,
        "measure_unit_id": unit,
        "portion_description": description,
        "modifier": modifier,
        "gram_weight": grams,
    }


class Download:
    """The seven files of an FDC download, as rows that a test may change before writing."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.rows = _rows()
        self.columns = copy.deepcopy(COLUMNS)

    def write(self) -> Path:
        self.directory.mkdir(exist_ok=True)
        for name, rows in self.rows.items():
            # FDC quotes every field.
            with (self.directory / name).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(
                    handle, self.columns[name], quoting=csv.QUOTE_ALL, extrasaction="ignore"
                )
                writer.writeheader()
                writer.writerows(rows)
        return self.directory

    def row(self, name: str, **match: object) -> dict[str, str]:
        wanted = {key: str(value) for key, value in match.items()}
        return next(r for r in self.rows[name] if all(r.get(k) == v for k, v in wanted.items()))


@pytest.fixture
def download(tmp_path: Path) -> Download:
    return Download(tmp_path / "FoodData_Central_csv")


def _fdc(fdc_id: int) -> Food:
    return Food.objects.get(source="fdc", source_id=str(fdc_id))


def _labels(food: Food) -> list[tuple[str, float]]:
    return [(p.label, p.grams) for p in food.portions.order_by("seq")]


def _snapshot() -> tuple[list, list, list]:
    return (
        list(Food.objects.order_by("source", "source_id").values()),
        list(Portion.objects.order_by("id").values()),
        list(FoodGroup.objects.order_by("code").values()),
    )


def test_import_creates_foods_with_exact_values_groups_and_portions(db, download):
    call_command("import_fdc", str(download.write()), stdout=io.StringIO())

    assert Food.objects.filter(source="fdc").count() == 4
    banana = _fdc(BANANA)
    assert banana.name == "Bananas, raw"
    assert banana.search_name == "bananas raw"
    assert banana.kind == "food"
    assert (banana.group.code, banana.group.name) == ("09", "Fruits and Fruit Juices")
    assert (banana.energy_kcal, banana.protein_g) == (89, 1.09)
    assert (banana.magnesium_mg, banana.potassium_mg, banana.sodium_mg) == (27, 358, 1)
    assert (banana.phosphorus_mg, banana.calcium_mg) == (22, 5)
    assert _labels(banana) == [("1 cup, mashed", 225), ('1 medium (7" to 7-7/8" long)', 118)]

    assert _labels(_fdc(SPINACH)) == [("1 cup", 30), ("10 leaves", 20.5)]
    assert _labels(_fdc(MILK)) == [("1 cup", 244), ("0.5 tablespoon, level", 7.6)]
    assert _labels(_fdc(LENTILS)) == []
    assert sorted(FoodGroup.objects.values_list("code", "name")) == [
        ("01", "Dairy and Egg Products"),
        ("09", "Fruits and Fruit Juices"),
        ("11", "Vegetables and Vegetable Products"),
        ("16", "Legumes and Legume Products"),
    ]


def test_energy_falls_back_from_1008_to_2047_to_2048(db, download):
    parsed = parse_fdc_dir(download.write())

    energy = {food.fdc_id: (food.energy_kcal, food.energy_nutrient_id) for food in parsed.foods}
    assert energy[BANANA] == (89, 1008)
    assert energy[MILK] == (61, 1008)  # 1008 wins over 2048
    assert energy[SPINACH] == (27.7, 2047)  # 2047 wins over 2048
    assert energy[LENTILS] == (358, 2048)
    apply_import(parsed)
    assert _fdc(SPINACH).energy_kcal == 27.7
    assert _fdc(LENTILS).energy_kcal == 358


def test_energy_is_unknown_when_no_energy_nutrient_is_given(db, download):
    download.rows["food_nutrient.csv"] = [
        row
        for row in download.rows["food_nutrient.csv"]
        if not (row["fdc_id"] == str(LENTILS) and row["nutrient_id"] == "2048")
    ]
    apply_import(parse_fdc_dir(download.write()))

    assert _fdc(LENTILS).energy_kcal is None


def test_a_nutrient_missing_from_the_download_is_unknown_not_zero(db, download):
    apply_import(parse_fdc_dir(download.write()))

    milk = _fdc(MILK)
    assert milk.potassium_mg is None
    assert milk.phosphorus_mg is None
    assert _fdc(LENTILS).calcium_mg is None


def test_an_empty_amount_is_unknown_not_zero(db, download):
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = ""
    apply_import(parse_fdc_dir(download.write()))

    assert _fdc(BANANA).potassium_mg is None


def test_foods_of_other_data_types_are_skipped(db, download):
    parsed = parse_fdc_dir(download.write())

    assert parsed.skipped == 1
    assert SPINACH_SAMPLE not in {food.fdc_id for food in parsed.foods}
    apply_import(parsed)
    assert not Food.objects.filter(source_id=str(SPINACH_SAMPLE)).exists()


def test_parsed_import_carries_the_sr_ndb_number_with_its_leading_zero(db, download):
    parsed = parse_fdc_dir(download.write())

    numbers = {food.fdc_id: food.ndb_number for food in parsed.foods}
    assert numbers[BANANA] == "09040"
    assert numbers[SPINACH] is None


def test_reimport_is_idempotent(db, download):
    directory = download.write()
    first = apply_import(parse_fdc_dir(directory))
    before = _snapshot()

    second = apply_import(parse_fdc_dir(directory))

    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 4)
    assert second.groups_created == second.portions_created == second.portions_deleted == 0
    assert _snapshot() == before


def test_reimport_updates_values_names_groups_and_portions_when_the_file_changes(db, download):
    apply_import(parse_fdc_dir(download.write()))
    cup = _fdc(SPINACH).portions.get(label="1 cup")
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "360"
    download.row("food.csv", fdc_id=LENTILS)["description"] = "Lentils, brown, dry"
    download.row("food.csv", fdc_id=MILK)["food_category_id"] = "25"
    spinach_portions = download.rows["food_portion.csv"]
    spinach_portions.remove(download.row("food_portion.csv", id=3))
    download.row("food_portion.csv", id=4)["gram_weight"] = "31"
    spinach_portions.append(_portion(7, SPINACH, "3", "1", "1001", "", "", "5"))

    result = apply_import(parse_fdc_dir(download.write()))

    assert (result.created, result.updated, result.unchanged) == (0, 4, 0)
    assert (result.portions_created, result.portions_updated, result.portions_deleted) == (1, 1, 1)
    assert _fdc(BANANA).potassium_mg == 360
    lentils = _fdc(LENTILS)
    assert (lentils.name, lentils.search_name) == ("Lentils, brown, dry", "lentils brown dry")
    assert _fdc(MILK).group.code == "25"
    assert _labels(_fdc(SPINACH)) == [("1 cup", 31), ("1 tablespoon", 5)]
    # A portion whose label stayed keeps its row, so meal items pointing at it keep it.
    assert _fdc(SPINACH).portions.get(label="1 cup").pk == cup.pk
    assert Food.objects.filter(source="fdc").count() == 4


def test_reimport_leaves_fdc_foods_missing_from_the_download_alone(db, download):
    apply_import(parse_fdc_dir(download.write()))
    download.rows["food.csv"] = [download.row("food.csv", fdc_id=BANANA)]
    download.rows["food_nutrient.csv"] = [
        row for row in download.rows["food_nutrient.csv"] if row["fdc_id"] == str(BANANA)
    ]
    download.rows["food_portion.csv"] = [
        row for row in download.rows["food_portion.csv"] if row["fdc_id"] == str(BANANA)
    ]

    result = apply_import(parse_fdc_dir(download.write()))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Food.objects.filter(source="fdc").count() == 4


def test_the_import_does_not_touch_foods_of_other_sources(db, download, food):
    curated = food("Bananas, raw", source="curated", source_id="1", potassium_mg=300)

    apply_import(parse_fdc_dir(download.write()))

    curated.refresh_from_db()
    assert curated.potassium_mg == 300


def test_preview_counts_new_changed_and_unchanged_without_writing(db, download):
    apply_import(parse_fdc_dir(download.write()))
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "360"
    download.row("food_portion.csv", id=5)["gram_weight"] = "245"
    download.rows["food.csv"].append(_food(2, "foundation_food", "Hummus", "16"))
    before = _snapshot()

    preview = preview_import(parse_fdc_dir(download.write()))

    assert (preview.new, preview.changed, preview.unchanged) == (1, 2, 2)
    assert preview.changed_fields == {"potassium_mg": 1, "portions": 1}
    assert preview.new_groups == ()
    assert _snapshot() == before


def test_preview_of_a_first_import_lists_the_groups_it_would_create(db, download):
    preview = preview_import(parse_fdc_dir(download.write()))

    assert (preview.new, preview.changed, preview.unchanged) == (4, 0, 0)
    assert sorted(preview.new_groups) == ["01", "09", "11", "16"]
    assert not FoodGroup.objects.exists()


def test_an_existing_group_is_reused_not_renamed(db, download):
    # The bundled SR24 data calls the group "09"; FDC's "0900" is folded onto it.
    FoodGroup.objects.create(code="09", name="Fruits")

    result = apply_import(parse_fdc_dir(download.write()))

    assert result.groups_created == 3
    assert _fdc(BANANA).group.name == "Fruits"


def test_a_failure_while_writing_rolls_back_everything_already_written(db, download, monkeypatch):
    parsed = parse_fdc_dir(download.write())

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # Foods and groups are written before portions; none of them may survive.
    monkeypatch.setattr(Portion.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        apply_import(parsed)

    assert not Food.objects.exists()
    assert not FoodGroup.objects.exists()


def test_the_command_prints_a_summary(db, download):
    out = io.StringIO()

    call_command("import_fdc", str(download.write()), stdout=out, stderr=io.StringIO())

    assert "4 foods" in out.getvalue()
    assert "4 created, 0 updated, 0 unchanged" in out.getvalue()


def test_the_command_dry_run_writes_nothing(db, download):
    out = io.StringIO()

    call_command("import_fdc", str(download.write()), "--dry-run", stdout=out)

    assert "4 new, 0 changed, 0 unchanged" in out.getvalue()
    assert not Food.objects.exists()


@pytest.mark.parametrize(
    ("amount", "unit", "description", "modifier", "label"),
    [
        (1.0, "cup", "", "", "1 cup"),
        (0.25, "cup", "", "chopped", "0.25 cup, chopped"),
        (None, "cup", "", "", "cup"),
        (1.0, None, "", "cup, sliced", "1 cup, sliced"),
        (1.0, None, "1 large", "", "1 large"),
        (1.0, None, "1 large", "whole", "1 large, whole"),
        (None, None, "Quantity not specified", "", "Quantity not specified"),
        (2.0, None, "", "", "2 portion"),
    ],
)
def test_portion_labels_read_like_household_measures(amount, unit, description, modifier, label):
    assert portion_label(amount, unit, description, modifier) == label


# --- Bad downloads -------------------------------------------------------------------------

Change = Callable[[Download], None]


def _on_files(change: Change) -> Change:
    # Changes the written files rather than the rows, so it runs after writing.
    change.on_files = True  # type: ignore[attr-defined]
    return change


def _set(name: str, match: dict[str, object], **values: str) -> Change:
    def change(download: Download) -> None:
        download.row(name, **match).update(values)

    return change


def _remove_file(name: str) -> Change:
    def change(download: Download) -> None:
        (download.directory / name).unlink()

    return _on_files(change)


def _drop_column(name: str, column: str) -> Change:
    def change(download: Download) -> None:
        download.columns[name].remove(column)

    return change


def _append(name: str, row: dict[str, str]) -> Change:
    def change(download: Download) -> None:
        download.rows[name].append(row)

    return change


def _empty_file(name: str) -> Change:
    def change(download: Download) -> None:
        (download.directory / name).write_text("")

    return _on_files(change)


def _header_only(name: str) -> Change:
    def change(download: Download) -> None:
        download.rows[name] = []

    return change


def _raw_line(name: str, line: str) -> Change:
    def change(download: Download) -> None:
        with (download.directory / name).open("a", encoding="utf-8") as handle:
            handle.write(line)

    return _on_files(change)


# Each case: how to break the download, and what the message must name. Line numbers
# count the header as line 1, as a person reading the file does.
BAD_DOWNLOADS = {
    "missing file": (_remove_file("food_nutrient.csv"), ["food_nutrient.csv", "not found"]),
    "missing sr_legacy_food.csv": (
        _remove_file("sr_legacy_food.csv"),
        ["sr_legacy_food.csv", "not found"],
    ),
    "missing column": (
        _drop_column("food_portion.csv", "gram_weight"),
        ["food_portion.csv", "column gram_weight", "missing"],
    ),
    "text in a number column": (
        _set("food_nutrient.csv", {"id": 3}, amount="abc"),
        ["food_nutrient.csv, line 4, column amount", "'abc' is not a number"],
    ),
    "text in a portion amount": (
        _set("food_portion.csv", {"id": 2}, amount="one"),
        ["food_portion.csv, line 3, column amount", "'one'"],
    ),
    "fraction in an id": (
        _set("food.csv", {"fdc_id": LENTILS}, fdc_id="2644283.5"),
        ["food.csv, line 4, column fdc_id", "not a whole number"],
    ),
    "negative amount": (
        _set("food_nutrient.csv", {"id": 5}, amount="-27"),
        ["food_nutrient.csv, line 6, column amount", "-27 is below 0"],
    ),
    "negative gram weight": (
        _set("food_portion.csv", {"id": 4}, gram_weight="-30"),
        ["food_portion.csv, line 5, column gram_weight", "not above zero"],
    ),
    "zero gram weight": (
        _set("food_portion.csv", {"id": 4}, gram_weight="0"),
        ["food_portion.csv, line 5, column gram_weight", "not above zero"],
    ),
    "empty gram weight": (
        _set("food_portion.csv", {"id": 1}, gram_weight=""),
        ["food_portion.csv, line 2, column gram_weight", "no value"],
    ),
    "nutrient row of an unknown food": (
        _set("food_nutrient.csv", {"id": 2}, fdc_id="999999"),
        ["food_nutrient.csv, line 3, column fdc_id", "food 999999 is not in food.csv"],
    ),
    "portion row of an unknown food": (
        _set("food_portion.csv", {"id": 6}, fdc_id="999999"),
        ["food_portion.csv, line 7, column fdc_id", "food 999999 is not in food.csv"],
    ),
    "unknown nutrient": (
        _set("food_nutrient.csv", {"id": 1}, nutrient_id="4242"),
        ["food_nutrient.csv, line 2, column nutrient_id", "nutrient 4242 is not in nutrient.csv"],
    ),
    "unknown measure unit": (
        _set("food_portion.csv", {"id": 5}, measure_unit_id="1234"),
        ["food_portion.csv, line 6, column measure_unit_id", "unit 1234"],
    ),
    "unknown category": (
        _set("food.csv", {"fdc_id": SPINACH}, food_category_id="77"),
        ["food.csv, line 3, column food_category_id", "category 77"],
    ),
    "empty file": (_empty_file("food.csv"), ["food.csv", "empty"]),
    "file with a header only": (_header_only("nutrient.csv"), ["nutrient.csv", "no data rows"]),
    "duplicate food": (
        _append("food.csv", _food(BANANA, "sr_legacy_food", "Bananas, again", "9")),
        ["food.csv, line 8, column fdc_id", "earlier line"],
    ),
    "nutrient given twice": (
        _append(
            "food_nutrient.csv",
            {"id": "99", "fdc_id": str(BANANA), "nutrient_id": "1092", "amount": "400"},
        ),
        ["food_nutrient.csv, line", "column nutrient_id", "nutrient 1092 twice"],
    ),
    "nutrient in a unit the fields do not use": (
        _set("nutrient.csv", {"id": 1092}, unit_name="UG"),
        ["nutrient.csv, line 9, column unit_name", "needs MG"],
    ),
    "impossible amount": (
        _set("food_nutrient.csv", {"id": 3}, amount="150"),
        ["food_nutrient.csv, line 4, column amount", "impossible"],
    ),
    "food without a description": (
        _set("food.csv", {"fdc_id": MILK}, description="  "),
        ["food.csv, line 5, column description", "no value"],
    ),
    "row with more fields than the header": (
        _raw_line("measure_unit.csv", '"1002","teaspoon","extra"\n'),
        ["measure_unit.csv", "not a readable CSV file", "line 5"],
    ),
}


@pytest.mark.parametrize("change, expected", BAD_DOWNLOADS.values(), ids=BAD_DOWNLOADS.keys())
def test_a_bad_download_is_rejected_with_file_line_and_column_and_changes_nothing(
    db, download, change, expected
):
    call_command("import_fdc", str(download.write()), stdout=io.StringIO())
    # What a good run would have done next: change a value and add a food.
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "999"
    download.rows["food.csv"].append(_food(2, "foundation_food", "Hummus", "16"))
    before = _snapshot()
    if getattr(change, "on_files", False):
        directory = download.write()
        change(download)
    else:
        change(download)
        directory = download.write()

    with pytest.raises(CommandError) as raised:
        call_command("import_fdc", str(directory), stdout=io.StringIO())

    message = str(raised.value)
    for text in expected:
        assert text in message
    assert "nothing was changed" in message
    assert _snapshot() == before
    assert _fdc(BANANA).potassium_mg == 358
    assert not Food.objects.filter(source_id="2").exists()


def test_line_numbers_count_the_lines_of_a_description_that_spans_two(db, download):
    download.row("food.csv", fdc_id=SPINACH)["description"] = "Spinach, baby,\nwashed"
    download.row("food.csv", fdc_id=MILK)["food_category_id"] = "77"

    with pytest.raises(FDCImportError) as raised:
        parse_fdc_dir(download.write())

    assert [str(error) for error in raised.value.errors] == [
        "food.csv, line 6, column food_category_id: category 77 is not in food_category.csv"
    ]


def test_every_bad_row_of_every_file_is_reported_at_once(db, download):
    download.row("food.csv", fdc_id=MILK)["food_category_id"] = "77"
    download.row("food_nutrient.csv", id=3)["amount"] = "abc"
    download.row("food_nutrient.csv", id=4)["amount"] = "-1"
    download.row("food_portion.csv", id=6)["measure_unit_id"] = "1234"

    with pytest.raises(FDCImportError) as raised:
        parse_fdc_dir(download.write())

    assert [(e.file, e.line, e.column) for e in raised.value.errors] == [
        ("food.csv", 5, "food_category_id"),
        ("food_nutrient.csv", 4, "amount"),
        ("food_nutrient.csv", 5, "amount"),
        ("food_portion.csv", 7, "measure_unit_id"),
    ]


def test_a_flood_of_errors_is_cut_short_but_counted(db, download):
    for row in download.rows["food_nutrient.csv"]:
        row["amount"] = "n/a"
    rows = len(download.rows["food_nutrient.csv"])

    with pytest.raises(FDCImportError) as raised:
        parse_fdc_dir(download.write())

    assert raised.value.total == rows
    with pytest.raises(FDCImportError) as raised:
        parse_fdc_dir(download.directory, max_errors=5)
    assert len(raised.value.errors) == 5
    assert f"… and {rows - 5} more" in str(raised.value)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_stderr_only_on_a_terminal(db, download):
    directory = download.write()
    out, err = _Terminal(), io.StringIO()
    call_command("import_fdc", str(directory), stdout=out, stderr=err)

    assert "reading food_nutrient.csv" in err.getvalue()
    assert "\r" not in out.getvalue()

    piped_err = io.StringIO()
    call_command("import_fdc", str(directory), stdout=io.StringIO(), stderr=piped_err)
    assert piped_err.getvalue() == ""
