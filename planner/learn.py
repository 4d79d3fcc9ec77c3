"""The warning catalogue and the facts behind the explanatory pages, as data.

One `Entry` per code that `planner.warnings` can raise: what it means, why it
matters, what to do, who it applies to, the thresholds it uses and its
sources. Thresholds are read from the data modules (nutrition.targets,
nutrition.classes, nutrition.medicines, nutrition.supplements) and from the
rule constants in planner.warnings, never retyped, so a changed number shows
up here the moment it changes there.

Evidence tags follow clinical.md: "P" read in the primary source, "S" seen in
a secondary copy that cites it, "D" a design choice of this app, not a
guideline. An empty tag means clinical.md gives none for that source.

The file runs past the ~500 lines at which STYLE.md suggests a package: it is
almost all data, one catalogue entry per code, read top to bottom by whoever
checks the clinical wording. Split it (sources / catalogue / page facts) if
logic starts to grow here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.urls import reverse

from nutrition import medicines as meds
from nutrition import supplements as supps
from nutrition import targets as dri
from nutrition import units
from nutrition.classes import (
    HIGH_POTASSIUM_ITEM_MG,
    POTASSIUM_CLASS_SOURCE,
    POTASSIUM_CLASSES,
)
from planner import warnings as rules

Evidence = Literal["P", "S", "D", "P/S", ""]
Level = Literal["danger", "caution", "info"]

LEVELS: tuple[Level, ...] = ("danger", "caution", "info")
LEVEL_LABELS = {"danger": "Danger", "caution": "Caution", "info": "Information"}
EVIDENCE_LABELS = {
    "P": "read in the primary source",
    "S": "seen in a secondary copy that cites the source",
    "P/S": "partly read in the primary source, partly in secondary copies",
    "D": "a design choice of this app, not a guideline",
}
CLINICIAN_ADVICE = "This is planning support, not diagnosis — talk to your clinician."


@dataclass(frozen=True)
class Source:
    text: str
    evidence: Evidence = ""
    url: str = ""
    short: str = ""  # a short name for tight spots (table cells)

    @property
    def design_choice(self) -> bool:
        return self.evidence == "D"

    @property
    def evidence_label(self) -> str:
        return EVIDENCE_LABELS.get(self.evidence, "")


@dataclass(frozen=True)
class Threshold:
    label: str
    value: str
    source: Source | None = None


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: Source | None = None


@dataclass(frozen=True)
class Entry:
    code: str
    title: str
    levels: tuple[Level, ...]  # every level the rule can give, most serious first
    means: str
    why: str
    what_to_do: str
    applies_to: str
    thresholds: tuple[Threshold, ...]
    sources: tuple[Source, ...]
    tables: tuple[Table, ...] = ()
    design_notes: tuple[str, ...] = ()  # rule details this app chose [D]
    learn_more: tuple[tuple[str, str], ...] = ()  # (url name, link text)

    @property
    def level(self) -> Level:
        return self.levels[0]

    @property
    def other_levels(self) -> tuple[Level, ...]:
        return self.levels[1:]

    @property
    def url(self) -> str:
        return reverse("planner:warning_detail", args=[self.code])


# --- Sources ---------------------------------------------------------------------

HUANG_KUO = Source(
    rules.HUANG_KUO, "P", "https://doi.org/10.1681/ASN.2007070792", "Huang & Kuo 2007"
)
HUANG_KUO_PUMP = Source(
    f"{rules.HUANG_KUO} (its review of the earlier sodium-potassium pump studies)",
    "S",
    "https://doi.org/10.1681/ASN.2007070792",
)
CMDT = Source(
    "CMDT (Current Medical Diagnosis & Treatment): renal potassium wasting does not respond "
    "to potassium replacement until magnesium is repleted",
    "P",
    short="CMDT",
)
MG_DRI = Source(dri.MG_DRI_SOURCE, "P", short="IOM 1997")
MG_UL = Source(dri.MG_UL_SOURCE, "S", short="IOM 1997")
MG_FOOD_NO_UL = Source(
    "IOM 1997, ch. 6: magnesium in food has shown no adverse effect, so the UL covers "
    "supplements and medicines only; its critical effect is osmotic diarrhoea",
    "P",
    short="IOM 1997 ch. 6",
)
SERUM_MG = Source(dri.SERUM_MG_SOURCE, "P", short="IOM 1997")
# The module's source strings point at clinical.md, which readers do not have.
SERUM_K = Source(
    "Usual clinical grading of low and high potassium (hypo- and hyperkalaemia)",
    dri.POTASSIUM_BANDS[0].evidence,
    short="Usual clinical grading",
)
K_AI = Source(dri.K_AI_SOURCE, "P", short="NASEM 2019")
K_AI_NOT_FOR_KIDNEY = Source(
    "NASEM 2019 as quoted in later reviews: the potassium AIs do not apply when potassium "
    "excretion is impaired (kidney disease or medicines that hold potassium back)",
    "S",
)
NASEM_NO_K_UL = Source(
    "NASEM 2019, DRI for Sodium and Potassium: no UL set for potassium", "P", short="NASEM 2019"
)
KDIGO = Source(dri.KDIGO_SOURCE, "P")
KDOQI_K = Source(
    "KDOQI 2020 (NKF and Academy of Nutrition and Dietetics): adjust dietary potassium to keep "
    "serum potassium normal, individually, with no fixed figure",
    "P",
    "https://doi.org/10.1053/j.ajkd.2020.05.006",
)
K_PRACTICE = Source(
    "NKF Council on Renal Nutrition 2002 (dialysis), KDOQI 2004 (CKD G3-G4) and NKF 2019: "
    "practice figures for potassium",
    "S",
)
K_LIMIT = Source(dri.K_LIMIT_SOURCE, "D", short="This app's default within practice figures")
NA_LIMIT = Source(dri.NA_LIMIT_SOURCE, "P", short="KDOQI 2020")
P_LIMIT = Source(dri.P_LIMIT_SOURCE, "D", short="This app's default")
P_ADDITIVES = Source(
    "Kalantar-Zadeh et al., CJASN 2010: additive (inorganic) phosphorus is absorbed more than "
    "the phytate phosphorus of plants",
    "P",
)
NKF_CLASSES = Source(POTASSIUM_CLASS_SOURCE, "P/S", short="National Kidney Foundation")
MG_RENAL_IOM = Source(
    "IOM 1997 p. 244: hypermagnesaemia and deaths with magnesium products, especially with "
    "renal insufficiency",
    "P",
    short="IOM 1997 p. 244",
)
MG_CITRATE_LABEL = Source(
    "OTC magnesium citrate label: ask a doctor before use if you have kidney disease",
    "P",
    short="Magnesium citrate label",
)
# The combined citation the warning itself carries; its text holds its own tags.
MG_RENAL_AS_CITED = Source(dri.MG_SUPPLEMENT_RENAL_SOURCE)
MG_RENAL_RULE = Source(
    "The levels and eGFR cut-offs of this warning: no guideline gives one",
    "D",
    short="This app's rule",
)
KCL_LABEL = Source(rules.KCL_LABEL, "P", short="KCl label (DailyMed)")
BEN_SALEM = Source(rules.BEN_SALEM, "P", short="Ben Salem 2014")
FDA_PPI = Source(rules.FDA_PPI, "P", short="FDA 2011")
HARRISON = Source("Harrison's Principles of Internal Medicine: medicines that lower potassium", "S")
SMPC_SPACING = Source(meds.SMPC_SPACING, "P", short="UK SmPCs")
SALT_SHARES = Source(
    "Molecules 2020;25:3172 and Molecules 2021;26:2419 (elemental shares of magnesium salts); "
    "other shares calculated from atomic weights",
    "P",
)
DIARRHOEA_FORMS = Source(
    "Reviews of magnesium salts: diarrhoea is most reported with carbonate, chloride, gluconate "
    "and oxide",
    "S",
    short="Reviews of magnesium salts",
)
KCL_STRENGTHS = Source("Potassium chloride ER tablets, US prescribing information (DailyMed)", "P")
SUGGESTION_FILTER = Source("How this app picks suggestions", "D", short="This app's filter")
SR24 = Source("USDA National Nutrient Database for Standard Reference, release 24", "")
UNKNOWN_NOT_ZERO = Source(
    "Unknown values are left out of totals and counted, never taken as 0",
    "D",
    short="This app's rule",
)
# Symptom lists are not in clinical.md; both were seen in copies that cite the
# named publisher, hence [S]. A clinician should review them.
ODS_MG = Source(
    "NIH Office of Dietary Supplements, Magnesium fact sheet for health professionals",
    "S",
    "https://ods.od.nih.gov/factsheets/Magnesium-HealthProfessional/",
    "NIH ODS",
)
MAYO_MG = Source(
    "Mayo Clinic Health Information Library: Magnesium deficiency", "S", short="Mayo Clinic"
)
MAYO_K = Source(
    "Mayo Clinic Health Information Library: Hypokalemia (low potassium)", "S", short="Mayo Clinic"
)


# --- Helpers that read the data modules ------------------------------------------


def mg(value: float) -> str:
    return f"{value:,.0f} mg"


def mmol_value(value: float) -> str:
    # Labs print one decimal (5.0) or two (0.75); keep what the value needs.
    text = f"{value:.2f}"
    return text[:-1] if text.endswith("0") else text


def mmol(value: float) -> str:
    return f"{mmol_value(value)} mmol/L"


def mg_range(low: float, high: float) -> str:
    return f"{low:,.0f}–{mg(high)}" if low != high else mg(low)


def adult_range(table: dict[str, dri.IntakeRow], sex: str) -> str:
    adult = {stage.code for stage in dri.LIFE_STAGES if stage.min_years >= 19}
    values = [getattr(row, sex) for code, row in table.items() if code in adult]
    return mg_range(min(values), max(values))


def ul_from_age() -> str:
    adult_ul = dri.MAGNESIUM_UL["19-30y"]
    first = next(s for s in dri.LIFE_STAGES if dri.MAGNESIUM_UL.get(s.code) == adult_ul)
    return f"{first.min_years:g} years"


def mg_dl_value(mmol_l: float) -> str:
    return f"{mmol_l / units.SERUM_MG_MGDL_TO_MMOLL:.1f}"


def mg_dl(mmol_l: float) -> str:
    return f"{mg_dl_value(mmol_l)} mg/dL"


def status_label(code: str) -> str:
    return dri.KIDNEY_STATUSES[code]


def statuses_label(codes) -> str:
    order = list(dri.KIDNEY_STATUSES)
    return "; ".join(status_label(c) for c in sorted(codes, key=order.index))


def egfr_lower_bound(category: str) -> float:
    return dict((c, lower) for lower, c in dri.EGFR_CATEGORIES)[category]


def class_names(predicate) -> list[str]:
    return [c.name for c in meds.CLASSES.values() if predicate(c)]


def medicine_names(*class_codes: str) -> list[str]:
    return [m.name for m in meds.MEDICINES if m.medicine_class.code in class_codes]


def mid_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Beta-blocker" -> "beta-blocker", "ACE" stays."""
    return name if name[:2].isupper() else name[0].lower() + name[1:]


def joined(names: list[str]) -> str:
    """ "a, b and c", names lower-cased as they read inside a sentence."""
    names = [mid_sentence(name) for name in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def potassium_class_rows() -> tuple[tuple[str, ...], ...]:
    rows = []
    lower = 0.0
    for serving_class in POTASSIUM_CLASSES:
        if serving_class.upper_mg is None:
            amount = f"more than {mg(lower)}"
        elif lower == 0:
            amount = f"{mg(serving_class.upper_mg)} or less"
        else:
            amount = f"{lower + 1:,.0f}–{mg(serving_class.upper_mg)}"
        rows.append((serving_class.label, amount))
        lower = serving_class.upper_mg or lower
    return tuple(rows)


def _dri_value(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def intake_table(table: dict[str, dri.IntakeRow], caption: str, source: Source) -> Table:
    labels = {stage.code: stage.label for stage in dri.LIFE_STAGES}
    rows = tuple(
        (
            labels[row.stage],
            _dri_value(row.male),
            _dri_value(row.female),
            _dri_value(row.pregnancy),
            _dri_value(row.lactation),
            row.kind,
        )
        for row in table.values()
    )
    return Table(
        caption,
        ("Life stage", "Male", "Female", "Pregnancy", "Lactation", "Kind"),
        rows,
        source,
    )


def magnesium_ul_table() -> Table:
    rows = [
        (
            stage.label,
            mg(dri.MAGNESIUM_UL[stage.code]) if stage.code in dri.MAGNESIUM_UL else "none set",
        )
        for stage in dri.LIFE_STAGES
    ]
    return Table(
        "Upper limit for magnesium from supplements and medicines, per day",
        ("Life stage", "Upper limit"),
        tuple(rows),
        MG_UL,
    )


def renal_potassium_thresholds() -> tuple[Threshold, ...]:
    by_limit: dict[tuple, list[str]] = {}
    for code, row in dri.RENAL_TABLE.items():
        if row.potassium is not None:
            by_limit.setdefault(row.potassium, []).append(code)
    found = []
    for (max_mg, (low, high)), codes in by_limit.items():
        found.append(
            Threshold(
                statuses_label(codes),
                f"{mg(max_mg)} a day (usual range {low:,.0f}–{mg(high)})",
                K_LIMIT,
            )
        )
    risk = dri.renal_limits("none", hyperkalaemia_risk=True)["potassium_mg"]
    found.append(
        Threshold(
            f"Any kidney status with a hyperkalaemia risk: serum potassium above "
            f"{mmol(dri.HYPERKALAEMIA_MMOL_L)} or a medicine that raises potassium",
            f"{mg(risk.max_mg)} a day at most",
            K_LIMIT,
        )
    )
    return tuple(found)


def potassium_band_rows() -> tuple[tuple[str, ...], ...]:
    rows = []
    for band in dri.POTASSIUM_BANDS:
        if band.low is None:
            text = f"below {mmol_value(band.high)}"
        elif band.high is None:
            text = f"above {mmol_value(band.low)}"
        else:
            low = ("" if band.low_inclusive else "above ") + mmol_value(band.low)
            high = ("" if band.high_inclusive else "under ") + mmol_value(band.high)
            text = f"{low} to {high}"
        rows.append((band.label, f"{text} mmol/L"))
    return tuple(rows)


def lab_tables() -> tuple[Table, Table]:
    low = dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L
    high = dri.SERUM_MG_UPPER_NORMAL_MMOL_L
    magnesium = Table(
        "Serum magnesium",
        ("Result", "mmol/L", "mg/dL"),
        (
            ("Low (hypomagnesaemia)", f"below {low:.2f}", f"below {mg_dl_value(low)}"),
            ("Normal", f"{low:.2f}–{high:.2f}", f"{mg_dl_value(low)}–{mg_dl_value(high)}"),
            ("Above the normal range", f"above {high:.2f}", f"above {mg_dl_value(high)}"),
        ),
        SERUM_MG,
    )
    potassium = Table("Serum potassium", ("Result", "Range"), potassium_band_rows(), SERUM_K)
    return magnesium, potassium


# --- The catalogue ---------------------------------------------------------------


def _catalogue() -> dict[str, Entry]:
    k_raising = class_names(lambda c: c.raises_k)
    kcl_never = medicine_names(*(c.code for c in meds.CLASSES.values() if c.kcl_contraindicated))
    diuretics = medicine_names("loop-diuretic", "thiazide-diuretic")
    ppis = medicine_names("ppi")
    adult_ul = dri.MAGNESIUM_UL["19-30y"]
    na_statuses = [c for c, row in dri.RENAL_TABLE.items() if row.sodium_limited]
    p_statuses = [c for c, row in dri.RENAL_TABLE.items() if row.phosphorus_limited]
    mg_caution = [
        c for c, r in dri.MAGNESIUM_SUPPLEMENT_RENAL_RULES.items() if r.level == "caution"
    ]
    mg_danger = [c for c, r in dri.MAGNESIUM_SUPPLEMENT_RENAL_RULES.items() if r.level == "danger"]
    k_risk_egfr = egfr_lower_bound("g3a")
    k_statuses = [c for c, row in dri.RENAL_TABLE.items() if row.potassium is not None]
    na_mmol = dri.SODIUM_LIMIT_MG / units.ELEMENTS["na"].mg_per_mmol
    mg_low = dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L

    entries = (
        Entry(
            "K_ABOVE_LIMIT",
            "Potassium above your daily limit",
            ("danger",),
            "The day's planned potassium adds up to more than the upper limit set for you. The "
            "limit comes from your kidney status, your blood potassium or your medicines, or a "
            "dietitian set it for you.",
            "When the kidneys clear less potassium, or a medicine holds it back, potassium from "
            "food can build up in the blood (hyperkalaemia), which is dangerous.",
            "Swap one or two high-potassium foods for lower ones, or take smaller portions; the "
            "food pages show each portion's potassium class. Ask your kidney team how strict "
            "your limit needs to be: guidelines ask for an individual target that keeps your "
            "blood potassium normal.",
            f"People with a potassium limit: {statuses_label(k_statuses)}; any kidney status "
            f"with a hyperkalaemia risk; anyone whose dietitian set a potassium limit.",
            renal_potassium_thresholds(),
            (K_LIMIT, KDOQI_K, K_PRACTICE, BEN_SALEM),
            design_notes=(
                "The default limits in the table are this app's choice within the practice "
                "figures; your dietitian can set another limit, with a reason.",
                "With no kidney disease but a potassium-raising medicine the limit still "
                "applies, because the Adequate Intake does not hold when potassium excretion "
                "is impaired.",
            ),
            learn_more=(("planner:learn_mg_k", "Magnesium and potassium together"),),
        ),
        Entry(
            "K_HIGH_ITEM",
            "A high-potassium serving",
            ("caution",),
            f"One planned item has more than {mg(HIGH_POTASSIUM_ITEM_MG)} of potassium in the "
            f"amount you planned. Renal diet education calls a serving above "
            f"{mg(HIGH_POTASSIUM_ITEM_MG)} high in potassium.",
            "With a potassium limit, a few high-potassium servings use up most of the day's "
            "allowance. Portion size can move a food from one class to another.",
            "Take a smaller portion, or choose a food from a lower class: each food's page shows "
            "the class of its portions.",
            "Shown only to people with a potassium limit (see “Potassium above your daily limit”).",
            (
                Threshold(
                    "High potassium, per planned item",
                    f"more than {mg(HIGH_POTASSIUM_ITEM_MG)}",
                    NKF_CLASSES,
                ),
            ),
            (NKF_CLASSES,),
            tables=(
                Table(
                    "Potassium classes per serving (½ cup unless stated)",
                    ("Class", "Potassium per serving"),
                    potassium_class_rows(),
                    NKF_CLASSES,
                ),
            ),
            design_notes=(
                "The classes are defined per standard serving; this app applies them to the "
                "amount you actually planned.",
            ),
        ),
        Entry(
            "NA_ABOVE_LIMIT",
            "Sodium above your daily limit",
            ("caution",),
            f"The day's planned sodium adds up to more than {mg(dri.SODIUM_LIMIT_MG)} "
            f"({na_mmol:,.0f} mmol), the limit for your kidney status, or more than a limit your "
            f"dietitian set.",
            f"KDOQI 2020 recommends less than {mg(dri.SODIUM_LIMIT_MG)} of sodium a day in "
            f"chronic kidney disease from stage 3, on dialysis and after a transplant.",
            "Look at the day's items with the most sodium and swap or shrink them. Do not switch "
            "to a potassium salt substitute without asking: it can raise blood potassium.",
            f"People with {statuses_label(na_statuses)}.",
            (
                Threshold(
                    "Sodium limit",
                    f"less than {mg(dri.SODIUM_LIMIT_MG)} a day ({na_mmol:,.0f} mmol)",
                    NA_LIMIT,
                ),
            ),
            (NA_LIMIT,),
        ),
        Entry(
            "P_ABOVE_LIMIT",
            "Phosphorus above your daily limit",
            ("caution",),
            f"The day's planned phosphorus adds up to more than {mg(dri.PHOSPHORUS_LIMIT_MG)}, "
            f"the default limit for your kidney status, or more than a limit your dietitian set.",
            "KDOQI 2020 asks for phosphorus intake adjusted to keep blood phosphate in the "
            "normal range in chronic kidney disease.",
            "Phosphorus added to processed foods as phosphate additives is absorbed more than "
            "the phosphorus of plant foods, so processed foods are the first place to look. Ask "
            "your kidney team about your blood phosphate.",
            f"People with {statuses_label(p_statuses)}.",
            (Threshold("Phosphorus limit", f"{mg(dri.PHOSPHORUS_LIMIT_MG)} a day", P_LIMIT),),
            (P_LIMIT, P_ADDITIVES),
            design_notes=(
                f"The {mg(dri.PHOSPHORUS_LIMIT_MG)} default is this app's choice; KDOQI 2020 "
                f"asks for a limit that keeps blood phosphate normal.",
            ),
        ),
        Entry(
            "MG_SUPPLEMENT_ABOVE_UL",
            "Magnesium from supplements above the upper limit",
            ("caution",),
            "Magnesium from the day's supplements, antacids and laxatives adds up to more than "
            "the tolerable upper intake level (UL) for your age. Magnesium in food is not "
            "counted: it has no upper limit.",
            "Too much magnesium from supplements and medicines often causes diarrhoea; that is "
            "the effect the upper limit was set to avoid.",
            "Check the label's elemental magnesium per tablet and how many you take. Ask your "
            "clinician before going above the upper limit; if a clinician prescribed this "
            "amount, follow their advice.",
            "Everyone aged one year or over who plans magnesium supplements, antacids or "
            "laxatives; no upper limit is set for infants.",
            (
                Threshold(
                    f"Upper limit, supplemental magnesium, from {ul_from_age()}",
                    f"{mg(adult_ul)} a day",
                    MG_UL,
                ),
            ),
            (MG_UL, MG_FOOD_NO_UL),
            tables=(magnesium_ul_table(),),
            learn_more=(("planner:learn_supplements", "Magnesium and potassium supplements"),),
        ),
        Entry(
            "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION",
            "Magnesium supplements with reduced kidney function",
            ("danger", "caution"),
            "The day includes a magnesium supplement, antacid or laxative, and your kidney "
            "status or eGFR shows reduced kidney function.",
            "The kidneys remove extra magnesium. When they filter less, magnesium from "
            "supplements and medicines can build up; high blood magnesium and deaths have been "
            "reported, above all with kidney failure.",
            "Talk to your kidney team before taking any magnesium product, including antacids "
            "and laxatives. Do not stop a magnesium product a clinician prescribed without "
            "asking them.",
            "People with CKD G3 or worse, on dialysis, or with a recorded eGFR below "
            f"{rules.REDUCED_EGFR:g}.",
            (
                Threshold("Danger", statuses_label(mg_danger), MG_RENAL_RULE),
                Threshold("Caution", statuses_label(mg_caution), MG_RENAL_RULE),
                Threshold("Danger at any status", f"eGFR below {rules.LOW_EGFR:g}", MG_RENAL_RULE),
                Threshold(
                    "Caution where the status gives no level",
                    f"eGFR below {rules.REDUCED_EGFR:g}",
                    MG_RENAL_RULE,
                ),
            ),
            (MG_RENAL_AS_CITED, KDIGO),
            design_notes=(
                "No guideline gives one eGFR cut-off for magnesium products; the levels and "
                "cut-offs of this warning are this app's rule.",
            ),
            learn_more=(("planner:learn_supplements", "Magnesium and potassium supplements"),),
        ),
        Entry(
            "K_SUPPLEMENT_HYPERKALEMIA_RISK",
            "Potassium supplement with a risk of high blood potassium",
            ("danger",),
            "The day includes a potassium supplement or a salt substitute made with potassium "
            "chloride, and something in your profile makes extra potassium risky: your kidney "
            "status, your eGFR, a high blood potassium, or a medicine that raises potassium or "
            "must not be combined with potassium chloride.",
            "Extra potassium on top of weak kidneys or potassium-raising medicines can push "
            "blood potassium to dangerous levels. High blood potassium is the worst risk of "
            "potassium supplements.",
            "Take potassium supplements and potassium salt substitutes only as your clinician "
            "prescribed, and tell them about all your medicines.",
            "People who plan a potassium supplement or potassium salt substitute and have one "
            "of the risks listed below.",
            (
                Threshold(
                    "Kidney status", statuses_label(rules.K_SUPPLEMENT_RISK_STATUSES), K_LIMIT
                ),
                Threshold("eGFR", f"below {k_risk_egfr:g}", K_LIMIT),
                Threshold("Serum potassium", f"above {mmol(dri.HYPERKALAEMIA_MMOL_L)}", SERUM_K),
                Threshold("Medicines that raise potassium", capfirst(joined(k_raising)), BEN_SALEM),
                Threshold(
                    "Potassium chloride contraindicated with",
                    capfirst(joined(kcl_never)),
                    KCL_LABEL,
                ),
            ),
            (KCL_LABEL, BEN_SALEM, K_LIMIT),
            design_notes=(
                "Which kidney statuses and which eGFR count as a risk is this app's rule, in "
                "line with its potassium limits.",
            ),
            learn_more=(("planner:learn_supplements", "Magnesium and potassium supplements"),),
        ),
        Entry(
            "K_SUPPLEMENT_LOW_MG",
            "Potassium supplement while magnesium is low",
            ("caution",),
            "You plan a potassium supplement while your blood magnesium is low, or while the "
            "day's magnesium is below your target.",
            "Low magnesium makes the kidneys lose potassium, so potassium given on its own may "
            "not bring blood potassium up until magnesium is corrected.",
            "Ask your clinician to check your magnesium, and whether it should be treated "
            "first or alongside the potassium.",
            "People who plan a potassium supplement.",
            (
                Threshold("Serum magnesium", f"below {mmol(mg_low)} ({mg_dl(mg_low)})", SERUM_MG),
                Threshold("The day's magnesium", "below your magnesium target", MG_DRI),
            ),
            (HUANG_KUO, CMDT, SERUM_MG),
            design_notes=(
                "Flagging a day whose planned magnesium is below target, not only a low blood "
                "result, is this app's choice.",
            ),
            learn_more=(("planner:learn_mg_k", "Magnesium and potassium together"),),
        ),
        Entry(
            "LOW_K_CHECK_MG",
            "Low potassium: check magnesium too",
            ("caution", "info"),
            f"Your recorded blood potassium is below {mmol(dri.HYPOKALAEMIA_MMOL_L)}. If your "
            f"blood magnesium is low as well the warning is a caution, otherwise information.",
            "More than half of clinically significant low potassium comes with low magnesium, "
            "and low magnesium keeps potassium low: the kidneys go on losing potassium until "
            "magnesium is repleted.",
            "Ask your clinician whether your magnesium has been checked and whether it needs "
            "treating first.",
            "People whose profile records a serum potassium below "
            f"{mmol(dri.HYPOKALAEMIA_MMOL_L)}.",
            (
                Threshold("Low serum potassium", f"below {mmol(dri.HYPOKALAEMIA_MMOL_L)}", SERUM_K),
                Threshold("Low serum magnesium (caution)", f"below {mmol(mg_low)}", SERUM_MG),
            ),
            (HUANG_KUO, CMDT, SERUM_K, SERUM_MG),
            tables=lab_tables(),
            learn_more=(
                ("planner:learn_mg_k", "Magnesium and potassium together"),
                ("planner:learn_symptoms", "Symptoms of low magnesium and potassium"),
            ),
        ),
        Entry(
            "MG_BELOW_TARGET",
            "Magnesium below your target",
            ("info",),
            "The day's planned magnesium is below your Recommended Dietary Allowance (an "
            "Adequate Intake for infants) or below a target your dietitian set. The warning "
            "suggests foods that add magnesium.",
            "A day short of the target, repeated, leaves intake below the amount set for your "
            "age and sex; and low magnesium makes the kidneys lose potassium.",
            "Add one of the suggested foods, or look at the magnesium rankings. With a potassium "
            "limit, the suggestions are foods with little potassium per portion.",
            "Everyone with a birth date and sex in their profile, or a dietitian's target.",
            (
                Threshold("Adult men", f"{adult_range(dri.MAGNESIUM_DRI, 'male')} a day", MG_DRI),
                Threshold(
                    "Adult women", f"{adult_range(dri.MAGNESIUM_DRI, 'female')} a day", MG_DRI
                ),
                Threshold(
                    "Suggested foods",
                    f"at least {mg(rules.SUGGESTION_MIN_PER_PORTION['mg'])} magnesium per portion",
                    SUGGESTION_FILTER,
                ),
                Threshold(
                    "Suggested foods with a potassium limit",
                    f"at most {mg(rules.SUGGESTION_MAX_K_PER_PORTION)} potassium per portion",
                    SUGGESTION_FILTER,
                ),
            ),
            (MG_DRI, HUANG_KUO, SR24),
            tables=(intake_table(dri.MAGNESIUM_DRI, "Magnesium targets, mg a day", MG_DRI),),
            design_notes=(
                f"With a potassium limit, suggestions are limited to foods with at most "
                f"{mg(rules.SUGGESTION_MAX_K_PER_PORTION)} potassium per portion (the top of "
                f"the “medium” class).",
            ),
            learn_more=(("planner:learn_mg_k", "Magnesium and potassium together"),),
        ),
        Entry(
            "K_BELOW_TARGET",
            "Potassium below your target",
            ("info",),
            "The day's planned potassium is below your Adequate Intake, or below a target your "
            "dietitian set. The warning suggests foods that add potassium.",
            "The Adequate Intake is the daily amount NASEM 2019 judged adequate for healthy "
            "people of your age and sex; a day well below it, repeated, leaves intake short.",
            "Add one of the suggested foods, or look at the potassium rankings. Do not use "
            "potassium supplements or salt substitutes to reach the target without asking your "
            "clinician.",
            "People without a potassium limit. With kidney disease or potassium-raising "
            "medicines the Adequate Intake does not apply and this warning is not shown.",
            (
                Threshold("Adult men", f"{adult_range(dri.POTASSIUM_AI, 'male')} a day", K_AI),
                Threshold("Adult women", f"{adult_range(dri.POTASSIUM_AI, 'female')} a day", K_AI),
                Threshold(
                    "Suggested foods",
                    f"at least {mg(rules.SUGGESTION_MIN_PER_PORTION['k'])} potassium per portion",
                    SUGGESTION_FILTER,
                ),
            ),
            (K_AI, K_AI_NOT_FOR_KIDNEY, NASEM_NO_K_UL, SR24),
            tables=(intake_table(dri.POTASSIUM_AI, "Potassium Adequate Intakes, mg a day", K_AI),),
        ),
        Entry(
            "DIURETIC_LOSSES",
            "Diuretics: losses of magnesium and potassium",
            ("info",),
            "Your profile lists a loop or thiazide diuretic (water tablet).",
            "These diuretics make the kidneys lose both magnesium and potassium; they are the "
            "classic setting in which low magnesium and low potassium occur together.",
            "Keep an eye on both minerals in your plan, and ask for magnesium and potassium to "
            "be part of your blood tests.",
            f"People taking {joined(diuretics)}.",
            (Threshold("Medicines", capfirst(joined(diuretics)), HUANG_KUO),),
            (HUANG_KUO, HARRISON),
            learn_more=(("planner:learn_mg_k", "Magnesium and potassium together"),),
        ),
        Entry(
            "PPI_LOW_MG",
            "Proton-pump inhibitors and low magnesium",
            ("info",),
            "Your profile lists a proton-pump inhibitor (PPI), a medicine that reduces stomach "
            "acid.",
            "Taken for a long time, PPIs can lower blood magnesium; the FDA advises checking "
            "magnesium before and during long-term treatment.",
            "Ask whether your magnesium should be checked, especially if you have taken the PPI "
            "for a long time (usually a year or more).",
            f"People taking {joined(ppis)}.",
            (Threshold("Medicines", capfirst(joined(ppis)), FDA_PPI),),
            (FDA_PPI,),
        ),
        Entry(
            "DATA_INCOMPLETE",
            "Some totals are incomplete",
            ("info",),
            "Some planned foods have no value in the food database for magnesium, potassium, "
            "or a nutrient you have a limit for. Those items are left out of that total, so the "
            "total is a lower bound.",
            "A total that silently counted unknown values as zero would look safer than it is, "
            "above all under a potassium limit.",
            "Where you can, swap the item for a similar food with complete data, or check its "
            "label.",
            "Everyone.",
            (Threshold("Shown when", "at least one item lacks a value", UNKNOWN_NOT_ZERO),),
            (SR24, UNKNOWN_NOT_ZERO),
            design_notes=("Unknown values are counted and shown as unknown, never summed as 0.",),
        ),
    )
    return {entry.code: entry for entry in entries}


CATALOGUE: dict[str, Entry] = _catalogue()
CODES = frozenset(CATALOGUE)


def entry(code: str) -> Entry | None:
    return CATALOGUE.get(code)


def by_level() -> list[tuple[Level, str, list[Entry]]]:
    """Entries grouped by their most serious level, danger first."""
    return [
        (level, LEVEL_LABELS[level], [e for e in CATALOGUE.values() if e.level == level])
        for level in LEVELS
    ]


# --- Facts for the learn pages ---------------------------------------------------


@dataclass(frozen=True)
class Symptom:
    name: str
    magnesium: tuple[Source, ...]  # sources that list it for low magnesium
    potassium: tuple[Source, ...]  # sources that list it for low potassium


SYMPTOMS = (
    Symptom("Muscle cramps and spasms", (ODS_MG, MAYO_MG), (MAYO_K,)),
    Symptom("Fatigue and weakness", (ODS_MG, MAYO_MG), (MAYO_K,)),
    Symptom("Irregular heartbeat", (ODS_MG, MAYO_MG), (MAYO_K,)),
    Symptom("Numbness or tingling", (ODS_MG, MAYO_MG), ()),
    Symptom("Loss of appetite and nausea", (ODS_MG, MAYO_MG), ()),
)
SYMPTOM_SOURCES = (ODS_MG, MAYO_MG, MAYO_K)


@dataclass(frozen=True)
class SaltRow:
    name: str
    share: str
    calculated: bool
    diarrhoea: bool = False


def _share(form: supps.SaltForm) -> str:
    if form.share_low == form.share_high:
        return f"{form.share_low * 100:.1f} %"
    return f"{form.share_low * 100:.1f}–{form.share_high * 100:.1f} %"


def salt_rows(mineral: str) -> list[SaltRow]:
    # The forms whose products carry the "causes diarrhoea most often" text.
    loose = {row.salt_form for row in supps.SUPPLEMENTS if row.side_effects == supps.MG_DIARRHOEA}
    forms = [f for f in supps.SALT_FORMS.values() if f.mineral == mineral]
    forms.sort(key=lambda f: -f.share_high)
    return [SaltRow(f.name, _share(f), f.calculated_here, f.key in loose) for f in forms]


@dataclass(frozen=True)
class KclStrength:
    meq: int
    salt_mg: float
    potassium_mg: float


def kcl_strengths() -> list[KclStrength]:
    per_mmol = units.ELEMENTS["k"].mg_per_mmol
    return [
        KclStrength(
            round(row.elemental_mg_per_unit / per_mmol),
            row.salt_mg_per_unit,
            row.elemental_mg_per_unit,
        )
        for row in supps.SUPPLEMENTS
        if row.slug.startswith("supp-k-chloride-er-")
    ]


def spacing_rows() -> list[tuple[str, str]]:
    """(medicine class, hours) for medicines to keep apart from magnesium."""
    return [
        (c.name, f"{c.spacing_hours[0]:g}–{c.spacing_hours[1]:g} hours")
        for c in meds.CLASSES.values()
        if c.spacing_hours
    ]


def diarrhoea_forms() -> list[str]:
    return [row.name for row in salt_rows("mg") if row.diarrhoea]


def page_facts() -> dict[str, str]:
    """Numbers the learn pages print, formatted, each from its data module."""
    return {
        "adult_mg_ul": mg(dri.MAGNESIUM_UL["19-30y"]),
        "mg_ul_from": ul_from_age(),
        "hypokalaemia": mmol(dri.HYPOKALAEMIA_MMOL_L),
        "hyperkalaemia": mmol(dri.HYPERKALAEMIA_MMOL_L),
        "hypomagnesaemia": mmol(dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L),
        "hypomagnesaemia_mg_dl": mg_dl(dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L),
        "high_k_item": mg(HIGH_POTASSIUM_ITEM_MG),
        "low_egfr": f"{rules.LOW_EGFR:g}",
        "k_mg_per_meq": f"{units.ELEMENTS['k'].mg_per_mmol / units.ELEMENTS['k'].valence:g} mg",
        "k_raising": joined(class_names(lambda c: c.raises_k)),
        "kcl_never": joined(
            [
                mid_sentence(n)
                for n in medicine_names(
                    *(c.code for c in meds.CLASSES.values() if c.kcl_contraindicated)
                )
            ]
        ),
    }


def oxide_example() -> supps.SupplementRow:
    return supps.SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"]


def salt_substitute_example() -> supps.SupplementRow:
    return supps.SUPPLEMENTS_BY_SLUG["salt-sub-kcl"]


def mg_lowering_classes() -> list[str]:
    return [mid_sentence(name) for name in class_names(lambda c: c.lowers_mg)]


def salt_substitute_source() -> Source:
    row = salt_substitute_example()
    share = supps.SALT_FORMS[row.salt_form].share_low
    return Source(
        f"Calculated: ¼ teaspoon of potassium chloride weighs about {row.unit_grams:g} g, "
        f"{share * 100:.1f} % of it potassium; the weight of a ¼ teaspoon is an approximation",
        "D",
    )


# Sources the learn pages cite, by a name the templates use.
PAGE_SOURCES = {
    "huang_kuo": HUANG_KUO,
    "huang_kuo_pump": HUANG_KUO_PUMP,
    "cmdt": CMDT,
    "serum_mg": SERUM_MG,
    "serum_k": SERUM_K,
    "ods_mg": ODS_MG,
    "mayo_mg": MAYO_MG,
    "mayo_k": MAYO_K,
    "kcl_label": KCL_LABEL,
    "kcl_strengths": KCL_STRENGTHS,
    "ben_salem": BEN_SALEM,
    "mg_renal_iom": MG_RENAL_IOM,
    "mg_citrate_label": MG_CITRATE_LABEL,
    "mg_renal_rule": MG_RENAL_RULE,
    "mg_ul": MG_UL,
    "mg_food_no_ul": MG_FOOD_NO_UL,
    "no_k_ul": NASEM_NO_K_UL,
    "salt_shares": SALT_SHARES,
    "diarrhoea_forms": DIARRHOEA_FORMS,
    "smpc_spacing": SMPC_SPACING,
    "fda_ppi": FDA_PPI,
    "harrison": HARRISON,
    "salt_substitute": salt_substitute_source(),
    "oxide_label": Source(supps.SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"].reference, ""),
    "calculated": Source("Calculated from atomic weights (not in the clinical reference)", ""),
}

# The sources of the supplements comparison table, in the order it cites them.
COMPARISON_SOURCES = (
    HUANG_KUO,
    KCL_LABEL,
    CMDT,
    MG_FOOD_NO_UL,
    DIARRHOEA_FORMS,
    MG_RENAL_IOM,
    MG_CITRATE_LABEL,
    MG_RENAL_RULE,
    BEN_SALEM,
    MG_UL,
    NASEM_NO_K_UL,
    SMPC_SPACING,
)
