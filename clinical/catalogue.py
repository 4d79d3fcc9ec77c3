"""The warning catalogue: what each warning code means, why it matters, what to
do, who it applies to, the thresholds it uses and its sources.

The words are in clinical/data/warnings.toml; every number in them is a
{placeholder} filled from the other data files through `facts()`, never
retyped, so a changed number shows up here the moment it changes there.

Evidence tags follow clinical.md: "P" read in the primary source, "S" seen in
a secondary copy that cites it, "D" a design choice of this app, not a
guideline. An empty tag means clinical.md gives none for that source.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from clinical import classes, medicines, nutrients, rules, targets
from clinical.loader import EVIDENCE, DataError, Row, data_file, read, rows

Evidence = Literal["P", "S", "D", "P/S", ""]
Level = Literal["danger", "caution", "info"]

WARNINGS_FILE = data_file("warnings.toml")
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


# --- Formatting the numbers of the data files --------------------------------------


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


def adult_range(table: dict[str, targets.IntakeRow], sex: str) -> str:
    adult = {stage.code for stage in targets.LIFE_STAGES if stage.min_years >= 19}
    values = [getattr(row, sex) for code, row in table.items() if code in adult]
    return mg_range(min(values), max(values))


def adult_mg_ul() -> float:
    return targets.MAGNESIUM_UL["19-30y"]


def ul_from_age() -> str:
    adult_ul = adult_mg_ul()
    first = next(s for s in targets.LIFE_STAGES if targets.MAGNESIUM_UL.get(s.code) == adult_ul)
    return f"{first.min_years:g} years"


def mg_dl_value(mmol_l: float) -> str:
    return f"{nutrients.serum_mg_from_mmol_l(mmol_l, 'mg/dL'):.1f}"


def mg_dl(mmol_l: float) -> str:
    return f"{mg_dl_value(mmol_l)} mg/dL"


def status_label(code: str) -> str:
    return targets.KIDNEY_STATUSES[code]


def statuses_label(codes) -> str:
    order = list(targets.KIDNEY_STATUSES)
    return "; ".join(status_label(c) for c in sorted(codes, key=order.index))


def egfr_lower_bound(category: str) -> float:
    return dict((c, lower) for lower, c in targets.EGFR_CATEGORIES)[category]


def class_names(predicate) -> list[str]:
    return [c.name for c in medicines.CLASSES.values() if predicate(c)]


def medicine_names(*class_codes: str) -> list[str]:
    return [m.name for m in medicines.MEDICINES if m.medicine_class.code in class_codes]


def kcl_never_names() -> list[str]:
    codes = (c.code for c in medicines.CLASSES.values() if c.kcl_contraindicated)
    return medicine_names(*codes)


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


def facts() -> dict[str, str]:
    """Every number and list the catalogue's texts name, formatted, each from its data file."""
    k_raising = class_names(lambda c: c.raises_k)
    diuretics = medicine_names("loop-diuretic", "thiazide-diuretic")
    ppis = medicine_names("ppi")
    renal = targets.RENAL_TABLE
    mg_rules = targets.MAGNESIUM_SUPPLEMENT_RENAL_RULES
    na_mmol = nutrients.convert(targets.SODIUM_LIMIT_MG, "sodium_mg", "mmol")
    mg_low = targets.HYPOMAGNESAEMIA_DEFAULT_MMOL_L
    potassium = nutrients.ELEMENTS["k"]
    return {
        # Citations of the other data files, for [sources].
        "huang_kuo_citation": rules.HUANG_KUO,
        "kcl_label_citation": rules.KCL_LABEL,
        "ben_salem_citation": rules.BEN_SALEM,
        "fda_ppi_citation": rules.FDA_PPI,
        "mg_dri_source": targets.MG_DRI_SOURCE,
        "mg_ul_source": targets.MG_UL_SOURCE,
        "serum_mg_source": targets.SERUM_MG_SOURCE,
        "serum_k_evidence": targets.POTASSIUM_BANDS[0].evidence,
        "k_ai_source": targets.K_AI_SOURCE,
        "kdigo_source": targets.KDIGO_SOURCE,
        "k_limit_source": targets.K_LIMIT_SOURCE,
        "na_limit_source": targets.NA_LIMIT_SOURCE,
        "p_limit_source": targets.P_LIMIT_SOURCE,
        "potassium_class_source": classes.POTASSIUM_CLASS_SOURCE,
        "mg_supplement_renal_source": targets.MG_SUPPLEMENT_RENAL_SOURCE,
        "smpc_spacing_source": medicines.SMPC_SPACING,
        # Numbers and lists.
        "k_statuses": statuses_label([c for c, row in renal.items() if row.potassium]),
        "na_statuses": statuses_label([c for c, row in renal.items() if row.sodium_limited]),
        "p_statuses": statuses_label([c for c, row in renal.items() if row.phosphorus_limited]),
        "high_k_item": mg(classes.HIGH_POTASSIUM_ITEM_MG),
        "sodium_limit": mg(targets.SODIUM_LIMIT_MG),
        "sodium_limit_mmol": f"{na_mmol:,.0f}",
        "phosphorus_limit": mg(targets.PHOSPHORUS_LIMIT_MG),
        "adult_mg_ul": mg(adult_mg_ul()),
        "mg_ul_from": ul_from_age(),
        "low_egfr": f"{rules.LOW_EGFR:g}",
        "reduced_egfr": f"{rules.REDUCED_EGFR:g}",
        "k_risk_egfr": f"{rules.K_SUPPLEMENT_RISK_EGFR:g}",
        "mg_danger_statuses": statuses_label(
            [c for c, r in mg_rules.items() if r.level == "danger"]
        ),
        "mg_caution_statuses": statuses_label(
            [c for c, r in mg_rules.items() if r.level == "caution"]
        ),
        "k_supplement_risk_statuses": statuses_label(rules.K_SUPPLEMENT_RISK_STATUSES),
        "hyperkalaemia": mmol(targets.HYPERKALAEMIA_MMOL_L),
        "hypokalaemia": mmol(targets.HYPOKALAEMIA_MMOL_L),
        "hypomagnesaemia": mmol(mg_low),
        "hypomagnesaemia_mg_dl": mg_dl(mg_low),
        "k_raising": joined(k_raising),
        "K_raising": capfirst(joined(k_raising)),
        "kcl_never": joined(kcl_never_names()),
        "Kcl_never": capfirst(joined(kcl_never_names())),
        "diuretics": joined(diuretics),
        "Diuretics": capfirst(joined(diuretics)),
        "ppis": joined(ppis),
        "Ppis": capfirst(joined(ppis)),
        "adult_mg_men": adult_range(targets.MAGNESIUM_DRI, "male"),
        "adult_mg_women": adult_range(targets.MAGNESIUM_DRI, "female"),
        "adult_k_men": adult_range(targets.POTASSIUM_AI, "male"),
        "adult_k_women": adult_range(targets.POTASSIUM_AI, "female"),
        "suggestion_min_mg": mg(rules.SUGGESTION_MIN_PER_PORTION["mg"]),
        "suggestion_min_k": mg(rules.SUGGESTION_MIN_PER_PORTION["k"]),
        "suggestion_max_k": mg(rules.SUGGESTION_MAX_K_PER_PORTION),
        "k_mg_per_meq": f"{potassium.mg_per_mmol / potassium.valence:g} mg",
    }


# --- Tables the entries show, built from the data -----------------------------------


def potassium_class_rows() -> tuple[tuple[str, ...], ...]:
    found = []
    lower = 0.0
    for serving_class in classes.POTASSIUM_CLASSES:
        if serving_class.upper_mg is None:
            amount = f"more than {mg(lower)}"
        elif lower == 0:
            amount = f"{mg(serving_class.upper_mg)} or less"
        else:
            amount = f"{lower + 1:,.0f}–{mg(serving_class.upper_mg)}"
        found.append((serving_class.label, amount))
        lower = serving_class.upper_mg or lower
    return tuple(found)


def _dri_value(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def intake_table(table: dict[str, targets.IntakeRow], caption: str, source: Source) -> Table:
    labels = {stage.code: stage.label for stage in targets.LIFE_STAGES}
    found = tuple(
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
        found,
        source,
    )


def magnesium_ul_table(source: Source) -> Table:
    found = [
        (
            stage.label,
            mg(targets.MAGNESIUM_UL[stage.code])
            if stage.code in targets.MAGNESIUM_UL
            else "none set",
        )
        for stage in targets.LIFE_STAGES
    ]
    return Table(
        "Upper limit for magnesium from supplements and medicines, per day",
        ("Life stage", "Upper limit"),
        tuple(found),
        source,
    )


def renal_potassium_thresholds(source: Source) -> tuple[Threshold, ...]:
    by_limit: dict[tuple, list[str]] = {}
    for code, row in targets.RENAL_TABLE.items():
        if row.potassium is not None:
            by_limit.setdefault(row.potassium, []).append(code)
    found = []
    for (max_mg, (low, high)), codes in by_limit.items():
        found.append(
            Threshold(
                statuses_label(codes),
                f"{mg(max_mg)} a day (usual range {low:,.0f}–{mg(high)})",
                source,
            )
        )
    risk = targets.renal_limits("none", hyperkalaemia_risk=True)["potassium_mg"]
    found.append(
        Threshold(
            f"Any kidney status with a hyperkalaemia risk: serum potassium above "
            f"{mmol(targets.HYPERKALAEMIA_MMOL_L)} or a medicine that raises potassium",
            f"{mg(risk.max_mg)} a day at most",
            source,
        )
    )
    return tuple(found)


def potassium_band_rows() -> tuple[tuple[str, ...], ...]:
    found = []
    for band in targets.POTASSIUM_BANDS:
        if band.low is None:
            text = f"below {mmol_value(band.high)}"  # type: ignore[arg-type]
        elif band.high is None:
            text = f"above {mmol_value(band.low)}"
        else:
            low = ("" if band.low_inclusive else "above ") + mmol_value(band.low)
            high = ("" if band.high_inclusive else "under ") + mmol_value(band.high)
            text = f"{low} to {high}"
        found.append((band.label, f"{text} mmol/L"))
    return tuple(found)


def lab_tables(sources: dict[str, Source] | None = None) -> tuple[Table, Table]:
    sources = SOURCES if sources is None else sources
    low = targets.HYPOMAGNESAEMIA_DEFAULT_MMOL_L
    high = targets.SERUM_MG_UPPER_NORMAL_MMOL_L
    magnesium = Table(
        "Serum magnesium",
        ("Result", "mmol/L", "mg/dL"),
        (
            ("Low (hypomagnesaemia)", f"below {low:.2f}", f"below {mg_dl_value(low)}"),
            ("Normal", f"{low:.2f}–{high:.2f}", f"{mg_dl_value(low)}–{mg_dl_value(high)}"),
            ("Above the normal range", f"above {high:.2f}", f"above {mg_dl_value(high)}"),
        ),
        sources["serum_mg"],
    )
    potassium = Table(
        "Serum potassium", ("Result", "Range"), potassium_band_rows(), sources["serum_k"]
    )
    return magnesium, potassium


# The tables an entry may name in warnings.toml, each built from the data.
TABLES: dict[str, Callable[[dict[str, Source]], Table]] = {
    "potassium_classes": lambda s: Table(
        "Potassium classes per serving (½ cup unless stated)",
        ("Class", "Potassium per serving"),
        potassium_class_rows(),
        s["nkf_classes"],
    ),
    "magnesium_ul": lambda s: magnesium_ul_table(s["mg_ul"]),
    "magnesium_dri": lambda s: intake_table(
        targets.MAGNESIUM_DRI, "Magnesium targets, mg a day", s["mg_dri"]
    ),
    "potassium_ai": lambda s: intake_table(
        targets.POTASSIUM_AI, "Potassium Adequate Intakes, mg a day", s["k_ai"]
    ),
    "serum_magnesium": lambda s: lab_tables(s)[0],
    "serum_potassium": lambda s: lab_tables(s)[1],
}
# Thresholds an entry may take from the data instead of listing them.
THRESHOLDS: dict[str, Callable[[dict[str, Source]], tuple[Threshold, ...]]] = {
    "renal_potassium": lambda s: renal_potassium_thresholds(s["k_limit"]),
}


# --- Loading ---------------------------------------------------------------------


def _fill(row: Row, key: str, text: str, known: dict[str, str]) -> str:
    """`text` with its {placeholders} filled; an unknown one names the file and row."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        row.fail(f"{key!r}: {error}")
    unknown = sorted(names - set(known))
    if unknown:
        row.fail(f"{key!r} names unknown fact{'s' if len(unknown) > 1 else ''} {unknown}")
    return text.format_map(known)


def load_sources(path: Path = WARNINGS_FILE, known: dict[str, str] | None = None):
    known = facts() if known is None else known
    found: dict[str, Source] = {}
    table = read(path).get("sources")
    if not isinstance(table, dict) or not table:
        raise DataError(f"{path.name}: expected a [sources] table")
    for key, values in table.items():
        row = Row(path, f"[sources.{key}]", values)
        row.only("text", "evidence", "url", "short")
        evidence = _fill(row, "evidence", row.text("evidence", ""), known)
        if evidence and evidence not in EVIDENCE:
            row.fail(f"'evidence' must be one of {', '.join(EVIDENCE)} or empty, got {evidence!r}")
        found[key] = Source(
            _fill(row, "text", row.text("text"), known),
            evidence,  # type: ignore[arg-type]
            row.text("url", ""),
            row.text("short", ""),
        )
    return found


def build(path: Path = WARNINGS_FILE) -> tuple[dict[str, Source], dict[str, Entry]]:
    """(sources, entries) from the file, with every fact filled in from the data now.

    Not cached: the file is read once (loader.read), and a test that changes a
    number in a data module rebuilds the catalogue to see it in the texts.
    """
    known = facts()
    sources = load_sources(path, known)
    entries: dict[str, Entry] = {}

    def source(row: Row, key: str) -> Source:
        if key not in sources:
            row.fail(f"unknown source {key!r}")
        return sources[key]

    for row in rows(path, "entries"):
        row.only(
            "code", "title", "levels", "means", "why", "what_to_do", "applies_to",
            "thresholds", "thresholds_from", "sources", "tables", "design_notes", "learn_more",
        )  # fmt: skip
        code = row.text("code")
        if code in entries:
            row.fail("code listed twice")
        levels = row.texts("levels")
        if not levels or not set(levels) <= set(LEVELS):
            row.fail(f"'levels' must be some of {', '.join(LEVELS)}, got {levels!r}")
        if "thresholds_from" in row.values:
            thresholds = THRESHOLDS[row.choice("thresholds_from", THRESHOLDS)](sources)
        else:
            items = row.values.get("thresholds")
            if not isinstance(items, list) or not items:
                row.fail("needs 'thresholds' or 'thresholds_from'")
            thresholds = []
            for index, values in enumerate(items, start=1):
                item = Row(path, f"{row.where} threshold {index}", values)
                item.only("label", "value", "source")
                thresholds.append(
                    Threshold(
                        _fill(item, "label", item.text("label"), known),
                        _fill(item, "value", item.text("value"), known),
                        source(item, item.text("source")),
                    )
                )
        learn_more = row.values.get("learn_more", [])
        if not all(
            isinstance(link, list) and len(link) == 2 and all(isinstance(x, str) for x in link)
            for link in learn_more
        ):
            row.fail("'learn_more' must be a list of [url name, link text]")
        cited = tuple(source(row, key) for key in row.texts("sources"))
        if not cited:
            row.fail("needs at least one source")
        entries[code] = Entry(
            code,
            _fill(row, "title", row.text("title"), known),
            levels,  # type: ignore[arg-type]
            _fill(row, "means", row.text("means"), known),
            _fill(row, "why", row.text("why"), known),
            _fill(row, "what_to_do", row.text("what_to_do"), known),
            _fill(row, "applies_to", row.text("applies_to"), known),
            tuple(thresholds),
            cited,
            tuple(_table(row, name, sources) for name in row.texts("tables")),
            tuple(_fill(row, "design_notes", note, known) for note in row.texts("design_notes")),
            tuple((name, text) for name, text in learn_more),
        )
    return sources, entries


def _table(row: Row, name: str, sources: dict[str, Source]) -> Table:
    if name not in TABLES:
        row.fail(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    return TABLES[name](sources)


SOURCES, CATALOGUE = build()
CODES = frozenset(CATALOGUE)


def entry(code: str) -> Entry | None:
    return CATALOGUE.get(code)


def by_level() -> list[tuple[Level, str, list[Entry]]]:
    """Entries grouped by their most serious level, danger first."""
    return [
        (level, LEVEL_LABELS[level], [e for e in CATALOGUE.values() if e.level == level])
        for level in LEVELS
    ]
