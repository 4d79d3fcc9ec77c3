"""Magnesium and potassium supplements, medicines and salt substitutes, as data.

Each row is one product form with its elemental amount per unit, stored as the
label (or the stated arithmetic) gives it and never derived from the salt's
weight at run time: hydration changes the share a lot (clinical.md §5).
`SALT_FORMS` (clinical/data/supplement_salts.toml) holds each salt's
elemental share so a test can catch a typo in either number.

Storage convention for supplements (kind "supplement"): a unit ("1 tablet",
"15 mL", "1 level teaspoon") is a portion of 1.0 nominal gram, so the
per-100 g columns hold the amount per unit × 100. The usual intake formula,
grams × value / 100, then gives the exact elemental amount: 2 tablets of
magnesium oxide 400 mg = 2 × 24,130 / 100 = 482.6 mg. The nominal gram is not
a weight; views show the portion label, not grams, for supplements.

Salt substitutes are foods (kind "food", `contains_kcl=True`) with real grams:
a ¼ teaspoon portion weighs about 1.4 g and the per-100 g columns hold the
composition. They go in the USDA "02" group (Spices and Herbs, where table
salt 02047 sits) when the SR24 data is loaded, else in "SUPP"; a later sync
moves them to "02".

For the mineral a product is not about (potassium in a magnesium tablet),
a pure salt has 0. Sodium, calcium and phosphorus are 0 only where the
product is known to be one pure chemical; tablets get None (unknown), since
fillers such as croscarmellose sodium or dicalcium phosphate vary by brand.
Energy is 0 where a unit gives under 5 kcal (labels round that to 0) and
None where the product may carry sugar or acid (sweetened solutions, chewable
and effervescent tablets).

`design_choice` marks a representative strength picked by this project
rather than one product's label; the UI labels it so.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from clinical.supplements import NACL_SODIUM_SHARE, SALT_FORMS
from nutrition.models import Food, FoodGroup, FoodMerge, Portion, SupplementFacts

SUPPLEMENT_GROUP = ("SUPP", "Supplements and medicines")
SALT_SUBSTITUTE_GROUP_CODE = "02"  # USDA SR "Spices and Herbs", home of 02047 "Salt, table"


@dataclass(frozen=True)
class Dose:
    label: str
    units: float  # how many units; grams = units × unit_grams


@dataclass(frozen=True)
class SupplementRow:
    slug: str  # Food.source_id, stable
    name: str
    mineral: str  # SupplementFacts.Mineral
    use: str  # SupplementFacts.Use
    salt_form: str  # key of SALT_FORMS
    unit: str
    salt_mg_per_unit: float | None
    elemental_mg_per_unit: float
    side_effects: str
    reference: str
    doses: tuple[Dose, ...]  # the portions; the first is the default
    kind: str = Food.Kind.SUPPLEMENT
    unit_grams: float = 1.0  # nominal for supplements, real for salt substitutes
    # Per unit. The other of Mg/K is 0 for a pure salt; None = unknown.
    other_mineral_mg: float | None = 0.0
    sodium_mg: float | None = None
    calcium_mg: float | None = None
    phosphorus_mg: float | None = None
    energy_kcal: float | None = 0.0
    protein_g: float | None = 0.0
    contains_kcl: bool = False
    design_choice: bool = False
    arithmetic: str = ""  # how a calculated number was worked out, for the UI and reviewers

    def per_100g(self, per_unit: float | None) -> float | None:
        return None if per_unit is None else per_unit * 100 / self.unit_grams

    def nutrients(self) -> dict[str, float | None]:
        """The Food's per-100 g columns."""
        magnesium = self.elemental_mg_per_unit if self.mineral == "mg" else self.other_mineral_mg
        potassium = self.elemental_mg_per_unit if self.mineral == "k" else self.other_mineral_mg
        return {
            "energy_kcal": self.per_100g(self.energy_kcal),
            "protein_g": self.per_100g(self.protein_g),
            "magnesium_mg": self.per_100g(magnesium),
            "potassium_mg": self.per_100g(potassium),
            "sodium_mg": self.per_100g(self.sodium_mg),
            "phosphorus_mg": self.per_100g(self.phosphorus_mg),
            "calcium_mg": self.per_100g(self.calcium_mg),
        }


# Plain-language side effects, reused across rows.
MG_GENTLE = (
    "Loose stools or diarrhoea at higher doses, less often than with oxide, chloride or "
    "carbonate. With weak kidneys magnesium can build up: drowsiness, weakness, slow heartbeat."
)
MG_DIARRHOEA = (
    "Diarrhoea and stomach cramps are common; this form is among those that cause diarrhoea "
    "most often. With weak kidneys magnesium can build up: drowsiness, weakness, slow heartbeat."
)
MG_LAXATIVE = (
    "Meant to empty the bowel: watery stools within ½-6 hours, cramps, and dehydration or salt "
    "imbalance if used often. Dangerous with kidney disease, where magnesium builds up."
)
K_CHLORIDE = (
    "Nausea, vomiting, wind, stomach pain and diarrhoea; solid tablets can irritate, ulcerate "
    "or narrow the gut, so swallow whole with a meal and a full glass of water. The worst risk "
    "is a high blood potassium (hyperkalaemia), above all with kidney disease or K-raising drugs."
)
K_OTHER = (
    "Nausea, stomach upset and diarrhoea. Too much potassium in the blood (hyperkalaemia) is "
    "the serious risk, above all with kidney disease or medicines that raise potassium."
)
K_SALT = (
    "Bitter in large amounts. A quarter teaspoon holds as much potassium as a prescription "
    "tablet: it can raise blood potassium dangerously with kidney disease or K-raising drugs."
)

_TABLETS = (Dose("1 tablet", 1), Dose("2 tablets", 2))
_CAPSULES = (Dose("1 capsule", 1), Dose("2 capsules", 2))
_DAILYMED_KCL = (
    "Potassium chloride ER tablets, US prescribing information (DailyMed): "
    "8/10/15/20 mEq = 600/750/1,125/1,500 mg KCl"
)
_QUARTER_TSP_GRAMS = 1.4
_QUARTER_TSP = "¼ teaspoon (about 1.4 g)"
_QUARTER_TSP_ARITHMETIC = (
    "¼ teaspoon ≈ 1.4 g: USDA SR24 gives 6.0 g for 1 teaspoon of table salt (02047), so "
    "¼ teaspoon is 1.5 g, and potassium chloride is about 9 % less dense (1.98 vs 2.17 g/cm³). "
    "An approximation: grain size changes it."
)
_SALT_DOSES = (Dose("¼ teaspoon", 1), Dose("1 teaspoon", 4))


def _kcl_er(meq: int, salt_mg: int, k_mg: int) -> SupplementRow:
    return SupplementRow(
        slug=f"supp-k-chloride-er-{meq}",
        name=f"Potassium chloride extended-release tablet, {meq} mEq ({salt_mg:,} mg)",
        mineral="k",
        use=SupplementFacts.Use.PRESCRIPTION,
        salt_form="k-chloride",
        unit="tablet",
        salt_mg_per_unit=salt_mg,
        elemental_mg_per_unit=k_mg,
        side_effects=K_CHLORIDE,
        reference=_DAILYMED_KCL,
        doses=_TABLETS,
        arithmetic=f"{meq} mEq × 39.1 mg = {meq * 39.1:g} mg potassium, {k_mg} mg as labelled.",
    )


SUPPLEMENTS: tuple[SupplementRow, ...] = (
    # --- Magnesium -------------------------------------------------------------
    SupplementRow(
        slug="supp-mg-oxide-400",
        name="Magnesium oxide 400 mg tablet",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-oxide",
        unit="tablet",
        salt_mg_per_unit=400,
        elemental_mg_per_unit=241.3,
        side_effects=MG_DIARRHOEA,
        reference="Magnesium oxide 400 mg tablet label (DailyMed, NDC 69168-174): "
        "241.3 mg elemental magnesium per tablet",
        doses=_TABLETS,
    ),
    SupplementRow(
        slug="supp-mg-oxide-140-capsule",
        name="Magnesium oxide 140 mg capsule (Uro-Mag)",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-oxide",
        unit="capsule",
        salt_mg_per_unit=140,
        elemental_mg_per_unit=84.5,
        side_effects=MG_DIARRHOEA,
        reference="Uro-Mag monograph (Medscape): 140 mg magnesium oxide = 84.5 mg "
        "(6.93 mEq) elemental magnesium",
        doses=_CAPSULES,
    ),
    SupplementRow(
        slug="supp-mg-citrate-100",
        name="Magnesium citrate tablet, 100 mg magnesium",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-citrate",
        unit="tablet",
        salt_mg_per_unit=617,
        elemental_mg_per_unit=100,
        side_effects=MG_GENTLE,
        reference="Representative label strength [D]; salt weight calculated with "
        "16.2 % Mg (anhydrous trimagnesium citrate, clinical.md §5)",
        doses=_TABLETS,
        design_choice=True,
        arithmetic="100 mg / 0.162 = 617 mg trimagnesium citrate.",
    ),
    SupplementRow(
        slug="supp-mg-citrate-solution",
        name="Magnesium citrate oral solution (citrate of magnesia), per fl oz",
        mineral="mg",
        use=SupplementFacts.Use.LAXATIVE,
        salt_form="mg-citrate",
        unit="30 mL (1 fl oz)",
        salt_mg_per_unit=1745,
        elemental_mg_per_unit=290,
        side_effects=MG_LAXATIVE,
        reference="Magnesium citrate oral solution Drug Facts (DailyMed): magnesium citrate "
        "1.745 g and magnesium 290 mg per fl oz (30 mL); adults 6.5-10 fl oz",
        doses=(
            Dose("1 fl oz (30 mL)", 1),
            Dose("½ bottle (5 fl oz)", 5),
            Dose("1 bottle (10 fl oz, 296 mL)", 10),
        ),
        # Brands differ: 36-45 mg sodium per fl oz, and some add potassium
        # bicarbonate or sucrose.
        other_mineral_mg=None,
        energy_kcal=None,
        arithmetic="290 / 1,745 = 16.6 %, just above anhydrous trimagnesium citrate's 16.2 %: "
        "the label's salt weight is nominal.",
    ),
    SupplementRow(
        slug="supp-mg-glycinate-100",
        name="Magnesium glycinate (bisglycinate) capsule, 100 mg magnesium",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-glycinate",
        unit="capsule",
        salt_mg_per_unit=709,
        elemental_mg_per_unit=100,
        side_effects=MG_GENTLE,
        reference="Representative label strength [D]; salt weight calculated with "
        "14.1 % Mg (clinical.md §5)",
        doses=_CAPSULES,
        # Glycine is an amino acid: about 0.6 g of it per capsule, not counted as protein here.
        protein_g=None,
        design_choice=True,
        arithmetic="100 mg / 0.141 = 709 mg magnesium bisglycinate. Some 'buffered' "
        "glycinates are mixed with oxide; check the label.",
    ),
    SupplementRow(
        slug="supp-mg-chloride-sr-64",
        name="Magnesium chloride delayed-release tablet, 64 mg magnesium (with calcium)",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-chloride-hexahydrate",
        unit="tablet",
        salt_mg_per_unit=535,
        elemental_mg_per_unit=64,
        side_effects=MG_DIARRHOEA,
        reference="Mag-SR Plus Calcium / Slow Magnesium/Calcium (Lexicomp listing): "
        "535 mg magnesium chloride = 64 mg magnesium, plus 106 mg calcium per tablet",
        doses=_TABLETS,
        calcium_mg=106,
    ),
    SupplementRow(
        slug="supp-mg-malate-100",
        name="Magnesium malate tablet, 100 mg magnesium",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-malate",
        unit="tablet",
        salt_mg_per_unit=645,
        elemental_mg_per_unit=100,
        side_effects=MG_GENTLE,
        reference="Representative label strength [D]; salt weight calculated with "
        "15.5 % Mg (clinical.md §5)",
        doses=_TABLETS,
        design_choice=True,
        arithmetic="100 mg / 0.155 = 645 mg magnesium malate.",
    ),
    SupplementRow(
        slug="supp-mg-lactate-sr-84",
        name="Magnesium L-lactate sustained-release caplet, 84 mg magnesium (Mag-Tab SR)",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-lactate-dihydrate",
        unit="caplet",
        salt_mg_per_unit=835,
        elemental_mg_per_unit=84,
        side_effects=MG_GENTLE,
        reference="Mag-Tab SR product information: 84 mg (7 mEq) magnesium as magnesium "
        "L-lactate dihydrate 835 mg per caplet",
        doses=(Dose("1 caplet", 1), Dose("2 caplets", 2)),
    ),
    SupplementRow(
        slug="supp-mg-hydroxide-suspension",
        name="Milk of magnesia (magnesium hydroxide 1,200 mg per 15 mL)",
        mineral="mg",
        use=SupplementFacts.Use.LAXATIVE,
        salt_form="mg-hydroxide",
        unit="15 mL (1 tablespoon)",
        salt_mg_per_unit=1200,
        elemental_mg_per_unit=500,
        side_effects=MG_LAXATIVE + " In small doses (5-15 mL) it is also used as an antacid.",
        reference="Phillips' Milk of Magnesia Original Drug Facts (DailyMed): magnesium "
        "hydroxide 1,200 mg and magnesium 500 mg per 15 mL; adults 30-60 mL",
        doses=(
            Dose("15 mL (1 tablespoon)", 1),
            Dose("5 mL (1 teaspoon)", 1 / 3),
            Dose("30 mL (2 tablespoons)", 2),
        ),
        # One store brand lists 20 mg calcium per 15 mL; others add sodium salts.
    ),
    SupplementRow(
        slug="supp-mg-hydroxide-chewable-311",
        name="Magnesium hydroxide chewable antacid tablet, 311 mg",
        mineral="mg",
        use=SupplementFacts.Use.ANTACID,
        salt_form="mg-hydroxide",
        unit="chewable tablet",
        salt_mg_per_unit=311,
        elemental_mg_per_unit=129.6,
        side_effects="Loose stools: it is also sold as a laxative. With weak kidneys magnesium "
        "can build up: drowsiness, weakness, slow heartbeat.",
        reference="Phillips' Chewable Tablets Drug Facts: magnesium hydroxide 311 mg per "
        "tablet; elemental magnesium calculated with 41.7 % (clinical.md §5)",
        doses=(Dose("1 tablet", 1), Dose("2 tablets", 2), Dose("4 tablets", 4)),
        energy_kcal=None,
        arithmetic="311 mg × 0.4168 (24.305 / 58.32) = 129.6 mg magnesium.",
    ),
    SupplementRow(
        slug="supp-mg-sulfate-epsom",
        name="Epsom salt (magnesium sulfate), oral laxative, per level teaspoon",
        mineral="mg",
        use=SupplementFacts.Use.LAXATIVE,
        salt_form="mg-sulfate-heptahydrate",
        unit="level teaspoon (about 5 g)",
        salt_mg_per_unit=5000,
        elemental_mg_per_unit=495,
        side_effects=MG_LAXATIVE + " Very bitter.",
        reference="Epsom salt Drug Facts (DailyMed, Equate): magnesium 495 mg per teaspoon; "
        "adults 2-4 level teaspoons in 8 oz water",
        doses=(
            Dose("1 level teaspoon", 1),
            Dose("2 level teaspoons (lowest adult laxative dose)", 2),
            Dose("4 level teaspoons (highest adult laxative dose)", 4),
        ),
        # USP magnesium sulfate, 100 %: nothing else in it.
        sodium_mg=0,
        calcium_mg=0,
        phosphorus_mg=0,
        arithmetic="495 mg / 0.099 ≈ 5.0 g of magnesium sulfate heptahydrate per teaspoon; "
        "the label gives the magnesium, the 5 g is calculated.",
    ),
    SupplementRow(
        slug="supp-mg-carbonate-500",
        name="Magnesium carbonate 500 mg tablet",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-carbonate",
        unit="tablet",
        salt_mg_per_unit=500,
        elemental_mg_per_unit=144,
        side_effects=MG_DIARRHOEA,
        reference="Representative strength [D]; magnesium calculated with 28.8 % (clinical.md §5)",
        doses=_TABLETS,
        design_choice=True,
        arithmetic="500 mg × 0.288 = 144 mg magnesium.",
    ),
    SupplementRow(
        slug="supp-mg-aspartate-500",
        name="Magnesium aspartate 500 mg tablet",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-aspartate",
        unit="tablet",
        salt_mg_per_unit=500,
        elemental_mg_per_unit=42.5,
        side_effects=MG_GENTLE,
        reference="Representative strength [D]; magnesium calculated with 8.5 % (clinical.md §5)",
        doses=_TABLETS,
        # Aspartate is an amino acid.
        protein_g=None,
        design_choice=True,
        arithmetic="500 mg × 0.085 = 42.5 mg magnesium.",
    ),
    SupplementRow(
        slug="supp-mg-gluconate-500",
        name="Magnesium gluconate 500 mg tablet",
        mineral="mg",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="mg-gluconate-dihydrate",
        unit="tablet",
        salt_mg_per_unit=500,
        elemental_mg_per_unit=27,
        side_effects=MG_DIARRHOEA,
        reference="Magonate / Mag-G monograph: magnesium gluconate (dihydrate) 500 mg = "
        "27 mg elemental magnesium",
        doses=_TABLETS,
        # Some brands (Magonate) add dibasic calcium phosphate: calcium and
        # phosphorus stay unknown rather than 0.
        arithmetic="500 mg × 0.054 (dihydrate) = 27 mg; the anhydrous salt (5.9 %) would give "
        "29.3 mg.",
    ),
    # --- Potassium -------------------------------------------------------------
    _kcl_er(8, 600, 313),
    _kcl_er(10, 750, 391),
    _kcl_er(15, 1125, 587),
    _kcl_er(20, 1500, 782),
    SupplementRow(
        slug="supp-k-citrate-er-10",
        name="Potassium citrate extended-release tablet, 10 mEq (Urocit-K)",
        mineral="k",
        use=SupplementFacts.Use.PRESCRIPTION,
        salt_form="k-citrate-monohydrate",
        unit="tablet",
        salt_mg_per_unit=1080,
        elemental_mg_per_unit=391,
        side_effects=K_OTHER,
        reference="Urocit-K prescribing information (DailyMed): tablets of 5, 10 and 15 mEq; "
        "10 mEq = 1,080 mg potassium citrate",
        doses=_TABLETS,
        arithmetic="10 mEq = 10 mmol K × 39.1 mg = 391 mg. Check: 1,080 mg of the "
        "monohydrate × 36.2 % = 391 mg (the anhydrous 38.3 % would give 414 mg, so the "
        "label's weight is the monohydrate).",
    ),
    SupplementRow(
        slug="supp-k-gluconate-99",
        name="Potassium gluconate tablet, 99 mg potassium",
        mineral="k",
        use=SupplementFacts.Use.SUPPLEMENT,
        salt_form="k-gluconate",
        unit="tablet",
        salt_mg_per_unit=593,
        elemental_mg_per_unit=99,
        side_effects=K_OTHER,
        reference="Typical US over-the-counter label: 99 mg potassium per tablet [D]; salt "
        "weight calculated with 16.7 % (clinical.md §5)",
        doses=_TABLETS,
        design_choice=True,
        arithmetic="99 mg / 0.167 = 593 mg potassium gluconate.",
    ),
    SupplementRow(
        slug="supp-k-bicarbonate-eff-25",
        name="Potassium bicarbonate effervescent tablet, 25 mEq (Effer-K)",
        mineral="k",
        use=SupplementFacts.Use.PRESCRIPTION,
        salt_form="k-bicarbonate",
        unit="effervescent tablet",
        salt_mg_per_unit=2500,
        elemental_mg_per_unit=978,
        side_effects=K_OTHER + " Dissolve fully in water before drinking.",
        reference="Effer-K 25 mEq label: 2.5 g potassium bicarbonate and 2.1 g citric acid "
        "give 25 mEq (978 mg) potassium as potassium citrate",
        doses=(Dose("1 tablet", 1), Dose("2 tablets", 2)),
        # 2.1 g of citric acid per tablet carries a few kcal.
        energy_kcal=None,
        arithmetic="25 mEq × 39.1 mg = 977.5 mg; 2,500 mg × 39.1 % = 977.5 mg.",
    ),
    # --- Salt substitutes (foods) ---------------------------------------------
    SupplementRow(
        slug="salt-sub-kcl",
        name="Salt substitute, potassium chloride (sodium-free)",
        mineral="k",
        use=SupplementFacts.Use.SALT_SUBSTITUTE,
        salt_form="k-chloride",
        unit=_QUARTER_TSP,
        salt_mg_per_unit=1400,
        elemental_mg_per_unit=733.6,
        side_effects=K_SALT,
        reference="Calculated [D]: pure potassium chloride, 52.4 % K (clinical.md §5); "
        "¼ teaspoon ≈ 1.4 g (see arithmetic)",
        doses=_SALT_DOSES,
        kind=Food.Kind.FOOD,
        unit_grams=_QUARTER_TSP_GRAMS,
        # Brands add fumaric acid, calcium phosphate or magnesium carbonate.
        other_mineral_mg=None,
        sodium_mg=0,
        contains_kcl=True,
        design_choice=True,
        arithmetic=f"1.4 g × 52.4 % = 733.6 mg potassium. {_QUARTER_TSP_ARITHMETIC}",
    ),
    SupplementRow(
        slug="salt-sub-kcl-two-thirds",
        name="Reduced-sodium salt, two-thirds potassium chloride",
        mineral="k",
        use=SupplementFacts.Use.SALT_SUBSTITUTE,
        salt_form="k-chloride",
        unit=_QUARTER_TSP,
        salt_mg_per_unit=924,
        elemental_mg_per_unit=484.2,
        side_effects=K_SALT,
        reference="Calculated [D]: a blend of 66 % potassium chloride (52.4 % K) and 33 % "
        "sodium chloride (39.3 % Na); ¼ teaspoon ≈ 1.4 g",
        doses=_SALT_DOSES,
        kind=Food.Kind.FOOD,
        unit_grams=_QUARTER_TSP_GRAMS,
        other_mineral_mg=None,
        sodium_mg=round(1400 * 0.33 * NACL_SODIUM_SHARE, 1),
        contains_kcl=True,
        design_choice=True,
        arithmetic="KCl 1.4 g × 66 % = 924 mg → × 52.4 % = 484.2 mg potassium; NaCl "
        f"1.4 g × 33 % = 462 mg → × 39.3 % = 181.6 mg sodium. {_QUARTER_TSP_ARITHMETIC}",
    ),
    SupplementRow(
        slug="salt-lite-half-kcl",
        name="Lite salt, half sodium chloride and half potassium chloride",
        mineral="k",
        use=SupplementFacts.Use.SALT_SUBSTITUTE,
        salt_form="k-chloride",
        unit=_QUARTER_TSP,
        salt_mg_per_unit=700,
        elemental_mg_per_unit=366.8,
        side_effects="Half the sodium of table salt, but each quarter teaspoon adds about 370 mg "
        "potassium, a 'very high' serving in renal diet terms; risky with kidney disease or "
        "K-raising drugs.",
        reference="Calculated [D]: 50 % potassium chloride (52.4 % K), 50 % sodium chloride "
        "(39.3 % Na); ¼ teaspoon ≈ 1.4 g. Morton Lite Salt's label: 350 mg K, 290 mg Na per ¼ tsp",
        doses=_SALT_DOSES,
        kind=Food.Kind.FOOD,
        unit_grams=_QUARTER_TSP_GRAMS,
        # Anti-caking agents such as magnesium carbonate and calcium silicate.
        other_mineral_mg=None,
        sodium_mg=round(700 * NACL_SODIUM_SHARE, 1),
        contains_kcl=True,
        design_choice=True,
        arithmetic="KCl 700 mg × 52.4 % = 366.8 mg potassium; NaCl 700 mg × 39.3 % = "
        f"275.1 mg sodium. {_QUARTER_TSP_ARITHMETIC}",
    ),
)
SUPPLEMENTS_BY_SLUG = {row.slug: row for row in SUPPLEMENTS}


def elemental_share(row: SupplementRow) -> float | None:
    """Elemental mg / salt mg for a row, for checking against SALT_FORMS."""
    if not row.salt_mg_per_unit:
        return None
    return row.elemental_mg_per_unit / row.salt_mg_per_unit


def _group_for(row: SupplementRow, supplements_group: FoodGroup) -> FoodGroup:
    if row.kind == Food.Kind.FOOD:
        spices = FoodGroup.objects.filter(code=SALT_SUBSTITUTE_GROUP_CODE).first()
        if spices is not None:
            return spices
    return supplements_group


def _sync_portions(food: Food, row: SupplementRow) -> None:
    # Portions are matched by label and never deleted: meal items may point at them.
    existing = {p.label: p for p in food.portions.all()}
    for seq, dose in enumerate(row.doses):
        grams = dose.units * row.unit_grams
        portion = existing.get(dose.label)
        if portion is None:
            Portion.objects.create(food=food, label=dose.label, grams=grams, seq=seq)
        elif portion.grams != grams or portion.seq != seq:
            portion.grams = grams
            portion.seq = seq
            portion.save(update_fields=["grams", "seq"])


@transaction.atomic
def sync_supplements() -> int:
    """Create or update every row of SUPPLEMENTS; returns how many were written.

    Idempotent: rows are keyed by (source "curated", source_id = slug), so a
    second run changes nothing and creates no duplicates. A row a curator has
    corrected (`curated_at` set) or merged into another food is left as the
    curator left it, as load_foods does for the SR24 foods.
    """
    code, name = SUPPLEMENT_GROUP
    supplements_group, _ = FoodGroup.objects.get_or_create(code=code, defaults={"name": name})
    hands_off = set(
        Food.objects.filter(source=Food.Source.CURATED, curated_at__isnull=False).values_list(
            "source_id", flat=True
        )
    ) | set(
        FoodMerge.objects.filter(source=Food.Source.CURATED).values_list("source_id", flat=True)
    )
    for row in SUPPLEMENTS:
        if row.slug in hands_off:
            continue
        # update_or_create goes through Food.save(), which fills search_name.
        food, _ = Food.objects.update_or_create(
            source=Food.Source.CURATED,
            source_id=row.slug,
            defaults={
                "name": row.name,
                "kind": row.kind,
                "group": _group_for(row, supplements_group),
                "contains_kcl": row.contains_kcl,
                **row.nutrients(),
            },
        )
        SupplementFacts.objects.update_or_create(
            food=food,
            defaults={
                "mineral": row.mineral,
                "use": row.use,
                "salt_form": SALT_FORMS[row.salt_form].name,
                "unit": row.unit,
                "salt_mg_per_unit": row.salt_mg_per_unit,
                "elemental_mg_per_unit": row.elemental_mg_per_unit,
                "side_effects": row.side_effects,
                "reference": row.reference,
            },
        )
        _sync_portions(food, row)
    return len(SUPPLEMENTS)
