"""The medicine catalogue: drug classes that move potassium or magnesium, and the
names people type for them.

Effects belong to the class (clinical.md §4), each with its source; a medicine
inherits its class's effects. Profiles store a medicine's `code`, a slug that
never changes meaning, so renaming a medicine or adding brands is safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from nutrition.text import normalize

BEN_SALEM_2014 = "Ben Salem et al., Drug-induced hyperkalaemia, Drug Saf 2014"
HUANG_KUO_2007 = "Huang & Kuo, J Am Soc Nephrol 2007;18:2649-52"
KCL_LABEL = "Potassium chloride ER tablets, US label (DailyMed): contraindications"
FDA_PPI_2011 = "FDA Drug Safety Communication 2011: low magnesium with long-term PPI use"
SMPC_SPACING = "UK SmPCs of the interacting medicines (magnesium-containing products)"


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


def _class(code: str, name: str, **fields) -> MedicineClass:
    return MedicineClass(code, name, **fields)


CLASSES = {
    c.code: c
    for c in (
        # Raise serum potassium: Ben Salem, Drug Saf 2014 [P].
        _class(
            "ace-inhibitor",
            "ACE inhibitor",
            raises_k=True,
            source=BEN_SALEM_2014,
            aliases=("angiotensin-converting enzyme inhibitor",),
        ),
        _class(
            "arb",
            "Angiotensin receptor blocker (ARB)",
            raises_k=True,
            source=BEN_SALEM_2014,
            aliases=("sartan", "angiotensin II receptor blocker"),
        ),
        _class(
            "direct-renin-inhibitor", "Direct renin inhibitor", raises_k=True, source=BEN_SALEM_2014
        ),
        _class(
            "aldosterone-antagonist",
            "Aldosterone antagonist",
            raises_k=True,
            source=BEN_SALEM_2014,
            aliases=("mineralocorticoid receptor antagonist", "MRA"),
        ),
        _class(
            "k-sparing-diuretic",
            "Potassium-sparing diuretic",
            raises_k=True,
            kcl_contraindicated=True,
            note="Potassium chloride supplements must not be taken with it.",
            source=f"{BEN_SALEM_2014}; {KCL_LABEL}",
            aliases=("water pill",),
        ),
        _class("trimethoprim", "Trimethoprim", raises_k=True, source=BEN_SALEM_2014),
        _class(
            "nsaid",
            "NSAID or COX-2 inhibitor",
            raises_k=True,
            source=BEN_SALEM_2014,
            aliases=("anti-inflammatory", "painkiller", "COX-2 inhibitor"),
        ),
        _class(
            "calcineurin-inhibitor",
            "Calcineurin inhibitor",
            raises_k=True,
            source=BEN_SALEM_2014,
            aliases=("anti-rejection",),
        ),
        _class("heparin", "Heparin", raises_k=True, source=BEN_SALEM_2014),
        _class("beta-blocker", "Beta-blocker", raises_k=True, source=BEN_SALEM_2014),
        # Lower potassium and/or magnesium: Huang & Kuo 2007 [P]; Harrison's [S].
        _class(
            "loop-diuretic",
            "Loop diuretic",
            lowers_k=True,
            lowers_mg=True,
            source=f"{HUANG_KUO_2007}; Harrison's Principles of Internal Medicine",
            aliases=("water pill",),
        ),
        _class(
            "thiazide-diuretic",
            "Thiazide or thiazide-like diuretic",
            lowers_k=True,
            lowers_mg=True,
            source=f"{HUANG_KUO_2007}; Harrison's Principles of Internal Medicine",
            aliases=("water pill",),
        ),
        _class(
            "ppi",
            "Proton pump inhibitor (PPI)",
            lowers_mg=True,
            note="Long-term use (usually a year or more) can lower magnesium; FDA advises "
            "checking magnesium before and during long-term treatment.",
            source=FDA_PPI_2011,
            aliases=("proton pump inhibitor", "acid reducer"),
        ),
        _class(
            "aminoglycoside", "Aminoglycoside antibiotic", lowers_mg=True, source=HUANG_KUO_2007
        ),
        _class(
            "amphotericin-b",
            "Amphotericin B",
            lowers_k=True,
            lowers_mg=True,
            source=f"{HUANG_KUO_2007}; Harrison's Principles of Internal Medicine",
            aliases=("antifungal",),
        ),
        _class("cisplatin", "Cisplatin", lowers_mg=True, source=HUANG_KUO_2007),
        _class(
            "egfr-antibody",
            "EGFR antibody",
            lowers_mg=True,
            source="Cetuximab and panitumumab SmPCs (hypomagnesaemia)",
            aliases=("anti-EGFR",),
        ),
        _class(
            "insulin",
            "Insulin",
            lowers_k=True,
            note="Moves potassium into cells.",
            source=f"{HUANG_KUO_2007}; Harrison's Principles of Internal Medicine",
        ),
        _class(
            "beta2-agonist",
            "Beta-2 agonist",
            lowers_k=True,
            note="Moves potassium into cells, most with high or nebulised doses.",
            source=f"{HUANG_KUO_2007}; Harrison's Principles of Internal Medicine",
            aliases=("bronchodilator", "reliever inhaler"),
        ),
        _class(
            "corticosteroid",
            "Corticosteroid",
            lowers_k=True,
            source="Harrison's Principles of Internal Medicine",
            aliases=("steroid",),
        ),
        # Absorption interactions: keep magnesium apart (UK SmPCs [P]).
        _class(
            "tetracycline", "Tetracycline antibiotic", spacing_hours=(2, 3), source=SMPC_SPACING
        ),
        _class(
            "quinolone",
            "Quinolone antibiotic",
            spacing_hours=(3, 4),
            source=SMPC_SPACING,
            aliases=("fluoroquinolone",),
        ),
        _class("bisphosphonate", "Bisphosphonate", spacing_hours=(3, 4), source=SMPC_SPACING),
        _class(
            "iron",
            "Oral iron",
            spacing_hours=(3, 4),
            source=SMPC_SPACING,
            aliases=("iron tablet",),
        ),
    )
}


def _medicine(code: str, name: str, class_code: str, *, other_names=(), brands=()) -> Medicine:
    return Medicine(code, name, CLASSES[class_code], tuple(other_names), tuple(brands))


MEDICINES = (
    # ACE inhibitors
    _medicine("lisinopril", "Lisinopril", "ace-inhibitor", brands=("Zestril", "Prinivil")),
    _medicine("enalapril", "Enalapril", "ace-inhibitor", brands=("Vasotec",)),
    _medicine("ramipril", "Ramipril", "ace-inhibitor", brands=("Altace", "Tritace")),
    _medicine("perindopril", "Perindopril", "ace-inhibitor", brands=("Coversyl",)),
    _medicine("captopril", "Captopril", "ace-inhibitor"),
    # ARBs
    _medicine("losartan", "Losartan", "arb", brands=("Cozaar",)),
    _medicine("valsartan", "Valsartan", "arb", brands=("Diovan",)),
    _medicine("candesartan", "Candesartan", "arb", brands=("Atacand",)),
    _medicine("irbesartan", "Irbesartan", "arb", brands=("Avapro",)),
    _medicine("telmisartan", "Telmisartan", "arb", brands=("Micardis",)),
    _medicine("olmesartan", "Olmesartan", "arb", brands=("Benicar",)),
    _medicine("sacubitril-valsartan", "Sacubitril/valsartan", "arb", brands=("Entresto",)),
    _medicine("aliskiren", "Aliskiren", "direct-renin-inhibitor", brands=("Tekturna", "Rasilez")),
    # Aldosterone antagonists and potassium-sparing diuretics
    _medicine("spironolactone", "Spironolactone", "aldosterone-antagonist", brands=("Aldactone",)),
    _medicine("eplerenone", "Eplerenone", "aldosterone-antagonist", brands=("Inspra",)),
    _medicine("amiloride", "Amiloride", "k-sparing-diuretic", brands=("Midamor",)),
    _medicine(
        "triamterene",
        "Triamterene",
        "k-sparing-diuretic",
        brands=("Dyrenium", "Dyazide", "Maxzide"),
    ),
    # Trimethoprim
    _medicine("trimethoprim", "Trimethoprim", "trimethoprim"),
    _medicine(
        "co-trimoxazole",
        "Co-trimoxazole",
        "trimethoprim",
        other_names=("cotrimoxazole", "sulfamethoxazole/trimethoprim", "TMP-SMX"),
        brands=("Bactrim", "Septra"),
    ),
    # NSAIDs and COX-2 inhibitors
    _medicine("ibuprofen", "Ibuprofen", "nsaid", brands=("Advil", "Motrin", "Nurofen")),
    _medicine("naproxen", "Naproxen", "nsaid", brands=("Aleve", "Naprosyn")),
    _medicine("diclofenac", "Diclofenac", "nsaid", brands=("Voltaren",)),
    _medicine("celecoxib", "Celecoxib", "nsaid", brands=("Celebrex",)),
    # Calcineurin inhibitors
    _medicine("tacrolimus", "Tacrolimus", "calcineurin-inhibitor", brands=("Prograf", "Advagraf")),
    _medicine(
        "ciclosporin",
        "Ciclosporin",
        "calcineurin-inhibitor",
        other_names=("cyclosporine", "cyclosporin"),
        brands=("Neoral", "Sandimmune"),
    ),
    _medicine("heparin", "Heparin", "heparin"),
    # Beta-blockers
    _medicine("metoprolol", "Metoprolol", "beta-blocker", brands=("Lopressor", "Toprol-XL")),
    _medicine("atenolol", "Atenolol", "beta-blocker", brands=("Tenormin",)),
    _medicine("propranolol", "Propranolol", "beta-blocker", brands=("Inderal",)),
    _medicine("bisoprolol", "Bisoprolol", "beta-blocker"),
    _medicine("carvedilol", "Carvedilol", "beta-blocker", brands=("Coreg",)),
    # Loop diuretics
    _medicine(
        "furosemide", "Furosemide", "loop-diuretic", other_names=("frusemide",), brands=("Lasix",)
    ),
    _medicine("bumetanide", "Bumetanide", "loop-diuretic", brands=("Bumex",)),
    _medicine(
        "torasemide", "Torasemide", "loop-diuretic", other_names=("torsemide",), brands=("Demadex",)
    ),
    # Thiazide and thiazide-like diuretics
    _medicine(
        "hydrochlorothiazide",
        "Hydrochlorothiazide",
        "thiazide-diuretic",
        other_names=("HCTZ",),
        brands=("Microzide",),
    ),
    _medicine(
        "chlortalidone",
        "Chlortalidone",
        "thiazide-diuretic",
        other_names=("chlorthalidone",),
        brands=("Hygroton",),
    ),
    _medicine("indapamide", "Indapamide", "thiazide-diuretic", brands=("Natrilix", "Lozol")),
    _medicine("bendroflumethiazide", "Bendroflumethiazide", "thiazide-diuretic"),
    _medicine("metolazone", "Metolazone", "thiazide-diuretic"),
    # Proton pump inhibitors
    _medicine("omeprazole", "Omeprazole", "ppi", brands=("Prilosec", "Losec")),
    _medicine("esomeprazole", "Esomeprazole", "ppi", brands=("Nexium",)),
    _medicine("lansoprazole", "Lansoprazole", "ppi", brands=("Prevacid",)),
    _medicine("pantoprazole", "Pantoprazole", "ppi", brands=("Protonix",)),
    _medicine("rabeprazole", "Rabeprazole", "ppi", brands=("Aciphex",)),
    # Aminoglycosides, amphotericin B, cisplatin, EGFR antibodies
    _medicine("gentamicin", "Gentamicin", "aminoglycoside"),
    _medicine("tobramycin", "Tobramycin", "aminoglycoside"),
    _medicine("amikacin", "Amikacin", "aminoglycoside"),
    _medicine(
        "amphotericin-b", "Amphotericin B", "amphotericin-b", brands=("AmBisome", "Fungizone")
    ),
    _medicine("cisplatin", "Cisplatin", "cisplatin"),
    _medicine("cetuximab", "Cetuximab", "egfr-antibody", brands=("Erbitux",)),
    _medicine("panitumumab", "Panitumumab", "egfr-antibody", brands=("Vectibix",)),
    # Shift potassium into cells
    _medicine(
        "insulin",
        "Insulin",
        "insulin",
        other_names=("insulin glargine", "insulin aspart", "insulin lispro"),
    ),
    _medicine(
        "salbutamol",
        "Salbutamol",
        "beta2-agonist",
        other_names=("albuterol",),
        brands=("Ventolin", "ProAir"),
    ),
    _medicine("terbutaline", "Terbutaline", "beta2-agonist"),
    # Corticosteroids
    _medicine("prednisolone", "Prednisolone", "corticosteroid"),
    _medicine("prednisone", "Prednisone", "corticosteroid"),
    _medicine("hydrocortisone", "Hydrocortisone", "corticosteroid"),
    _medicine("dexamethasone", "Dexamethasone", "corticosteroid"),
    _medicine("fludrocortisone", "Fludrocortisone", "corticosteroid"),
    # Spacing from magnesium
    _medicine("doxycycline", "Doxycycline", "tetracycline", brands=("Vibramycin",)),
    _medicine("minocycline", "Minocycline", "tetracycline"),
    _medicine("tetracycline", "Tetracycline", "tetracycline"),
    _medicine("ciprofloxacin", "Ciprofloxacin", "quinolone", brands=("Cipro", "Ciproxin")),
    _medicine("levofloxacin", "Levofloxacin", "quinolone", brands=("Levaquin",)),
    _medicine("moxifloxacin", "Moxifloxacin", "quinolone", brands=("Avelox",)),
    _medicine(
        "alendronate",
        "Alendronate",
        "bisphosphonate",
        other_names=("alendronic acid",),
        brands=("Fosamax",),
    ),
    _medicine(
        "risedronate",
        "Risedronate",
        "bisphosphonate",
        other_names=("risedronic acid",),
        brands=("Actonel",),
    ),
    _medicine(
        "ibandronate",
        "Ibandronate",
        "bisphosphonate",
        other_names=("ibandronic acid",),
        brands=("Boniva",),
    ),
    _medicine("ferrous-sulfate", "Ferrous sulfate", "iron", other_names=("ferrous sulphate",)),
    _medicine("ferrous-fumarate", "Ferrous fumarate", "iron"),
    _medicine("ferrous-gluconate", "Ferrous gluconate", "iron"),
)
MEDICINES_BY_CODE = {m.code: m for m in MEDICINES}


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
