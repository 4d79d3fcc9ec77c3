"""The medicine catalogue: drug classes that move potassium or magnesium, and the
names people type for them (clinical/data/medicines.toml).

Effects belong to the class (clinical.md §4), each with its source; a medicine
inherits its class's effects. Profiles store a medicine's `code`, a slug that
never changes meaning, so renaming a medicine or adding brands is safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.loader import DataError, cited, data_file, rows, unique
from clinical.text import normalize

MEDICINES_FILE = data_file("medicines.toml")
_EFFECTS = ("raises_k", "lowers_k", "raises_mg", "lowers_mg", "kcl_contraindicated")


@dataclass(frozen=True)
class MedicineClass:
    code: str
    name: str
    raises_k: bool = False
    lowers_k: bool = False
    lowers_mg: bool = False
    raises_mg: bool = False
    # Solid potassium chloride is contraindicated with this class (KCl ER label).
    kcl_contraindicated: bool = False
    # Hours to keep magnesium products apart from the medicine, (low, high).
    spacing_hours: tuple[float, float] | None = None
    note: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Medicine:
    code: str
    name: str
    medicine_class: MedicineClass
    other_names: tuple[str, ...] = ()  # other generic spellings: albuterol, cyclosporine
    brands: tuple[str, ...] = ()

    @property
    def raises_k(self) -> bool:
        return self.medicine_class.raises_k

    @property
    def lowers_k(self) -> bool:
        return self.medicine_class.lowers_k

    @property
    def lowers_mg(self) -> bool:
        return self.medicine_class.lowers_mg

    @property
    def raises_mg(self) -> bool:
        return self.medicine_class.raises_mg

    @property
    def kcl_contraindicated(self) -> bool:
        return self.medicine_class.kcl_contraindicated

    @property
    def spacing_hours(self) -> tuple[float, float] | None:
        return self.medicine_class.spacing_hours

    @property
    def spacing_note(self) -> str:
        hours = self.spacing_hours
        if hours is None:
            return ""
        return (
            f"Take magnesium (supplements, antacids, laxatives) {hours[0]:g}-{hours[1]:g} hours "
            f"apart from {self.name}: magnesium binds it in the gut and less is absorbed."
        )

    @property
    def source(self) -> str:
        return self.medicine_class.source

    @property
    def label(self) -> str:
        if not self.brands:
            return self.name
        return f"{self.name} ({', '.join(self.brands)})"


@dataclass(frozen=True)
class Catalogue:
    sources: dict[str, tuple[str, str]]  # key -> (text, evidence)
    classes: dict[str, MedicineClass]
    medicines: tuple[Medicine, ...]


@cache
def load(path: Path = MEDICINES_FILE) -> Catalogue:
    found_sources = cited(path)

    classes: dict[str, MedicineClass] = {}
    for row in rows(path, "classes"):
        row.only("code", "name", *_EFFECTS, "spacing_hours", "note", "sources", "aliases")
        keys = row.texts("sources")
        if not keys:
            row.fail("needs at least one source")
        for key in keys:
            if key not in found_sources:
                row.fail(f"unknown source {key!r}")
        hours = row.values.get("spacing_hours")
        if hours is not None and not (
            isinstance(hours, list)
            and len(hours) == 2
            and all(isinstance(h, int | float) and not isinstance(h, bool) for h in hours)
            and 0 < hours[0] <= hours[1]
        ):
            row.fail(f"'spacing_hours' must be [low, high] hours, got {hours!r}")
        klass = MedicineClass(
            row.text("code"),
            row.text("name"),
            **{effect: row.flag(effect) for effect in _EFFECTS},
            spacing_hours=None if hours is None else (hours[0], hours[1]),
            note=row.text("note", ""),
            source="; ".join(found_sources[key][0] for key in keys),
            aliases=row.texts("aliases"),
        )
        classes[klass.code] = klass
    unique(path, "class code", [c.code for c in classes.values()])

    medicines = []
    for row in rows(path, "medicines"):
        row.only("code", "name", "class", "other_names", "brands")
        medicines.append(
            Medicine(
                row.text("code"),
                row.text("name"),
                classes[row.choice("class", classes)],
                row.texts("other_names"),
                row.texts("brands"),
            )
        )
    unique(path, "medicine code", [m.code for m in medicines])
    unused = set(classes) - {m.medicine_class.code for m in medicines}
    if unused:
        raise DataError(f"{path.name}: classes with no medicine: {', '.join(sorted(unused))}")
    return Catalogue(found_sources, classes, tuple(medicines))


_CATALOGUE = load()
CLASSES: dict[str, MedicineClass] = _CATALOGUE.classes
MEDICINES: tuple[Medicine, ...] = _CATALOGUE.medicines
MEDICINES_BY_CODE = {m.code: m for m in MEDICINES}
# The citations as the classes give them, for pages that cite one on its own.
BEN_SALEM_2014 = _CATALOGUE.sources["ben_salem"][0]
HUANG_KUO_2007 = _CATALOGUE.sources["huang_kuo"][0]
KCL_LABEL = _CATALOGUE.sources["kcl_label"][0]
FDA_PPI_2011 = _CATALOGUE.sources["fda_ppi"][0]
SMPC_SPACING = _CATALOGUE.sources["smpc_spacing"][0]


def get_medicine(code: str) -> Medicine | None:
    return MEDICINES_BY_CODE.get(code)


def medicines_for(codes: list[str] | tuple[str, ...]) -> list[Medicine]:
    """The catalogue entries for stored codes; an unknown code is skipped, not an error."""
    return [MEDICINES_BY_CODE[code] for code in codes if code in MEDICINES_BY_CODE]


# Ranks: lower is better. A name beats a class; a start of a word beats a substring.
_NAME_START, _NAME_WORD, _CLASS_WORD, _NAME_SUBSTRING, _CLASS_SUBSTRING = range(5)


def _match(query: str, terms: list[str], start: int, word: int, substring: int) -> int | None:
    best = None
    for term in terms:
        if term.startswith(query):
            rank = start
        elif f" {query}" in f" {term}":
            rank = word
        elif query in term:
            rank = substring
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _terms(medicine: Medicine) -> tuple[list[str], list[str]]:
    names = [normalize(n) for n in (medicine.name, *medicine.other_names, *medicine.brands)]
    klass = medicine.medicine_class
    classes = [normalize(n) for n in (klass.name, *klass.aliases)]
    return names, classes


_SEARCH_TERMS = {m.code: _terms(m) for m in MEDICINES}


def find_medicines(query: str) -> list[Medicine]:
    """Medicines whose name, other name, brand or class matches `query`.

    Case and accents are ignored. Matches at the start of a name come first,
    then at the start of any word of a name, then by class ("ACE", "diuretic"),
    then anywhere inside a word; ties go alphabetically.
    """
    q = normalize(query)
    if not q:
        return []
    ranked = []
    for medicine in MEDICINES:
        names, classes = _SEARCH_TERMS[medicine.code]
        ranks = [
            _match(q, names, _NAME_START, _NAME_WORD, _NAME_SUBSTRING),
            _match(q, classes, _CLASS_WORD, _CLASS_WORD, _CLASS_SUBSTRING),
        ]
        found = [r for r in ranks if r is not None]
        if found:
            ranked.append((min(found), medicine.name.casefold(), medicine))
    ranked.sort(key=lambda item: item[:2])
    return [medicine for _, _, medicine in ranked]
