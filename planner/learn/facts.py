"""What the learn pages print beyond the warning catalogue.

The catalogue (codes, entries, sources, the numbers in their texts) is
plain data in clinical.catalogue. What stays here reads the supplement
products, which live with the models (nutrition.supplements), or only
shapes numbers for the pages: symptoms, salt shares, KCl strengths,
medicines to keep apart from magnesium, and the facts the templates print.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinical import catalogue, classes, medicines, nutrients, rules
from clinical.catalogue import SOURCES, Source
from clinical.supplements import SALT_FORMS, SaltForm
from nutrition import supplements as supps

# --- Symptoms ---------------------------------------------------------------------


@dataclass(frozen=True)
class Symptom:
    name: str
    magnesium: tuple[Source, ...]  # sources that list it for low magnesium
    potassium: tuple[Source, ...]  # sources that list it for low potassium


_ODS_MG, _MAYO_MG, _MAYO_K = SOURCES["ods_mg"], SOURCES["mayo_mg"], SOURCES["mayo_k"]
SYMPTOMS = (
    Symptom("Muscle cramps and spasms", (_ODS_MG, _MAYO_MG), (_MAYO_K,)),
    Symptom("Fatigue and weakness", (_ODS_MG, _MAYO_MG), (_MAYO_K,)),
    Symptom("Irregular heartbeat", (_ODS_MG, _MAYO_MG), (_MAYO_K,)),
    Symptom("Numbness or tingling", (_ODS_MG, _MAYO_MG), ()),
    Symptom("Loss of appetite and nausea", (_ODS_MG, _MAYO_MG), ()),
)
SYMPTOM_SOURCES = (_ODS_MG, _MAYO_MG, _MAYO_K)


# --- Supplements --------------------------------------------------------------------


@dataclass(frozen=True)
class SaltRow:
    name: str
    share: str
    calculated: bool
    diarrhoea: bool = False


def _share(form: SaltForm) -> str:
    if form.share_low == form.share_high:
        return f"{form.share_low * 100:.1f} %"
    return f"{form.share_low * 100:.1f}–{form.share_high * 100:.1f} %"


def salt_rows(mineral: str) -> list[SaltRow]:
    # The forms whose products carry the "causes diarrhoea most often" text.
    loose = {row.salt_form for row in supps.SUPPLEMENTS if row.side_effects == supps.MG_DIARRHOEA}
    forms = [f for f in SALT_FORMS.values() if f.mineral == mineral]
    forms.sort(key=lambda f: -f.share_high)
    return [SaltRow(f.name, _share(f), f.calculated_here, f.key in loose) for f in forms]


@dataclass(frozen=True)
class KclStrength:
    meq: int
    salt_mg: float
    potassium_mg: float


def kcl_strengths() -> list[KclStrength]:
    per_mmol = nutrients.ELEMENTS["k"].mg_per_mmol
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
        for c in medicines.CLASSES.values()
        if c.spacing_hours
    ]


def diarrhoea_forms() -> list[str]:
    return [row.name for row in salt_rows("mg") if row.diarrhoea]


def oxide_example() -> supps.SupplementRow:
    return supps.SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"]


def salt_substitute_example() -> supps.SupplementRow:
    return supps.SUPPLEMENTS_BY_SLUG["salt-sub-kcl"]


def salt_substitute_source() -> Source:
    row = salt_substitute_example()
    share = SALT_FORMS[row.salt_form].share_low
    return Source(
        f"Calculated: ¼ teaspoon of potassium chloride weighs about {row.unit_grams:g} g, "
        f"{share * 100:.1f} % of it potassium; the weight of a ¼ teaspoon is an approximation",
        "D",
    )


# --- Page facts ---------------------------------------------------------------------


def page_facts() -> dict[str, str]:
    """Numbers the learn pages print, formatted, each from its data file."""
    facts = catalogue.facts()
    return {
        "adult_mg_ul": facts["adult_mg_ul"],
        "mg_ul_from": facts["mg_ul_from"],
        "hypokalaemia": facts["hypokalaemia"],
        "hyperkalaemia": facts["hyperkalaemia"],
        "hypomagnesaemia": facts["hypomagnesaemia"],
        "hypomagnesaemia_mg_dl": facts["hypomagnesaemia_mg_dl"],
        "high_k_item": catalogue.mg(classes.HIGH_POTASSIUM_ITEM_MG),
        "low_egfr": f"{rules.LOW_EGFR:g}",
        "k_mg_per_meq": facts["k_mg_per_meq"],
        "k_raising": facts["k_raising"],
        "kcl_never": facts["kcl_never"],
    }


def lab_tables() -> tuple[catalogue.Table, catalogue.Table]:
    return catalogue.lab_tables()


def mg_lowering_classes() -> list[str]:
    return [catalogue.mid_sentence(name) for name in catalogue.class_names(lambda c: c.lowers_mg)]


# Sources the learn pages cite, by a name the templates use.
PAGE_SOURCES = {
    **{
        name: SOURCES[name]
        for name in (
            "huang_kuo",
            "huang_kuo_pump",
            "cmdt",
            "serum_mg",
            "serum_k",
            "ods_mg",
            "mayo_mg",
            "mayo_k",
            "kcl_label",
            "kcl_strengths",
            "ben_salem",
            "mg_renal_iom",
            "mg_citrate_label",
            "mg_renal_rule",
            "mg_ul",
            "mg_food_no_ul",
            "salt_shares",
            "diarrhoea_forms",
            "smpc_spacing",
            "fda_ppi",
            "harrison",
        )
    },
    "no_k_ul": SOURCES["nasem_no_k_ul"],
    "salt_substitute": salt_substitute_source(),
    "oxide_label": Source(supps.SUPPLEMENTS_BY_SLUG["supp-mg-oxide-400"].reference, ""),
    "calculated": SOURCES["calculated"],
}

# The sources of the supplements comparison table, in the order it cites them.
COMPARISON_SOURCES = tuple(
    SOURCES[name]
    for name in (
        "huang_kuo",
        "kcl_label",
        "cmdt",
        "mg_food_no_ul",
        "diarrhoea_forms",
        "mg_renal_iom",
        "mg_citrate_label",
        "mg_renal_rule",
        "ben_salem",
        "mg_ul",
        "nasem_no_k_ul",
        "smpc_spacing",
    )
)
