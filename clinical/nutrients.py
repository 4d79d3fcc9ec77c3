"""The nutrient registry, and milligrams, millimoles and milliequivalents.

One row per stored nutrient (clinical/data/nutrients.toml): its Food field,
label, short label, unit, element, molar mass and valence. Every page,
export and form reads a nutrient's label and unit here, and every mmol/mEq
figure comes from the molar mass here.

Renal dietitians often count potassium in mmol a day (50-70 mmol), labels and
food tables use mg; the app stores mg and converts for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.loader import data_file, rows, section, unique

NUTRIENTS_FILE = data_file("nutrients.toml")

UNITS = ("mg", "mmol", "meq")
UNIT_LABELS = {"mg": "mg", "mmol": "mmol", "meq": "mEq"}


@dataclass(frozen=True)
class Nutrient:
    field: str  # the Food column: "potassium_mg"
    label: str  # "Potassium"
    short: str  # "K"
    unit: str  # the stored unit: "mg", "kcal", "g"
    element: str | None  # the symbol, lower case, as SupplementFacts.Mineral uses it: "k"
    molar_mass: float | None  # g/mol, which is also mg per mmol
    valence: int | None  # mEq per mmol
    convertible: bool  # whether the app offers mmol and mEq for it
    source: str = ""

    @property
    def key(self) -> str | None:
        return self.element

    @property
    def name(self) -> str:
        """The element's name as it reads in a sentence: "potassium"."""
        return self.label.lower()

    @property
    def mg_per_mmol(self) -> float:
        if self.molar_mass is None:
            raise ValueError(f"No molar mass for {self.field!r}")
        return self.molar_mass


@dataclass(frozen=True)
class Registry:
    nutrients: dict[str, Nutrient]  # by field, in Food's column order
    serum_mg_mgdl_to_mmoll: float
    source: str


@cache
def load(path: Path = NUTRIENTS_FILE) -> Registry:
    sources = section(path, "sources").values
    found: dict[str, Nutrient] = {}
    for row in rows(path, "nutrients", label="field"):
        row.only(
            "field", "label", "short", "unit", "element", "molar_mass", "valence", "convertible",
            "source",
        )  # fmt: skip
        source_key = row.text("source", "")
        if source_key and source_key not in sources:
            row.fail(f"unknown source {source_key!r}")
        convertible = row.flag("convertible")
        molar_mass = row.number("molar_mass", None, minimum=1.0)
        valence = row.number("valence", None, minimum=1.0)
        if convertible and (molar_mass is None or valence is None):
            row.fail("a convertible nutrient needs a molar_mass and a valence")
        nutrient = Nutrient(
            field=row.text("field"),
            label=row.text("label"),
            short=row.text("short"),
            unit=row.choice("unit", ("mg", "g", "kcal")),
            element=row.text("element", None),
            molar_mass=molar_mass,
            valence=None if valence is None else int(valence),
            convertible=convertible,
            source=sources[source_key]["text"] if source_key else "",
        )
        found[nutrient.field] = nutrient
    unique(path, "field", [r.field for r in found.values()])
    serum = section(path, "serum")
    return Registry(found, serum.number("mg_mgdl_to_mmoll"), sources["units"]["text"])


_REGISTRY = load()
NUTRIENTS: dict[str, Nutrient] = _REGISTRY.nutrients
FIELDS: tuple[str, ...] = tuple(NUTRIENTS)
# Minerals first, then energy and protein: the order of target tables and totals.
MINERALS_FIRST: tuple[Nutrient, ...] = tuple(
    sorted(NUTRIENTS.values(), key=lambda n: n.element is None)
)
UNITS_SOURCE = _REGISTRY.source
SERUM_MG_MGDL_TO_MMOLL = _REGISTRY.serum_mg_mgdl_to_mmoll

# The nutrients with an mmol/mEq conversion, by symbol ("k"), as the app names them.
ELEMENTS: dict[str, Nutrient] = {
    n.element: n for n in NUTRIENTS.values() if n.convertible and n.element is not None
}
# Callers name a nutrient by symbol ("k"), by name ("potassium") or by the Food
# field ("potassium_mg"); all three are in use across the app.
_ALIASES = {
    **{key: key for key in ELEMENTS},
    **{n.name: key for key, n in ELEMENTS.items()},
    **{n.field: key for key, n in ELEMENTS.items()},
}


def nutrient(field: str) -> Nutrient:
    try:
        return NUTRIENTS[field]
    except KeyError:
        raise ValueError(f"Unknown nutrient {field!r}") from None


def label(field: str) -> str:
    return nutrient(field).label


def stored_unit(field: str) -> str:
    return nutrient(field).unit


def is_convertible(field: str) -> bool:
    """Whether the app shows this nutrient in mmol and mEq when the person asks."""
    known = NUTRIENTS.get(field)
    return known is not None and known.convertible


def element(name: str) -> Nutrient:
    try:
        return ELEMENTS[_ALIASES[name.strip().lower()]]
    except KeyError:
        raise ValueError(f"No mmol/mEq conversion for {name!r}") from None


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


def in_unit(value: float | None, field: str, unit: str) -> float | None:
    """A stored amount in the display unit; nutrients without a conversion keep theirs."""
    if value is None or unit == "mg" or not is_convertible(field):
        return value
    return convert(value, field, unit)


def unit_label(field: str, unit: str) -> str:
    """The unit an amount of `field` is shown in when the person chose `unit`."""
    if is_convertible(field):
        return UNIT_LABELS.get(unit, "mg")
    known = NUTRIENTS.get(field)
    return known.unit if known is not None else "mg"


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
        return value / ELEMENTS["mg"].valence
    raise ValueError(f"Unknown serum magnesium unit {unit!r}")


def serum_mg_from_mmol_l(mmol_l: float, unit: str) -> float:
    key = unit.strip().lower()
    if key == "mmol/l":
        return mmol_l
    if key == "mg/dl":
        return mmol_l / SERUM_MG_MGDL_TO_MMOLL
    if key == "meq/l":
        return mmol_l * ELEMENTS["mg"].valence
    raise ValueError(f"Unknown serum magnesium unit {unit!r}")


def serum_k_to_mmol_l(value: float, unit: str) -> float:
    """Serum potassium: mEq/L and mmol/L are the same number (valence 1)."""
    if unit.strip().lower() not in ("mmol/l", "meq/l"):
        raise ValueError(f"Unknown serum potassium unit {unit!r}")
    return value
