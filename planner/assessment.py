"""One assessment of a day: totals, targets, one reading per nutrient, and warnings.

The day editor, the week view, the client list, exports, the PDF and the
share page all read a day through `assess_day` (one day) or `assess_days`
(a plan's days at once), so none of them decides a status or re-derives a
target on its own. Statuses come from `clinical.readings`.

Queries: an `Owner` (profile, custom targets, medicines) costs up to three
queries and is resolved once per page; a day costs its totals and its items
(one query each), and `assess_days` costs the same two whatever the number of
days. Reading never creates a profile: a GET writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from clinical import nutrients
from clinical.readings import Reading
from planner import intake
from planner import warnings as warning_rules
from planner.models import MealItem, Nutrient, PlanDay, Profile
from planner.targets import ProfileTargets, resolve

# The nutrients every assessment reads, in the order pages show them: minerals first,
# then energy and protein (the registry's order).
READ = tuple(Nutrient(n.field) for n in nutrients.MINERALS_FIRST)


@dataclass(frozen=True)
class Owner:
    """What the rules need to know about the person a plan is for."""

    profile: Profile
    targets: ProfileTargets
    medicine_codes: list[str]

    @classmethod
    def of(cls, user_id: int, on: dt.date | None = None) -> Owner:
        profile = Profile.objects.filter(user_id=user_id).first()
        if profile is None:
            # No profile yet: default targets, nothing saved.
            profile = Profile(user_id=user_id)
            return cls(profile, resolve(profile, custom=[], medicine_codes=[], on=on), [])
        codes = profile.medicine_codes
        return cls(profile, resolve(profile, medicine_codes=codes, on=on), codes)

    @classmethod
    def of_profile(
        cls, profile: Profile, custom: list | None = None, medicine_codes: list[str] | None = None
    ) -> Owner:
        """From a profile whose custom targets and medicines the caller already holds
        (prefetched for many people at once); an unsaved profile gets the defaults."""
        if profile.pk is None:
            custom, medicine_codes = [], []
        codes = profile.medicine_codes if medicine_codes is None else medicine_codes
        return cls(profile, resolve(profile, custom=custom, medicine_codes=codes), codes)


def viewer_unit(viewer, owner: Owner) -> str:
    """The unit the viewer reads amounts in (mg, mmol or mEq): a dietitian may count in
    mmol while the client counts in mg. Read without creating a profile."""
    if viewer.pk == owner.profile.user_id:
        return owner.profile.display_unit
    unit = Profile.objects.filter(user_id=viewer.pk).values_list("display_unit", flat=True).first()
    return unit or Profile._meta.get_field("display_unit").default


@dataclass
class DayAssessment:
    day_id: int
    totals: intake.DayTotals
    targets: ProfileTargets
    readings: dict[str, Reading]
    warnings: list[warning_rules.Warning]
    items: list[MealItem] = field(default_factory=list)

    def reading(self, nutrient: str) -> Reading:
        return self.readings[nutrient]

    @property
    def high_potassium_items(self) -> set[int]:
        return {w.item_id for w in self.warnings if w.code == "K_HIGH_ITEM" and w.item_id}


def readings(totals: intake.Totals, targets: ProfileTargets) -> dict[str, Reading]:
    result = {}
    for nutrient in READ:
        target = targets.get(nutrient.value)
        result[nutrient.value] = Reading(
            nutrient.value,
            totals[nutrient.value],
            totals.missing.get(nutrient.value, 0),
            totals.items,
            target.minimum if target else None,
            target.maximum if target else None,
        )
    return result


def assess(
    owner: Owner,
    day_id: int,
    totals: intake.DayTotals,
    items: list[MealItem],
    suggest: bool = False,
) -> DayAssessment:
    """A day whose totals and items the caller already holds."""
    found = warning_rules.evaluate(
        owner.profile,
        day_id,
        totals=totals,
        targets=owner.targets,
        items=items,
        medicine_codes=owner.medicine_codes,
        suggest=suggest,
    )
    return DayAssessment(
        day_id, totals, owner.targets, readings(totals.total, owner.targets), found, items
    )


def assess_day(
    day: PlanDay,
    owner: Owner | None = None,
    *,
    items: list[MealItem] | None = None,
    suggest: bool = True,
) -> DayAssessment:
    """One day of a plan, read for its owner (food suggestions included by default)."""
    owner = owner or Owner.of(day.plan.owner_id)
    items = warning_rules.day_items(day) if items is None else items
    return assess(owner, day.pk, intake.day_totals(day), items, suggest)


def assess_days(
    day_ids: Iterable[int],
    owner: Owner,
    *,
    items: dict[int, list[MealItem]] | None = None,
    suggest: bool = False,
) -> dict[int, DayAssessment]:
    """Many days of one owner in two queries (totals, items), in the order given.

    A caller that already holds the days' items (with food, supplement facts and
    portion) passes them in and saves the second query.
    """
    day_ids = list(day_ids)
    totals = intake.totals_for_days(day_ids)
    if items is None:
        items = warning_rules.items_for_days(day_ids)
    return {
        day_id: assess(owner, day_id, totals[day_id], items.get(day_id, []), suggest)
        for day_id in day_ids
    }
