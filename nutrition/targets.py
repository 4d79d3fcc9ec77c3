"""Daily targets, upper limits, serum thresholds and renal limits, as data.

Every row carries its source and an evidence tag from clinical.md:
"P" read in the primary source, "S" seen in a secondary copy that cites it,
"D" a design choice of this project. The UI shows the source beside the
number and labels design choices as such (`design_choice`).

Ages are years as a float, so infants fit: 0.25 is three months. A life stage
covers [min_years, max_years): "0-6 months" is 0 <= age < 0.5, "19-30 y" is
19 <= age < 31.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Evidence = Literal["P", "S", "D"]
TargetKind = Literal["RDA", "AI", "UL"]
Level = Literal["ok", "info", "caution", "danger"]

MG_DRI_SOURCE = (
    "IOM 1997, DRI for Calcium, Phosphorus, Magnesium, Vitamin D and Fluoride; "
    "reproduced in NASEM 2019 Appendix J"
)
MG_UL_SOURCE = "IOM 1997 (UL for magnesium from supplements and medicines only)"
K_AI_SOURCE = "NASEM 2019, DRI for Sodium and Potassium, Table S-1"
SERUM_MG_SOURCE = "IOM 1997 (normal serum Mg 0.75-0.95 mmol/L); labs differ"
SERUM_K_SOURCE = "Usual clinical grading of hypo- and hyperkalaemia (clinical.md §7)"
KDIGO_SOURCE = "KDIGO 2012 CKD guideline, GFR categories"


@dataclass(frozen=True)
class LifeStage:
    code: str
    label: str
    min_years: float
    max_years: float  # exclusive

    def contains(self, age_years: float) -> bool:
        return self.min_years <= age_years < self.max_years


# The DRI life stages shared by the magnesium and potassium tables.
LIFE_STAGES = (
    LifeStage("0-6m", "0-6 months", 0.0, 0.5),
    LifeStage("7-12m", "7-12 months", 0.5, 1.0),
    LifeStage("1-3y", "1-3 years", 1.0, 4.0),
    LifeStage("4-8y", "4-8 years", 4.0, 9.0),
    LifeStage("9-13y", "9-13 years", 9.0, 14.0),
    LifeStage("14-18y", "14-18 years", 14.0, 19.0),
    LifeStage("19-30y", "19-30 years", 19.0, 31.0),
    LifeStage("31-50y", "31-50 years", 31.0, 51.0),
    LifeStage("51+y", "51 years and over", 51.0, math.inf),
)
_STAGES = {stage.code: stage for stage in LIFE_STAGES}
# Pregnancy and lactation values exist for 14-18, 19-30 and 31-50 only.
_REPRODUCTIVE_STAGES = ("14-18y", "19-30y", "31-50y")


def life_stage(age_years: float) -> LifeStage:
    if age_years is None or math.isnan(age_years) or age_years < 0:
        raise ValueError(f"Age must be a number of years >= 0, got {age_years!r}")
    for stage in LIFE_STAGES:
        if stage.contains(age_years):
            return stage
    raise AssertionError("LIFE_STAGES covers every age >= 0")


@dataclass(frozen=True)
class Target:
    value_mg: float
    kind: TargetKind
    source: str
    evidence: Evidence
    life_stage: str  # LifeStage.code
    note: str = ""

    @property
    def design_choice(self) -> bool:
        return self.evidence == "D"


@dataclass(frozen=True)
class IntakeRow:
    """One life stage of a DRI table; None where the table has no value."""

    stage: str
    male: float
    female: float
    pregnancy: float | None
    lactation: float | None
    kind: TargetKind


# clinical.md §1. Infant values are Adequate Intakes, the rest RDAs.
MAGNESIUM_DRI = {
    row.stage: row
    for row in (
        IntakeRow("0-6m", 30, 30, None, None, "AI"),
        IntakeRow("7-12m", 75, 75, None, None, "AI"),
        IntakeRow("1-3y", 80, 80, None, None, "RDA"),
        IntakeRow("4-8y", 130, 130, None, None, "RDA"),
        IntakeRow("9-13y", 240, 240, None, None, "RDA"),
        IntakeRow("14-18y", 410, 360, 400, 360, "RDA"),
        IntakeRow("19-30y", 400, 310, 350, 310, "RDA"),
        IntakeRow("31-50y", 420, 320, 360, 320, "RDA"),
        IntakeRow("51+y", 420, 320, None, None, "RDA"),
    )
}

# clinical.md §1: no UL is set for infants; it covers supplemental Mg only.
MAGNESIUM_UL = {
    "1-3y": 65,
    "4-8y": 110,
    "9-13y": 350,
    "14-18y": 350,
    "19-30y": 350,
    "31-50y": 350,
    "51+y": 350,
}
MAGNESIUM_UL_NOTE = (
    "Applies to magnesium from supplements and medicines (antacids, laxatives) only; "
    "magnesium in food has no upper limit. Too much causes diarrhoea."
)

# clinical.md §2. All Adequate Intakes; NASEM 2019 sets no UL for potassium.
POTASSIUM_AI = {
    row.stage: row
    for row in (
        IntakeRow("0-6m", 400, 400, None, None, "AI"),
        IntakeRow("7-12m", 860, 860, None, None, "AI"),
        IntakeRow("1-3y", 2000, 2000, None, None, "AI"),
        IntakeRow("4-8y", 2300, 2300, None, None, "AI"),
        IntakeRow("9-13y", 2500, 2300, None, None, "AI"),
        IntakeRow("14-18y", 3000, 2300, 2600, 2500, "AI"),
        IntakeRow("19-30y", 3400, 2600, 2900, 2800, "AI"),
        IntakeRow("31-50y", 3400, 2600, 2900, 2800, "AI"),
        IntakeRow("51+y", 3400, 2600, None, None, "AI"),
    )
}
POTASSIUM_AI_NOTE = (
    "Does not apply when potassium excretion is impaired (kidney disease, or medicines "
    "that hold potassium back); then the renal limit is the target."
)


def _intake(
    table: dict[str, IntakeRow],
    age_years: float,
    sex: str,
    pregnant: bool,
    lactating: bool,
    source: str,
) -> Target:
    stage = life_stage(age_years)
    sex = sex.strip().lower()
    if sex not in ("male", "female"):
        raise ValueError(f"The DRI tables are by sex at birth: 'male' or 'female', not {sex!r}")
    # Pregnancy and lactation are read only for women; pregnancy wins if both are set.
    state = None
    if sex == "female" and pregnant:
        state = "pregnancy"
    elif sex == "female" and lactating:
        state = "lactation"
    if state is None:
        row = table[stage.code]
        return Target(getattr(row, sex), row.kind, source, "P", stage.code)
    # The tables have pregnancy and lactation values for 14-50 y only. Younger
    # girls get the 14-18 row and women over 50 the 31-50 row [D].
    code = stage.code
    note = ""
    if code not in _REPRODUCTIVE_STAGES:
        code = "14-18y" if stage.max_years <= 14 else "31-50y"
        note = f"No {state} value for {stage.label}; the {_STAGES[code].label} value is used."
    row = table[code]
    value = getattr(row, state)
    return Target(value, row.kind, source, "D" if note else "P", code, note)


def magnesium_target(
    age_years: float, sex: str, pregnant: bool = False, lactating: bool = False
) -> Target:
    """The magnesium RDA (AI for infants) for one person, mg/day."""
    return _intake(MAGNESIUM_DRI, age_years, sex, pregnant, lactating, MG_DRI_SOURCE)


def magnesium_ul(age_years: float) -> Target | None:
    """The upper limit for supplemental magnesium, or None where none is set (infants)."""
    stage = life_stage(age_years)
    value = MAGNESIUM_UL.get(stage.code)
    if value is None:
        return None
    return Target(value, "UL", MG_UL_SOURCE, "S", stage.code, MAGNESIUM_UL_NOTE)


def potassium_target(
    age_years: float, sex: str, pregnant: bool = False, lactating: bool = False
) -> Target:
    """The potassium Adequate Intake for one person, mg/day (see POTASSIUM_AI_NOTE)."""
    target = _intake(POTASSIUM_AI, age_years, sex, pregnant, lactating, K_AI_SOURCE)
    note = f"{target.note} {POTASSIUM_AI_NOTE}".strip()
    return Target(
        target.value_mg, target.kind, target.source, target.evidence, target.life_stage, note
    )


# --- Serum thresholds (mmol/L) -------------------------------------------------

HYPOMAGNESAEMIA_DEFAULT_MMOL_L = 0.75  # labs differ: callers may pass their lab's value
SERUM_MG_UPPER_NORMAL_MMOL_L = 0.95
HYPOKALAEMIA_MMOL_L = 3.5
HYPERKALAEMIA_MMOL_L = 5.0


@dataclass(frozen=True)
class SerumBand:
    code: str
    label: str
    level: Level
    low: float | None  # None: no lower bound
    low_inclusive: bool
    high: float | None  # None: no upper bound
    high_inclusive: bool
    source: str
    evidence: Evidence = "P"

    def contains(self, value: float) -> bool:
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )

    @property
    def design_choice(self) -> bool:
        return self.evidence == "D"


def _k_band(
    code: str,
    label: str,
    level: Level,
    low: float | None,
    low_inc: bool,
    high: float | None,
    high_inc: bool,
) -> SerumBand:
    return SerumBand(code, label, level, low, low_inc, high, high_inc, SERUM_K_SOURCE, "S")


# Hypokalaemia < 3.5 (mild 3.0-3.4, moderate 2.5-2.9, severe < 2.5);
# hyperkalaemia > 5.0 (moderate >= 6.0, severe > 6.5). clinical.md §7.
POTASSIUM_BANDS = (
    _k_band("hypokalaemia-severe", "Severe hypokalaemia", "danger", None, False, 2.5, False),
    _k_band("hypokalaemia-moderate", "Moderate hypokalaemia", "danger", 2.5, True, 3.0, False),
    _k_band("hypokalaemia-mild", "Mild hypokalaemia", "caution", 3.0, True, 3.5, False),
    _k_band("normal", "Normal", "ok", 3.5, True, 5.0, True),
    _k_band("hyperkalaemia-mild", "Mild hyperkalaemia", "caution", 5.0, False, 6.0, False),
    _k_band("hyperkalaemia-moderate", "Moderate hyperkalaemia", "danger", 6.0, True, 6.5, True),
    _k_band("hyperkalaemia-severe", "Severe hyperkalaemia", "danger", 6.5, False, None, False),
)


def classify_serum_potassium(mmol_l: float) -> SerumBand:
    for band in POTASSIUM_BANDS:
        if band.contains(mmol_l):
            return band
    raise ValueError(f"Serum potassium {mmol_l!r} is not a number")


def magnesium_bands(low_mmol_l: float = HYPOMAGNESAEMIA_DEFAULT_MMOL_L) -> tuple[SerumBand, ...]:
    """Serum magnesium bands; `low_mmol_l` is the lab's lower reference limit."""
    # Another lab's limit is the user's choice, not IOM's figure.
    evidence: Evidence = "P" if low_mmol_l == HYPOMAGNESAEMIA_DEFAULT_MMOL_L else "D"
    upper = SERUM_MG_UPPER_NORMAL_MMOL_L
    return (
        _mg_band(
            "hypomagnesaemia", "Low magnesium", "caution", None, False, low_mmol_l, False, evidence
        ),
        _mg_band("normal", "Normal", "ok", low_mmol_l, True, upper, True, evidence),
        _mg_band(
            "above-range", "Above the normal range", "caution", upper, False, None, False, "P"
        ),
    )


def _mg_band(
    code: str,
    label: str,
    level: Level,
    low: float | None,
    low_inc: bool,
    high: float | None,
    high_inc: bool,
    evidence: Evidence,
) -> SerumBand:
    return SerumBand(code, label, level, low, low_inc, high, high_inc, SERUM_MG_SOURCE, evidence)


def classify_serum_magnesium(
    mmol_l: float, low_mmol_l: float = HYPOMAGNESAEMIA_DEFAULT_MMOL_L
) -> SerumBand:
    for band in magnesium_bands(low_mmol_l):
        if band.contains(mmol_l):
            return band
    raise ValueError(f"Serum magnesium {mmol_l!r} is not a number")


# --- Kidney disease -------------------------------------------------------------

# Codes as planner.models.KidneyStatus stores them.
KIDNEY_STATUSES = {
    "none": "No known kidney disease",
    "g1": "CKD G1 (eGFR >= 90)",
    "g2": "CKD G2 (eGFR 60-89)",
    "g3a": "CKD G3a (eGFR 45-59)",
    "g3b": "CKD G3b (eGFR 30-44)",
    "g4": "CKD G4 (eGFR 15-29)",
    "g5": "CKD G5 (eGFR < 15), not on dialysis",
    "hd": "Hemodialysis",
    "pd": "Peritoneal dialysis",
    "transplant": "Kidney transplant",
}

# KDIGO 2012 GFR categories, mL/min/1.73 m²: (lower bound inclusive, category).
EGFR_CATEGORIES = ((90, "g1"), (60, "g2"), (45, "g3a"), (30, "g3b"), (15, "g4"), (0, "g5"))


def kidney_status(code: str) -> str:
    key = code.strip().lower()
    if key not in KIDNEY_STATUSES:
        raise ValueError(f"Unknown kidney status {code!r}")
    return key


def egfr_category(egfr: float) -> str:
    """The KDIGO G category (KDIGO_SOURCE) for an eGFR; dialysis is a separate status."""
    if egfr < 0:
        raise ValueError("eGFR cannot be negative")
    for lower, category in EGFR_CATEGORIES:
        if egfr >= lower:
            return category
    raise AssertionError("EGFR_CATEGORIES ends at 0")


def hyperkalaemia_risk(serum_k_mmol_l: float | None, takes_k_raising_medicine: bool) -> bool:
    """The "hyperkalaemia risk" of the renal table: serum K > 5.0 or a K-raising drug."""
    high_serum = serum_k_mmol_l is not None and serum_k_mmol_l > HYPERKALAEMIA_MMOL_L
    return high_serum or takes_k_raising_medicine


@dataclass(frozen=True)
class Limit:
    nutrient: str  # Food field name: "potassium_mg", "sodium_mg", "phosphorus_mg"
    max_mg: float
    shown_range: tuple[float, float] | None
    source: str
    design_choice: bool
    note: str = ""


K_LIMIT_SOURCE = (
    "Project default [D]. Practice figures [S]: hemodialysis 2,000-3,000 mg and peritoneal "
    "dialysis 3,000-4,000 mg (NKF Council on Renal Nutrition 2002), CKD G3-G4 2,000-4,000 mg "
    "(KDOQI 2004). KDOQI 2020 asks for an individual target that keeps serum K normal [P]."
)
NA_LIMIT_SOURCE = "KDOQI 2020 (grade 1B/1C): sodium < 2,300 mg/day in CKD G3-G5, 5D and transplant"
P_LIMIT_SOURCE = (
    "Project default [D]. KDOQI 2020: adjust phosphorus to keep serum phosphate normal [P]; "
    "common practice 800-1,000 mg/day in CKD G3-G5D [S]."
)
LIMIT_NOTE = "A default: the dietitian can set another limit, with a reason."


@dataclass(frozen=True)
class RenalRow:
    status: str
    potassium: tuple[float, tuple[float, float]] | None  # (max mg, shown range); None = AI applies
    sodium_limited: bool
    phosphorus_limited: bool


_K_3000 = (3000.0, (2000.0, 3000.0))
_K_4000 = (4000.0, (3000.0, 4000.0))
_K_WITH_RISK = _K_3000

# clinical.md §3's table of defaults. Sodium: KDOQI 2020 names CKD G3-G5, 5D and
# transplant. Phosphorus: the practice range is given for CKD G3-G5D only, so a
# transplant gets no default phosphorus limit.
RENAL_TABLE = {
    row.status: row
    for row in (
        RenalRow("none", None, False, False),
        RenalRow("g1", None, False, False),
        RenalRow("g2", None, False, False),
        RenalRow("g3a", None, True, True),
        RenalRow("g3b", _K_3000, True, True),
        RenalRow("g4", _K_3000, True, True),
        RenalRow("g5", _K_3000, True, True),
        RenalRow("hd", _K_3000, True, True),
        RenalRow("pd", _K_4000, True, True),
        RenalRow("transplant", None, True, False),
    )
}
SODIUM_LIMIT_MG = 2300.0
PHOSPHORUS_LIMIT_MG = 1000.0


def renal_limits(kidney_status_code: str, hyperkalaemia_risk: bool) -> dict[str, Limit]:
    """Default daily upper limits keyed by Food field; a nutrient without a limit is absent.

    A hyperkalaemia risk caps potassium at 3,000 mg at any status, the
    stricter of the two where the status has its own limit (peritoneal
    dialysis). With no kidney disease the risk still applies: NASEM 2019 says
    the AI does not hold when a drug impairs potassium excretion [D].
    """
    row = RENAL_TABLE[kidney_status(kidney_status_code)]
    limits: dict[str, Limit] = {}
    potassium = row.potassium
    if hyperkalaemia_risk and (potassium is None or potassium[0] > _K_WITH_RISK[0]):
        potassium = _K_WITH_RISK
    if potassium is not None:
        max_mg, shown = potassium
        limits["potassium_mg"] = Limit(
            "potassium_mg", max_mg, shown, K_LIMIT_SOURCE, True, LIMIT_NOTE
        )
    if row.sodium_limited:
        limits["sodium_mg"] = Limit(
            "sodium_mg",
            SODIUM_LIMIT_MG,
            None,
            NA_LIMIT_SOURCE,
            False,
            "Less than 2,300 mg (100 mmol).",
        )
    if row.phosphorus_limited:
        limits["phosphorus_mg"] = Limit(
            "phosphorus_mg", PHOSPHORUS_LIMIT_MG, (800.0, 1000.0), P_LIMIT_SOURCE, True, LIMIT_NOTE
        )
    return limits


@dataclass(frozen=True)
class SupplementRule:
    level: Literal["caution", "danger"]
    message: str
    source: str
    design_choice: bool = True


MG_SUPPLEMENT_RENAL_SOURCE = (
    "IOM 1997 p. 244: hypermagnesaemia and deaths, especially with renal insufficiency [P]; "
    "OTC Mg citrate label: ask a doctor first if you have kidney disease [P]. "
    "No guideline gives an eGFR cut-off; the levels are a project rule [D]."
)
_MG_DANGER = SupplementRule(
    "danger",
    "Magnesium supplements, antacids and laxatives can build up to dangerous levels "
    "when the kidneys filter less than 30 mL/min. Talk to your kidney team first.",
    MG_SUPPLEMENT_RENAL_SOURCE,
)
_MG_CAUTION = SupplementRule(
    "caution",
    "With CKD stage 3, check with your clinician before taking magnesium supplements, "
    "antacids or laxatives.",
    MG_SUPPLEMENT_RENAL_SOURCE,
)
MAGNESIUM_SUPPLEMENT_RENAL_RULES = {
    "g3a": _MG_CAUTION,
    "g3b": _MG_CAUTION,
    "g4": _MG_DANGER,
    "g5": _MG_DANGER,
    "hd": _MG_DANGER,
    "pd": _MG_DANGER,
}


def magnesium_supplement_rule(kidney_status_code: str) -> SupplementRule | None:
    """The warning level for magnesium supplements at a kidney status, if any."""
    return MAGNESIUM_SUPPLEMENT_RENAL_RULES.get(kidney_status(kidney_status_code))
