"""Daily targets, upper limits, serum thresholds and renal limits.

The numbers are in clinical/data (dri.toml, labs.toml, kidney.toml,
renal.toml), every row with its source and an evidence tag from clinical.md:
"P" read in the primary source, "S" seen in a secondary copy that cites it,
"D" a design choice of this project. The UI shows the source beside the
number and labels design choices as such (`design_choice`).

Ages are years as a float, so infants fit: 0.25 is three months. A life stage
covers [min_years, max_years): "0-6 months" is 0 <= age < 0.5, "19-30 y" is
19 <= age < 31.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from clinical import nutrients
from clinical.loader import DataError, Row, data_file, rows, section, sources, unique

Evidence = Literal["P", "S", "D"]
TargetKind = Literal["RDA", "AI", "UL"]
Level = Literal["ok", "info", "caution", "danger"]

DRI_FILE = data_file("dri.toml")
LABS_FILE = data_file("labs.toml")
KIDNEY_FILE = data_file("kidney.toml")
RENAL_FILE = data_file("renal.toml")

LEVELS = ("ok", "info", "caution", "danger")


@dataclass(frozen=True)
class LifeStage:
    code: str
    label: str
    min_years: float
    max_years: float  # exclusive

    def contains(self, age_years: float) -> bool:
        return self.min_years <= age_years < self.max_years


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
    source: str = ""
    evidence: Evidence = "P"


@dataclass(frozen=True)
class Dri:
    life_stages: tuple[LifeStage, ...]
    magnesium: dict[str, IntakeRow]
    magnesium_ul: dict[str, float]
    potassium: dict[str, IntakeRow]
    sources: dict[str, str]
    notes: dict[str, str]


def _intake_rows(path: Path, key: str, stages: dict[str, LifeStage], kind: tuple[str, ...]):
    table: dict[str, IntakeRow] = {}
    known = sources(path)
    for row in rows(path, key, label="stage"):
        row.only("stage", "male", "female", "pregnancy", "lactation", "kind", "source", "evidence")
        intake = IntakeRow(
            stage=row.choice("stage", stages),
            male=row.number("male"),
            female=row.number("female"),
            pregnancy=row.number("pregnancy", None),
            lactation=row.number("lactation", None),
            kind=row.choice("kind", kind),  # type: ignore[arg-type]
            source=known[row.choice("source", known)],
            evidence=row.evidence(),  # type: ignore[arg-type]
        )
        table[intake.stage] = intake
    unique(path, f"{key} stage", [r.stage for r in table.values()])
    if list(table) != list(stages):
        raise DataError(f"{path.name}: {key} must list every life stage once, in order")
    return table


@cache
def load_dri(path: Path = DRI_FILE) -> Dri:
    stages: list[LifeStage] = []
    for row in rows(path, "life_stages"):
        row.only("code", "label", "min_years", "max_years")
        stage = LifeStage(
            row.text("code"),
            row.text("label"),
            float(row.number("min_years")),
            float(row.number("max_years", math.inf)),
        )
        # The stages must tile [0, inf) with no gap or overlap: life_stage() relies on it.
        expected = stages[-1].max_years if stages else 0.0
        if stage.min_years != expected or stage.max_years <= stage.min_years:
            row.fail(f"must cover {expected:g} years up to a later age, with no gap")
        stages.append(stage)
    if stages[-1].max_years != math.inf:
        raise DataError(f"{path.name}: the last life stage must have no max_years")
    by_code = {s.code: s for s in stages}
    unique(path, "life stage", [s.code for s in stages])
    ul: dict[str, float] = {}
    for row in rows(path, "magnesium_ul", label="stage"):
        row.only("stage", "value", "source", "evidence")
        row.choice("source", sources(path))
        ul[row.choice("stage", by_code)] = row.number("value")
    notes = section(path, "notes")
    return Dri(
        tuple(stages),
        _intake_rows(path, "magnesium", by_code, ("AI", "RDA")),
        ul,
        _intake_rows(path, "potassium", by_code, ("AI",)),
        sources(path),
        {key: notes.text(key) for key in notes.values},
    )


_DRI = load_dri()
LIFE_STAGES = _DRI.life_stages
_STAGES = {stage.code: stage for stage in LIFE_STAGES}
MAGNESIUM_DRI = _DRI.magnesium
MAGNESIUM_UL = _DRI.magnesium_ul
POTASSIUM_AI = _DRI.potassium
MG_DRI_SOURCE = _DRI.sources["mg_dri"]
MG_UL_SOURCE = _DRI.sources["mg_ul"]
K_AI_SOURCE = _DRI.sources["k_ai"]
MAGNESIUM_UL_NOTE = _DRI.notes["mg_ul"]
POTASSIUM_AI_NOTE = _DRI.notes["k_ai"]
# Pregnancy and lactation values exist for 14-18, 19-30 and 31-50 only.
_REPRODUCTIVE_STAGES = tuple(code for code, row in MAGNESIUM_DRI.items() if row.pregnancy)


def life_stage(age_years: float) -> LifeStage:
    if age_years is None or math.isnan(age_years) or age_years < 0:
        raise ValueError(f"Age must be a number of years >= 0, got {age_years!r}")
    for stage in LIFE_STAGES:
        if stage.contains(age_years):
            return stage
    raise AssertionError("LIFE_STAGES covers every age >= 0")


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
    # girls get the youngest such row and older women the oldest [D].
    code = stage.code
    note = ""
    if code not in _REPRODUCTIVE_STAGES:
        first, last = _STAGES[_REPRODUCTIVE_STAGES[0]], _REPRODUCTIVE_STAGES[-1]
        code = first.code if stage.max_years <= first.min_years else last
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


@dataclass(frozen=True)
class Labs:
    potassium: tuple[SerumBand, ...]
    mg_default_low: float
    mg_upper_normal: float
    mg_source: str
    mg_evidence: Evidence
    mg_bands: tuple[tuple[str, str, Level], ...]  # (code, label, level): low, normal, high
    k_source: str


def _check_tiling(path: Path, what: str, bands: tuple[SerumBand, ...]) -> None:
    # Every value must fall in exactly one band: each band starts where the last
    # ended, the edge value in exactly one of them.
    for before, after in itertools.pairwise(bands):
        if before.high != after.low or before.high_inclusive == after.low_inclusive:
            raise DataError(
                f"{path.name}: {what}: {after.code!r} must start where {before.code!r} ends, "
                f"with the edge in exactly one of them"
            )
    if bands[0].low is not None or bands[-1].high is not None:
        raise DataError(f"{path.name}: {what}: the first and last bands must be open-ended")


@cache
def load_labs(path: Path = LABS_FILE) -> Labs:
    known = sources(path)
    bands = []
    for row in rows(path, "potassium"):
        row.only(
            "code", "label", "level", "low", "low_inclusive", "high", "high_inclusive",
            "source", "evidence",
        )  # fmt: skip
        bands.append(
            SerumBand(
                row.text("code"),
                row.text("label"),
                row.choice("level", LEVELS),  # type: ignore[arg-type]
                row.number("low", None),
                row.flag("low_inclusive"),
                row.number("high", None),
                row.flag("high_inclusive"),
                known[row.choice("source", known)],
                row.evidence(),  # type: ignore[arg-type]
            )
        )
    potassium = tuple(bands)
    _check_tiling(path, "potassium", potassium)
    if [b.code for b in potassium].count("normal") != 1:
        raise DataError(f"{path.name}: potassium needs exactly one 'normal' band")
    magnesium = section(path, "magnesium")
    low = magnesium.number("default_low")
    high = magnesium.number("upper_normal")
    if not low < high:
        magnesium.fail("default_low must be below upper_normal")
    mg_bands = []
    for row in rows(path, "magnesium.bands"):
        row.only("code", "label", "level")
        mg_bands.append((row.text("code"), row.text("label"), row.choice("level", LEVELS)))
    if len(mg_bands) != 3 or mg_bands[1][0] != "normal":
        raise DataError(f"{path.name}: magnesium.bands must be low, 'normal', high")
    source = known[magnesium.choice("source", known)].format(low=f"{low:.2f}", high=f"{high:.2f}")
    return Labs(
        potassium,
        low,
        high,
        source,
        magnesium.evidence(),  # type: ignore[arg-type]
        tuple(mg_bands),  # type: ignore[arg-type]
        known["serum_k"],
    )


_LABS = load_labs()
SERUM_MG_SOURCE = _LABS.mg_source
SERUM_K_SOURCE = _LABS.k_source
POTASSIUM_BANDS = _LABS.potassium
_K_NORMAL = next(band for band in POTASSIUM_BANDS if band.code == "normal")
# The thresholds the rules use: the edges of the normal bands.
HYPOMAGNESAEMIA_DEFAULT_MMOL_L = _LABS.mg_default_low  # callers may pass their lab's value
SERUM_MG_UPPER_NORMAL_MMOL_L = _LABS.mg_upper_normal
HYPOKALAEMIA_MMOL_L = _K_NORMAL.low
HYPERKALAEMIA_MMOL_L = _K_NORMAL.high


def classify_serum_potassium(mmol_l: float) -> SerumBand:
    for band in POTASSIUM_BANDS:
        if band.contains(mmol_l):
            return band
    raise ValueError(f"Serum potassium {mmol_l!r} is not a number")


def magnesium_bands(low_mmol_l: float = HYPOMAGNESAEMIA_DEFAULT_MMOL_L) -> tuple[SerumBand, ...]:
    """Serum magnesium bands; `low_mmol_l` is the lab's lower reference limit."""
    # Another lab's limit is the user's choice, not IOM's figure.
    evidence: Evidence = _LABS.mg_evidence if low_mmol_l == HYPOMAGNESAEMIA_DEFAULT_MMOL_L else "D"
    upper = SERUM_MG_UPPER_NORMAL_MMOL_L
    (low_code, low_label, low_level), normal, (high_code, high_label, high_level) = _LABS.mg_bands
    source = SERUM_MG_SOURCE
    return (
        SerumBand(low_code, low_label, low_level, None, False, low_mmol_l, False, source, evidence),
        SerumBand(*normal, low_mmol_l, True, upper, True, source, evidence),
        SerumBand(
            high_code, high_label, high_level, upper, False, None, False, source, _LABS.mg_evidence
        ),
    )


def classify_serum_magnesium(
    mmol_l: float, low_mmol_l: float = HYPOMAGNESAEMIA_DEFAULT_MMOL_L
) -> SerumBand:
    for band in magnesium_bands(low_mmol_l):
        if band.contains(mmol_l):
            return band
    raise ValueError(f"Serum magnesium {mmol_l!r} is not a number")


# --- Kidney disease -------------------------------------------------------------


@dataclass(frozen=True)
class KidneyStatus:
    code: str
    label: str
    egfr_min: float | None  # the KDIGO category's lower bound; None: not a G category


@dataclass(frozen=True)
class Kidney:
    statuses: dict[str, KidneyStatus]
    source: str
    cutoffs: dict[str, float]


@cache
def load_kidney(path: Path = KIDNEY_FILE) -> Kidney:
    known = sources(path)
    statuses: dict[str, KidneyStatus] = {}
    for row in rows(path, "statuses"):
        row.only("code", "label", "egfr_min", "source")
        status = KidneyStatus(row.text("code"), row.text("label"), row.number("egfr_min", None))
        if status.egfr_min is not None:
            row.choice("source", known)
        statuses[status.code] = status
    unique(path, "status", [s.code for s in statuses.values()])
    bounds = [s.egfr_min for s in statuses.values() if s.egfr_min is not None]
    if bounds != sorted(bounds, reverse=True) or bounds[-1] != 0:
        raise DataError(f"{path.name}: eGFR categories must descend to a last one at 0")
    categories = {code: s.egfr_min for code, s in statuses.items() if s.egfr_min is not None}
    cut = section(path, "egfr_cutoffs")
    cutoffs = {key: float(categories[cut.choice(key, categories)]) for key in cut.values}
    return Kidney(statuses, known["kdigo"], cutoffs)


_KIDNEY = load_kidney()
KDIGO_SOURCE = _KIDNEY.source
# Codes as planner.models.Profile.kidney_status stores them, with their labels.
KIDNEY_STATUSES = {code: s.label for code, s in _KIDNEY.statuses.items()}
# KDIGO 2012 GFR categories, mL/min/1.73 m²: (lower bound inclusive, category).
EGFR_CATEGORIES = tuple(
    (s.egfr_min, code) for code, s in _KIDNEY.statuses.items() if s.egfr_min is not None
)
# The eGFR cut-offs of the warning rules, each a category's lower bound [D].
LOW_EGFR = _KIDNEY.cutoffs["low"]  # magnesium products: danger below it
REDUCED_EGFR = _KIDNEY.cutoffs["reduced"]  # magnesium products: caution below it
K_SUPPLEMENT_RISK_EGFR = _KIDNEY.cutoffs["k_risk"]  # extra potassium: a risk below it


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


@dataclass(frozen=True)
class RenalRow:
    status: str
    potassium: tuple[float, tuple[float, float]] | None  # (max mg, shown range); None = AI applies
    sodium_limited: bool
    phosphorus_limited: bool


@dataclass(frozen=True)
class SupplementRule:
    level: Literal["caution", "danger"]
    message: str
    source: str
    design_choice: bool = True


@dataclass(frozen=True)
class Renal:
    table: dict[str, RenalRow]
    k_with_risk: tuple[float, tuple[float, float]]
    sodium: Limit
    phosphorus: Limit
    k_source: str
    limit_note: str
    mg_rules: dict[str, SupplementRule]
    mg_source: str


def _limit_pair(row: Row) -> tuple[float, tuple[float, float]]:
    high = float(row.number("max_mg"))
    low = float(row.number("low_mg"))
    if low > high:
        row.fail("low_mg must not exceed max_mg")
    return high, (low, high)


@cache
def load_renal(path: Path = RENAL_FILE, kidney_path: Path = KIDNEY_FILE) -> Renal:
    known = sources(path)
    statuses = load_kidney(kidney_path).statuses
    note = section(path, "notes").text("default_limit")
    k_limits_row = section(path, "potassium_limits")
    k_limits = {}
    for key, value in k_limits_row.values.items():
        row = Row(path, f"[potassium_limits] {key}", value)
        row.only("max_mg", "low_mg", "source", "evidence")
        row.choice("source", known)
        row.evidence()
        k_limits[key] = _limit_pair(row)
    table: dict[str, RenalRow] = {}
    for row in rows(path, "statuses", label="status"):
        row.only("status", "potassium", "sodium", "phosphorus")
        code = row.choice("status", statuses)
        k_key = row.text("potassium", None)
        if k_key is not None and k_key not in k_limits:
            row.fail(f"unknown potassium limit {k_key!r}")
        table[code] = RenalRow(
            code, k_limits[k_key] if k_key else None, row.flag("sodium"), row.flag("phosphorus")
        )
    if list(table) != list(statuses):
        raise DataError(f"{path.name}: statuses must list every kidney status once, in order")
    risk = section(path, "hyperkalaemia_risk")
    k_with_risk = k_limits[risk.choice("potassium", k_limits)]

    sodium = section(path, "sodium")
    na_max = float(sodium.number("max_mg"))
    na_mmol = nutrients.convert(na_max, "sodium_mg", "mmol")
    sodium_limit = Limit(
        "sodium_mg",
        na_max,
        None,
        known[sodium.choice("source", known)],
        sodium.evidence() == "D",
        sodium.text("note").format(max_mg=f"{na_max:,.0f}", mmol=f"{na_mmol:,.0f}"),
    )
    phosphorus = section(path, "phosphorus")
    p_max, p_range = _limit_pair(phosphorus)
    phosphorus_limit = Limit(
        "phosphorus_mg",
        p_max,
        p_range,
        known[phosphorus.choice("source", known)],
        phosphorus.evidence() == "D",
        note,
    )

    low_egfr = load_kidney(kidney_path).cutoffs["low"]
    rules_row = section(path, "magnesium_supplement_rules")
    rules: dict[str, SupplementRule] = {}
    for key, value in rules_row.values.items():
        row = Row(path, f"[magnesium_supplement_rules] {key}", value)
        row.only("level", "message", "source", "evidence")
        rules[key] = SupplementRule(
            row.choice("level", ("caution", "danger")),  # type: ignore[arg-type]
            row.text("message").format(low_egfr=f"{low_egfr:g}"),
            known[row.choice("source", known)],
            row.evidence() == "D",
        )
    by_status = {}
    for row in rows(path, "magnesium_supplement", label="status"):
        row.only("status", "rule")
        by_status[row.choice("status", statuses)] = rules[row.choice("rule", rules)]
    return Renal(
        table,
        k_with_risk,
        sodium_limit,
        phosphorus_limit,
        known["k_limit"],
        note,
        by_status,
        known["mg_supplement_renal"],
    )


_RENAL = load_renal()
RENAL_TABLE = _RENAL.table
K_LIMIT_SOURCE = _RENAL.k_source
NA_LIMIT_SOURCE = _RENAL.sodium.source
P_LIMIT_SOURCE = _RENAL.phosphorus.source
LIMIT_NOTE = _RENAL.limit_note
SODIUM_LIMIT_MG = _RENAL.sodium.max_mg
PHOSPHORUS_LIMIT_MG = _RENAL.phosphorus.max_mg
_K_WITH_RISK = _RENAL.k_with_risk
MG_SUPPLEMENT_RENAL_SOURCE = _RENAL.mg_source
MAGNESIUM_SUPPLEMENT_RENAL_RULES = _RENAL.mg_rules


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
        limits["sodium_mg"] = _RENAL.sodium
    if row.phosphorus_limited:
        limits["phosphorus_mg"] = _RENAL.phosphorus
    return limits


def magnesium_supplement_rule(kidney_status_code: str) -> SupplementRule | None:
    """The warning level for magnesium supplements at a kidney status, if any."""
    return MAGNESIUM_SUPPLEMENT_RENAL_RULES.get(kidney_status(kidney_status_code))
