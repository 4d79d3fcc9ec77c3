"""Clinical warnings for one planned day.

`evaluate(profile, day)` returns `Warning`s with a stable code: a code never
changes meaning, so exports and tests can rely on it. Each warning names the
numbers that triggered it and its source, and sends the reader to their
clinician: this is planning support, not diagnosis.

The rules read the clinical data (clinical.targets, clinical.medicines,
clinical.classes, clinical.rules); thresholds and the citations of the
messages live there with their sources, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.core.cache import cache
from django.urls import reverse

from clinical import medicines as medicine_catalogue
from clinical import targets as dri
from clinical.classes import HIGH_POTASSIUM_ITEM_MG, POTASSIUM_CLASS_SOURCE
from clinical.rules import (
    BEN_SALEM,
    FDA_PPI,
    HUANG_KUO,
    K_SUPPLEMENT_RISK_EGFR,
    K_SUPPLEMENT_RISK_STATUSES,
    KCL_LABEL,
    LOW_EGFR,
    REDUCED_EGFR,
    SUGGESTION_MAX_K_PER_PORTION,
    SUGGESTION_MIN_PER_PORTION,
)
from nutrition.models import Food
from nutrition.rankings import ranked_foods
from nutrition.search import Filters
from planner import intake
from planner.models import MealItem, PlanDay, Profile
from planner.targets import ProfileTargets, resolve

Level = Literal["info", "caution", "danger"]
LEVEL_ORDER = {"danger": 0, "caution": 1, "info": 2}

ADVICE = "Talk to your clinician or dietitian before changing your diet, medicines or supplements."
SUGGESTION_GROUPS = ("01", "08", "09", "11", "12", "15", "16", "20")
SUGGESTION_COUNT = 5
SUGGESTION_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Suggestion:
    food_id: int
    name: str
    portion: str
    magnesium_mg: float | None
    potassium_mg: float | None
    url: str


@dataclass(frozen=True)
class Warning:
    code: str
    level: Level
    message: str
    source: str
    item_id: int | None = None
    suggestions: tuple[Suggestion, ...] = field(default=())

    @property
    def url(self) -> str:
        return reverse("planner:warning_detail", args=[self.code])

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "source": self.source,
            "item_id": self.item_id,
        }


def _mg(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f} mg"


def day_items(day: PlanDay | int) -> list[MealItem]:
    """The items with what the rules read, in one query."""
    day_id = day if isinstance(day, int) else day.pk
    return list(
        MealItem.objects.filter(day_id=day_id)
        .select_related("food__supplement", "portion")
        .order_by("position", "id")
    )


def items_for_days(day_ids: list[int]) -> dict[int, list[MealItem]]:
    """Items of many days with what the rules read, in one query."""
    by_day: dict[int, list[MealItem]] = {day_id: [] for day_id in day_ids}
    items = (
        MealItem.objects.filter(day_id__in=day_ids)
        .select_related("food__supplement", "portion")
        .order_by("position", "id")
    )
    for item in items:
        by_day.setdefault(item.day_id, []).append(item)
    return by_day


def evaluate_days(
    profile: Profile,
    totals: dict[int, intake.DayTotals],
    targets: ProfileTargets,
    items: dict[int, list[MealItem]] | None = None,
    medicine_codes: list[str] | None = None,
) -> dict[int, list[Warning]]:
    """Warnings for several days (week view, exports) without per-day queries.

    Food suggestions are left out: they belong on the day editor, where the
    person can add them.
    """
    if items is None:
        items = items_for_days(list(totals))
    codes = profile.medicine_codes if medicine_codes is None else medicine_codes
    return {
        day_id: evaluate(
            profile,
            day_id,
            totals=day_totals,
            targets=targets,
            items=items.get(day_id, []),
            medicine_codes=codes,
            suggest=False,
        )
        for day_id, day_totals in totals.items()
    }


def _medicines(profile: Profile, codes: list[str] | None) -> list[medicine_catalogue.Medicine]:
    return medicine_catalogue.medicines_for(profile.medicine_codes if codes is None else codes)


def _mineral_supplied(food: Food) -> str | None:
    # A missing one-to-one raises an AttributeError subclass, which getattr absorbs.
    facts = getattr(food, "supplement", None)
    return facts.mineral if facts is not None else None


def _is_mg_supplement(food: Food) -> bool:
    return _mineral_supplied(food) == "mg"


def _is_k_supplement(food: Food) -> bool:
    return food.contains_kcl or _mineral_supplied(food) == "k"


def evaluate(
    profile: Profile,
    day: PlanDay | int,
    *,
    totals: intake.DayTotals | None = None,
    targets: ProfileTargets | None = None,
    items: list[MealItem] | None = None,
    medicine_codes: list[str] | None = None,
    suggest: bool = True,
) -> list[Warning]:
    """All warnings for `day` planned for `profile`, most serious first.

    Callers that already hold the totals, targets or items pass them in, so a
    page that shows totals and warnings computes each once.
    """
    totals = totals or intake.day_totals(day)
    targets = targets or resolve(profile, medicine_codes=medicine_codes)
    items = day_items(day) if items is None else items
    meds = _medicines(profile, medicine_codes)
    day_total = totals.total
    found: list[Warning] = []

    k_target = targets.get("potassium_mg")
    k_limit = k_target.maximum if k_target else None
    k_total = day_total["potassium_mg"]
    k_missing = day_total.missing.get("potassium_mg", 0)
    at_least = "at least " if k_missing else ""

    # --- potassium against the limit ------------------------------------------------
    if k_limit is not None and k_total is not None and k_total > k_limit:
        found.append(
            Warning(
                "K_ABOVE_LIMIT",
                "danger",
                f"This day has {at_least}{_mg(k_total)} of potassium, above your limit of "
                f"{_mg(k_limit)} ({k_target.kind}). Swap a high-potassium food for a lower one, "
                f"and ask your kidney team how strict your limit should be. {ADVICE}",
                k_target.source,
            )
        )
    if k_limit is not None:
        for item in items:
            k_item = item.food.per_grams("potassium_mg", item.grams)
            if k_item is not None and k_item > HIGH_POTASSIUM_ITEM_MG:
                found.append(
                    Warning(
                        "K_HIGH_ITEM",
                        "caution",
                        f"{item.food.name} ({item.amount_label}) has {_mg(k_item)} of potassium: "
                        f"more than {HIGH_POTASSIUM_ITEM_MG:,.0f} mg counts as high potassium "
                        f"for one serving. A smaller portion or a lower-potassium swap helps.",
                        POTASSIUM_CLASS_SOURCE,
                        item_id=item.id,
                    )
                )

    # --- sodium and phosphorus limits -----------------------------------------------
    for nutrient, code, name in (
        ("sodium_mg", "NA_ABOVE_LIMIT", "sodium"),
        ("phosphorus_mg", "P_ABOVE_LIMIT", "phosphorus"),
    ):
        target = targets.get(nutrient)
        value = day_total[nutrient]
        if target and target.maximum is not None and value is not None and value > target.maximum:
            more = "at least " if day_total.missing.get(nutrient) else ""
            found.append(
                Warning(
                    code,
                    "caution",
                    f"This day has {more}{_mg(value)} of {name}, above your limit of "
                    f"{_mg(target.maximum)} ({target.kind}). {ADVICE}",
                    target.source,
                )
            )

    # --- magnesium supplements ------------------------------------------------------
    mg_supplements = [item for item in items if _is_mg_supplement(item.food)]
    ul = targets.magnesium_supplement_ul
    supplement_mg = day_total.supplement_magnesium_mg
    if ul is not None and supplement_mg > ul.value_mg:
        found.append(
            Warning(
                "MG_SUPPLEMENT_ABOVE_UL",
                "caution",
                f"Magnesium from supplements, antacids or laxatives adds up to "
                f"{_mg(supplement_mg)} this day, above the upper limit of {_mg(ul.value_mg)} "
                f"for supplemental magnesium (magnesium in food does not count). Too much "
                f"often causes diarrhoea. {ADVICE}",
                ul.source,
            )
        )
    if mg_supplements:
        rule = dri.magnesium_supplement_rule(profile.kidney_status)
        level: Level | None = rule.level if rule else None
        reason = rule.message if rule else ""
        if profile.egfr is not None and profile.egfr < LOW_EGFR:
            level = "danger"
            reason = (
                f"Your eGFR of {profile.egfr:g} is below {LOW_EGFR:g}: magnesium can build up to "
                f"dangerous levels when the kidneys filter this little."
            )
        elif level is None and profile.egfr is not None and profile.egfr < REDUCED_EGFR:
            level = "caution"
            reason = (
                f"Your eGFR of {profile.egfr:g} means reduced kidney function: check with your "
                f"clinician before taking magnesium products."
            )
        if level is not None:
            names = ", ".join(sorted({i.food.name for i in mg_supplements}))
            found.append(
                Warning(
                    "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION",
                    level,
                    f"This day includes {names}. {reason} {ADVICE}",
                    dri.MG_SUPPLEMENT_RENAL_SOURCE,
                )
            )

    # --- potassium supplements and salt substitutes ---------------------------------
    k_supplements = [item for item in items if _is_k_supplement(item.food)]
    serum_k = profile.serum_k_mmol
    serum_mg = profile.serum_mg_mmol
    if k_supplements:
        names = ", ".join(sorted({i.food.name for i in k_supplements}))
        reasons = []
        status = profile.kidney_status
        if status in K_SUPPLEMENT_RISK_STATUSES:
            reasons.append(f"your kidney status ({profile.get_kidney_status_display()})")
        if profile.egfr is not None and profile.egfr < K_SUPPLEMENT_RISK_EGFR:
            reasons.append(f"an eGFR of {profile.egfr:g}")
        if serum_k is not None and serum_k > dri.HYPERKALAEMIA_MMOL_L:
            reasons.append(f"a serum potassium of {serum_k:g} mmol/L (above 5.0)")
        raising = [m for m in meds if m.raises_k]
        if raising:
            reasons.append(
                "medicines that raise potassium (" + ", ".join(m.name for m in raising) + ")"
            )
        contraindicated = [m for m in meds if m.kcl_contraindicated]
        if reasons or contraindicated:
            parts = [f"This day includes {names}."]
            if reasons:
                parts.append(f"With {'; '.join(reasons)}, extra potassium can raise blood")
                parts.append("potassium to dangerous levels.")
            sources = [BEN_SALEM, dri.K_LIMIT_SOURCE] if reasons else []
            if contraindicated:
                parts.append(
                    "Potassium chloride is contraindicated with "
                    + ", ".join(m.name for m in contraindicated)
                    + "."
                )
                sources.insert(0, KCL_LABEL)
            parts.append(
                "Take potassium supplements or salt substitutes only as your clinician prescribed."
            )
            found.append(
                Warning(
                    "K_SUPPLEMENT_HYPERKALEMIA_RISK", "danger", " ".join(parts), "; ".join(sources)
                )
            )
        mg_target = targets.get("magnesium_mg")
        mg_total = day_total["magnesium_mg"]
        low_day_mg = (
            mg_target is not None
            and mg_target.minimum is not None
            and (mg_total or 0) < mg_target.minimum
        )
        low_serum_mg = serum_mg is not None and serum_mg < dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L
        if low_day_mg or low_serum_mg:
            why = []
            if low_serum_mg:
                why.append(f"your serum magnesium is {serum_mg:.2f} mmol/L (below 0.75)")
            if low_day_mg:
                why.append(
                    f"this day's magnesium ({_mg(mg_total)}) is below your target "
                    f"({_mg(mg_target.minimum)})"
                )
            found.append(
                Warning(
                    "K_SUPPLEMENT_LOW_MG",
                    "caution",
                    f"You plan a potassium supplement while {' and '.join(why)}. Low magnesium "
                    f"makes low potassium hard to correct, so magnesium comes first. Ask your "
                    f"clinician to check your magnesium.",
                    HUANG_KUO,
                )
            )

    # --- serum values -----------------------------------------------------------------
    if serum_k is not None and serum_k < dri.HYPOKALAEMIA_MMOL_L:
        if serum_mg is not None and serum_mg < dri.HYPOMAGNESAEMIA_DEFAULT_MMOL_L:
            found.append(
                Warning(
                    "LOW_K_CHECK_MG",
                    "caution",
                    f"Your serum potassium ({serum_k:g} mmol/L) and magnesium ({serum_mg:.2f} "
                    f"mmol/L) are both low. Potassium may not come up until magnesium is "
                    f"corrected: ask your clinician about treating the magnesium first.",
                    HUANG_KUO,
                )
            )
        else:
            found.append(
                Warning(
                    "LOW_K_CHECK_MG",
                    "info",
                    f"Your serum potassium is {serum_k:g} mmol/L, below 3.5. Ask your clinician "
                    f"about your magnesium too: low magnesium keeps potassium low.",
                    HUANG_KUO,
                )
            )

    # --- below target ----------------------------------------------------------------
    mg_target = targets.get("magnesium_mg")
    mg_total = day_total["magnesium_mg"]
    if (
        mg_target
        and mg_target.minimum is not None
        and items
        and (mg_total or 0) < mg_target.minimum
    ):
        found.append(
            Warning(
                "MG_BELOW_TARGET",
                "info",
                f"This day has {_mg(mg_total)} of magnesium, below your target of "
                f"{_mg(mg_target.minimum)} ({mg_target.kind})."
                + (
                    " Foods that add magnesium without much potassium:"
                    if k_limit is not None
                    else " Foods that add magnesium:"
                ),
                mg_target.source,
                suggestions=_suggestions("mg", k_limit is not None) if suggest else (),
            )
        )
    if (
        k_limit is None
        and k_target
        and k_target.minimum is not None
        and items
        and (k_total or 0) < k_target.minimum
    ):
        found.append(
            Warning(
                "K_BELOW_TARGET",
                "info",
                f"This day has {_mg(k_total)} of potassium, below your target of "
                f"{_mg(k_target.minimum)} ({k_target.kind}). Foods that add potassium:",
                k_target.source,
                suggestions=_suggestions("k", False) if suggest else (),
            )
        )

    # --- medicines ---------------------------------------------------------------------
    diuretics = [m for m in meds if m.medicine_class.code in ("loop-diuretic", "thiazide-diuretic")]
    if diuretics:
        found.append(
            Warning(
                "DIURETIC_LOSSES",
                "info",
                f"{', '.join(m.name for m in diuretics)}: loop and thiazide diuretics make the "
                f"kidneys lose magnesium and potassium. Watch both, and ask for them to be "
                f"checked in your blood tests.",
                HUANG_KUO,
            )
        )
    ppis = [m for m in meds if m.medicine_class.code == "ppi"]
    if ppis:
        found.append(
            Warning(
                "PPI_LOW_MG",
                "info",
                f"{', '.join(m.name for m in ppis)}: taking a proton-pump inhibitor for a long "
                f"time can lower magnesium. Ask whether your magnesium should be checked.",
                FDA_PPI,
            )
        )

    # --- incomplete data -----------------------------------------------------------------
    shown = ["magnesium_mg", "potassium_mg"] + [
        n for n in ("sodium_mg", "phosphorus_mg") if targets.get(n) is not None
    ]
    lacking = {n: day_total.missing.get(n, 0) for n in shown if day_total.missing.get(n, 0)}
    if lacking:
        parts = [
            f"{count} item{'s' if count != 1 else ''} lack{'s' if count == 1 else ''} "
            f"{n.removesuffix('_mg')}"
            for n, count in lacking.items()
        ]
        found.append(
            Warning(
                "DATA_INCOMPLETE",
                "info",
                "Some totals are lower bounds: " + "; ".join(parts) + " data. The food "
                "database has no value for them, so they are not counted.",
                "USDA National Nutrient Database for Standard Reference, release 24",
            )
        )

    found.sort(key=lambda w: LEVEL_ORDER[w.level])
    return found


def _suggestions(mineral: str, potassium_limited: bool) -> tuple[Suggestion, ...]:
    """Foods that close a gap: the best per portion, one of each kind of food.

    The answer depends only on the food database, not on the day, and costs a
    ranking over every food; it is cached for a few minutes, so a curator's
    correction reaches the suggestions within SUGGESTION_CACHE_SECONDS.
    """
    key = f"mgk:suggestions:{mineral}:{int(potassium_limited)}"
    cached = cache.get(key)
    if cached is None:
        cached = _rank_suggestions(mineral, potassium_limited)
        cache.set(key, cached, SUGGESTION_CACHE_SECONDS)
    return cached


def _rank_suggestions(mineral: str, potassium_limited: bool) -> tuple[Suggestion, ...]:
    if mineral == "mg" and potassium_limited:
        foods = ranked_foods(
            "mg",
            "portion",
            Filters(kind=Food.Kind.FOOD),
            max_k_per_portion=SUGGESTION_MAX_K_PER_PORTION,
        )
    else:
        foods = ranked_foods(mineral, "portion", Filters(kind=Food.Kind.FOOD))
    per_portion = "mg_per_portion" if mineral == "mg" else "k_per_portion"
    foods = foods.filter(
        group__code__in=SUGGESTION_GROUPS,
        **{f"{per_portion}__gte": SUGGESTION_MIN_PER_PORTION[mineral]},
    )[:60]
    picked: list[Suggestion] = []
    seen: set[str] = set()
    for food in foods:
        kind = food.search_name.split(" ")[0] if food.search_name else food.name
        if kind in seen:
            continue
        seen.add(kind)
        picked.append(
            Suggestion(
                food.id,
                food.name,
                food.portion_label or "100 g",
                food.mg_per_portion,
                food.k_per_portion,
                food.get_absolute_url(),
            )
        )
        if len(picked) == SUGGESTION_COUNT:
            break
    return tuple(picked)
