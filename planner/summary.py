"""Totals against targets, ready for the screen: values in the chosen unit and meter bands."""

from __future__ import annotations

from dataclasses import dataclass

from clinical import nutrients
from clinical.nutrients import in_unit, unit_label
from clinical.readings import Reading
from nutrition.templatetags.nutrients import format_amount
from planner.assessment import READ
from planner.targets import NutrientTarget, ProfileTargets

# Labels, units and mmol/mEq conversions come from the nutrient registry (clinical.nutrients).
SHOWN = READ


@dataclass(frozen=True)
class TotalRow:
    """One reading (clinical.readings) in the viewer's unit, with what the meter needs."""

    reading: Reading  # in stored units: the status is decided there, once
    label: str
    unit: str
    value: float | None  # display unit, as are the bounds below
    target: NutrientTarget | None
    minimum: float | None
    maximum: float | None
    meter_max: float
    meter_low: float | None
    meter_high: float | None
    meter_optimum: float | None

    @property
    def nutrient(self) -> str:
        return self.reading.nutrient

    @property
    def missing(self) -> int:
        return self.reading.missing

    @property
    def status(self) -> str:
        return self.reading.status

    @property
    def percent(self) -> float | None:
        return self.reading.percent

    @property
    def words(self) -> str:
        """The status in words, e.g. "over the limit" or "unknown — at least 116 mg"."""
        amount = "" if self.value is None else f"{format_amount(self.value)} {self.unit}"
        return self.reading.words(amount)

    @property
    def has_target(self) -> bool:
        return self.target is not None


def make_row(reading: Reading, label: str, target: NutrientTarget | None, unit: str) -> TotalRow:
    nutrient = reading.nutrient
    value = in_unit(reading.value, nutrient, unit)
    minimum = in_unit(reading.minimum, nutrient, unit)
    maximum = in_unit(reading.maximum, nutrient, unit)
    bound = max(x for x in (minimum, maximum, value, 1.0) if x is not None)
    meter_max = bound * 1.25
    if minimum is not None and maximum is not None:
        optimum = (minimum + maximum) / 2
    elif minimum is not None:
        optimum = meter_max
    elif maximum is not None:
        optimum = 0.0
    else:
        optimum = None
    # With only a limit, the bar turns amber from 80 % of it and red above it [D].
    meter_low = minimum if minimum is not None else (maximum * 0.8 if maximum else None)
    return TotalRow(
        reading,
        label,
        unit_label(nutrient, unit),
        value,
        target,
        minimum,
        maximum,
        meter_max,
        meter_low,
        maximum,
        optimum,
    )


def rows_for(
    readings: dict[str, Reading], targets: ProfileTargets, unit: str = "mg"
) -> list[TotalRow]:
    """The rows of an assessment (planner.assessment) in the viewer's unit."""
    return [
        make_row(readings[n.value], nutrients.label(n), targets.get(n.value), unit)
        for n in SHOWN
        if n.value in readings
    ]
