"""The citations and cut-offs of the warning rules (clinical/data/rules.toml).

planner.warnings decides when a warning fires; the numbers it compares
against and the sources it cites are here, beside the other clinical data,
so the warning catalogue (clinical.catalogue) prints the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical import classes, targets
from clinical.loader import Row, data_file, section

RULES_FILE = data_file("rules.toml")


@dataclass(frozen=True)
class Rules:
    citations: dict[str, str]
    k_supplement_risk_statuses: frozenset[str]
    suggestion_min_per_portion: dict[str, float]
    suggestion_max_k_per_portion: float


@cache
def load(path: Path = RULES_FILE) -> Rules:
    citations = {}
    for key, value in section(path, "citations").values.items():
        row = Row(path, f"[citations] {key}", value)
        row.only("text", "evidence")
        row.evidence()
        citations[key] = row.text("text")
    k_supplement = section(path, "k_supplement")
    k_supplement.only("risk_statuses")
    statuses = k_supplement.texts("risk_statuses")
    for code in statuses:
        if code not in targets.KIDNEY_STATUSES:
            k_supplement.fail(f"unknown kidney status {code!r}")
    suggestions = section(path, "suggestions")
    suggestions.only("min_magnesium_mg", "min_potassium_mg", "max_potassium_class")
    by_key = {c.key: c for c in classes.POTASSIUM_CLASSES if c.upper_mg is not None}
    top = by_key[suggestions.choice("max_potassium_class", by_key)].upper_mg
    return Rules(
        citations,
        frozenset(statuses),
        {
            "mg": suggestions.number("min_magnesium_mg"),
            "k": suggestions.number("min_potassium_mg"),
        },
        float(top),  # type: ignore[arg-type]
    )


_RULES = load()
HUANG_KUO = _RULES.citations["huang_kuo"]
KCL_LABEL = _RULES.citations["kcl_label"]
BEN_SALEM = _RULES.citations["ben_salem"]
FDA_PPI = _RULES.citations["fda_ppi"]
K_SUPPLEMENT_RISK_STATUSES = _RULES.k_supplement_risk_statuses
SUGGESTION_MIN_PER_PORTION = _RULES.suggestion_min_per_portion
SUGGESTION_MAX_K_PER_PORTION = _RULES.suggestion_max_k_per_portion
# The eGFR cut-offs live with the KDIGO categories they are bounds of.
LOW_EGFR = targets.LOW_EGFR
REDUCED_EGFR = targets.REDUCED_EGFR
K_SUPPLEMENT_RISK_EGFR = targets.K_SUPPLEMENT_RISK_EGFR
