"""Parse an unpacked USDA FoodData Central CSV download into dataclasses.

Reads and checks files only, never the database, so the management command and the
admin bulk import judge a download the same way; `write.py` does the writing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nutrition.importers.tables import (
    MAX_ERRORS,
    Column,
    ErrorLog,
    Progress,
    RowError,
    TableImportError,
    TableReader,
    check_unique,
)
from nutrition.models import NUTRIENT_FIELDS, Food, FoodGroup, Portion
from nutrition.text import normalize

SOURCE = Food.Source.FDC

# What the importer takes from a download. The others are skipped: sub-samples and
# acquisitions are the lab records behind Foundation foods, branded foods are products
# rather than foods, and FNDDS survey foods use WWEIA categories food_category.csv lacks.
DATA_TYPES = ("sr_legacy_food", "foundation_food")

# FDC nutrient id → Food field and the unit that field assumes (nutrient.csv's unit_name).
# Source: FDC nutrient.csv; reference/clinical.md §8.
NUTRIENT_IDS: dict[int, tuple[str, str]] = {
    1008: ("energy_kcal", "KCAL"),  # Energy
    2047: ("energy_kcal", "KCAL"),  # Energy (Atwater General Factors)
    2048: ("energy_kcal", "KCAL"),  # Energy (Atwater Specific Factors)
    1003: ("protein_g", "G"),
    1087: ("calcium_mg", "MG"),
    1090: ("magnesium_mg", "MG"),
    1091: ("phosphorus_mg", "MG"),
    1092: ("potassium_mg", "MG"),
    1093: ("sodium_mg", "MG"),
}
# Foundation foods often carry only the Atwater energies, so fall back in this order.
ENERGY_IDS = (1008, 2047, 2048)

# Physical ceilings per 100 g: nothing holds more than 100 g of one substance in 100 g,
# and pure fat is about 900 kcal. A value above them is a unit or column mix-up.
MAX_PER_100G: dict[str, float] = {
    "energy_kcal": 1000.0,
    "protein_g": 100.0,
    **{name: 100_000.0 for name in NUTRIENT_FIELDS if name.endswith("_mg")},
}

# measure_unit.csv's "undetermined": the words of the measure are in the portion's own text.
UNDETERMINED_UNIT_ID = 9999

NAME_MAX = Food._meta.get_field("name").max_length
LABEL_MAX = Portion._meta.get_field("label").max_length
GROUP_CODE_MAX = FoodGroup._meta.get_field("code").max_length
GROUP_NAME_MAX = FoodGroup._meta.get_field("name").max_length


# Only the columns the importer uses; the real files have more and may gain others.
FILES: dict[str, tuple[Column, ...]] = {
    "nutrient.csv": (Column("id", "int"), Column("unit_name")),
    "measure_unit.csv": (Column("id", "int"), Column("name")),
    "food_category.csv": (Column("id", "int"), Column("code"), Column("description")),
    "food.csv": (
        Column("fdc_id", "int"),
        Column("data_type"),
        Column("description", required=False),  # required for imported foods only
        Column("food_category_id", "int", required=False),
    ),
    "sr_legacy_food.csv": (Column("fdc_id", "int"), Column("NDB_number")),
    "food_nutrient.csv": (
        Column("fdc_id", "int"),
        Column("nutrient_id", "int"),
        # Empty means not measured: the nutrient stays unknown.
        Column("amount", "float", required=False, minimum=0),
    ),
    "food_portion.csv": (
        Column("fdc_id", "int"),
        Column("seq_num", "int", required=False),
        Column("amount", "float", required=False, minimum=0),
        Column("measure_unit_id", "int"),
        Column("portion_description", required=False),
        Column("modifier", required=False),
        Column("gram_weight", "float", positive=True),
    ),
}
# sr_legacy_food.csv is needed only when the download holds SR Legacy foods.
REQUIRED_FILES = tuple(name for name in FILES if name != "sr_legacy_food.csv")


# --- Parsed data -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedGroup:
    code: str
    name: str


@dataclass(frozen=True)
class ParsedPortion:
    label: str
    grams: float


@dataclass(frozen=True)
class ParsedFood:
    fdc_id: int
    data_type: str
    name: str
    group_code: str | None
    # Per 100 g; None = the download has no value (unknown, never 0).
    energy_kcal: float | None
    protein_g: float | None
    magnesium_mg: float | None
    potassium_mg: float | None
    sodium_mg: float | None
    phosphorus_mg: float | None
    calcium_mg: float | None
    # Which FDC nutrient the energy came from (1008, 2047 or 2048), for previews and audits.
    energy_nutrient_id: int | None = None
    # SR Legacy only: the SR NDB number, which is the source_id of the bundled SR24 foods.
    ndb_number: str | None = None
    # In order; the first one is the food's default portion.
    portions: tuple[ParsedPortion, ...] = ()

    @property
    def source_id(self) -> str:
        return str(self.fdc_id)

    def values(self) -> dict[str, str | float | None]:
        """The Food fields this food sets, except the group."""
        return {
            "name": self.name,
            "search_name": normalize(self.name),
            **{name: getattr(self, name) for name in NUTRIENT_FIELDS},
        }


@dataclass(frozen=True)
class ParsedImport:
    directory: Path
    foods: tuple[ParsedFood, ...]
    groups: tuple[ParsedGroup, ...]
    # Rows of food.csv whose data_type the importer does not take.
    skipped: int = 0

    @property
    def portion_count(self) -> int:
        return sum(len(food.portions) for food in self.foods)


class FDCImportError(TableImportError):
    subject = "FoodData Central import"


# --- Parsing -----------------------------------------------------------------------------


def parse_fdc_dir(
    directory: str | Path,
    *,
    data_types: tuple[str, ...] = DATA_TYPES,
    max_errors: int = MAX_ERRORS,
    progress: Progress | None = None,
) -> ParsedImport:
    """Read and check an unpacked FDC CSV download; raise FDCImportError listing every
    problem found (the first `max_errors` of them, and how many there were) instead of
    returning partial data."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FDCImportError([RowError(str(directory), message="not a directory")])
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        raise FDCImportError(
            [RowError(name, message=f"file not found in {directory}") for name in missing]
        )

    errors = ErrorLog(directory, max_errors)
    reader = TableReader(directory, FILES, errors, progress)

    nutrients = reader.table("nutrient.csv")
    units = reader.table("measure_unit.csv")
    categories = reader.table("food_category.csv")
    foods = reader.table("food.csv")
    keys = {
        "nutrient.csv": "id",
        "measure_unit.csv": "id",
        "food_category.csv": "id",
        "food.csv": "fdc_id",
    }
    for name, frame in zip(keys, (nutrients, units, categories, foods), strict=True):
        if frame is not None:
            check_unique(errors, name, frame, keys[name])
    if nutrients is None or units is None or categories is None or foods is None:
        raise errors.exception(FDCImportError)
    # A broken key in a lookup table would make every reference to it look unknown:
    # report the broken table and skip the reference checks that lean on it.
    check_references = not any(errors.flagged(name, key) for name, key in keys.items())

    _check_units(errors, nutrients)
    chosen = foods[foods["data_type"].isin(data_types) & foods["fdc_id"].notna()]
    if not len(chosen) and not errors:
        errors.add("food.csv", f"no foods of data_type {', '.join(data_types)}", column="data_type")
    _check_descriptions(errors, chosen)
    groups = _groups(errors, chosen, categories, check_references)
    ndb_numbers = _ndb_numbers(errors, reader, directory, foods, chosen, check_references)

    food_ids = pd.Index(foods["fdc_id"].dropna().unique())
    chosen_ids = pd.Index(chosen["fdc_id"].unique())
    amounts = _amounts(errors, reader, nutrients, food_ids, chosen_ids, check_references)
    portions = _portions(errors, reader, units, food_ids, chosen_ids, check_references)

    if errors:
        raise errors.exception(FDCImportError)

    parsed = []
    for row in chosen.sort_values("fdc_id").itertuples():
        fdc_id = int(row.fdc_id)
        found = amounts.get(fdc_id, {})
        values = {
            name: found.get(nutrient_id)
            for nutrient_id, (name, _) in NUTRIENT_IDS.items()
            if nutrient_id not in ENERGY_IDS
        }
        energy_id = next((nutrient_id for nutrient_id in ENERGY_IDS if nutrient_id in found), None)
        values["energy_kcal"] = found[energy_id] if energy_id else None
        category = row.food_category_id
        parsed.append(
            ParsedFood(
                fdc_id=fdc_id,
                data_type=row.data_type,
                name=_squeeze(row.description),
                group_code=None if pd.isna(category) else groups[int(category)].code,
                energy_nutrient_id=energy_id,
                ndb_number=ndb_numbers.get(fdc_id),
                portions=portions.get(fdc_id, ()),
                **values,
            )
        )
    used = dict.fromkeys(food.group_code for food in parsed if food.group_code)
    by_code = {group.code: group for group in groups.values()}
    return ParsedImport(
        directory=directory,
        foods=tuple(parsed),
        groups=tuple(by_code[code] for code in used),
        skipped=len(foods) - len(chosen),
    )


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _check_units(errors: ErrorLog, nutrients: pd.DataFrame) -> None:
    expected = nutrients["id"].map(lambda i: NUTRIENT_IDS.get(i, (None, None))[1])
    wrong = expected.notna() & (nutrients["unit_name"].str.upper() != expected)
    errors.add_rows(
        "nutrient.csv",
        "unit_name",
        wrong,
        lambda i: (
            f"nutrient {nutrients.at[i, 'id']} is in {nutrients.at[i, 'unit_name']!r}, "
            f"the importer needs {expected[i]}"
        ),
    )


def _check_descriptions(errors: ErrorLog, chosen: pd.DataFrame) -> None:
    names = chosen["description"].map(_squeeze)
    errors.add_rows("food.csv", "description", names == "", lambda _: "no value")
    too_long = names.map(lambda name: max(len(name), len(normalize(name))) > NAME_MAX)
    errors.add_rows(
        "food.csv", "description", too_long, lambda _: f"longer than {NAME_MAX} characters"
    )


def sr_group_code(code: str) -> str:
    """FDC writes the SR food groups as "0900"; the bundled SR24 data calls the same
    group "09". Folding one onto the other keeps one "Fruits and Fruit Juices" group."""
    code = code.strip()
    if len(code) == 4 and code.isdigit() and code.endswith("00"):
        return code[:2]
    return code


def _groups(
    errors: ErrorLog, chosen: pd.DataFrame, categories: pd.DataFrame, check_references: bool
) -> dict[int, ParsedGroup]:
    rows = categories.dropna(subset=["id"]).drop_duplicates("id")
    groups = {}
    for index, row in rows.iterrows():
        code, name = sr_group_code(row["code"]), _squeeze(row["description"])
        if len(code) > GROUP_CODE_MAX:
            errors.add(
                "food_category.csv",
                f"{code!r} is longer than {GROUP_CODE_MAX} characters",
                index=index,
                column="code",
            )
        if len(name) > GROUP_NAME_MAX:
            errors.add(
                "food_category.csv",
                f"longer than {GROUP_NAME_MAX} characters",
                index=index,
                column="description",
            )
        groups[int(row["id"])] = ParsedGroup(code, name)
    if check_references:
        category = chosen["food_category_id"]
        unknown = category.notna() & ~category.isin(list(groups))
        errors.add_rows(
            "food.csv",
            "food_category_id",
            unknown,
            lambda i: f"category {category[i]} is not in food_category.csv",
        )
    return groups


def _ndb_numbers(
    errors: ErrorLog,
    reader: TableReader,
    directory: Path,
    foods: pd.DataFrame,
    chosen: pd.DataFrame,
    check_references: bool,
) -> dict[int, str]:
    if not (directory / "sr_legacy_food.csv").is_file():
        if (chosen["data_type"] == "sr_legacy_food").any():
            errors.add(
                "sr_legacy_food.csv",
                f"file not found in {directory}; food.csv has SR Legacy foods",
            )
        return {}
    frame = reader.table("sr_legacy_food.csv")
    if frame is None:
        return {}
    if check_references:
        orphan = frame["fdc_id"].notna() & ~frame["fdc_id"].isin(foods["fdc_id"].dropna())
        errors.add_rows(
            "sr_legacy_food.csv",
            "fdc_id",
            orphan,
            lambda i: f"food {frame.at[i, 'fdc_id']} is not in food.csv",
        )
    # SR24 files name foods by five-digit NDB numbers ("01001"); FDC drops the zero.
    numbers = frame["NDB_number"].map(lambda n: n.zfill(5) if n.isdigit() else n)
    return {
        int(fdc_id): number
        for fdc_id, number in zip(frame["fdc_id"], numbers, strict=True)
        if not pd.isna(fdc_id) and number
    }


def _amounts(
    errors: ErrorLog,
    reader: TableReader,
    nutrients: pd.DataFrame,
    food_ids: pd.Index,
    chosen_ids: pd.Index,
    check_references: bool,
) -> dict[int, dict[int, float]]:
    name = "food_nutrient.csv"
    nutrient_ids = pd.Index(nutrients["id"].dropna().unique())
    kept = []
    for chunk in reader.frames(name):
        if check_references:
            fdc_id, nutrient_id = chunk["fdc_id"], chunk["nutrient_id"]
            orphan = fdc_id.notna() & ~fdc_id.isin(food_ids)
            errors.add_rows(
                name, "fdc_id", orphan, lambda i, s=fdc_id: f"food {s[i]} is not in food.csv"
            )
            unknown = nutrient_id.notna() & ~nutrient_id.isin(nutrient_ids)
            errors.add_rows(
                name,
                "nutrient_id",
                unknown,
                lambda i, s=nutrient_id: f"nutrient {s[i]} is not in nutrient.csv",
            )
        # The rest of a full download (other nutrients, other data types) is dropped here
        # so that memory follows the size of the import, not of the download.
        keep = (
            chunk["fdc_id"].isin(chosen_ids)
            & chunk["nutrient_id"].isin(list(NUTRIENT_IDS))
            & chunk["amount"].notna()
        )
        kept.append(chunk[keep])
    if not kept:
        return {}
    values = pd.concat(kept)

    twice = values.duplicated(["fdc_id", "nutrient_id"], keep="first")
    errors.add_rows(
        name,
        "nutrient_id",
        twice,
        lambda i: f"food {values.at[i, 'fdc_id']} has nutrient {values.at[i, 'nutrient_id']} twice",
    )
    target = values["nutrient_id"].map(lambda i: NUTRIENT_IDS[i][0])
    too_much = values["amount"] > target.map(MAX_PER_100G)
    errors.add_rows(
        name,
        "amount",
        too_much,
        lambda i: (
            f"{values.at[i, 'amount']:g} {target[i]} per 100 g is impossible "
            f"(food {values.at[i, 'fdc_id']}, nutrient {values.at[i, 'nutrient_id']})"
        ),
    )

    amounts: dict[int, dict[int, float]] = defaultdict(dict)
    for fdc_id, nutrient_id, amount in values[~twice].itertuples(index=False):
        amounts[int(fdc_id)][int(nutrient_id)] = float(amount)
    return amounts


def portion_label(amount: float | None, unit: str | None, description: str, modifier: str) -> str:
    """ "1 cup, chopped" from FDC's parts; unit None means "undetermined".

    SR Legacy keeps its measures in `modifier` ("cup, chopped") with an undetermined
    unit, Foundation uses real units plus an optional `modifier`, and some rows say it
    all in `portion_description` ("1 large").
    """
    number = f"{amount:.10g}" if amount else ""
    if unit is not None:
        parts = [f"{number} {unit}".strip(), modifier]
    elif description:
        parts = [description, "" if modifier in description else modifier]
    elif modifier:
        parts = [f"{number} {modifier}".strip()]
    else:
        parts = [f"{number} portion".strip()]
    return ", ".join(part for part in parts if part)


def _portions(
    errors: ErrorLog,
    reader: TableReader,
    units: pd.DataFrame,
    food_ids: pd.Index,
    chosen_ids: pd.Index,
    check_references: bool,
) -> dict[int, tuple[ParsedPortion, ...]]:
    name = "food_portion.csv"
    unit_names = {
        int(unit_id): _squeeze(unit_name)
        for unit_id, unit_name in zip(units["id"], units["name"], strict=True)
        if not pd.isna(unit_id)
    }
    undetermined = {
        unit_id
        for unit_id, unit_name in unit_names.items()
        if unit_id == UNDETERMINED_UNIT_ID or unit_name.lower() == "undetermined"
    }
    found: dict[int, list[tuple[float, int, ParsedPortion]]] = defaultdict(list)
    for chunk in reader.frames(name):
        fdc_id, unit_id = chunk["fdc_id"], chunk["measure_unit_id"]
        if check_references:
            orphan = fdc_id.notna() & ~fdc_id.isin(food_ids)
            errors.add_rows(
                name, "fdc_id", orphan, lambda i, s=fdc_id: f"food {s[i]} is not in food.csv"
            )
            unknown = unit_id.notna() & ~unit_id.isin(list(unit_names))
            errors.add_rows(
                name,
                "measure_unit_id",
                unknown,
                lambda i, s=unit_id: f"unit {s[i]} is not in measure_unit.csv",
            )
        keep = (
            fdc_id.isin(chosen_ids) & unit_id.isin(list(unit_names)) & chunk["gram_weight"].notna()
        )
        for row in chunk[keep].itertuples():
            unit = None if row.measure_unit_id in undetermined else unit_names[row.measure_unit_id]
            amount = None if pd.isna(row.amount) else float(row.amount)
            label = portion_label(
                amount, unit, _squeeze(row.portion_description), _squeeze(row.modifier)
            )
            if len(label) > LABEL_MAX:
                errors.add(
                    name,
                    f"the portion's label would be longer than {LABEL_MAX} characters",
                    index=row.Index,
                    column="portion_description",
                )
                continue
            # Portions without seq_num go last, in file order.
            order = float("inf") if pd.isna(row.seq_num) else float(row.seq_num)
            found[int(row.fdc_id)].append(
                (order, row.Index, ParsedPortion(label, float(row.gram_weight)))
            )
    return {
        fdc_id: tuple(portion for *_, portion in sorted(rows, key=lambda r: r[:2]))
        for fdc_id, rows in found.items()
    }
