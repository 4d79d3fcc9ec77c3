"""The demo's data files (fixtures/demo/*.toml) and how planner.demo.loader reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planner.demo.loader import DEMO_DIR, DemoError, read_people


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    for name in ("foods.toml", "people.toml"):
        shutil.copy(DEMO_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_bundled_files_read_as_two_people_with_a_week_each():
    people = read_people()

    assert [p.username for p in people] == ["demo-ckd", "demo-diuretic"]
    assert all(len(p.week) == 7 for p in people)
    assert people[1].egfr is None  # left out of the file: unknown, not 0


def test_a_food_missing_from_foods_toml_is_named(demo_dir):
    _edit(demo_dir / "people.toml", '["jam", ', '["marmalade", ')

    with pytest.raises(DemoError, match=r"'marmalade' is not in foods\.toml"):
        read_people(demo_dir)


def test_a_misspelt_meal_is_named(demo_dir):
    _edit(demo_dir / "people.toml", "\nlunch = [", "\nlunch_ = [")

    with pytest.raises(DemoError, match="no meal called 'lunch_'"):
        read_people(demo_dir)


def test_a_choice_outside_the_models_is_refused(demo_dir):
    _edit(demo_dir / "people.toml", 'kidney_status = "g4"', 'kidney_status = "stage 4"')

    with pytest.raises(DemoError, match="kidney_status"):
        read_people(demo_dir)
