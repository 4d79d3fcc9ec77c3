"""Clinical warnings for one planned day.

`evaluate(profile, day)` returns `Warning`s with a stable code: a code never
changes meaning, so exports and tests can rely on it. Each warning names the
numbers that triggered it and its source, and sends the reader to their
clinician: this is planning support, not diagnosis.

Inside, the warnings are a registry of rules (registry.py), one function per
code (rules.py), each reading one `Context` of the day built once
(context.py). Thresholds and the citations of the messages live in the
clinical data (clinical.targets, clinical.medicines, clinical.classes,
clinical.rules) with their sources, not here.
"""

from __future__ import annotations

from clinical.rules import HUANG_KUO, LOW_EGFR, REDUCED_EGFR
from planner import intake
from planner.models import MealItem, PlanDay, Profile
from planner.targets import ProfileTargets
from planner.warnings import rules as _rules  # noqa: F401  (importing registers the rules)
from planner.warnings.context import Context, day_items, items_for_days
from planner.warnings.registry import (
    LEVEL_ORDER,
    RULES,
    Found,
    Level,
    Suggestion,
    Warning,
    rule,
    run,
)
from planner.warnings.rules import ADVICE

__all__ = [
    "ADVICE",
    "HUANG_KUO",
    "LEVEL_ORDER",
    "LOW_EGFR",
    "REDUCED_EGFR",
    "RULES",
    "Context",
    "Found",
    "Level",
    "Suggestion",
    "Warning",
    "day_items",
    "evaluate",
    "evaluate_days",
    "items_for_days",
    "rule",
]


def evaluate(profile: Profile, day: PlanDay | int, **known) -> list[Warning]:
    """All warnings for `day` planned for `profile`, most serious first.

    Callers that already hold the totals, targets or items pass them in (the
    keywords of `Context.build`), so a page that shows totals and warnings
    computes each once.
    """
    ctx = Context.build(profile, day, **known)
    found = [warning for code, function in RULES.items() for warning in run(code, function, ctx)]
    # A stable sort: warnings of one level keep the order of the rules.
    found.sort(key=lambda w: LEVEL_ORDER[w.level])
    return found


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
