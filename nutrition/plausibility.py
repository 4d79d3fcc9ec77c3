"""Plausible values for a food, as data with the reason for each bound.

A curator's form, the CSV import and the user-food form all ask `food_problems`,
so a value is judged the same way wherever it comes from. The ceilings are
physical, not typical: they sit at the richest food-grade substance there is,
so a real food never trips them, while the usual slips (µg typed as mg, per kg
typed as per 100 g, a value in the wrong column) do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from clinical import nutrients

# Units and labels of the per-100 g fields, for messages: the nutrient registry's.
UNITS = {n.field: n.unit for n in nutrients.NUTRIENTS.values()}
LABELS = {n.field: n.label for n in nutrients.NUTRIENTS.values()}


@dataclass(frozen=True)
class Ceiling:
    field: str
    per_100g: float
    reason: str


# What 100 g of a food (kind "food") can hold at most.
FOOD_CEILINGS: dict[str, Ceiling] = {
    c.field: c
    for c in (
        Ceiling(
            "energy_kcal",
            902,
            "Pure fat is the densest energy in food: 9.02 kcal/g by the Atwater specific "
            "factor that SR uses (SR24 beef tallow: 902 kcal per 100 g).",
        ),
        Ceiling("protein_g", 100, "100 g of food cannot hold more than 100 g of protein."),
        Ceiling(
            "magnesium_mg",
            60_300,
            "Magnesium oxide, the richest food-grade magnesium salt (additive E530), is "
            "60.3 % Mg (clinical.md §5); whole foods stay under 1,000 mg (rice bran 781 mg).",
        ),
        Ceiling(
            "potassium_mg",
            52_500,
            "Potassium chloride (salt substitutes) is 52.4 % K by atomic weights "
            "(39.10 / 74.55); no food-grade potassium salt is richer.",
        ),
        Ceiling(
            "sodium_mg",
            40_000,
            "Table salt is 39.3 % Na (22.99 / 58.44); SR24 'Salt, table' holds 38,758 mg.",
        ),
        Ceiling(
            "phosphorus_mg",
            32_000,
            "Phosphoric acid (E338) is 31.6 % P (30.97 / 98.00), above any food-grade "
            "phosphate salt; SR24's richest food, baking powder, holds 9,918 mg.",
        ),
        Ceiling(
            "calcium_mg",
            40_000,
            "Calcium carbonate is 40.0 % Ca (40.08 / 100.09), the richest food-grade calcium salt.",
        ),
    )
}

# Supplements are judged per unit (tablet, capsule, sachet), where their label speaks:
# their per-100 g values rest on a nominal unit weight and can be anything up to the
# physical limit below.
SUPPLEMENT_MAX_ELEMENTAL_MG_PER_UNIT = 2_000.0
SUPPLEMENT_MAX_REASON = (
    "The largest single units on the market carry under 1,000 mg of elemental Mg or K "
    "(25 mEq potassium effervescent tablet: 978 mg; magnesium tablets: at most ~500 mg); "
    "2,000 mg leaves room for a 40 mEq (1,564 mg) potassium sachet."
)
SUPPLEMENT_MAX_PER_100G = 100_000.0
SUPPLEMENT_MAX_PER_100G_REASON = "100 g cannot hold more than 100 g (100,000 mg) of anything."


def _number(value: float) -> str:
    return f"{value:,.10g}"


def value_problems(kind: str, values: Mapping[str, float | None]) -> list[tuple[str, str]]:
    """(field, message) for every implausible per-100 g value; None (unknown) is fine."""
    problems: list[tuple[str, str]] = []
    supplement = kind == "supplement"
    for field, ceiling in FOOD_CEILINGS.items():
        value = values.get(field)
        if value is None:
            continue
        label, unit = LABELS[field], UNITS[field]
        if value < 0:
            problems.append((field, f"{label} cannot be negative; leave it empty if unknown."))
            continue
        if supplement and unit == "mg":
            if value > SUPPLEMENT_MAX_PER_100G:
                problems.append(
                    (
                        field,
                        f"{label} of {_number(value)} mg per 100 g is impossible: "
                        f"{SUPPLEMENT_MAX_PER_100G_REASON}",
                    )
                )
        elif value > ceiling.per_100g:
            problems.append(
                (
                    field,
                    f"{label} of {_number(value)} {unit} per 100 g is above the most any food "
                    f"can hold ({_number(ceiling.per_100g)} {unit}): {ceiling.reason} "
                    "Check the unit (mg, not µg) and that the value is per 100 g.",
                )
            )
    if not supplement and not problems:
        # Everything that is weighed in a food together cannot weigh more than the food.
        grams = (values.get("protein_g") or 0) + sum(
            (values.get(field) or 0) / 1000 for field, unit in UNITS.items() if unit == "mg"
        )
        if grams > 100:
            problems.append(
                (
                    "protein_g",
                    f"Protein and minerals together weigh {grams:,.1f} g per 100 g of food, "
                    "more than the food itself.",
                )
            )
    return problems


def elemental_per_unit_problems(elemental_mg: float | None) -> list[str]:
    if elemental_mg is None:
        return []
    if elemental_mg < 0:
        return ["The elemental amount per unit cannot be negative."]
    if elemental_mg > SUPPLEMENT_MAX_ELEMENTAL_MG_PER_UNIT:
        return [
            f"{_number(elemental_mg)} mg of elemental mineral in one unit is more than any "
            f"product holds (at most {_number(SUPPLEMENT_MAX_ELEMENTAL_MG_PER_UNIT)} mg): "
            f"{SUPPLEMENT_MAX_REASON} Enter the elemental mg per single unit, not per "
            "bottle or per day."
        ]
    return []


def ceiling_rows() -> Iterable[tuple[str, str, str]]:
    """(nutrient, limit, reason) rows for the admin's help text and the README."""
    for field, ceiling in FOOD_CEILINGS.items():
        yield LABELS[field], f"{_number(ceiling.per_100g)} {UNITS[field]} per 100 g", ceiling.reason
    yield (
        "Supplements: elemental Mg or K",
        f"{_number(SUPPLEMENT_MAX_ELEMENTAL_MG_PER_UNIT)} mg per unit",
        SUPPLEMENT_MAX_REASON,
    )
