"""Property-based tests of the importers: the FDC CSV directory and the admin bulk import.

A valid download (tests/nutrition/test_import_fdc.py's) is spoiled at random: cells set to
arbitrary text, huge numbers, NaN and infinity, negatives or unicode; files
emptied, cut short mid-record (mid-character even), left with a header only or
replaced by arbitrary bytes. The parser must then either return foods whose
every value is in range, which the writer stores exactly, or raise
FDCImportError; `manage.py import_fdc` must write all or nothing. The admin's
CSV and FDC zip import must never answer 500, and applying a preview writes
every row or none.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from nutrition.curation import csvfile
from nutrition.importers.fdc import FDCImportError, apply_import, parse_fdc_dir
from nutrition.importers.fdc.parse import LABEL_MAX, MAX_PER_100G, NAME_MAX
from nutrition.models import NUTRIENT_FIELDS, Food
from nutrition.text import normalize
from tests.nutrition.test_import_fdc import COLUMNS, Download
from tests.test_robustness_common import (
    FEW,
    ROBUST,
    assert_no_server_error,
    changed_tables,
    junk,
    rolled_back,
    snapshot,
)

pytestmark = pytest.mark.property

FILES = sorted(COLUMNS)
big_numbers = st.sampled_from(
    [str(2**53 + 1), str(2**63), str(2**64), "1e20", "-1e20", "99999999999999999999", "1e400"]
)
cells = st.one_of(junk, big_numbers, st.text(alphabet='",\n\r;|:', max_size=5))
# (file, row, column, value): the row is taken modulo the file's row count.
mutations = st.lists(
    st.tuples(st.sampled_from(FILES), st.integers(0, 50), st.integers(0, 20), cells),
    min_size=1,
    max_size=3,
)
damage = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from(FILES),
        st.one_of(
            st.just("empty"),
            st.just("bom"),
            st.just("header"),
            st.floats(min_value=0.0, max_value=1.0),  # cut at this share of the bytes
            st.binary(max_size=200),  # replaced by arbitrary bytes
        ),
    ),
)


def _spoil(download: Download, edits, harm) -> Path:
    for name, row, column, value in edits:
        rows = download.rows[name]
        if rows:
            columns = download.columns[name]
            rows[row % len(rows)][columns[column % len(columns)]] = value
    directory = download.write()
    if harm is not None:
        name, how = harm
        path = directory / name
        content = path.read_bytes()
        if how == "empty":
            content = b""
        elif how == "bom":
            content = "\ufeff".encode()
        elif how == "header":
            content = content.split(b"\n", 1)[0] + b"\n"
        elif isinstance(how, float):
            content = content[: int(len(content) * how)]
        else:
            content = how
        path.write_bytes(content)
    return directory


def _check_parsed(parsed) -> None:
    for item in parsed.foods:
        assert item.name.strip() and len(item.name) <= NAME_MAX
        assert len(normalize(item.name)) <= NAME_MAX
        for name in NUTRIENT_FIELDS:
            value = getattr(item, name)
            assert value is None or (math.isfinite(value) and 0 <= value <= MAX_PER_100G[name])
        for portion in item.portions:
            assert math.isfinite(portion.grams) and portion.grams > 0
            assert portion.label and len(portion.label) <= LABEL_MAX


@ROBUST
@given(edits=mutations, harm=damage)
def test_a_spoiled_fdc_download_is_imported_exactly_or_rejected_whole(
    db, tmp_path_factory, edits, harm
):
    download = Download(tmp_path_factory.mktemp("fdc") / "FoodData_Central_csv")
    directory = _spoil(download, edits, harm)
    try:
        parsed = parse_fdc_dir(directory)
    except FDCImportError as exc:
        event("rejected")
        assert exc.errors and all(str(error) for error in exc.errors)
        with rolled_back():
            before = snapshot()
            with pytest.raises(CommandError):
                call_command("import_fdc", str(directory), stdout=io.StringIO())
            assert snapshot() == before
        return
    event("accepted")
    _check_parsed(parsed)
    with rolled_back():
        before = snapshot()
        apply_import(parsed)
        changed = changed_tables(before, snapshot())
        assert changed <= {"nutrition.Food", "nutrition.Portion", "nutrition.FoodGroup"}
        stored = {food.source_id: food for food in Food.objects.filter(source="fdc")}
        assert set(stored) == {item.source_id for item in parsed.foods}
        for item in parsed.foods:
            food = stored[item.source_id]
            assert food.name == item.name
            for name in NUTRIENT_FIELDS:
                assert getattr(food, name) == getattr(item, name)
            labels = [(p.label, p.grams) for p in food.portions.order_by("seq")]
            assert labels == [(p.label, p.grams) for p in item.portions]


def test_an_id_too_large_for_a_whole_number_is_a_row_error(db, tmp_path):
    # Regression: an id past 2**53 (or past int64) was a TypeError from pandas, not a
    # row error; the admin's FDC zip import answered 500.
    for value in ("99999999999999999999", str(2**63), "1e20"):
        download = Download(tmp_path / value)
        download.rows["food_portion.csv"][0]["measure_unit_id"] = value
        with pytest.raises(FDCImportError) as caught:
            parse_fdc_dir(download.write())
        assert any("too large" in error.message for error in caught.value.errors)


# --- the admin's bulk import ----------------------------------------------------------

IMPORT = "admin:nutrition_food_import"
HEADER = ",".join(csvfile.COLUMNS)
GOOD_CSV = [
    "usda-sr24,09040,Bananas raw,09,food,89,,27,360,,,,no,yes,1 cup mashed:225|1 medium:118",
    "curated,C-7,Kale chips,,food,480,10,120,1200,,,,no,yes,1 bag:28",
    "fdc,1234,Lentils,,food,358,23.6,107,852,,,,no,no,",
]


@pytest.fixture
def curator_client(curator_client, food, food_group):
    food("Bananas, raw", source_id="09040", group=food_group("09", "Fruits"), potassium_mg=358)
    return curator_client


def _csv_text(rows: list[list[str]]) -> str:
    return "\n".join([HEADER, *[",".join(row) for row in rows]]) + "\n"


csv_files = st.one_of(
    # The good rows with some cells spoiled.
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, len(csvfile.COLUMNS) - 1), cells),
        max_size=4,
    ).map(
        lambda edits: _csv_text(
            [
                [
                    next((v for r, c, v in edits if r == i and c == j), cell)
                    for j, cell in enumerate(line.split(","))
                ]
                for i, line in enumerate(GOOD_CSV)
            ]
        ).encode()
    ),
    st.text(max_size=400).map(str.encode),
    st.binary(max_size=400),
    st.sampled_from([b"", b"\xef\xbb\xbf", (HEADER + "\n").encode(), HEADER.encode()[:37]]),
)


def _digest(page: str) -> tuple[str, str] | None:
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', page)
    if not digest:
        return None
    value = fingerprint.group(1) if fingerprint else ""
    return digest.group(1), value.replace("&#x27;", "'").replace("&quot;", '"')


@ROBUST
@given(content=csv_files)
def test_the_admin_csv_import_previews_anything_and_applies_all_rows_or_none(
    curator_client, content
):
    with rolled_back():
        before = snapshot()
        upload = SimpleUploadedFile("foods.csv", content)
        preview = curator_client.post(reverse(IMPORT), {"format": "csv", "file": upload})
        assert_no_server_error(preview)
        assert snapshot() == before, "a preview wrote to the database"
        found = _digest(preview.content.decode())
        if found is None:
            event("rejected at preview")
            return
        parsed = csvfile.parse_csv(content, "foods.csv")
        applied = curator_client.post(
            reverse(IMPORT), {"apply": "1", "digest": found[0], "fingerprint": found[1]}
        )
        assert_no_server_error(applied)
        changed = changed_tables(before, snapshot())
        allowed = {
            "nutrition.Food",
            "nutrition.Portion",
            "nutrition.HistoricalFood",
            "nutrition.HistoricalPortion",
        }
        assert changed <= allowed
        if applied.status_code == 302:
            event("applied")
            for item in parsed.foods:
                food = Food.objects.get(source=item.source, source_id=item.source_id)
                assert food.name == item.name and len(food.search_name) <= 255
                for name in NUTRIENT_FIELDS:
                    assert getattr(food, name) == item.nutrients[name]
        else:
            event("refused at apply")
            assert not changed


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@FEW
@given(edits=mutations, harm=damage, raw=st.one_of(st.none(), st.binary(max_size=300)))
def test_the_admin_fdc_zip_import_never_fails_and_writes_all_or_nothing(
    curator_client, tmp_path_factory, edits, harm, raw
):
    if raw is not None:
        content = raw
    else:
        directory = _spoil(Download(tmp_path_factory.mktemp("zip") / "d"), edits, harm)
        content = _zip({path.name: path.read_bytes() for path in directory.iterdir()})
    with rolled_back():
        before = snapshot()
        upload = SimpleUploadedFile("FoodData_Central.zip", content)
        preview = curator_client.post(reverse(IMPORT), {"format": "fdc", "file": upload})
        assert_no_server_error(preview)
        assert snapshot() == before
        found = _digest(preview.content.decode())
        if found is None:
            event("rejected at preview")
            return
        applied = curator_client.post(reverse(IMPORT), {"apply": "1", "digest": found[0]})
        assert_no_server_error(applied)
        event("applied" if applied.status_code == 302 else "refused at apply")
        changed = changed_tables(before, snapshot())
        assert changed <= {
            "nutrition.Food",
            "nutrition.Portion",
            "nutrition.FoodGroup",
            "nutrition.HistoricalFood",
        }
        if applied.status_code != 302:
            assert not changed


@pytest.mark.parametrize(
    "row",
    [
        "\r,09040,Bananas raw,09,food,,,,,,,,no,no,",  # a lone carriage return
        "usda-sr24,09040," + "x" * 200_000 + ",09,food,,,,,,,,no,no,",  # past csv's cell limit
    ],
    ids=["carriage-return", "huge-cell"],
)
def test_a_file_the_csv_module_cannot_count_lines_in_is_rejected_not_a_500(curator_client, row):
    # Regression: line numbers for the messages came from the csv module, which raised
    # on these rows that pandas reads; the preview answered 500.
    before = snapshot()
    upload = SimpleUploadedFile("foods.csv", f"{HEADER}\n{row}\n".encode())
    response = curator_client.post(reverse(IMPORT), {"format": "csv", "file": upload})
    assert response.status_code == 200
    assert _digest(response.content.decode()) is None  # rejected: nothing to apply
    assert snapshot() == before


def test_an_fdc_cell_past_the_csv_size_limit_is_a_row_error(db, tmp_path):
    download = Download(tmp_path / "d")
    download.rows["food.csv"][0]["description"] = "x" * 200_000
    with pytest.raises(FDCImportError) as caught:
        parse_fdc_dir(download.write())
    assert any("longer than" in error.message for error in caught.value.errors)
