"""Bulk import in the admin (project CSV and FDC zip), preview, apply or nothing, export."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nutrition.curation import csvfile
from nutrition.models import Food, Portion
from tests.nutrition.test_import_fdc import BANANA, download  # noqa: F401 - a fixture

IMPORT = "admin:nutrition_food_import"
HEADER = ",".join(csvfile.COLUMNS)


@pytest.fixture
def foods(food, food_group):
    food_group("09", "Fruits and Fruit Juices")
    banana = food(
        "Bananas, raw",
        source_id="09040",
        group=food_group("09"),
        energy_kcal=89,
        magnesium_mg=27,
        potassium_mg=358,
        portions=[("1 cup, mashed", 225), ("1 medium", 118)],
    )
    greens = food("Mystery greens", source_id="11999", potassium_mg=300)
    return banana, greens


def _upload(client, text: str, name: str = "foods.csv", fmt: str = "csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse(IMPORT), {"format": fmt, "file": SimpleUploadedFile(name, data)})


def _apply(client, preview):
    page = preview.content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page).group(1)
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', page).group(1)
    fingerprint = fingerprint.replace("&#x27;", "'").replace("&quot;", '"')
    return client.post(
        reverse(IMPORT), {"apply": "1", "digest": digest, "fingerprint": fingerprint}
    )


def _export(client, **params) -> str:
    response = client.get(reverse("admin:nutrition_food_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode()


def _snapshot():
    return (
        list(Food.objects.order_by("pk").values()),
        list(Portion.objects.order_by("pk").values()),
    )


CSV = f"""{HEADER}
usda-sr24,09040,"Bananas, raw",09,food,89,,27,360,,,,no,yes,"1 cup, mashed:225|1 medium:118"
usda-sr24,11999,Mystery greens,11,food,,,,300,,,,no,no,
curated,C-7,Kale chips,11,food,480,10,120,1200,,,,no,yes,1 bag:28
"""


# -- export ------------------------------------------------------------------------------


def test_export_writes_the_import_columns_with_unknown_as_empty(curator_client, foods):
    rows = list(csv.DictReader(io.StringIO(_export(curator_client))))

    assert list(rows[0]) == list(csvfile.COLUMNS)
    banana = next(row for row in rows if row["source_id"] == "09040")
    assert banana["potassium_mg"] == "358"
    assert banana["protein_g"] == ""
    assert banana["group"] == "09"
    assert banana["portions"] == "1 cup, mashed:225|1 medium:118"


def test_export_follows_the_list_filters_and_leaves_out_private_foods(
    curator_client, foods, food, patient
):
    food("My secret bar", source="user", owner=patient, review_status="pending")

    text = _export(curator_client, missing="any")

    assert "Mystery greens" in text
    assert "Bananas, raw" not in text
    assert "My secret bar" not in text


def test_the_export_action_exports_the_selected_foods(curator_client, foods):
    banana, _ = foods
    response = curator_client.post(
        reverse("admin:nutrition_food_changelist"),
        {"action": "export_selected", "_selected_action": [banana.pk]},
    )
    text = response.content.decode()
    assert "Bananas, raw" in text
    assert "Mystery greens" not in text


def test_an_export_imports_back_with_every_row_unchanged(curator_client, foods, food):
    food("Oddly precise", source="curated", source_id="C-9", potassium_mg=1 / 3, protein_g=0.0)
    exported = _export(curator_client)
    before = _snapshot()

    preview = _upload(curator_client, exported)
    page = preview.content.decode()

    assert "<strong>0</strong> new, <strong>0</strong> changed" in page
    assert "<strong>3</strong> unchanged" in page
    _apply(curator_client, preview)
    assert _snapshot()[0] == before[0]
    assert _snapshot()[1] == before[1]


# -- preview and apply -------------------------------------------------------------------


def test_the_preview_lists_new_changed_and_unchanged_rows_and_writes_nothing(
    curator_client, foods, food_group
):
    food_group("11")
    before = _snapshot()

    page = _upload(curator_client, CSV).content.decode()

    assert "<strong>1</strong> new, <strong>1</strong> changed" in page
    assert "<strong>1</strong> unchanged, <strong>0</strong> rejected" in page
    assert "Kale chips" in page
    assert "potassium_mg</strong>: 358 → 360" in page
    assert "Apply this import" in page
    assert _snapshot() == before


def test_applying_writes_every_row_with_history_and_marks_them_curated(
    curator_client, foods, food_group
):
    food_group("11")
    banana, greens = foods

    response = _apply(curator_client, _upload(curator_client, CSV))

    assert response.status_code == 302
    banana.refresh_from_db()
    greens.refresh_from_db()
    assert banana.potassium_mg == 360
    assert banana.verified
    assert banana.curated_at is not None
    assert greens.curated_at is None  # unchanged rows are left alone
    kale = Food.objects.get(source="curated", source_id="C-7")
    assert (kale.name, kale.potassium_mg, kale.phosphorus_mg) == ("Kale chips", 1200, None)
    assert [(p.label, p.grams) for p in kale.portions.all()] == [("1 bag", 28)]
    record = banana.history.order_by("-history_date").first()
    assert record.history_change_reason == "Import of foods.csv"
    assert record.history_user.username == "curator"


def test_a_bad_row_is_rejected_with_file_line_and_column_and_blocks_the_apply(
    curator_client, foods, food_group
):
    food_group("11")
    bad = CSV + "curated,C-8,Salty,11,food,,,,,-5,,,no,no,\n"
    bad += "curated,C-9,Odd,11,food,,,,abc,,,,maybe,no,1 cup\n"
    before = _snapshot()

    page = _upload(curator_client, bad).content.decode()

    assert "Apply this import" not in page
    assert "<strong>2</strong> rejected" in page
    assert re.search(
        r"<td>foods.csv</td><td>5</td><td>sodium_mg</td><td>Sodium cannot be negative", page
    )
    assert "<td>6</td><td>potassium_mg</td><td>&#x27;abc&#x27; is not a number" in page
    assert "<td>6</td><td>contains_kcl</td>" in page
    assert "is not “label:grams”" in page
    assert _snapshot() == before


def test_posting_apply_for_a_rejected_file_still_changes_nothing(curator_client, foods):
    bad = CSV.replace("89,,27,360", "89,,27,999999")
    preview = _upload(curator_client, bad)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview.content.decode())
    assert digest is None  # no apply form at all
    before = _snapshot()
    staged = curator_client.session["curation_import"]["digest"]

    curator_client.post(reverse(IMPORT), {"apply": "1", "digest": staged, "fingerprint": ""})

    assert _snapshot() == before


def test_a_failure_while_writing_rolls_back_every_row(
    curator_client, foods, food_group, monkeypatch
):
    food_group("11")
    real = csvfile.sync_portions
    calls = []

    def fail_on_the_second(food, wanted, reason):
        calls.append(food)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        real(food, wanted, reason)

    monkeypatch.setattr(csvfile, "sync_portions", fail_on_the_second)
    preview = _upload(curator_client, CSV)
    before = _snapshot()

    with pytest.raises(RuntimeError):
        _apply(curator_client, preview)

    assert _snapshot() == before


def test_an_unknown_digest_changes_nothing(curator_client, foods):
    before = _snapshot()
    response = curator_client.post(
        reverse(IMPORT),
        {"apply": "1", "digest": "../../etc/passwd", "fingerprint": "x"},
        follow=True,
    )
    assert "no longer available" in response.content.decode()
    assert _snapshot() == before


def test_a_stale_preview_is_shown_again_instead_of_applied(curator_client, foods, food_group):
    food_group("11")
    banana, _ = foods
    preview = _upload(curator_client, CSV)
    Food.objects.filter(pk=banana.pk).update(potassium_mg=360)

    response = _apply(curator_client, preview)

    assert response.status_code == 200
    assert "The foods changed since your preview" in response.content.decode()
    assert not Food.objects.filter(source_id="C-7").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty"),
        (b"\n\n", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8 text"),
        (b"name,potasium_mg\nx,1\n", "not a column of this format"),
        (HEADER.encode() + b"\n", "the file has no data rows"),
        (b'source,"unclosed\n', "not a readable CSV file"),
    ],
)
def test_a_broken_file_gets_a_message_not_an_error_page(curator_client, foods, content, message):
    before = _snapshot()
    response = _upload(curator_client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot() == before


def test_a_row_for_a_merged_away_food_is_rejected(curator_client, foods, food):
    from nutrition.curation.merge import merge_foods

    banana, greens = foods
    merge_foods(banana, greens)
    page = _upload(curator_client, CSV).content.decode()
    assert "this food was merged into food" in page


def test_the_upload_form_needs_a_file(curator_client, db):
    response = curator_client.post(reverse(IMPORT), {"format": "csv"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


# -- FoodData Central zip ----------------------------------------------------------------


def _zip(directory, *, prefix: str = "FoodData_Central_csv/", extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, prefix + path.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_fdc_zip_goes_through_the_import_fdc_code_path(curator_client, download):  # noqa: F811
    content = _zip(download.write())

    preview = _upload(curator_client, content, "fdc.zip", "fdc")
    page = preview.content.decode()
    assert "FoodData Central: <strong>4</strong> new" in page
    assert not Food.objects.filter(source="fdc").exists()

    response = _apply(curator_client, preview)

    assert response.status_code == 302
    banana = Food.objects.get(source="fdc", source_id=str(BANANA))
    assert banana.potassium_mg == 358
    record = banana.history.get()
    assert (record.history_type, record.history_user.username) == ("+", "curator")


def test_an_fdc_reimport_records_old_and_new_values(curator_client, download):  # noqa: F811
    _apply(curator_client, _upload(curator_client, _zip(download.write()), "fdc.zip", "fdc"))
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "360"

    _apply(curator_client, _upload(curator_client, _zip(download.write()), "fdc2.zip", "fdc"))

    banana = Food.objects.get(source="fdc", source_id=str(BANANA))
    assert [r.potassium_mg for r in banana.history.order_by("history_date")] == [358, 360]


def test_a_bad_fdc_file_is_listed_by_file_line_and_column(curator_client, download):  # noqa: F811
    download.row("food_nutrient.csv", fdc_id=BANANA, nutrient_id=1092)["amount"] = "lots"

    page = _upload(curator_client, _zip(download.write()), "fdc.zip", "fdc").content.decode()

    assert "<td>food_nutrient.csv</td>" in page
    assert "<td>amount</td>" in page
    assert "is not a number" in page
    assert "Apply this import" not in page
    assert str(download.directory) not in page


def test_a_zip_cannot_write_outside_its_folder(curator_client, download, tmp_path):  # noqa: F811
    content = _zip(download.write(), prefix="../../", extra={"../../evil.txt": "x"})

    page = _upload(curator_client, content, "fdc.zip", "fdc").content.decode()

    assert "FoodData Central: <strong>4</strong> new" in page
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_file_that_is_not_a_zip_is_refused(curator_client, db):
    page = _upload(curator_client, b"not a zip", "fdc.zip", "fdc").content.decode()
    assert "not a zip file" in page
