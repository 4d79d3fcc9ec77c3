"""A person's daily targets: the DRI or renal default, unless a custom target overrides it.

Every target carries where it comes from, so the screen can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clinical import medicines, nutrients
from clinical import targets as dri
from planner.models import CustomTarget, Nutrient, Profile

ORDER = (
    Nutrient.MAGNESIUM,
    Nutrient.POTASSIUM,
    Nutrient.SODIUM,
    Nutrient.PHOSPHORUS,
)


@dataclass(frozen=True)
class NutrientTarget:
    nutrient: str  # Food field name
    label: str
    minimum: float | None
    maximum: float | None
    kind: str  # "RDA", "AI", "renal limit", "custom"
    source: str
    design_choice: bool = False
    note: str = ""
    set_by: str = ""  # who set a custom target
    reason: str = ""

    @property
    def custom(self) -> bool:
        return self.kind == "custom"


@dataclass
class ProfileTargets:
    by_nutrient: dict[str, NutrientTarget]
    # The UL for magnesium from supplements and medicines only (not food).
    magnesium_supplement_ul: dri.Target | None
    hyperkalaemia_risk: bool
    missing_basics: bool  # no birth date or sex: the DRI cannot be looked up

    def get(self, nutrient: str) -> NutrientTarget | None:
        return self.by_nutrient.get(nutrient)

    def __iter__(self):
        return iter(self.by_nutrient.values())

    @property
    def potassium_limit(self) -> float | None:
        target = self.by_nutrient.get(Nutrient.POTASSIUM)
        return target.maximum if target else None


def takes_k_raising_medicine(codes: list[str]) -> bool:
    return any(m.raises_k for m in medicines.medicines_for(codes))


def _dri_target(nutrient: Nutrient, dri_target: dri.Target) -> NutrientTarget:
    """A DRI (RDA or AI) as a minimum to reach, with its source and notes."""
    return NutrientTarget(
        nutrient,
        nutrients.label(nutrient),
        dri_target.value_mg,
        None,
        dri_target.kind,
        dri_target.source,
        dri_target.design_choice,
        dri_target.note,
    )


def resolve(
    profile: Profile,
    custom: list[CustomTarget] | None = None,
    medicine_codes: list[str] | None = None,
    on: dt.date | None = None,
) -> ProfileTargets:
    """The targets that apply to `profile` on a day (today by default).

    Callers that already hold the custom targets and medicine codes pass them
    in, so that a page showing many clients does not query once per client.
    """
    on = on or dt.date.today()
    if custom is None:
        custom = list(profile.custom_targets.select_related("set_by"))
    if medicine_codes is None:
        medicine_codes = profile.medicine_codes
    risk = dri.hyperkalaemia_risk(profile.serum_k_mmol, takes_k_raising_medicine(medicine_codes))
    limits = dri.renal_limits(profile.kidney_status, risk)
    age = profile.age_on(on)
    pregnant = profile.reproductive == Profile.Reproductive.PREGNANT
    lactating = profile.reproductive == Profile.Reproductive.LACTATING
    missing_basics = age is None or age < 0 or not profile.sex

    result: dict[str, NutrientTarget] = {}
    if not missing_basics:
        mg = dri.magnesium_target(age, profile.sex, pregnant, lactating)
        result[Nutrient.MAGNESIUM] = _dri_target(Nutrient.MAGNESIUM, mg)
    k_limit = limits.get(Nutrient.POTASSIUM)
    if k_limit is not None:
        low, high = k_limit.shown_range or (None, None)
        result[Nutrient.POTASSIUM] = NutrientTarget(
            Nutrient.POTASSIUM,
            nutrients.label(Nutrient.POTASSIUM),
            None,
            k_limit.max_mg,
            "renal limit",
            k_limit.source,
            k_limit.design_choice,
            f"Usual range {low:,.0f}–{high:,.0f} mg. {k_limit.note}" if low else k_limit.note,
        )
    elif not missing_basics:
        k = dri.potassium_target(age, profile.sex, pregnant, lactating)
        result[Nutrient.POTASSIUM] = _dri_target(Nutrient.POTASSIUM, k)
    for nutrient in (Nutrient.SODIUM, Nutrient.PHOSPHORUS):
        limit = limits.get(nutrient)
        if limit is not None:
            result[nutrient] = NutrientTarget(
                nutrient,
                nutrients.label(nutrient),
                None,
                limit.max_mg,
                "renal limit",
                limit.source,
                limit.design_choice,
                limit.note,
            )
    for target in custom:
        setter = target.set_by
        result[target.nutrient] = NutrientTarget(
            target.nutrient,
            target.get_nutrient_display(),
            target.minimum,
            target.maximum,
            "custom",
            f"Set for you by {setter.get_full_name() or setter.username}" if setter else "Custom",
            False,
            "",
            (setter.get_full_name() or setter.username) if setter else "",
            target.reason,
        )
    ordered = {n: result[n] for n in ORDER if n in result}
    ordered.update({n: t for n, t in result.items() if n not in ordered})
    return ProfileTargets(
        by_nutrient=ordered,
        magnesium_supplement_ul=None if missing_basics else dri.magnesium_ul(age),
        hyperkalaemia_risk=risk,
        missing_basics=missing_basics,
    )
