"""Display rows for a food's nutrients in a chosen amount and unit."""

from __future__ import annotations

from dataclasses import dataclass

from nutrition.models import Food
from nutrition.units import convert

# (field, label, unit in storage, element symbol for mmol/mEq conversion)
NUTRIENT_META = (
    ("energy_kcal", "Energy", "kcal", None),
    ("protein_g", "Protein", "g", None),
    ("magnesium_mg", "Magnesium", "mg", "mg"),
    ("potassium_mg", "Potassium", "mg", "k"),
    ("sodium_mg", "Sodium", "mg", "na"),
    ("phosphorus_mg", "Phosphorus", "mg", None),
    ("calcium_mg", "Calcium", "mg", None),
)
UNIT_LABELS = {"mg": "mg", "mmol": "mmol", "meq": "mEq"}


@dataclass(frozen=True)
class NutrientRow:
    field: str
    label: str
    unit: str
    per_100g: float | None
    per_amount: float | None


def nutrient_rows(food: Food, grams: float, unit: str = "mg") -> list[NutrientRow]:
    rows = []
    for field, label, stored_unit, element in NUTRIENT_META:
        per_100g = getattr(food, field)
        per_amount = None if per_100g is None else per_100g * grams / 100
        shown_unit = stored_unit
        if element and unit != "mg":
            per_100g = None if per_100g is None else convert(per_100g, element, unit)
            per_amount = None if per_amount is None else convert(per_amount, element, unit)
            shown_unit = UNIT_LABELS[unit]
        rows.append(NutrientRow(field, label, shown_unit, per_100g, per_amount))
    return rows
