"""A plan's days side by side: a days × nutrients DataFrame and what it says.

The numbers come from `intake.totals_for_days` (one aggregate query for all
days); pandas only reshapes them and takes the averages. Two habits keep the
numbers honest:

- Unknown is NaN, never 0. A day whose items all lack a value has no total
  for it; a day where some items lack it has a lower bound ("≥").
- A day without items is a day not planned yet, not a day of fasting: it is
  left out of the averages and of the over/under counts.

Values in the frame are stored units (mg, kcal, g); conversion to the
person's display unit (mg, mmol or mEq for Mg, K and Na) happens in the rows
built for the page, never in the frame, so the exports and tests see mg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from clinical import nutrients, readings
from nutrition.models import NUTRIENT_FIELDS
from nutrition.templatetags.nutrients import format_amount
from planner.intake import DayTotals, totals_for_days
from planner.models import Plan, PlanDay
from planner.targets import NutrientTarget, ProfileTargets

FOOD_MG = "food_magnesium_mg"
SUPPLEMENT_MG = "supplement_magnesium_mg"

# Columns of the frame: the seven stored nutrients plus magnesium split into
# food and supplements, because the supplement UL applies to the latter only.
COLUMNS: tuple[str, ...] = (*NUTRIENT_FIELDS, FOOD_MG, SUPPLEMENT_MG)

# What the week table shows, in order (protein is in the exports only).
TABLE_COLUMNS: tuple[str, ...] = (
    "energy_kcal",
    FOOD_MG,
    SUPPLEMENT_MG,
    "magnesium_mg",
    "potassium_mg",
    "sodium_mg",
    "phosphorus_mg",
    "calcium_mg",
)

# Magnesium is split into food and supplements; each part is shown like magnesium.
_MAGNESIUM_PARTS = {
    "magnesium_mg": ("Magnesium, total", "Mg total"),
    FOOD_MG: ("Magnesium from food", "Mg food"),
    SUPPLEMENT_MG: ("Magnesium from supplements", "Mg suppl."),
}
# The nutrient each column is an amount of, for its unit and conversion.
_NUTRIENT = {
    **{field: field for field in NUTRIENT_FIELDS},
    FOOD_MG: "magnesium_mg",
    SUPPLEMENT_MG: "magnesium_mg",
}
LABELS = {
    **{n.field: n.label for n in nutrients.NUTRIENTS.values()},
    **{column: long for column, (long, _) in _MAGNESIUM_PARTS.items()},
}
SHORT_LABELS = {
    # Energy and protein keep their word; the minerals go by symbol (K, Na, P, Ca).
    **{n.field: n.short for n in nutrients.NUTRIENTS.values()},
    **{column: short for column, (_, short) in _MAGNESIUM_PARTS.items()},
}


def unit_label(column: str, unit: str) -> str:
    return nutrients.unit_label(_NUTRIENT.get(column, column), unit)


def to_display(value_mg: float | None, column: str, unit: str) -> float | None:
    """A stored amount in the person's display unit; None and NaN stay unknown."""
    if value_mg is None or (isinstance(value_mg, float) and math.isnan(value_mg)):
        return None
    if unit in nutrients.UNIT_LABELS:
        return nutrients.in_unit(float(value_mg), _NUTRIENT.get(column, column), unit)
    return float(value_mg)


def _missing_for(column: str, totals: DayTotals) -> int:
    # Food and supplement magnesium share the magnesium gap count: intake counts
    # items lacking a magnesium value, not which kind of item they were.
    source = "magnesium_mg" if column in (FOOD_MG, SUPPLEMENT_MG) else column
    return totals.total.missing.get(source, 0)


def _value_for(column: str, totals: DayTotals) -> float | None:
    total = totals.total
    if column == FOOD_MG:
        return total.food_magnesium_mg
    if column == SUPPLEMENT_MG:
        # Only meaningful when the day has items; an empty day is unknown.
        return total.supplement_magnesium_mg if total.items else None
    return total.values.get(column)


def frames(days: list[PlanDay], totals: dict[int, DayTotals]) -> tuple[pd.DataFrame, ...]:
    """(values, missing, items): frames indexed by day id, in the plan's day order.

    `values` holds floats with NaN for unknown, `missing` the number of items
    that lacked each value, `items` the item count per day.
    """
    index = pd.Index([day.pk for day in days], name="day_id")
    values = pd.DataFrame(
        [[_value_for(c, totals[day.pk]) for c in COLUMNS] for day in days],
        index=index,
        columns=list(COLUMNS),
        dtype="float64",
    )
    missing = pd.DataFrame(
        [[_missing_for(c, totals[day.pk]) for c in COLUMNS] for day in days],
        index=index,
        columns=list(COLUMNS),
        dtype="int64",
    )
    items = pd.Series([totals[day.pk].total.items for day in days], index=index, dtype="int64")
    return values, missing, items


@dataclass(frozen=True)
class Average:
    value: float | None  # stored unit; None when no planned day had a value
    days_counted: int  # planned days that had a value
    days_unknown: int  # planned days whose items all lacked the value
    lower_bound: bool  # some counted day had items lacking the value


def averages(values: pd.DataFrame, missing: pd.DataFrame, items: pd.Series) -> dict[str, Average]:
    """Mean per nutrient over the planned days (days with at least one item)."""
    planned = items > 0
    planned_values = values[planned]
    planned_missing = missing[planned]
    means = planned_values.mean(axis=0, skipna=True)
    counted = planned_values.notna().sum(axis=0)
    # A counted day with gaps makes the mean a lower bound too.
    partial = (planned_values.notna() & (planned_missing > 0)).any(axis=0)
    result: dict[str, Average] = {}
    for column in values.columns:
        mean = means[column]
        result[column] = Average(
            value=None if pd.isna(mean) else float(mean),
            days_counted=int(counted[column]),
            days_unknown=int(planned.sum() - counted[column]),
            lower_bound=bool(partial[column]),
        )
    return result


@dataclass(frozen=True)
class Cell:
    """One day's value of one nutrient, ready for the page (display unit)."""

    value: float | None
    missing: int
    items: int
    status: str = "none"  # a clinical.readings status
    words: str = ""  # its words, e.g. "unknown — at least 116 mg"

    @property
    def empty(self) -> bool:
        return self.items == 0

    @property
    def unknown(self) -> bool:
        return self.items > 0 and self.value is None

    @property
    def lower_bound(self) -> bool:
        return self.value is not None and self.missing > 0


def status(value: float | None, missing: int, items: int, target: NutrientTarget | None) -> str:
    """A day's stored-unit value against a target: clinical.readings decides, as everywhere."""
    if target is None:
        return "none"
    return readings.status(value, missing, items, target.minimum, target.maximum)


@dataclass(frozen=True)
class Counts:
    over: int = 0
    under: int = 0
    at_least: int = 0  # lower bounds that cannot be judged yet


@dataclass
class Row:
    column: str
    label: str
    short_label: str
    unit: str
    cells: list[Cell]
    average: Average
    average_display: float | None
    target: NutrientTarget | None
    minimum: float | None  # display unit
    maximum: float | None  # display unit
    counts: Counts


@dataclass
class DayLine:
    day: PlanDay
    items: int
    cells: list[Cell]  # in the order of Week.rows


@dataclass(frozen=True)
class TargetLine:
    label: str
    minimum: float | None  # display unit
    maximum: float | None  # display unit
    unit: str
    kind: str
    source: str
    design_choice: bool = False
    note: str = ""
    reason: str = ""


@dataclass
class Week:
    plan: Plan
    days: list[PlanDay]
    totals: dict[int, DayTotals]
    values: pd.DataFrame
    missing: pd.DataFrame
    items: pd.Series
    averages: dict[str, Average]
    targets: ProfileTargets
    unit: str
    rows: list[Row] = field(default_factory=list)
    target_lines: list[TargetLine] = field(default_factory=list)
    supplement_ul: float | None = None  # mg; the UL for Mg from supplements only
    days_over_supplement_ul: int = 0

    @property
    def planned_days(self) -> int:
        return int((self.items > 0).sum())

    def row(self, column: str) -> Row:
        return next(r for r in self.rows if r.column == column)

    @property
    def lines(self) -> list[DayLine]:
        # The table draws days as rows (it grows down, not sideways, with
        # long plans); this regroups the per-nutrient cells per day.
        return [
            DayLine(day, int(self.items.iloc[i]), [row.cells[i] for row in self.rows])
            for i, day in enumerate(self.days)
        ]


def _target_for(column: str, targets: ProfileTargets) -> NutrientTarget | None:
    # Food and supplement magnesium alone have no target: the RDA is for the total.
    if column in (FOOD_MG, SUPPLEMENT_MG):
        return None
    return targets.get(column)


def build(
    plan: Plan,
    targets: ProfileTargets,
    unit: str = "mg",
    *,
    days: list[PlanDay] | None = None,
    totals: dict[int, DayTotals] | None = None,
) -> Week:
    """The week of `plan` in two queries (its days and their totals), or none when the
    caller passes the days and totals it already holds (an assessment's)."""
    if unit not in nutrients.UNIT_LABELS:
        unit = "mg"
    if days is None:
        days = list(plan.days.all())
    if totals is None:
        totals = totals_for_days([day.pk for day in days])
    values, missing, items = frames(days, totals)
    avgs = averages(values, missing, items)
    week = Week(
        plan=plan,
        days=days,
        totals=totals,
        values=values,
        missing=missing,
        items=items,
        averages=avgs,
        targets=targets,
        unit=unit,
    )
    for column in TABLE_COLUMNS:
        target = _target_for(column, targets)
        cells: list[Cell] = []
        over = under = at_least = 0
        for i in range(len(days)):
            raw = values[column].iloc[i]
            value = None if pd.isna(raw) else float(raw)
            gap = int(missing[column].iloc[i])
            count = int(items.iloc[i])
            state = status(value, gap, count, target)
            over += state == "over"
            under += state == "under"
            at_least += state == "at-least"
            shown = to_display(value, column, unit)
            amount = "" if shown is None else f"{format_amount(shown)} {unit_label(column, unit)}"
            words = readings.WORDS[state].format(value=amount)
            cells.append(Cell(shown, gap, count, state, words))
        week.rows.append(
            Row(
                column=column,
                label=LABELS[column],
                short_label=SHORT_LABELS[column],
                unit=unit_label(column, unit),
                cells=cells,
                average=avgs[column],
                average_display=to_display(avgs[column].value, column, unit),
                target=target,
                minimum=to_display(target.minimum, column, unit) if target else None,
                maximum=to_display(target.maximum, column, unit) if target else None,
                counts=Counts(over, under, at_least),
            )
        )
    for target in targets:
        week.target_lines.append(
            TargetLine(
                label=target.label,
                minimum=to_display(target.minimum, target.nutrient, unit),
                maximum=to_display(target.maximum, target.nutrient, unit),
                unit=unit_label(target.nutrient, unit),
                kind=target.kind,
                source=target.source,
                design_choice=target.design_choice,
                note=target.note,
                reason=target.reason,
            )
        )
    ul = targets.magnesium_supplement_ul
    if ul is not None:
        week.supplement_ul = ul.value_mg
        week.target_lines.append(
            TargetLine(
                label="Magnesium from supplements and medicines",
                minimum=None,
                maximum=to_display(ul.value_mg, SUPPLEMENT_MG, unit),
                unit=unit_label(SUPPLEMENT_MG, unit),
                kind="UL",
                source=ul.source,
                design_choice=ul.design_choice,
                note="Applies to supplements and medicines only, not to magnesium in food.",
            )
        )
        supplement = values[SUPPLEMENT_MG]
        week.days_over_supplement_ul = int((supplement > ul.value_mg).sum())
    return week
