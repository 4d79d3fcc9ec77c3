"""The food families that supply magnesium and potassium, backed by real foods.

Each family names the USDA SR24 foods (by NDB number) that stand for it, so
the page shows the database's values rather than prose. Families follow the
project's seed article; the foods were picked by us [D] as the plainest
cooked or raw form of each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clinical import nutrients
from nutrition.models import Food
from nutrition.search import with_display_data


@dataclass(frozen=True)
class Family:
    name: str
    ndb_numbers: tuple[str, ...]
    note: str = ""


@dataclass
class MineralSources:
    key: str
    title: str
    field: str
    families: list[tuple[Family, list[Food]]] = field(default_factory=list)


MAGNESIUM_FAMILIES = (
    Family("Leafy greens", ("11457", "11458", "11233", "11147", "11148")),
    Family("Nuts and seeds", ("12014", "12061", "12063", "12087", "12085")),
    Family("Legumes", ("16015", "16070", "16109")),
    Family("Whole grains", ("20037", "18075")),
    Family("Dark chocolate", ("19904",)),
    Family("Avocados", ("09037",)),
)
POTASSIUM_FAMILIES = (
    Family("Fruits", ("09040", "09200", "09021", "09032", "09291", "09298")),
    Family(
        "Vegetables",
        ("11356", "11508", "11458", "11529", "11483", "11486"),
        note="Potatoes with their skin; spinach cooked.",
    ),
    Family("Legumes", ("16072", "16028", "16070")),
    Family("Fish", ("15209", "15121", "15037")),
    Family("Dairy", ("01077", "01079", "01117", "01116")),
)


def families_with_foods() -> list[MineralSources]:
    minerals = [
        MineralSources(key, nutrients.ELEMENTS[key].label, nutrients.ELEMENTS[key].field)
        for key in ("mg", "k")
    ]
    wanted = {
        ndb
        for fams in (MAGNESIUM_FAMILIES, POTASSIUM_FAMILIES)
        for f in fams
        for ndb in f.ndb_numbers
    }
    foods = with_display_data(
        Food.objects.filter(source=Food.Source.USDA_SR24, source_id__in=wanted)
    )
    by_ndb = {food.source_id: food for food in foods}
    for mineral, families in zip(minerals, (MAGNESIUM_FAMILIES, POTASSIUM_FAMILIES), strict=True):
        for family in families:
            members = [by_ndb[ndb] for ndb in family.ndb_numbers if ndb in by_ndb]
            members.sort(key=lambda f: getattr(f, mineral.field) or 0, reverse=True)
            mineral.families.append((family, members))
    return minerals
