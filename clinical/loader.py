"""Reading the data files of clinical/data: once, and checked.

A typo in a clinical table must stop the app at start-up with a message that
names the file and the row, not surface later as a wrong target. Each module
turns its file's rows into dataclasses with the helpers here; anything it
does not expect raises `DataError`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
EVIDENCE = ("P", "S", "D", "P/S")

_MISSING: Any = object()


class DataError(ValueError):
    """A data file that does not say what its loader expects."""


@cache
def read(path: Path) -> dict[str, Any]:
    """The parsed TOML file; a syntax error names the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path.name}: not valid TOML: {error}") from None
    except OSError as error:
        raise DataError(f"{path.name}: cannot be read: {error}") from None


def data_file(name: str) -> Path:
    return DATA_DIR / name


class Row:
    """One table of a data file, with typed getters that name the file and row on error."""

    def __init__(self, path: Path, where: str, values: Any) -> None:
        self.path = path
        self.where = where
        if not isinstance(values, dict):
            self.fail(f"expected a table, got {values!r}")
        self.values: dict[str, Any] = values

    def fail(self, message: str) -> None:
        raise DataError(f"{self.path.name}: {self.where}: {message}")

    def _get(self, key: str, default: Any) -> Any:
        if key in self.values:
            return self.values[key]
        if default is _MISSING:
            self.fail(f"missing {key!r}")
        return default

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str) or (not value.strip() and default is _MISSING):
            self.fail(f"{key!r} must be non-empty text, got {value!r}")
        return value

    def number(self, key: str, default: Any = _MISSING, *, minimum: float = 0.0) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        # bool is an int in Python; `true` in a number column is a typo.
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{key!r} must be a number, got {value!r}")
        if math.isnan(value) or value < minimum:
            self.fail(f"{key!r} must be a number >= {minimum:g}, got {value!r}")
        # As written: 30 stays an int, 2300.0 a float, as the tables had them in code.
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{key!r} must be true or false, got {value!r}")
        return value

    def texts(self, key: str, default: Any = ()) -> tuple[str, ...]:
        value = self._get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.fail(f"{key!r} must be a list of text, got {value!r}")
        return tuple(value)

    def choice(self, key: str, allowed: Iterable[str], default: Any = _MISSING) -> str:
        allowed = tuple(allowed)
        value = self._get(key, default)
        if value not in allowed:
            self.fail(f"{key!r} must be one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    def evidence(self, key: str = "evidence") -> str:
        return self.choice(key, EVIDENCE)

    def only(self, *keys: str) -> None:
        """Refuse keys the loader does not read: a misspelt key would be silently ignored."""
        unknown = sorted(set(self.values) - set(keys))
        if unknown:
            self.fail(f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")


def rows(path: Path, key: str, *, label: str = "code") -> list[Row]:
    """The array of tables `key` of a file, each a Row named by its `label` field or index."""
    items: Any = read(path)
    for part in key.split("."):  # "magnesium.bands": the bands array of [magnesium]
        items = items.get(part) if isinstance(items, dict) else None
    if not isinstance(items, list) or not items:
        raise DataError(f"{path.name}: expected a non-empty array of tables [[{key}]]")
    found = []
    for index, values in enumerate(items, start=1):
        name = values.get(label) if isinstance(values, dict) else None
        where = f"{key} row {index}" + (f" ({name})" if isinstance(name, str) else "")
        found.append(Row(path, where, values))
    return found


def section(path: Path, key: str) -> Row:
    """A single table `[key]` of a file."""
    return Row(path, f"[{key}]", read(path).get(key))


def cited(path: Path) -> dict[str, tuple[str, str]]:
    """The `[sources]` table: key -> (citation text, evidence tag or "").

    A source is either a plain citation or `{ text = ..., evidence = ... }`.
    """
    found = {}
    for key, value in section(path, "sources").values.items():
        if isinstance(value, str):
            value = {"text": value}
        row = Row(path, f"[sources] {key}", value)
        row.only("text", "evidence")
        evidence = row.choice("evidence", EVIDENCE) if "evidence" in row.values else ""
        found[key] = (row.text("text"), evidence)
    return found


def sources(path: Path) -> dict[str, str]:
    """The citation texts of `[sources]`, by the key rows name them with."""
    return {key: text for key, (text, _) in cited(path).items()}


def unique(path: Path, what: str, keys: Iterable[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DataError(f"{path.name}: {what} {key!r} is listed twice")
        seen.add(key)
