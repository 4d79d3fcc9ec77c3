"""The warning rules, one function per code, in the order they run.

Each rule reads the day's `Context` and returns what it found. The code is
the `@rule(...)` registration; what the code means for a reader (title, why,
what to do, thresholds, sources) is its entry in clinical/data/warnings.toml.
Every number a message names is formatted from the clinical data, never
retyped: the cut-offs in clinical.targets, clinical.classes and clinical.rules.
"""

from __future__ import annotations

from clinical import classes, rules
from clinical import targets as dri
from clinical.catalogue import mmol_value
from planner.warnings.context import Context
from planner.warnings.registry import Found, Level, rule
from planner.warnings.suggestions import suggestions

ADVICE = "Talk to your clinician or dietitian before changing your diet, medicines or supplements."
USDA_SR24 = "USDA National Nutrient Database for Standard Reference, release 24"


def _mg(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f} mg"


def _names(items) -> str:
    return ", ".join(sorted({item.food.name for item in items}))


def _includes(items) -> str:
    return f"This day includes {_names(items)}."


def _egfr_below(ctx: Context, cut_off: float) -> bool:
    # An unknown eGFR is not a low one: the rules that need it say nothing.
    return ctx.profile.egfr is not None and ctx.profile.egfr < cut_off


# --- potassium against the limit ---------------------------------------------------


@rule("K_ABOVE_LIMIT")
def k_above_limit(ctx: Context) -> Found | None:
    k_total = ctx.total["potassium_mg"]
    if ctx.k_limit is None or k_total is None or k_total <= ctx.k_limit:
        return None
    at_least = "at least " if ctx.total.missing.get("potassium_mg", 0) else ""
    return Found(
        "danger",
        f"This day has {at_least}{_mg(k_total)} of potassium, above your limit of "
        f"{_mg(ctx.k_limit)} ({ctx.k_target.kind}). Swap a high-potassium food for a lower one, "
        f"and ask your kidney team how strict your limit should be. {ADVICE}",
        ctx.k_target.source,
    )


@rule("K_HIGH_ITEM")
def k_high_item(ctx: Context) -> list[Found]:
    """One per serving above the NKF "high potassium" class, for potassium-limited people."""
    if ctx.k_limit is None:
        return []
    high = classes.HIGH_POTASSIUM_ITEM_MG
    found = []
    for item in ctx.items:
        k_item = item.food.per_grams("potassium_mg", item.grams)
        if k_item is not None and k_item > high:
            found.append(
                Found(
                    "caution",
                    f"{item.food.name} ({item.amount_label}) has {_mg(k_item)} of potassium: "
                    f"more than {high:,.0f} mg counts as high potassium "
                    f"for one serving. A smaller portion or a lower-potassium swap helps.",
                    classes.POTASSIUM_CLASS_SOURCE,
                    item_id=item.id,
                )
            )
    return found


# --- sodium and phosphorus limits --------------------------------------------------


def _above_limit(ctx: Context, nutrient: str, name: str) -> Found | None:
    target = ctx.targets.get(nutrient)
    value = ctx.total[nutrient]
    if not target or target.maximum is None or value is None or value <= target.maximum:
        return None
    more = "at least " if ctx.total.missing.get(nutrient) else ""
    return Found(
        "caution",
        f"This day has {more}{_mg(value)} of {name}, above your limit of "
        f"{_mg(target.maximum)} ({target.kind}). {ADVICE}",
        target.source,
    )


@rule("NA_ABOVE_LIMIT")
def na_above_limit(ctx: Context) -> Found | None:
    return _above_limit(ctx, "sodium_mg", "sodium")


@rule("P_ABOVE_LIMIT")
def p_above_limit(ctx: Context) -> Found | None:
    return _above_limit(ctx, "phosphorus_mg", "phosphorus")


# --- magnesium supplements ---------------------------------------------------------


@rule("MG_SUPPLEMENT_ABOVE_UL")
def mg_supplement_above_ul(ctx: Context) -> Found | None:
    ul = ctx.targets.magnesium_supplement_ul
    supplement_mg = ctx.total.supplement_magnesium_mg
    if ul is None or supplement_mg <= ul.value_mg:
        return None
    return Found(
        "caution",
        f"Magnesium from supplements, antacids or laxatives adds up to "
        f"{_mg(supplement_mg)} this day, above the upper limit of {_mg(ul.value_mg)} "
        f"for supplemental magnesium (magnesium in food does not count). Too much "
        f"often causes diarrhoea. {ADVICE}",
        ul.source,
    )


@rule("MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION")
def mg_supplement_low_kidney_function(ctx: Context) -> Found | None:
    """The kidney status's rule (clinical.targets), made stricter by a low eGFR."""
    if not ctx.mg_supplements:
        return None
    egfr = ctx.profile.egfr
    renal_rule = dri.magnesium_supplement_rule(ctx.profile.kidney_status)
    level: Level | None = renal_rule.level if renal_rule else None
    reason = renal_rule.message if renal_rule else ""
    if _egfr_below(ctx, rules.LOW_EGFR):
        level = "danger"
        reason = (
            f"Your eGFR of {egfr:g} is below {rules.LOW_EGFR:g}: magnesium can build up "
            f"to dangerous levels when the kidneys filter this little."
        )
    elif level is None and _egfr_below(ctx, rules.REDUCED_EGFR):
        level = "caution"
        reason = (
            f"Your eGFR of {egfr:g} means reduced kidney function: check with your "
            f"clinician before taking magnesium products."
        )
    if level is None:
        return None
    return Found(
        level,
        f"{_includes(ctx.mg_supplements)} {reason} {ADVICE}",
        dri.MG_SUPPLEMENT_RENAL_SOURCE,
    )


# --- potassium supplements and salt substitutes ------------------------------------


@rule("K_SUPPLEMENT_HYPERKALEMIA_RISK")
def k_supplement_hyperkalemia_risk(ctx: Context) -> Found | None:
    """Extra potassium with a reason it can build up, or with a medicine it must not meet."""
    if not ctx.k_supplements:
        return None
    profile = ctx.profile
    reasons = []
    if profile.kidney_status in rules.K_SUPPLEMENT_RISK_STATUSES:
        reasons.append(f"your kidney status ({profile.get_kidney_status_display()})")
    if _egfr_below(ctx, rules.K_SUPPLEMENT_RISK_EGFR):
        reasons.append(f"an eGFR of {profile.egfr:g}")
    if ctx.serum_k is not None and ctx.serum_k > dri.HYPERKALAEMIA_MMOL_L:
        reasons.append(
            f"a serum potassium of {ctx.serum_k:g} mmol/L "
            f"(above {mmol_value(dri.HYPERKALAEMIA_MMOL_L)})"
        )
    raising = [m for m in ctx.medicines if m.raises_k]
    if raising:
        reasons.append(
            "medicines that raise potassium (" + ", ".join(m.name for m in raising) + ")"
        )
    contraindicated = [m for m in ctx.medicines if m.kcl_contraindicated]
    if not reasons and not contraindicated:
        return None
    parts = [_includes(ctx.k_supplements)]
    if reasons:
        parts.append(f"With {'; '.join(reasons)}, extra potassium can raise blood")
        parts.append("potassium to dangerous levels.")
    sources = [rules.BEN_SALEM, dri.K_LIMIT_SOURCE] if reasons else []
    if contraindicated:
        parts.append(
            "Potassium chloride is contraindicated with "
            + ", ".join(m.name for m in contraindicated)
            + "."
        )
        sources.insert(0, rules.KCL_LABEL)
    parts.append(
        "Take potassium supplements or salt substitutes only as your clinician prescribed."
    )
    return Found("danger", " ".join(parts), "; ".join(sources))


@rule("K_SUPPLEMENT_LOW_MG")
def k_supplement_low_mg(ctx: Context) -> Found | None:
    """A potassium supplement while magnesium is low, in the blood or on this day."""
    if not ctx.k_supplements:
        return None
    mg_target = ctx.mg_target
    mg_total = ctx.total["magnesium_mg"]
    low_day_mg = (
        mg_target is not None
        and mg_target.minimum is not None
        and (mg_total or 0) < mg_target.minimum
    )
    low_mg = dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L
    low_serum_mg = ctx.serum_mg is not None and ctx.serum_mg < low_mg
    if not (low_day_mg or low_serum_mg):
        return None
    why = []
    if low_serum_mg:
        why.append(
            f"your serum magnesium is {ctx.serum_mg:.2f} mmol/L (below {mmol_value(low_mg)})"
        )
    if low_day_mg:
        why.append(
            f"this day's magnesium ({_mg(mg_total)}) is below your target "
            f"({_mg(mg_target.minimum)})"
        )
    return Found(
        "caution",
        f"You plan a potassium supplement while {' and '.join(why)}. Low magnesium "
        f"makes low potassium hard to correct, so magnesium comes first. Ask your "
        f"clinician to check your magnesium.",
        rules.HUANG_KUO,
    )


# --- serum values ------------------------------------------------------------------


@rule("LOW_K_CHECK_MG")
def low_k_check_mg(ctx: Context) -> Found | None:
    """Low serum potassium: a caution when magnesium is low too, else a reminder to check it."""
    serum_k, serum_mg = ctx.serum_k, ctx.serum_mg
    if serum_k is None or serum_k >= dri.HYPOKALAEMIA_MMOL_L:
        return None
    if serum_mg is not None and serum_mg < dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L:
        return Found(
            "caution",
            f"Your serum potassium ({serum_k:g} mmol/L) and magnesium ({serum_mg:.2f} "
            f"mmol/L) are both low. Potassium may not come up until magnesium is "
            f"corrected: ask your clinician about treating the magnesium first.",
            rules.HUANG_KUO,
        )
    return Found(
        "info",
        f"Your serum potassium is {serum_k:g} mmol/L, below "
        f"{mmol_value(dri.HYPOKALAEMIA_MMOL_L)}. Ask your clinician "
        f"about your magnesium too: low magnesium keeps potassium low.",
        rules.HUANG_KUO,
    )


# --- below target ------------------------------------------------------------------


@rule("MG_BELOW_TARGET")
def mg_below_target(ctx: Context) -> Found | None:
    """A planned day short of the magnesium target, with foods that close the gap."""
    mg_target = ctx.mg_target
    mg_total = ctx.total["magnesium_mg"]
    if not (
        mg_target
        and mg_target.minimum is not None
        and ctx.items
        and (mg_total or 0) < mg_target.minimum
    ):
        return None
    return Found(
        "info",
        f"This day has {_mg(mg_total)} of magnesium, below your target of "
        f"{_mg(mg_target.minimum)} ({mg_target.kind})."
        + (
            " Foods that add magnesium without much potassium:"
            if ctx.potassium_limited
            else " Foods that add magnesium:"
        ),
        mg_target.source,
        suggestions=suggestions("mg", ctx.potassium_limited) if ctx.suggest else (),
    )


@rule("K_BELOW_TARGET")
def k_below_target(ctx: Context) -> Found | None:
    """A planned day short of the potassium target, only when potassium is not limited."""
    k_target = ctx.k_target
    k_total = ctx.total["potassium_mg"]
    if not (
        ctx.k_limit is None
        and k_target
        and k_target.minimum is not None
        and ctx.items
        and (k_total or 0) < k_target.minimum
    ):
        return None
    return Found(
        "info",
        f"This day has {_mg(k_total)} of potassium, below your target of "
        f"{_mg(k_target.minimum)} ({k_target.kind}). Foods that add potassium:",
        k_target.source,
        suggestions=suggestions("k", False) if ctx.suggest else (),
    )


# --- medicines ---------------------------------------------------------------------


@rule("DIURETIC_LOSSES")
def diuretic_losses(ctx: Context) -> Found | None:
    diuretics = [
        m for m in ctx.medicines if m.medicine_class.code in ("loop-diuretic", "thiazide-diuretic")
    ]
    if not diuretics:
        return None
    return Found(
        "info",
        f"{', '.join(m.name for m in diuretics)}: loop and thiazide diuretics make the "
        f"kidneys lose magnesium and potassium. Watch both, and ask for them to be "
        f"checked in your blood tests.",
        rules.HUANG_KUO,
    )


@rule("PPI_LOW_MG")
def ppi_low_mg(ctx: Context) -> Found | None:
    ppis = [m for m in ctx.medicines if m.medicine_class.code == "ppi"]
    if not ppis:
        return None
    return Found(
        "info",
        f"{', '.join(m.name for m in ppis)}: taking a proton-pump inhibitor for a long "
        f"time can lower magnesium. Ask whether your magnesium should be checked.",
        rules.FDA_PPI,
    )


# --- incomplete data ---------------------------------------------------------------


@rule("DATA_INCOMPLETE")
def data_incomplete(ctx: Context) -> Found | None:
    """Totals that are lower bounds, for the nutrients this person's page shows."""
    missing = ctx.total.missing
    shown = ["magnesium_mg", "potassium_mg"] + [
        n for n in ("sodium_mg", "phosphorus_mg") if ctx.targets.get(n) is not None
    ]
    lacking = {n: missing.get(n, 0) for n in shown if missing.get(n, 0)}
    if not lacking:
        return None
    parts = [
        f"{count} item{'s' if count != 1 else ''} lack{'s' if count == 1 else ''} "
        f"{n.removesuffix('_mg')}"
        for n, count in lacking.items()
    ]
    return Found(
        "info",
        "Some totals are lower bounds: " + "; ".join(parts) + " data. The food "
        "database has no value for them, so they are not counted.",
        USDA_SR24,
    )
