"""Milligrams, millimoles and milliequivalents for potassium, magnesium and sodium.

Renal dietitians often count potassium in mmol a day (50-70 mmol), labels and
food tables use mg; the app stores mg and converts for display only.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS_SOURCE = "clinical.md §6 (molar masses rounded to 0.1 g/mol)"


@dataclass(frozen=True)
class Element:
    key: str  # "k", "mg", "na": the symbol, lower case, as SupplementFacts.Mineral uses it
    name: str
    mg_per_mmol: float
    valence: int  # mEq per mmol
    source: str = UNITS_SOURCE


ELEMENTS: dict[str, Element] = {
    "k": Element("k", "potassium", 39.1, 1),
    "mg": Element("mg", "magnesium", 24.3, 2),
    "na": Element("na", "sodium", 23.0, 1),
}

# Callers name a nutrient by symbol ("k"), by name ("potassium") or by the Food
# field ("potassium_mg"); all three are in use across the app.
_ALIASES = {
    **{key: key for key in ELEMENTS},
    **{element.name: key for key, element in ELEMENTS.items()},
    **{f"{element.name}_mg": key for key, element in ELEMENTS.items()},
}

UNITS = ("mg", "mmol", "meq")
UNIT_LABELS = {"mg": "mg", "mmol": "mmol", "meq": "mEq"}

# Serum magnesium: mg/dL x 0.4114 = mmol/L (clinical.md §6); 10 / 24.305 = 0.4114.
SERUM_MG_MGDL_TO_MMOLL = 0.4114


def element(nutrient: str) -> Element:
    try:
        return ELEMENTS[_ALIASES[nutrient.strip().lower()]]
    except KeyError:
        raise ValueError(f"No mmol/mEq conversion for {nutrient!r}") from None


def _unit(unit: str) -> str:
    key = unit.strip().lower()
    if key not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}; expected one of mg, mmol, mEq")
    return key


def convert(mg: float, nutrient: str, unit: str) -> float:
    """Express an amount stored in mg in `unit` ("mg", "mmol" or "mEq")."""
    el = element(nutrient)
    unit = _unit(unit)
    if unit == "mg":
        return mg
    mmol = mg / el.mg_per_mmol
    return mmol if unit == "mmol" else mmol * el.valence


def to_mg(amount: float, nutrient: str, unit: str) -> float:
    """The inverse of convert: an amount in mg, mmol or mEq back to mg."""
    el = element(nutrient)
    unit = _unit(unit)
    if unit == "mg":
        return amount
    mmol = amount if unit == "mmol" else amount / el.valence
    return mmol * el.mg_per_mmol


def format_amount(mg: float | None, nutrient: str, unit: str = "mg") -> str:
    """Format as "3,400 mg", "87.0 mmol" or "20.0 mEq"; an unknown amount stays "unknown"."""
    unit = _unit(unit)
    if mg is None:
        return "unknown"
    value = convert(mg, nutrient, unit)
    if unit == "mg":
        return f"{value:,.0f} mg"
    return f"{value:,.1f} {UNIT_LABELS[unit]}"


def serum_mg_to_mmol_l(value: float, unit: str) -> float:
    """Serum magnesium in mmol/L from mmol/L, mg/dL or mEq/L."""
    key = unit.strip().lower()
    if key == "mmol/l":
        return value
    if key == "mg/dl":
        return value * SERUM_MG_MGDL_TO_MMOLL
    if key == "meq/l":
        return value / 2  # divalent
    raise ValueError(f"Unknown serum magnesium unit {unit!r}")


def serum_mg_from_mmol_l(mmol_l: float, unit: str) -> float:
    key = unit.strip().lower()
    if key == "mmol/l":
        return mmol_l
    if key == "mg/dl":
        return mmol_l / SERUM_MG_MGDL_TO_MMOLL
    if key == "meq/l":
        return mmol_l * 2
    raise ValueError(f"Unknown serum magnesium unit {unit!r}")


def serum_k_to_mmol_l(value: float, unit: str) -> float:
    """Serum potassium: mEq/L and mmol/L are the same number (valence 1)."""
    if unit.strip().lower() not in ("mmol/l", "meq/l"):
        raise ValueError(f"Unknown serum potassium unit {unit!r}")
    return value
