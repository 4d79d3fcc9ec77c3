"""Totals against targets, ready for the screen: values in the chosen unit and meter bands."""

from __future__ import annotations

from dataclasses import dataclass

from clinical import nutrients
from clinical.nutrients import in_unit, unit_label
from planner.intake import Totals
from planner.models import Nutrient
from planner.targets import NutrientTarget, ProfileTargets

# Minerals first, then energy and protein; labels, units and mmol/mEq conversions
# come from the nutrient registry (clinical.nutrients).
SHOWN = tuple(Nutrient(n.field) for n in nutrients.MINERALS_FIRST)


@dataclass(frozen=True)
class TotalRow:
    nutrient: str
    label: str
    unit: str
    value: float | None
    missing: int
    target: NutrientTarget | None
    minimum: float | None
    maximum: float | None
    status: str  # "unknown", "below", "ok", "above", "none" (no target)
    percent: float | None  # of the minimum, or of the maximum when there is no minimum
    meter_max: float
    meter_low: float | None
    meter_high: float | None
    meter_optimum: float | None

    @property
    def has_target(self) -> bool:
        return self.target is not None


def make_row(
    nutrient: str, label: str, total_mg: float | None, missing: int, target, unit: str
) -> TotalRow:
    value = in_unit(total_mg, nutrient, unit)
    minimum = in_unit(target.minimum, nutrient, unit) if target else None
    maximum = in_unit(target.maximum, nutrient, unit) if target else None
    if target is None:
        status = "none"
    elif value is None:
        status = "unknown"
    elif maximum is not None and value > maximum:
        status = "above"
    elif minimum is not None and value < minimum:
        status = "below"
    else:
        status = "ok"
    reference = minimum if minimum is not None else maximum
    percent = None if value is None or not reference else 100 * value / reference
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
        nutrient,
        label,
        unit_label(nutrient, unit),
        value,
        missing,
        target,
        minimum,
        maximum,
        status,
        percent,
        meter_max,
        meter_low,
        maximum,
        optimum,
    )


def totals_rows(totals: Totals, targets: ProfileTargets, unit: str = "mg") -> list[TotalRow]:
    return [
        make_row(
            nutrient,
            nutrients.label(nutrient),
            totals[nutrient.value],
            totals.missing.get(nutrient.value, 0),
            targets.get(nutrient.value),
            unit,
        )
        for nutrient in SHOWN
    ]
