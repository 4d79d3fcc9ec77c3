"""Per-serving potassium and phosphorus classes used in renal diet education
(clinical/data/nkf_classes.toml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.loader import DataError, data_file, rows, section, sources, unique

CLASSES_FILE = data_file("nkf_classes.toml")


@dataclass(frozen=True)
class ServingClass:
    key: str
    label: str
    upper_mg: float | None  # None: no upper bound


@dataclass(frozen=True)
class Classes:
    potassium: tuple[ServingClass, ...]
    phosphorus: tuple[ServingClass, ...]
    high_potassium_item_mg: float
    potassium_source: str
    phosphorus_source: str


def _classes(path: Path, key: str) -> tuple[ServingClass, ...]:
    found = []
    for row in rows(path, key, label="key"):
        row.only("key", "label", "upper_mg")
        found.append(ServingClass(row.text("key"), row.text("label"), row.number("upper_mg", None)))
    unique(path, f"{key} class", [c.key for c in found])
    uppers = [c.upper_mg for c in found]
    # Only the last class is open-ended, and the bounds rise: _classify relies on both.
    if None in uppers[:-1] or uppers[-1] is not None or uppers[:-1] != sorted(uppers[:-1]):
        raise DataError(f"{path.name}: {key}: upper_mg must rise, and only the last has none")
    return tuple(found)


@cache
def load(path: Path = CLASSES_FILE) -> Classes:
    potassium = _classes(path, "potassium")
    by_key = {c.key: c for c in potassium}
    high = section(path, "high_potassium_item")
    above = by_key[high.choice("above", [c.key for c in potassium if c.upper_mg is not None])]
    cited = sources(path)
    return Classes(
        potassium,
        _classes(path, "phosphorus"),
        float(above.upper_mg),  # type: ignore[arg-type]
        cited["potassium"],
        cited["phosphorus"],
    )


_CLASSES = load()
POTASSIUM_CLASSES = _CLASSES.potassium
PHOSPHORUS_CLASSES = _CLASSES.phosphorus
HIGH_POTASSIUM_ITEM_MG = _CLASSES.high_potassium_item_mg
POTASSIUM_CLASS_SOURCE = _CLASSES.potassium_source
PHOSPHORUS_CLASS_SOURCE = _CLASSES.phosphorus_source


def _classify(value_mg: float | None, classes: tuple[ServingClass, ...]) -> ServingClass | None:
    if value_mg is None:
        return None
    for serving_class in classes:
        if serving_class.upper_mg is None or value_mg <= serving_class.upper_mg:
            return serving_class
    return None


def potassium_class(mg_per_serving: float | None) -> ServingClass | None:
    return _classify(mg_per_serving, POTASSIUM_CLASSES)


def phosphorus_class(mg_per_serving: float | None) -> ServingClass | None:
    return _classify(mg_per_serving, PHOSPHORUS_CLASSES)
