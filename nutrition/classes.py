"""Per-serving potassium and phosphorus classes used in renal diet education."""

from __future__ import annotations

from dataclasses import dataclass

# NKF renal education (clinical.md §3): per serving, "high potassium" means
# more than 200 mg. Classes are by upper bound, inclusive.
POTASSIUM_CLASS_SOURCE = "National Kidney Foundation, potassium in your CKD diet"
PHOSPHORUS_CLASS_SOURCE = "Renal education handouts (secondary), clinical.md §3"


@dataclass(frozen=True)
class ServingClass:
    key: str
    label: str
    upper_mg: float | None  # None: no upper bound


POTASSIUM_CLASSES = (
    ServingClass("low", "Low potassium", 100),
    ServingClass("medium", "Medium potassium", 200),
    ServingClass("high", "High potassium", 300),
    ServingClass("very-high", "Very high potassium", None),
)
# Low is "< 50 mg"; 50 itself falls in medium, the usual reading of "51-100".
PHOSPHORUS_CLASSES = (
    ServingClass("low", "Low phosphorus", 49.999),
    ServingClass("medium", "Medium phosphorus", 100),
    ServingClass("high", "High phosphorus", None),
)
HIGH_POTASSIUM_ITEM_MG = 200.0


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
