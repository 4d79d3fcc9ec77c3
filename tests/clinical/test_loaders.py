"""The data files load once, and a bad one stops with the file and row named."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinical import catalogue, classes, loader, medicines, nutrients, rules, supplements, targets
from clinical.loader import DataError
from nutrition.supplements import load_products


def broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the data file `name` with `old` replaced by `new` (which must be there)."""
    text = (loader.DATA_DIR / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_every_file_is_read_once():
    path = loader.data_file("dri.toml")
    assert loader.read(path) is loader.read(path)
    assert targets.load_dri() is targets.load_dri()
    assert medicines.load() is medicines.load()


def test_every_source_key_in_the_data_resolves_to_a_citation():
    # Loading checks it; here each table is spot-checked for what users see.
    assert targets.MAGNESIUM_DRI["19-30y"].source.startswith("IOM 1997")
    assert targets.POTASSIUM_AI["19-30y"].evidence == "P"
    assert targets.POTASSIUM_BANDS[0].evidence == "S"
    assert all(c.source for c in medicines.CLASSES.values())
    assert all(f.source for f in supplements.SALT_FORMS.values())
    assert all(s.text and "{" not in s.text for s in catalogue.SOURCES.values())


def test_the_rule_thresholds_are_the_edges_of_the_bands_and_categories():
    assert targets.HYPOKALAEMIA_MMOL_L == 3.5
    assert targets.HYPERKALAEMIA_MMOL_L == 5.0
    assert targets.HYPOMAGNESAEMIA_DEFAULT_MMOL_L == 0.75
    assert targets.SERUM_MG_UPPER_NORMAL_MMOL_L == 0.95
    assert (rules.LOW_EGFR, rules.REDUCED_EGFR, rules.K_SUPPLEMENT_RISK_EGFR) == (30, 60, 45)
    assert classes.HIGH_POTASSIUM_ITEM_MG == rules.SUGGESTION_MAX_K_PER_PORTION == 200
    # Numbers written into texts come from the tables, not retyped.
    assert targets.SERUM_MG_SOURCE.startswith("IOM 1997 (normal serum Mg 0.75-0.95 mmol/L)")
    assert targets.renal_limits("g3a", False)["sodium_mg"].note == "Less than 2,300 mg (100 mmol)."
    assert "less than 30 mL/min" in targets.magnesium_supplement_rule("g4").message


def test_one_list_of_kidney_statuses_with_the_clearer_labels():
    assert list(targets.KIDNEY_STATUSES) == [
        "none", "g1", "g2", "g3a", "g3b", "g4", "g5", "hd", "pd", "transplant",
    ]  # fmt: skip
    assert targets.KIDNEY_STATUSES["g1"] == "CKD G1 (eGFR ≥ 90)"
    assert targets.EGFR_CATEGORIES[0] == (90, "g1")
    assert targets.EGFR_CATEGORIES[-1] == (0, "g5")


def test_the_apps_build_their_choices_and_fields_from_the_data():
    from nutrition.models import NUTRIENT_FIELDS, Food
    from planner.models import KidneyStatus, Nutrient

    assert dict(KidneyStatus.choices) == targets.KIDNEY_STATUSES
    assert KidneyStatus.G3A == "g3a"
    assert Nutrient.MAGNESIUM.label == "Magnesium"
    assert [value for value, _ in Nutrient.choices] == [n.field for n in nutrients.MINERALS_FIRST]
    assert NUTRIENT_FIELDS == nutrients.FIELDS
    for field in nutrients.FIELDS:
        Food._meta.get_field(field)


# --- Bad files ---------------------------------------------------------------------


BAD_FILES = [
    # id, file, text there, its broken replacement, loader, the error it must raise
    ("not-toml", "dri.toml", "life_stages = [", "life_stages = [[", targets.load_dri,
     r"^dri\.toml: not valid TOML"),
    ("missing-value", "dri.toml", "male = 410, female = 360,", "female = 360,", targets.load_dri,
     r"^dri\.toml: magnesium row 6 \(14-18y\): missing 'male'"),
    ("number-as-text", "dri.toml", "male = 3400, female = 2600, pregnancy",
     'male = "3400", female = 2600, pregnancy', targets.load_dri,
     r"potassium row 7 \(19-30y\): 'male' must be a number"),
    ("misspelt-key", "dri.toml", "pregnancy = 350", "pregnacy = 350", targets.load_dri,
     r"magnesium row 7 \(19-30y\): unknown key pregnacy"),
    ("life-stage-gap", "dri.toml", "min_years = 4.0,", "min_years = 5.0,", targets.load_dri,
     r"life_stages row 4 \(4-8y\): must cover 4 years"),
    ("serum-bands-apart", "labs.toml", "low = 5.0, low_inclusive = false",
     "low = 5.1, low_inclusive = false", targets.load_labs,
     r"^labs\.toml: potassium: 'hyperkalaemia-mild' must start"),
    ("unknown-source", "labs.toml", 'source = "serum_k", evidence = "S" },',
     'source = "serum_x", evidence = "S" },', targets.load_labs,
     r"potassium row 1 \(hypokalaemia-severe\): 'source' must be one of"),
    ("evidence-outside-psd", "medicines.toml", 'evidence = "S" }', 'evidence = "X" }',
     medicines.load, r"^medicines\.toml: \[sources\] harrison: 'evidence'"),
    ("unknown-medicine-class", "medicines.toml", 'class = "ace-inhibitor"',
     'class = "ace-inhibitors"', medicines.load,
     r"medicines row 1 \(lisinopril\): 'class' must be one of"),
    ("medicine-listed-twice", "medicines.toml", 'code = "enalapril"', 'code = "lisinopril"',
     medicines.load, r"medicine code 'lisinopril' is listed twice"),
    ("unknown-kidney-status", "renal.toml", '  { status = "pd",', '  { status = "px",',
     targets.load_renal, r"^renal\.toml: statuses row 9 \(px\): 'status' must be one of"),
    ("egfr-cutoff-not-a-category", "kidney.toml", 'low = "g3b"', 'low = "g9"',
     targets.load_kidney, r"^kidney\.toml: \[egfr_cutoffs\]: 'low' must be one of"),
    ("serving-classes-fall", "nkf_classes.toml", "upper_mg = 300", "upper_mg = 150",
     classes.load, r"^nkf_classes\.toml: potassium: upper_mg must rise"),
    ("salt-share-above-one", "supplement_salts.toml", "share_low = 0.603, share_high = 0.603",
     "share_low = 60.3, share_high = 60.3", supplements.load,
     r"salts row 1 \(mg-oxide\): shares must satisfy"),
    ("convertible-without-molar-mass", "nutrients.toml", "molar_mass = 39.1\n", "",
     nutrients.load, r"nutrients row 4 \(potassium_mg\): a convertible nutrient"),
    ("rule-unknown-kidney-status", "rules.toml", '"g3b", "g4"', '"g3c", "g4"', rules.load,
     r"^rules\.toml: \[k_supplement\]: unknown kidney status 'g3c'"),
    ("catalogue-unknown-fact", "warnings.toml", "more than {high_k_item} of",
     "more than {high_k} of", catalogue.build,
     r"entries row 2 \(K_HIGH_ITEM\): 'means' names unknown fact"),
    ("catalogue-unknown-source", "warnings.toml", 'sources = ["fda_ppi"]', 'sources = ["fda"]',
     catalogue.build, r"entries row 13 \(PPI_LOW_MG\): unknown source 'fda'"),
    ("product-unknown-salt-form", "supplement_products.toml", 'salt_form = "mg-oxide"',
     'salt_form = "mg-oxyde"', load_products,
     r"products row 1 \(supp-mg-oxide-400\): 'salt_form'"),
    ("product-misspelt-key", "supplement_products.toml", "doses = ", "dose = ", load_products,
     r"products row 1 \(supp-mg-oxide-400\): unknown key dose"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "old", "new", "load", "error"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES],
)
def test_a_bad_file_stops_with_the_file_and_row_named(tmp_path, name, old, new, load, error):
    path = broken(tmp_path, name, old, new)
    with pytest.raises(DataError, match=error):
        load(path)


def test_the_salt_blends_sodium_is_their_sodium_chloride_times_its_share():
    from nutrition.supplements import SUPPLEMENTS_BY_SLUG

    blends = {"salt-sub-kcl-two-thirds": 1400 * 0.33, "salt-lite-half-kcl": 700}
    for slug, nacl_mg in blends.items():
        expected = round(nacl_mg * supplements.NACL_SODIUM_SHARE, 1)
        assert SUPPLEMENTS_BY_SLUG[slug].sodium_mg == expected
