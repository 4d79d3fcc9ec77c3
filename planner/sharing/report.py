"""What a share link shows: one allow-list, applied to the page, its print view and its PDF.

A share link is read by someone without an account: a nephrologist, a family
member, whoever holds the token. So the public report is not the private one
with parts hidden; it is built up from what may be shown:

- always: the plan's name, its days, meals, foods, amounts and day totals;
- only when the sharer ticks it (all off by default): the owner's name
  (`show_name`); targets, totals against them and warnings (`show_targets`);
  the plan's notes, as written (`show_notes`);
- never: anything else from the owner's profile (birth date, sex,
  pregnancy, kidney status, eGFR, lab values, medicines), the reasons and
  authors of custom targets, the name of a dietitian, comments and history.

With `show_targets`, a target reads "at most 3,000 mg (set for this person)"
whatever its origin, because the origin (a renal limit for CKD G4, an RDA
for pregnancy, a dietitian's reason) is itself health data. Warnings are
decided by the same rules as everywhere (`planner.warnings.evaluate` on the
owner's real profile), then worded here from the day's numbers only. A code
missing from `PUBLIC_WORDING` is not shown: a rule added later stays private
until someone writes its public wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from clinical.classes import HIGH_POTASSIUM_ITEM_MG
from nutrition.templatetags.nutrients import format_amount
from planner import warnings as warning_rules
from planner.assessment import DayAssessment, Owner
from planner.history import actor_name
from planner.intake import DayTotals
from planner.models import MealItem, ShareLink
from planner.reports.pdf import Report, report_days
from planner.summary import rows_for
from planner.targets import NutrientTarget, ProfileTargets

SET_FOR_THIS_PERSON = "set for this person"
PUBLIC_TARGET_SOURCE = "Set for this person; where it comes from is not shared."
NKF_CLASSES = (
    "Potassium content per serving: NKF food lists "
    f"(more than {HIGH_POTASSIUM_ITEM_MG:,.0f} mg is high)"
)
HUANG_KUO = warning_rules.HUANG_KUO
MG_UL_SOURCE = (
    "Tolerable Upper Intake Level for supplemental magnesium: Institute of Medicine, "
    "Dietary Reference Intakes 1997"
)
ASK = "Ask this person's clinician or dietitian before changing anything."

# What the share form offers, in its words, with each option's field on ShareLink.
ALWAYS_SHOWN = "the plan’s name, its days, meals, foods, amounts and day totals"
OPTIONS = (
    ("show_name", "the plan owner’s name"),
    ("show_targets", "targets, totals against them and warnings (without where they come from)"),
    ("show_notes", "the plan’s notes, as written"),
)
NEVER_SHOWN = (
    "username, e-mail, birth date, kidney status, lab results, medicines, the reasons for "
    "custom targets, who set them, comments and history"
)


@dataclass(frozen=True)
class ShareOptions:
    show_name: bool = False
    show_targets: bool = False
    show_notes: bool = False

    @classmethod
    def of(cls, link: ShareLink) -> ShareOptions:
        return cls(link.show_name, link.show_targets, link.show_notes)

    def shown(self) -> list[str]:
        """The options that are on, in the share form's words."""
        return [words for field, words in OPTIONS if getattr(self, field)]


def public_targets(targets: ProfileTargets) -> ProfileTargets:
    """The same numbers with nothing that says where they come from."""
    by_nutrient = {
        nutrient: NutrientTarget(
            target.nutrient,
            target.label,
            target.minimum,
            target.maximum,
            SET_FOR_THIS_PERSON,
            PUBLIC_TARGET_SOURCE,
        )
        for nutrient, target in targets.by_nutrient.items()
    }
    ul = targets.magnesium_supplement_ul
    return ProfileTargets(
        by_nutrient=by_nutrient,
        # The UL's note names the life stage it applies to: only the number goes out.
        magnesium_supplement_ul=replace(ul, source=MG_UL_SOURCE, note="") if ul else None,
        hyperkalaemia_risk=False,
        # Only the fact that there are no targets: the page does not say why.
        missing_basics=targets.missing_basics and not by_nutrient,
    )


NO_TARGETS = ProfileTargets(
    by_nutrient={}, magnesium_supplement_ul=None, hyperkalaemia_risk=False, missing_basics=False
)


# --- warnings, worded from the day's numbers ------------------------------------------------


@dataclass(frozen=True)
class _Context:
    totals: DayTotals
    targets: ProfileTargets  # the public ones
    items: dict[int, MealItem]


def _mg(value: float | None, missing: int = 0) -> str:
    if value is None:
        return "an unknown amount"
    return ("at least " if missing else "") + f"{format_amount(value)} mg"


def _over(nutrient: str, name: str) -> Callable[[warning_rules.Warning, _Context], str]:
    def word(warning: warning_rules.Warning, ctx: _Context) -> str:
        total = ctx.totals.total
        target = ctx.targets.get(nutrient)
        limit = target.maximum if target else None
        return (
            f"This day has {_mg(total[nutrient], total.missing.get(nutrient, 0))} of {name}, "
            f"above the limit of {_mg(limit)} {SET_FOR_THIS_PERSON}. {ASK}"
        )

    return word


def _under(nutrient: str, name: str) -> Callable[[warning_rules.Warning, _Context], str]:
    def word(warning: warning_rules.Warning, ctx: _Context) -> str:
        total = ctx.totals.total
        target = ctx.targets.get(nutrient)
        minimum = target.minimum if target else None
        value = total[nutrient]
        if value is None:
            return (
                f"This day's {name} is unknown (no food on it has a value), and the target "
                f"{SET_FOR_THIS_PERSON} is {_mg(minimum)}."
            )
        return (
            f"This day has {_mg(value, total.missing.get(nutrient, 0))} of {name}, below the "
            f"target of {_mg(minimum)} {SET_FOR_THIS_PERSON}."
        )

    return word


def _high_item(warning: warning_rules.Warning, ctx: _Context) -> str:
    item = ctx.items.get(warning.item_id or 0)
    if item is None:
        return f"An item on this day has more than {HIGH_POTASSIUM_ITEM_MG:,.0f} mg of potassium."
    potassium = item.food.per_grams("potassium_mg", item.grams)
    return (
        f"{item.food.name} ({item.amount_label}) has {_mg(potassium)} of potassium: more than "
        f"{HIGH_POTASSIUM_ITEM_MG:,.0f} mg counts as high potassium for one serving."
    )


def _mg_supplement_ul(warning: warning_rules.Warning, ctx: _Context) -> str:
    ul = ctx.targets.magnesium_supplement_ul
    return (
        f"Magnesium from supplements, antacids or laxatives adds up to "
        f"{_mg(ctx.totals.total.supplement_magnesium_mg)} this day, above the upper limit of "
        f"{_mg(ul.value_mg if ul else None)} for supplemental magnesium. {ASK}"
    )


def _fixed(text: str) -> Callable[[warning_rules.Warning, _Context], str]:
    return lambda warning, ctx: text


# code -> (how the public page words it, the source it shows). Rules about the
# person rather than the plan (lab values, medicines) have no entry: they are
# never shown. Rules whose reason is private say only what the plan holds.
PUBLIC_WORDING: dict[str, tuple[Callable[[warning_rules.Warning, _Context], str], str]] = {
    "K_ABOVE_LIMIT": (_over("potassium_mg", "potassium"), PUBLIC_TARGET_SOURCE),
    "NA_ABOVE_LIMIT": (_over("sodium_mg", "sodium"), PUBLIC_TARGET_SOURCE),
    "P_ABOVE_LIMIT": (_over("phosphorus_mg", "phosphorus"), PUBLIC_TARGET_SOURCE),
    "MG_BELOW_TARGET": (_under("magnesium_mg", "magnesium"), PUBLIC_TARGET_SOURCE),
    "K_BELOW_TARGET": (_under("potassium_mg", "potassium"), PUBLIC_TARGET_SOURCE),
    "K_HIGH_ITEM": (_high_item, NKF_CLASSES),
    "MG_SUPPLEMENT_ABOVE_UL": (_mg_supplement_ul, MG_UL_SOURCE),
    "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION": (
        _fixed(
            "This day includes a magnesium supplement, antacid or laxative that this person "
            f"should take only as their clinician advised. {ASK}"
        ),
        PUBLIC_TARGET_SOURCE,
    ),
    "K_SUPPLEMENT_HYPERKALEMIA_RISK": (
        _fixed(
            "This day includes a potassium supplement or salt substitute that this person "
            "should take only as their clinician prescribed."
        ),
        PUBLIC_TARGET_SOURCE,
    ),
    "K_SUPPLEMENT_LOW_MG": (
        _fixed(
            "A potassium supplement is planned while magnesium may be low. Low magnesium makes "
            "low potassium hard to correct, so magnesium comes first."
        ),
        HUANG_KUO,
    ),
    "DATA_INCOMPLETE": (
        lambda warning, ctx: warning.message,  # counts of items lacking data, nothing personal
        "USDA National Nutrient Database for Standard Reference, release 24",
    ),
}


def public_warnings(
    found: list[warning_rules.Warning], ctx: _Context
) -> list[warning_rules.Warning]:
    shown = []
    for warning in found:
        wording = PUBLIC_WORDING.get(warning.code)
        if wording is None:
            continue
        word, source = wording
        shown.append(
            warning_rules.Warning(
                warning.code, warning.level, word(warning, ctx), source, warning.item_id
            )
        )
    return shown


# --- the report -------------------------------------------------------------------------------


def build_public_report(link: ShareLink) -> Report:
    options = ShareOptions.of(link)
    plan = link.plan
    if not options.show_targets:
        return Report(
            plan=plan,
            public=True,
            person=_person(link, options),
            targets=NO_TARGETS,
            days=report_days(plan, None),
            notes=plan.notes if options.show_notes else "",
            show_targets=False,
        )

    # The rules run on the owner's real profile; only their numbers leave.
    owner = Owner.of(plan.owner_id)
    shown_targets = public_targets(owner.targets)

    def shape(assessed: DayAssessment):
        ctx = _Context(assessed.totals, shown_targets, {item.pk: item for item in assessed.items})
        rows = rows_for(assessed.readings, shown_targets, "mg")
        return rows, public_warnings(assessed.warnings, ctx)

    return Report(
        plan=plan,
        public=True,
        person=_person(link, options),
        targets=shown_targets,
        days=report_days(plan, owner, shape),
        notes=plan.notes if options.show_notes else "",
        show_targets=True,
    )


def _person(link: ShareLink, options: ShareOptions) -> str:
    return actor_name(link.plan.owner) if options.show_name else ""
