from __future__ import annotations

from clinical import catalogue, classes, targets


def test_every_code_has_a_complete_entry_with_every_fact_filled_in():
    assert len(catalogue.CATALOGUE) == 14
    for entry in catalogue.CATALOGUE.values():
        texts = [entry.title, entry.means, entry.why, entry.what_to_do, entry.applies_to]
        texts += [t.label for t in entry.thresholds] + [t.value for t in entry.thresholds]
        texts += list(entry.design_notes)
        for text in texts:
            assert text.strip() and "{" not in text and "}" not in text, (entry.code, text)
        assert entry.sources and entry.thresholds, entry.code


def test_the_numbers_in_the_texts_are_the_numbers_of_the_tables():
    k_high = catalogue.CATALOGUE["K_HIGH_ITEM"]
    assert f"more than {classes.HIGH_POTASSIUM_ITEM_MG:,.0f} mg" in k_high.means
    low_k = catalogue.CATALOGUE["LOW_K_CHECK_MG"]
    assert f"below {targets.HYPOKALAEMIA_MMOL_L:.1f} mmol/L" in low_k.means
    sodium = catalogue.CATALOGUE["NA_ABOVE_LIMIT"]
    assert "more than 2,300 mg (100 mmol)" in sodium.means
    risk = catalogue.CATALOGUE["K_SUPPLEMENT_HYPERKALEMIA_RISK"]
    assert [t.value for t in risk.thresholds][:3] == [
        "CKD G3b (eGFR 30–44); CKD G4 (eGFR 15–29); CKD G5 (eGFR < 15), not on dialysis; "
        "Hemodialysis; Peritoneal dialysis",
        "below 45",
        "above 5.0 mmol/L",
    ]


def test_a_changed_number_shows_in_a_rebuilt_catalogue(monkeypatch):
    monkeypatch.setattr(classes, "HIGH_POTASSIUM_ITEM_MG", 250.0)
    _, entries = catalogue.build()
    assert "more than 250 mg" in entries["K_HIGH_ITEM"].means


def test_sources_keep_their_evidence_tags():
    sources = catalogue.SOURCES
    assert sources["huang_kuo"].evidence == "P"
    assert sources["serum_k"].evidence == targets.POTASSIUM_BANDS[0].evidence
    assert sources["mg_renal_rule"].design_choice
    assert sources["sr24"].evidence == ""


def test_entries_group_by_their_most_serious_level():
    groups = catalogue.by_level()
    assert [level for level, _, _ in groups] == ["danger", "caution", "info"]
    danger = {e.code for e in groups[0][2]}
    assert danger == {
        "K_ABOVE_LIMIT",
        "MG_SUPPLEMENT_LOW_KIDNEY_FUNCTION",
        "K_SUPPLEMENT_HYPERKALEMIA_RISK",
    }
    assert catalogue.entry("NOT_A_CODE") is None
