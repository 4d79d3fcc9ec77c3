"""USDA FoodData Central CSV download → Food, Portion and FoodGroup rows.

Two halves that only meet through dataclasses: `parse_fdc_dir` reads and checks
the files and never touches the database; `preview_import` / `apply_import`
compare with and write to the database. The management command and the admin
bulk import share both, so a download is judged the same way everywhere.
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

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

MAX_ERRORS = 100
# food_nutrient.csv of a full download has tens of millions of rows; read it in slices.
CHUNK_ROWS = 200_000
BATCH_SIZE = 500
# The FDC files are UTF-8; "-sig" also accepts them after a spreadsheet added a BOM.
ENCODING = "utf-8-sig"

NAME_MAX = Food._meta.get_field("name").max_length
LABEL_MAX = Portion._meta.get_field("label").max_length
GROUP_CODE_MAX = FoodGroup._meta.get_field("code").max_length
GROUP_NAME_MAX = FoodGroup._meta.get_field("name").max_length

Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Literal["int", "float", "str"] = "str"
    required: bool = True  # an empty cell is an error
    minimum: float | None = None
    positive: bool = False  # strictly above zero


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


@dataclass(frozen=True)
class ImportPreview:
    new: int
    changed: int
    unchanged: int
    new_groups: tuple[str, ...]
    # How many foods each change touches: {"potassium_mg": 12, "portions": 3, ...}.
    changed_fields: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    groups_created: int = 0
    portions_created: int = 0
    portions_updated: int = 0
    portions_deleted: int = 0


# --- Errors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    file: str
    # As a person counts lines in the file: the header is line 1.
    line: int | None = None
    column: str | None = None
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FDCImportError(Exception):
    """The download was rejected and nothing was written; `errors` says where and why."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = max(total or 0, len(errors))
        super().__init__(errors)

    def __str__(self) -> str:
        noun = "error" if self.total == 1 else "errors"
        lines = [f"FoodData Central import rejected ({self.total} {noun}); nothing was changed."]
        lines += [f"  {error}" for error in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  … and {self.total - len(self.errors)} more")
        return "\n".join(lines)


class _Errors:
    """Collects row errors by record index and turns them into line numbers at the end.

    pandas does not know line numbers, and quoted fields may span lines, so the lines
    are counted with the csv module, once per file and only for files with errors.
    """

    def __init__(self, directory: Path, limit: int = MAX_ERRORS) -> None:
        self.directory = directory
        self.limit = limit
        self.total = 0
        self._pending: list[tuple[str, int | None, str | None, str]] = []
        # (file, column) pairs with at least one error; column None = the whole file.
        self._flagged: set[tuple[str, str | None]] = set()

    def __bool__(self) -> bool:
        return self.total > 0

    def flagged(self, file: str, column: str | None = None) -> bool:
        """Whether the file (or, given a column, the file as a whole or that column) has errors."""
        if column is None:
            return any(flagged_file == file for flagged_file, _ in self._flagged)
        return bool({(file, None), (file, column)} & self._flagged)

    def add(
        self, file: str, message: str, *, index: int | None = None, column: str | None = None
    ) -> None:
        self.total += 1
        self._flagged.add((file, column))
        if len(self._pending) < self.limit:
            self._pending.append((file, index, column, message))

    def add_rows(
        self, file: str, column: str, mask: pd.Series, describe: Callable[[Hashable], str]
    ) -> None:
        bad = mask[mask.fillna(False).astype(bool)].index
        if not len(bad):
            return
        self.total += len(bad)
        self._flagged.add((file, column))
        room = max(self.limit - len(self._pending), 0)
        for index in bad[:room]:
            self._pending.append((file, int(index), column, describe(index)))

    def exception(self) -> FDCImportError:
        files = list(dict.fromkeys(file for file, *_ in self._pending))
        lines = {
            file: _record_lines(self.directory / file)
            for file in files
            if any(f == file and index is not None for f, index, *_ in self._pending)
        }
        errors = []
        for file, index, column, message in self._pending:
            line = None
            if index is not None:
                starts = lines[file]
                # +1 skips the header record; the fallback assumes one line per record.
                line = starts[index + 1] if index + 1 < len(starts) else index + 2
            errors.append(RowError(file, line, column, message))
        errors.sort(key=lambda error: (files.index(error.file), error.line or 0))
        return FDCImportError(errors, self.total)


def _record_lines(path: Path) -> list[int]:
    """The line on which each CSV record starts, header included; blank lines are skipped
    as pandas skips them."""
    starts: list[int] = []
    with path.open(newline="", encoding=ENCODING) as handle:
        reader = csv.reader(handle)
        previous = 0
        for record in reader:
            if record:
                starts.append(previous + 1)
            previous = reader.line_num
    return starts


# --- Reading -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, directory: Path, errors: _Errors, progress: Progress | None) -> None:
        self.directory = directory
        self.errors = errors
        self.progress = progress

    def frames(self, name: str) -> Iterator[pd.DataFrame]:
        """The file in slices, each cell converted to its column's type; bad cells become
        NA after their error is recorded."""
        path = self.directory / name
        spec = FILES[name]
        read = {
            # Every cell is read as text and converted below, so that "abc" in a number
            # column is reported with its row instead of failing the whole file.
            "dtype": str,
            "keep_default_na": False,
            "na_filter": False,
            "encoding": ENCODING,
        }
        try:
            header = pd.read_csv(path, nrows=0, **read).columns
            missing = [column.name for column in spec if column.name not in header]
            for column in missing:
                self.errors.add(name, "missing from the header line", column=column)
            if missing:
                return
            # No usecols: with it pandas silently accepts a row with too many fields,
            # which is what an unquoted comma in a description looks like.
            done = 0
            for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS, **read):
                done += len(chunk)
                yield self._convert(name, chunk, spec)
                if self.progress:
                    self.progress(f"reading {name}", done, None)
            if not done:
                self.errors.add(name, "the file has no data rows")
        except pd.errors.EmptyDataError:
            self.errors.add(name, "the file is empty")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            self.errors.add(name, f"not a readable CSV file ({str(exc).strip()})")

    def table(self, name: str) -> pd.DataFrame | None:
        frames = [frame for frame in self.frames(name) if len(frame)]
        if not frames:
            return None
        return pd.concat(frames) if len(frames) > 1 else frames[0]

    def _convert(self, name: str, chunk: pd.DataFrame, spec: tuple[Column, ...]) -> pd.DataFrame:
        out = pd.DataFrame(index=chunk.index)
        for column in spec:
            raw = chunk[column.name].str.strip()
            empty = raw == ""
            if column.required:
                self.errors.add_rows(name, column.name, empty, lambda _: "no value")
            if column.kind == "str":
                out[column.name] = raw
                continue
            number = pd.to_numeric(raw.where(~empty), errors="coerce")
            finite = pd.Series(np.isfinite(number), index=number.index)
            invalid = ~empty & ~finite
            expected = "a number"
            if column.kind == "int":
                invalid |= finite & (number % 1 != 0)
                expected = "a whole number"
            self.errors.add_rows(
                name, column.name, invalid, lambda i, raw=raw, e=expected: f"{raw[i]!r} is not {e}"
            )
            number = number.where(~invalid)
            if column.minimum is not None:
                low = number < column.minimum
                self.errors.add_rows(
                    name,
                    column.name,
                    low,
                    lambda i, raw=raw, m=column.minimum: f"{raw[i]} is below {m:g}",
                )
                number = number.where(~low)
            if column.positive:
                low = number <= 0
                self.errors.add_rows(
                    name, column.name, low, lambda i, raw=raw: f"{raw[i]} is not above zero"
                )
                number = number.where(~low)
            out[column.name] = number.astype("Int64") if column.kind == "int" else number
        return out


def _duplicates(errors: _Errors, name: str, frame: pd.DataFrame, column: str) -> None:
    repeated = frame[column].notna() & frame[column].duplicated(keep="first")
    errors.add_rows(
        name, column, repeated, lambda i: f"{frame.at[i, column]} appears on an earlier line too"
    )


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

    errors = _Errors(directory, max_errors)
    reader = _Reader(directory, errors, progress)

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
            _duplicates(errors, name, frame, keys[name])
    if nutrients is None or units is None or categories is None or foods is None:
        raise errors.exception()
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
        raise errors.exception()

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


def _check_units(errors: _Errors, nutrients: pd.DataFrame) -> None:
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


def _check_descriptions(errors: _Errors, chosen: pd.DataFrame) -> None:
    names = chosen["description"].map(_squeeze)
    errors.add_rows("food.csv", "description", names == "", lambda _: "no value")
    too_long = names.map(lambda name: max(len(name), len(normalize(name))) > NAME_MAX)
    errors.add_rows(
        "food.csv", "description", too_long, lambda _: f"longer than {NAME_MAX} characters"
    )


def _groups(
    errors: _Errors, chosen: pd.DataFrame, categories: pd.DataFrame, check_references: bool
) -> dict[int, ParsedGroup]:
    rows = categories.dropna(subset=["id"]).drop_duplicates("id")
    groups = {}
    for index, row in rows.iterrows():
        code, name = row["code"], _squeeze(row["description"])
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
    errors: _Errors,
    reader: _Reader,
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
    errors: _Errors,
    reader: _Reader,
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
    errors: _Errors,
    reader: _Reader,
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


# --- Writing -----------------------------------------------------------------------------

FOOD_UPDATE_FIELDS = ["name", "search_name", "group", *NUTRIENT_FIELDS, "updated_at"]


@dataclass
class _Plan:
    new_groups: list[ParsedGroup]
    create: list[ParsedFood]
    # Existing food, what it should become, and the names of what differs.
    update: list[tuple[Food, ParsedFood, list[str]]]
    unchanged: int
    portions_update: list[Portion] = field(default_factory=list)
    portions_create: list[Portion] = field(default_factory=list)
    portions_delete: list[Portion] = field(default_factory=list)


def _plan(parsed: ParsedImport) -> _Plan:
    """Compare the parsed download with the database; reads only."""
    codes = [group.code for group in parsed.groups]
    known_codes = set(FoodGroup.objects.filter(code__in=codes).values_list("code", flat=True))
    existing = {
        food.source_id: food
        for food in Food.objects.filter(source=SOURCE).select_related("group").order_by()
    }
    portions: dict[int, list[Portion]] = defaultdict(list)
    for portion in Portion.objects.filter(food__source=SOURCE).order_by("food_id", "seq", "id"):
        portions[portion.food_id].append(portion)

    plan = _Plan(
        new_groups=[group for group in parsed.groups if group.code not in known_codes],
        create=[],
        update=[],
        unchanged=0,
    )
    for item in parsed.foods:
        food = existing.get(item.source_id)
        if food is None:
            plan.create.append(item)
            continue
        changed = [name for name, value in item.values().items() if getattr(food, name) != value]
        if (food.group.code if food.group else None) != item.group_code:
            changed.append("group")
        update, create, delete = _portion_changes(food, portions[food.pk], item.portions)
        if update or create or delete:
            changed.append("portions")
            plan.portions_update += update
            plan.portions_create += create
            plan.portions_delete += delete
        if changed:
            plan.update.append((food, item, changed))
        else:
            plan.unchanged += 1
    return plan


def _portion_changes(
    food: Food, existing: list[Portion], wanted: tuple[ParsedPortion, ...]
) -> tuple[list[Portion], list[Portion], list[Portion]]:
    """Update, create and delete lists that turn `existing` into `wanted`.

    Portions are matched by label rather than replaced wholesale so that a portion a
    meal item points at keeps its id when the download did not change it.
    """
    by_label: dict[str, deque[Portion]] = defaultdict(deque)
    for portion in existing:
        by_label[portion.label].append(portion)
    update, create = [], []
    for seq, item in enumerate(wanted):
        if by_label[item.label]:
            portion = by_label[item.label].popleft()
            if (portion.grams, portion.seq) != (item.grams, seq):
                portion.grams, portion.seq = item.grams, seq
                update.append(portion)
        else:
            create.append(Portion(food=food, label=item.label, grams=item.grams, seq=seq))
    delete = [portion for left in by_label.values() for portion in left]
    return update, create, delete


def preview_import(parsed: ParsedImport) -> ImportPreview:
    """What `apply_import` would do, without writing."""
    plan = _plan(parsed)
    changed_fields: dict[str, int] = defaultdict(int)
    for _, _, changed in plan.update:
        for name in changed:
            changed_fields[name] += 1
    return ImportPreview(
        new=len(plan.create),
        changed=len(plan.update),
        unchanged=plan.unchanged,
        new_groups=tuple(group.code for group in plan.new_groups),
        changed_fields=dict(changed_fields),
    )


def apply_import(parsed: ParsedImport, *, progress: Progress | None = None) -> ImportResult:
    """Create or update the parsed foods, their groups and portions in one transaction.

    Idempotent: foods are matched by (source="fdc", source_id=fdc_id), and a second run
    of the same download changes nothing. FDC foods missing from the download are left
    alone, since a Foundation-only download must not remove SR Legacy foods.
    """
    # Portions the download no longer lists are deleted; meal items that used one keep
    # their grams (MealItem.portion is SET_NULL), and matching by label keeps the rest.
    with transaction.atomic():
        return _apply(parsed, progress)


def _apply(parsed: ParsedImport, progress: Progress | None) -> ImportResult:
    def step(stage: str) -> None:
        if progress:
            progress(stage, 0, None)

    plan = _plan(parsed)
    FoodGroup.objects.bulk_create(
        [FoodGroup(code=group.code, name=group.name) for group in plan.new_groups]
    )
    groups = {
        group.code: group
        for group in FoodGroup.objects.filter(code__in=[g.code for g in parsed.groups])
    }

    step(f"creating {len(plan.create)} foods")
    # bulk_create skips Food.save(), which is what fills search_name.
    created = [
        Food(
            source=SOURCE,
            source_id=item.source_id,
            group=groups.get(item.group_code) if item.group_code else None,
            kind=Food.Kind.FOOD,
            **item.values(),
        )
        for item in plan.create
    ]
    Food.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if any(food.pk is None for food in created):
        # Backends that cannot return ids from a bulk insert.
        ids = dict(Food.objects.filter(source=SOURCE).values_list("source_id", "pk"))
        for food in created:
            food.pk = ids[food.source_id]
    for food, item in zip(created, plan.create, strict=True):
        plan.portions_create += [
            Portion(food=food, label=portion.label, grams=portion.grams, seq=seq)
            for seq, portion in enumerate(item.portions)
        ]

    step(f"updating {len(plan.update)} foods")
    # bulk_update skips auto_now as well.
    now = timezone.now()
    for food, item, _ in plan.update:
        for name, value in item.values().items():
            setattr(food, name, value)
        food.group = groups.get(item.group_code) if item.group_code else None
        food.updated_at = now
    Food.objects.bulk_update(
        [food for food, _, _ in plan.update], FOOD_UPDATE_FIELDS, batch_size=BATCH_SIZE
    )

    step("writing portions")
    doomed = [portion.pk for portion in plan.portions_delete]
    for start in range(0, len(doomed), BATCH_SIZE):
        Portion.objects.filter(pk__in=doomed[start : start + BATCH_SIZE]).delete()
    Portion.objects.bulk_update(plan.portions_update, ["grams", "seq"], batch_size=BATCH_SIZE)
    Portion.objects.bulk_create(plan.portions_create, batch_size=BATCH_SIZE)

    return ImportResult(
        created=len(plan.create),
        updated=len(plan.update),
        unchanged=plan.unchanged,
        groups_created=len(plan.new_groups),
        portions_created=len(plan.portions_create),
        portions_updated=len(plan.portions_update),
        portions_deleted=len(plan.portions_delete),
    )
