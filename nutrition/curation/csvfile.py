"""The project's own CSV layout for foods: export, parse, preview and apply.

One row per food, keyed by (source, source_id); the columns are COLUMNS and the
README's "Curators" section documents them. An empty nutrient cell is unknown,
never zero. Portions share one cell as "label:grams|label:grams" (the first is
the default portion; a label may hold ":" since the grams follow the last one).
The export writes exactly these columns, so an exported file imports back with
every row unchanged.

Like the FDC importer: parse (pandas, every cell as text, explicit checks) →
plan against the database (reads only) → apply in one transaction, all rows or
none. A rejected row names its line and column.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from config.spreadsheet import escape_cell, unescape_cell
from nutrition import plausibility
from nutrition.importers.tables import NUL, NUL_MESSAGE, RowError, record_starts
from nutrition.models import NUTRIENT_FIELDS, Food, FoodGroup, FoodMerge, Portion

COLUMNS = (
    "source",
    "source_id",
    "name",
    "group",
    "kind",
    *NUTRIENT_FIELDS,
    "contains_kcl",
    "verified",
    "portions",
)
# Cells holding text: a formula-like one is written with a leading apostrophe so that a
# spreadsheet shows it as text, and read back without it (config.spreadsheet). Number
# cells stay as they are.
TEXT_COLUMNS = tuple(column for column in COLUMNS if column not in NUTRIENT_FIELDS)
# A user's private food never enters or leaves through a file.
IMPORT_SOURCES = (Food.Source.USDA_SR24, Food.Source.FDC, Food.Source.CURATED)
# One meal item is at most 5,000 g (planner.models.MAX_ITEM_GRAMS): a bigger portion
# could never be used.
PORTION_MAX_GRAMS = 5_000.0
# Bigger than a full export (~8,000 foods, ~1.5 MB) with room to spare.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SHOWN_ERRORS = 200

NAME_MAX = Food._meta.get_field("name").max_length
SOURCE_ID_MAX = Food._meta.get_field("source_id").max_length
LABEL_MAX = Portion._meta.get_field("label").max_length
TRUE, FALSE = ("yes", "true", "1"), ("", "no", "false", "0")


@dataclass(frozen=True)
class CsvFood:
    line: int
    source: str
    source_id: str
    name: str
    group: str | None
    kind: str
    nutrients: dict[str, float | None]
    contains_kcl: bool
    verified: bool
    portions: tuple[tuple[str, float], ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.source_id)


@dataclass
class ParsedCsv:
    filename: str
    foods: list[CsvFood]
    errors: list[RowError]
    rows: int = 0


# -- export -------------------------------------------------------------------------


def _number(value: float | None) -> str:
    # repr() of a float reads back as the same float: the round trip is exact.
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def portions_cell(portions: Iterable[tuple[str, float]]) -> str:
    return "|".join(f"{label}:{_number(grams)}" for label, grams in portions)


def export_frame(foods: QuerySet[Food]) -> pd.DataFrame:
    """The foods as a DataFrame in the import's columns (two queries)."""
    foods = foods.exclude(source=Food.Source.USER)
    portions: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for food_id, label, grams in (
        Portion.objects.filter(food__in=foods.values("pk"))
        .order_by("food_id", "seq", "id")
        .values_list("food_id", "label", "grams")
    ):
        portions[food_id].append((label, grams))
    rows = []
    for food in foods.select_related("group").order_by("source", "source_id"):
        row = {
            "source": food.source,
            "source_id": food.source_id,
            "name": food.name,
            "group": food.group.code if food.group else "",
            "kind": food.kind,
            **{name: _number(getattr(food, name)) for name in NUTRIENT_FIELDS},
            "contains_kcl": "yes" if food.contains_kcl else "no",
            "verified": "yes" if food.verified else "no",
            "portions": portions_cell(portions.get(food.pk, ())),
        }
        rows.append(
            {
                column: escape_cell(row[column]) if column in TEXT_COLUMNS else row[column]
                for column in COLUMNS
            }
        )
    # Every cell is text already, so pandas writes them as they are.
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype="string")


def export_csv(foods: QuerySet[Food]) -> str:
    return export_frame(foods).to_csv(index=False, lineterminator="\n")


# -- parse --------------------------------------------------------------------------


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_csv(content: bytes, filename: str) -> ParsedCsv:
    """Read and check the file without touching the database."""
    parsed = ParsedCsv(filename, [], [])

    def fail(message: str, line: int | None = None, column: str | None = None) -> None:
        parsed.errors.append(RowError(filename, line, column, message))

    if len(content) > MAX_UPLOAD_BYTES:
        fail(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return parsed
    try:
        # utf-8-sig: a spreadsheet's byte-order mark is fine.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("not UTF-8 text; save the file as “CSV UTF-8”")
        return parsed
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        fail("the file is empty")
        return parsed
    except (pd.errors.ParserError, csv.Error) as exc:
        fail(f"not a readable CSV file ({str(exc).strip()})")
        return parsed

    header = [str(column).strip() for column in frame.columns]
    frame.columns = header
    missing = [column for column in COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    for column in missing:
        fail("missing from the header line", 1, column)
    for column in unknown:
        fail("not a column of this format (a typo?)", 1, column)
    if missing or unknown:
        return parsed
    if not len(frame):
        fail("the file has no data rows")
        return parsed
    if len(frame) > MAX_ROWS:
        fail(f"{len(frame)} rows; at most {MAX_ROWS:,} in one file")
        return parsed

    parsed.rows = len(frame)
    starts = record_starts(io.StringIO(text, newline=""))
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(frame.itertuples(index=False)):
        line = starts[index + 1] if index + 1 < len(starts) else index + 2
        cells = {column: str(value).strip() for column, value in zip(header, row, strict=True)}
        nul = [column for column in COLUMNS if NUL in cells[column]]
        for column in nul:
            fail(NUL_MESSAGE, line, column)
        if nul:
            continue
        for column in TEXT_COLUMNS:
            cells[column] = unescape_cell(cells[column])
        food = _parse_row(
            cells, line, lambda message, column, line=line: fail(message, line, column)
        )
        if food is None:
            continue
        if food.key in seen:
            fail(
                f"{food.source} {food.source_id} is on line {seen[food.key]} too", line, "source_id"
            )
            continue
        seen[food.key] = line
        parsed.foods.append(food)
    return parsed


def _parse_row(cells: dict[str, str], line: int, fail) -> CsvFood | None:
    errors_before = []

    def bad(message: str, column: str) -> None:
        errors_before.append(column)
        fail(message, column)

    source = cells["source"]
    if source not in IMPORT_SOURCES:
        bad(f"{source!r} is not one of {', '.join(IMPORT_SOURCES)}", "source")
    source_id = cells["source_id"]
    if not source_id:
        bad("no value", "source_id")
    elif len(source_id) > SOURCE_ID_MAX:
        bad(f"longer than {SOURCE_ID_MAX} characters", "source_id")
    name = " ".join(cells["name"].split())
    if not name:
        bad("no value", "name")
    elif len(name) > NAME_MAX:
        bad(f"longer than {NAME_MAX} characters", "name")
    kind = cells["kind"] or Food.Kind.FOOD
    if kind not in Food.Kind.values:
        bad(f"{kind!r} is not one of {', '.join(Food.Kind.values)}", "kind")

    nutrients: dict[str, float | None] = {}
    for name_ in NUTRIENT_FIELDS:
        text = cells[name_]
        if not text:
            nutrients[name_] = None  # unknown, never 0
            continue
        value = _float(text)
        if value is None:
            hint = " (use a dot for decimals)" if "," in text else ""
            bad(f"{text!r} is not a number{hint}", name_)
        nutrients[name_] = value
    if kind in Food.Kind.values and not errors_before:
        for column, message in plausibility.value_problems(kind, nutrients):
            bad(message, column)

    flags = {}
    for column in ("contains_kcl", "verified"):
        text = cells[column].lower()
        if text not in TRUE + FALSE:
            bad(f"{cells[column]!r} is not yes or no", column)
        flags[column] = text in TRUE

    portions = _parse_portions(cells["portions"], lambda message: bad(message, "portions"))
    if errors_before:
        return None
    return CsvFood(
        line=line,
        source=source,
        source_id=source_id,
        name=name,
        group=cells["group"] or None,
        kind=kind,
        nutrients=nutrients,
        contains_kcl=flags["contains_kcl"],
        verified=flags["verified"],
        portions=portions,
    )


def _parse_portions(cell: str, bad) -> tuple[tuple[str, float], ...]:
    portions: list[tuple[str, float]] = []
    labels: set[str] = set()
    for part in cell.split("|"):
        part = part.strip()
        if not part:
            continue
        label, colon, grams_text = part.rpartition(":")
        label = " ".join(label.split())
        grams = _float(grams_text.strip())
        if not colon or not label:
            bad(f"portion {part!r} is not “label:grams”")
        elif grams is None or not 0 < grams <= PORTION_MAX_GRAMS:
            bad(
                f"portion {label!r}: {grams_text.strip()!r} is not a weight above 0 and at most "
                f"{PORTION_MAX_GRAMS:,.0f} g"
            )
        elif len(label) > LABEL_MAX:
            bad(f"portion label {label[:30]!r}… is longer than {LABEL_MAX} characters")
        elif label in labels:
            bad(f"portion label {label!r} appears twice")
        else:
            labels.add(label)
            portions.append((label, grams))
    return tuple(portions)


# -- plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class RowResult:
    line: int
    status: str  # "new", "changed", "unchanged"
    source: str
    source_id: str
    name: str
    changes: tuple[Change, ...] = ()


@dataclass
class CsvPlan:
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    creates: list[CsvFood] = field(default_factory=list)
    updates: list[tuple[Food, CsvFood]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def rejected_lines(self) -> int:
        return len({(error.line or 0) for error in self.errors})

    def fingerprint(self) -> list:
        """What the preview promised; apply refuses when the database moved since."""
        changed = sorted(
            [row.line, row.status, [change.field for change in row.changes]]
            for row in self.rows
            if row.status != "unchanged"
        )
        return [*changed, [len(self.errors)]]


def _display(value: object) -> object:
    if value is None or value == "":
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return value


def plan_csv(parsed: ParsedCsv) -> CsvPlan:
    """Compare the parsed rows with the database; reads only."""
    plan = CsvPlan(parsed.filename, errors=list(parsed.errors))
    sources = {food.source for food in parsed.foods}
    existing = {
        (food.source, food.source_id): food
        for food in Food.objects.filter(source__in=sources).select_related("group")
    }
    portions: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for food_id, label, grams in (
        Portion.objects.filter(food__source__in=sources)
        .order_by("food_id", "seq", "id")
        .values_list("food_id", "label", "grams")
    ):
        portions[food_id].append((label, grams))
    merged = {
        (source, source_id): kept
        for source, source_id, kept in FoodMerge.objects.filter(source__in=sources).values_list(
            "source", "source_id", "kept_id"
        )
    }
    groups = set(FoodGroup.objects.values_list("code", flat=True))

    for item in parsed.foods:
        problems = []
        if item.group and item.group not in groups:
            problems.append(
                RowError(
                    parsed.filename, item.line, "group", f"no food group with code {item.group!r}"
                )
            )
        if item.key in merged:
            problems.append(
                RowError(
                    parsed.filename,
                    item.line,
                    "source_id",
                    f"this food was merged into food #{merged[item.key]}; change that one instead",
                )
            )
        if problems:
            plan.errors += problems
            continue
        food = existing.get(item.key)
        if food is None:
            plan.creates.append(item)
            plan.rows.append(RowResult(item.line, "new", item.source, item.source_id, item.name))
            continue
        changes = _changes(food, item, portions.get(food.pk, []))
        status = "changed" if changes else "unchanged"
        if changes:
            plan.updates.append((food, item))
        plan.rows.append(
            RowResult(item.line, status, item.source, item.source_id, item.name, tuple(changes))
        )
    plan.errors.sort(key=lambda error: (error.line or 0, error.column or ""))
    return plan


def _changes(food: Food, item: CsvFood, portions: list[tuple[str, float]]) -> list[Change]:
    changes = []
    pairs = [
        ("name", food.name, item.name),
        ("group", food.group.code if food.group else None, item.group),
        ("kind", food.kind, item.kind),
        *((name, getattr(food, name), item.nutrients[name]) for name in NUTRIENT_FIELDS),
        ("contains_kcl", food.contains_kcl, item.contains_kcl),
        ("verified", food.verified, item.verified),
    ]
    for name, old, new in pairs:
        if old != new:
            changes.append(Change(name, _display(old), _display(new)))
    if list(item.portions) != portions:
        changes.append(
            Change(
                "portions",
                portions_cell(portions) or "none",
                portions_cell(item.portions) or "none",
            )
        )
    return changes


# -- apply --------------------------------------------------------------------------


class CsvImportError(Exception):
    def __init__(self, plan: CsvPlan) -> None:
        self.plan = plan
        super().__init__(f"{len(plan.errors)} problems; nothing was changed")


@dataclass(frozen=True)
class CsvImportResult:
    created: int
    updated: int
    unchanged: int


def apply_csv(parsed: ParsedCsv, *, reason: str) -> CsvImportResult:
    """Create and update every row in one transaction; any problem changes nothing.

    Rows are saved one by one, not in bulk, so that each change is in the history
    with its author (the request's user) and `reason`. Every row written counts as a
    curator's correction: load_foods and import_fdc leave it alone afterwards.
    """
    with transaction.atomic():
        plan = plan_csv(parsed)
        if not plan.ok:
            raise CsvImportError(plan)
        now = timezone.now()
        groups = {group.code: group for group in FoodGroup.objects.all()}
        for item in plan.creates:
            food = Food(source=item.source, source_id=item.source_id)
            _write(food, item, groups, now, reason)
            sync_portions(food, item.portions, reason)
        for food, item in plan.updates:
            _write(food, item, groups, now, reason)
            sync_portions(food, item.portions, reason)
        return CsvImportResult(
            created=len(plan.creates),
            updated=len(plan.updates),
            unchanged=plan.count("unchanged"),
        )


def _write(food: Food, item: CsvFood, groups: dict, now, reason: str) -> None:
    food.name = item.name
    food.group = groups.get(item.group) if item.group else None
    food.kind = item.kind
    for name, value in item.nutrients.items():
        setattr(food, name, value)
    food.contains_kcl = item.contains_kcl
    food.verified = item.verified
    food.curated_at = now
    food._change_reason = reason
    food.save()


def sync_portions(food: Food, wanted: Iterable[tuple[str, float]], reason: str) -> None:
    """Make the food's portions `wanted`, matched by label so that a portion a meal item
    points at keeps its id; saved one by one for the history."""
    have: dict[str, list[Portion]] = defaultdict(list)
    for portion in food.portions.order_by("seq", "id"):
        have[portion.label].append(portion)
    for seq, (label, grams) in enumerate(wanted):
        portion = have[label].pop(0) if have[label] else Portion(food=food, label=label)
        if portion.pk is None or (portion.grams, portion.seq) != (grams, seq):
            portion.grams, portion.seq = grams, seq
            portion._change_reason = reason
            portion.save()
    for left in have.values():
        for portion in left:
            portion._change_reason = reason
            portion.delete()
