"""Load the bundled USDA SR24 foods (fixtures/usda_sr24_*) into the database.

The fixture is built by tools/build_sr24.py from Debian's cronometer package.
Loading is an upsert keyed on (source="usda-sr24", source_id=NDB number) in
one transaction: new foods are created, changed ones updated, identical ones
left alone, so a second run writes nothing. Foods a curator has changed
(`curated_at` set) or merged away (a `FoodMerge` record) are kept as they are,
so a re-run never undoes a correction. Foods are never deleted (meal
items protect them) and a food's portions are synced row by row in place, so
the portion a meal item points at keeps its id.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from nutrition import supplements
from nutrition.models import NUTRIENT_FIELDS, Food, FoodGroup, FoodMerge, Portion
from nutrition.text import normalize

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
FOODS_FILE = "usda_sr24_foods.csv.gz"
PORTIONS_FILE = "usda_sr24_portions.csv.gz"
GROUPS_FILE = "usda_sr24_groups.csv"

# Explicit dtypes: NDB numbers and group codes keep their leading zeros, and
# only an empty nutrient cell is missing (keep_default_na=False below), so a
# name such as "NA" stays a name.
FOOD_DTYPES = {"ndb": "str", "name": "str", "group": "str"} | dict.fromkeys(
    NUTRIENT_FIELDS, "float64"
)
PORTION_DTYPES = {"ndb": "str", "seq": "int64", "label": "str", "grams": "float64"}
GROUP_DTYPES = {"code": "str", "name": "str"}

SOURCE = Food.Source.USDA_SR24
# Plain writes stay well under SQLite's bound-parameter limit at this size.
BATCH = 500


class FixtureError(Exception):
    """The fixture files are missing or malformed; nothing was written."""


@dataclass(frozen=True)
class Sr24Food:
    ndb: str
    name: str
    group: str
    nutrients: tuple[float | None, ...]  # in NUTRIENT_FIELDS order, per 100 g; None = unknown
    portions: tuple[tuple[str, float], ...]  # (label, grams) in seq order


@dataclass(frozen=True)
class LoadReport:
    groups_created: int
    groups_updated: int
    foods_created: int
    foods_updated: int
    foods_unchanged: int
    # usda-sr24 rows the fixture no longer lists: kept, since plans may use them.
    foods_stale: int
    portions_created: int
    portions_updated: int
    portions_deleted: int
    supplements: int
    seconds: float
    # Foods a curator corrected or merged away: left as the curator made them.
    foods_kept: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.groups_created,
                self.groups_updated,
                self.foods_created,
                self.foods_updated,
                self.portions_created,
                self.portions_updated,
                self.portions_deleted,
            )
        )

    def summary(self) -> str:
        foods = self.foods_created + self.foods_updated + self.foods_unchanged + self.foods_kept
        lines = [
            f"USDA SR24: {foods} foods ({self.foods_created} new, {self.foods_updated} changed, "
            f"{self.foods_unchanged} unchanged, {self.foods_kept} kept as curated); "
            f"portions {self.portions_created} new, "
            f"{self.portions_updated} changed, {self.portions_deleted} removed; food groups "
            f"{self.groups_created} new, {self.groups_updated} renamed.",
        ]
        if self.foods_stale:
            lines.append(
                f"{self.foods_stale} usda-sr24 foods are not in the fixture; left as they are."
            )
        lines.append(f"Supplements: {self.supplements} synced.")
        lines.append(f"Done in {self.seconds:.2f} s.")
        return "\n".join(lines)


# -- reading --------------------------------------------------------------------


def _read_csv(path: Path, dtypes: dict[str, str], missing: Iterable[str] = ()) -> pd.DataFrame:
    if not path.is_file():
        raise FixtureError(f"{path}: missing; build it with tools/build_sr24.py")
    try:
        frame = pd.read_csv(
            path,
            dtype=dtypes,
            keep_default_na=False,
            na_values={column: [""] for column in missing},
        )
    except (ValueError, OSError) as exc:  # bad numbers, bad gzip, bad CSV
        raise FixtureError(f"{path}: {exc}") from None
    if list(frame.columns) != list(dtypes):
        raise FixtureError(f"{path}: columns {list(frame.columns)}, expected {list(dtypes)}")
    return frame


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def read_fixture(directory: Path | None = None) -> tuple[dict[str, str], list[Sr24Food]]:
    """The fixture's groups (code -> name) and foods; FixtureError lists what is wrong."""
    directory = Path(directory or FIXTURE_DIR)
    groups_frame = _read_csv(directory / GROUPS_FILE, GROUP_DTYPES)
    foods_frame = _read_csv(directory / FOODS_FILE, FOOD_DTYPES, missing=NUTRIENT_FIELDS)
    portions_frame = _read_csv(directory / PORTIONS_FILE, PORTION_DTYPES)

    problems: list[str] = []
    groups = dict(zip(groups_frame["code"], groups_frame["name"], strict=True))
    if len(groups) != len(groups_frame):
        problems.append(f"{GROUPS_FILE}: a group code appears twice")

    portions: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    for line, (ndb, seq, label, grams) in enumerate(
        portions_frame.itertuples(index=False, name=None), start=2
    ):
        if not label or not grams > 0:
            problems.append(f"{PORTIONS_FILE} line {line}: portion {label!r} of {grams} g")
        portions[ndb].append((int(seq), label, float(grams)))

    foods: list[Sr24Food] = []
    seen: set[str] = set()
    for line, (ndb, name, group, *values) in enumerate(
        foods_frame.itertuples(index=False, name=None), start=2
    ):
        where = f"{FOODS_FILE} line {line} ({ndb})"
        if ndb in seen:
            problems.append(f"{where}: NDB number listed twice")
        seen.add(ndb)
        if not name:
            problems.append(f"{where}: no name")
        if group not in groups:
            problems.append(f"{where}: unknown food group {group!r}")
        nutrients = tuple(_optional(value) for value in values)
        if any(value is not None and value < 0 for value in nutrients):
            problems.append(f"{where}: negative nutrient value")
        rows = sorted(portions.get(ndb, []))
        if [seq for seq, _, _ in rows] != list(range(len(rows))):
            problems.append(f"{where}: portion seq is not 0..{len(rows) - 1}")
        foods.append(
            Sr24Food(ndb, name, group, nutrients, tuple((label, grams) for _, label, grams in rows))
        )
    for ndb in sorted(portions.keys() - seen):
        problems.append(f"{PORTIONS_FILE}: portions for unknown NDB {ndb}")

    if len(problems) > 50:
        problems[50:] = [f"… and {len(problems) - 50} more"]
    if problems:
        raise FixtureError("\n".join(problems))
    return groups, foods


# -- writing --------------------------------------------------------------------


def _sync_groups(groups: dict[str, str]) -> tuple[dict[str, int], int, int]:
    existing = {group.code: group for group in FoodGroup.objects.filter(code__in=groups)}
    new = [FoodGroup(code=code, name=name) for code, name in groups.items() if code not in existing]
    renamed = []
    for code, group in existing.items():
        if group.name != groups[code]:
            group.name = groups[code]
            renamed.append(group)
    FoodGroup.objects.bulk_create(new)
    FoodGroup.objects.bulk_update(renamed, ["name"])
    ids = dict(FoodGroup.objects.filter(code__in=groups).values_list("code", "id"))
    return ids, len(new), len(renamed)


# The columns an SR24 row takes from the fixture; anything else on the row
# (contains_kcl, set by curators) is not ours to overwrite.
_FOOD_COLUMNS = ("name", "search_name", "group_id", "kind", *NUTRIENT_FIELDS)


def _food_values(food: Sr24Food, group_ids: dict[str, int]) -> tuple:
    # bulk_create and bulk_update skip Food.save(), which fills search_name.
    return (food.name, normalize(food.name), group_ids[food.group], Food.Kind.FOOD, *food.nutrients)


def _sync_foods(
    foods: list[Sr24Food], group_ids: dict[str, int]
) -> tuple[dict[str, int], int, int, int, int]:
    rows = Food.objects.filter(source=SOURCE).values_list(
        "source_id", "curated_at", "id", *_FOOD_COLUMNS
    )
    existing, curated = {}, set()
    for source_id, curated_at, *values in rows:
        existing[source_id] = tuple(values)
        if curated_at is not None:
            curated.add(source_id)
    # A duplicate merged away stays away.
    curated |= set(FoodMerge.objects.filter(source=SOURCE).values_list("source_id", flat=True))
    now = timezone.now()
    new, changed = [], []
    kept = 0
    for food in foods:
        if food.ndb in curated:
            kept += 1
            continue
        values = _food_values(food, group_ids)
        fields = dict(zip(_FOOD_COLUMNS, values, strict=True))
        if food.ndb not in existing:
            new.append(Food(source=SOURCE, source_id=food.ndb, **fields))
        elif existing[food.ndb][1:] != values:
            # bulk_update does not run auto_now either.
            changed.append(Food(id=existing[food.ndb][0], updated_at=now, **fields))
    Food.objects.bulk_create(new, batch_size=BATCH)
    Food.objects.bulk_update(changed, [*_FOOD_COLUMNS, "updated_at"], batch_size=BATCH)
    # Only the foods the fixture may write: a curated food's portions are the curator's too.
    ids = dict(
        Food.objects.filter(source=SOURCE, curated_at__isnull=True).values_list("source_id", "id")
    )
    stale = len(existing.keys() - {food.ndb for food in foods})
    return ids, len(new), len(changed), stale, kept


def _sync_portions(foods: list[Sr24Food], food_ids: dict[str, int]) -> tuple[int, int, int]:
    existing: dict[int, list[tuple[int, int, str, float]]] = defaultdict(list)
    for row in (
        Portion.objects.filter(food__source=SOURCE, food__curated_at__isnull=True)
        .order_by("food_id", "seq", "id")
        .values_list("food_id", "id", "seq", "label", "grams")
    ):
        existing[row[0]].append(row[1:])

    new, changed, surplus = [], [], []
    for food in foods:
        food_id = food_ids.get(food.ndb)
        if food_id is None:  # curated or merged away
            continue
        have = existing.get(food_id, [])
        want = [(seq, label, grams) for seq, (label, grams) in enumerate(food.portions)]
        # Reuse rows in order rather than delete and recreate: a meal item's
        # portion (on_delete=SET_NULL) then keeps pointing at its row.
        for (seq, label, grams), row in zip(want, have, strict=False):
            if row[1:] != (seq, label, grams):
                changed.append(
                    Portion(id=row[0], food_id=food_id, seq=seq, label=label, grams=grams)
                )
        new += [
            Portion(food_id=food_id, seq=seq, label=label, grams=grams)
            for seq, label, grams in want[len(have) :]
        ]
        surplus += [row[0] for row in have[len(want) :]]

    Portion.objects.bulk_create(new, batch_size=BATCH)
    Portion.objects.bulk_update(changed, ["seq", "label", "grams"], batch_size=BATCH)
    for start in range(0, len(surplus), BATCH):
        Portion.objects.filter(id__in=surplus[start : start + BATCH]).delete()
    return len(new), len(changed), len(surplus)


def load_foods(directory: Path | None = None) -> LoadReport:
    """Upsert the bundled SR24 groups, foods and portions, then the supplements, atomically."""
    started = time.perf_counter()
    groups, foods = read_fixture(directory)
    with transaction.atomic():
        group_ids, groups_created, groups_updated = _sync_groups(groups)
        food_ids, created, updated, stale, kept = _sync_foods(foods, group_ids)
        portions = _sync_portions(foods, food_ids)
        supplements_synced = supplements.sync_supplements()
    if connection.vendor == "postgresql":
        # Fresh statistics let the planner use the search indexes at once; a server
        # without autovacuum would otherwise scan every food for each search.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE nutrition_food, nutrition_portion")
    return LoadReport(
        groups_created=groups_created,
        groups_updated=groups_updated,
        foods_created=created,
        foods_updated=updated,
        foods_unchanged=len(foods) - created - updated - kept,
        foods_kept=kept,
        foods_stale=stale,
        portions_created=portions[0],
        portions_updated=portions[1],
        portions_deleted=portions[2],
        supplements=supplements_synced,
        seconds=time.perf_counter() - started,
    )
