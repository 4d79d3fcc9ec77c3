"""Magnesium and potassium supplements, medicines and salt substitutes, as data
(clinical/data/supplement_products.toml, loaded once and checked here).

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
from functools import cache
from pathlib import Path

from django.db import transaction

from clinical.loader import Row, data_file, rows, section, unique
from clinical.supplements import MINERALS, SALT_FORMS
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


PRODUCTS_FILE = data_file("supplement_products.toml")
# Left out of a row: these columns take the dataclass default; `unknown` lists the
# ones a row does not know although their default is a number.
_OPTIONAL_NUMBERS = (
    "unit_grams",
    "other_mineral_mg",
    "sodium_mg",
    "calcium_mg",
    "phosphorus_mg",
    "energy_kcal",
    "protein_g",
)
_UNKNOWABLE = ("salt_mg_per_unit", *_OPTIONAL_NUMBERS[1:])
_KEYS = (
    "slug",
    "name",
    "mineral",
    "use",
    "salt_form",
    "unit",
    "salt_mg_per_unit",
    "elemental_mg_per_unit",
    "side_effects",
    "side_effects_more",
    "side_effects_text",
    "reference",
    "source",
    "doses",
    "kind",
    "contains_kcl",
    "design_choice",
    "arithmetic",
    "unknown",
    *_OPTIONAL_NUMBERS,
)


def _texts(path: Path, key: str) -> dict[str, str]:
    table = section(path, key)
    return {name: table.text(name) for name in table.values}


def _doses(row: Row, value: object, where: str) -> tuple[Dose, ...]:
    if not isinstance(value, list) or not value:
        row.fail(f"{where} must be a non-empty list of {{ label, units }}, got {value!r}")
    doses = []
    for index, values in enumerate(value, start=1):
        dose = Row(row.path, f"{row.where}: {where} {index}", values)
        dose.only("label", "units")
        doses.append(Dose(dose.text("label"), dose.number("units")))
    return tuple(doses)


def _product(row: Row, side_effects: dict, references: dict, doses: dict) -> SupplementRow:
    row.only(*_KEYS)
    unknown = row.texts("unknown")
    for name in unknown:
        if name not in _UNKNOWABLE:
            row.fail(f"'unknown' names {name!r}, not a column that may be unknown")
    if ("side_effects" in row.values) == ("side_effects_text" in row.values):
        row.fail("give either 'side_effects' (a key of [side_effects]) or 'side_effects_text'")
    if "side_effects" in row.values:
        text = side_effects[row.choice("side_effects", side_effects)]
        if "side_effects_more" in row.values:
            text = f"{text} {row.text('side_effects_more')}"
    else:
        text = row.text("side_effects_text")
    if ("reference" in row.values) == ("source" in row.values):
        row.fail("give either 'reference' or 'source' (a key of [references])")
    if "reference" in row.values:
        reference = row.text("reference")
    else:
        reference = references[row.choice("source", references)]
    named = row.values.get("doses")
    if isinstance(named, str):
        product_doses = doses[row.choice("doses", doses)]
    else:
        product_doses = _doses(row, named, "doses")
    numbers = {
        name: None if name in unknown else row.number(name)
        for name in _OPTIONAL_NUMBERS
        if name in row.values or name in unknown
    }
    product = SupplementRow(
        slug=row.text("slug"),
        name=row.text("name"),
        mineral=row.choice("mineral", MINERALS),
        use=row.choice("use", SupplementFacts.Use.values),
        salt_form=row.choice("salt_form", SALT_FORMS),
        unit=row.text("unit"),
        salt_mg_per_unit=(
            None if "salt_mg_per_unit" in unknown else row.number("salt_mg_per_unit")
        ),
        elemental_mg_per_unit=row.number("elemental_mg_per_unit"),
        side_effects=text,
        reference=reference,
        doses=product_doses,
        kind=row.choice("kind", Food.Kind.values, Food.Kind.SUPPLEMENT),
        contains_kcl=row.flag("contains_kcl"),
        design_choice=row.flag("design_choice"),
        arithmetic=row.text("arithmetic", ""),
        **numbers,
    )
    if len(product.slug) > 32:  # Food.source_id
        row.fail(f"slug {product.slug!r} is longer than 32 characters")
    if SALT_FORMS[product.salt_form].mineral != product.mineral:
        row.fail(f"salt form {product.salt_form!r} is not a salt of {product.mineral!r}")
    if not product.elemental_mg_per_unit or not product.unit_grams:
        row.fail("elemental_mg_per_unit and unit_grams must be above 0")
    return product


@cache
def load_products(path: Path = PRODUCTS_FILE) -> tuple[SupplementRow, ...]:
    """The product catalogue, checked: a typo stops start-up with the file and row."""
    side_effects = _texts(path, "side_effects")
    references = _texts(path, "references")
    table = section(path, "doses")
    doses = {name: _doses(table, value, name) for name, value in table.values.items()}
    products = tuple(
        _product(row, side_effects, references, doses)
        for row in rows(path, "products", label="slug")
    )
    unique(path, "product", [product.slug for product in products])
    return products


SUPPLEMENTS: tuple[SupplementRow, ...] = load_products()
SUPPLEMENTS_BY_SLUG = {row.slug: row for row in SUPPLEMENTS}
# The side effects of the forms that cause diarrhoea most often (the learn pages group them).
MG_DIARRHOEA = _texts(PRODUCTS_FILE, "side_effects")["mg_diarrhoea"]


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
