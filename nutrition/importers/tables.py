"""Typed CSV tables with row-level errors, for importers.

Every cell is read as text and converted by the column's declared type, so that "abc"
in a number column becomes an error naming its file, line and column rather than a
failed read of the whole file. Errors are collected (up to a limit, all counted) and
raised together as one exception.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

MAX_ERRORS = 100
# The largest whole number a column of kind "int" takes: every id in FDC is far below.
MAX_WHOLE_NUMBER = 2**53
# Big files (FDC's food_nutrient.csv has tens of millions of rows) are read in slices.
CHUNK_ROWS = 200_000
# UTF-8; "-sig" also accepts a file after a spreadsheet added a byte-order mark.
ENCODING = "utf-8-sig"

# PostgreSQL cannot store a NUL character in text (SQLite can): a cell holding one is a
# row error, found while reading, not a failed write after the preview said yes.
NUL = "\x00"
NUL_MESSAGE = "contains a NUL character (byte 0), which cannot be stored; remove it"

# (stage, done, total or None when unknown)
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Literal["int", "float", "str"] = "str"
    required: bool = True  # an empty cell is an error
    minimum: float | None = None
    positive: bool = False  # strictly above zero


@dataclass(frozen=True)
class RowError:
    file: str
    # As a person counts lines in the file: the header is line 1.
    line: int | None = None
    column: str | None = None
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class TableImportError(Exception):
    """The files were rejected and nothing was written; `errors` says where and why."""

    subject = "Import"

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = max(total or 0, len(errors))
        super().__init__(errors)

    def __str__(self) -> str:
        noun = "error" if self.total == 1 else "errors"
        lines = [f"{self.subject} rejected ({self.total} {noun}); nothing was changed."]
        lines += [f"  {error}" for error in self.errors]
        if self.total > len(self.errors):
            lines.append(f"  … and {self.total - len(self.errors)} more")
        return "\n".join(lines)


class ErrorLog:
    """Collects row errors by record index and turns them into line numbers at the end.

    pandas does not know line numbers, and quoted fields may span lines, so the lines
    are counted with the csv module, once per file and only for files with errors.
    """

    def __init__(self, directory: Path, limit: int = MAX_ERRORS) -> None:
        self.directory = directory
        self.limit = limit
        self.total = 0
        self._pending: list[tuple[str, int | None, str | None, str]] = []
        # (file, column) pairs with at least one error; column None = the whole file.
        self._flagged: set[tuple[str, str | None]] = set()

    def __bool__(self) -> bool:
        return self.total > 0

    def flagged(self, file: str, column: str | None = None) -> bool:
        """Whether the file (or, given a column, the file as a whole or that column) has errors."""
        if column is None:
            return any(flagged_file == file for flagged_file, _ in self._flagged)
        return bool({(file, None), (file, column)} & self._flagged)

    def add(
        self, file: str, message: str, *, index: int | None = None, column: str | None = None
    ) -> None:
        self.total += 1
        self._flagged.add((file, column))
        if len(self._pending) < self.limit:
            self._pending.append((file, index, column, message))

    def add_rows(
        self, file: str, column: str, mask: pd.Series, describe: Callable[[Hashable], str]
    ) -> None:
        bad = mask[mask.fillna(False).astype(bool)].index
        if not len(bad):
            return
        self.total += len(bad)
        self._flagged.add((file, column))
        room = max(self.limit - len(self._pending), 0)
        for index in bad[:room]:
            self._pending.append((file, int(index), column, describe(index)))

    def exception(self, kind: type[TableImportError] = TableImportError) -> TableImportError:
        files = list(dict.fromkeys(file for file, *_ in self._pending))
        lines = {
            file: record_lines(self.directory / file)
            for file in files
            if any(f == file and index is not None for f, index, *_ in self._pending)
        }
        errors = []
        for file, index, column, message in self._pending:
            line = None
            if index is not None:
                starts = lines[file]
                # +1 skips the header record; the fallback assumes one line per record.
                line = starts[index + 1] if index + 1 < len(starts) else index + 2
            errors.append(RowError(file, line, column, message))
        errors.sort(key=lambda error: (files.index(error.file), error.line or 0))
        return kind(errors, self.total)


def record_lines(path: Path) -> list[int]:
    """The line on which each CSV record of the file starts (see `record_starts`)."""
    with path.open(newline="", encoding=ENCODING) as handle:
        return record_starts(handle)


def record_starts(lines: Iterable[str]) -> list[int]:
    """The line on which each CSV record starts, header included; blank lines are skipped
    as pandas skips them, and a quoted cell may span lines. `lines` must be opened with
    newline="": a lone "\r" ends a record for pandas, so it must here too."""
    starts: list[int] = []
    reader = csv.reader(lines)
    previous = 0
    try:
        for record in reader:
            if record:
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error:
        pass  # a cell past csv's size limit: later records fall back to one line each
    return starts


class TableReader:
    """Reads the CSV files of one directory by their column specs, logging what is wrong."""

    def __init__(
        self,
        directory: Path,
        specs: dict[str, tuple[Column, ...]],
        errors: ErrorLog,
        progress: Progress | None = None,
    ) -> None:
        self.directory = directory
        self.specs = specs
        self.errors = errors
        self.progress = progress

    def frames(self, name: str) -> Iterator[pd.DataFrame]:
        """The file in slices, each cell converted to its column's type; bad cells become
        NA after their error is recorded."""
        path = self.directory / name
        spec = self.specs[name]
        read = {
            # Every cell is read as text and converted below, so that "abc" in a number
            # column is reported with its row instead of failing the whole file.
            "dtype": str,
            "keep_default_na": False,
            "na_filter": False,
            "encoding": ENCODING,
        }
        try:
            header = pd.read_csv(path, nrows=0, **read).columns
            missing = [column.name for column in spec if column.name not in header]
            for column in missing:
                self.errors.add(name, "missing from the header line", column=column)
            if missing:
                return
            # No usecols: with it pandas silently accepts a row with too many fields,
            # which is what an unquoted comma in a description looks like.
            done = 0
            for chunk in pd.read_csv(path, chunksize=CHUNK_ROWS, **read):
                done += len(chunk)
                yield self._convert(name, chunk, spec)
                if self.progress:
                    self.progress(f"reading {name}", done, None)
            if not done:
                self.errors.add(name, "the file has no data rows")
        except pd.errors.EmptyDataError:
            self.errors.add(name, "the file is empty")
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            self.errors.add(name, f"not a readable CSV file ({str(exc).strip()})")

    def table(self, name: str) -> pd.DataFrame | None:
        frames = [frame for frame in self.frames(name) if len(frame)]
        if not frames:
            return None
        return pd.concat(frames) if len(frames) > 1 else frames[0]

    def _convert(self, name: str, chunk: pd.DataFrame, spec: tuple[Column, ...]) -> pd.DataFrame:
        out = pd.DataFrame(index=chunk.index)
        for column in spec:
            raw = chunk[column.name].str.strip()
            nul = raw.str.contains(NUL, regex=False, na=False)
            self.errors.add_rows(name, column.name, nul, lambda _: NUL_MESSAGE)
            # Reported once above; from here on such a cell counts as empty.
            raw = raw.where(~nul, "")
            empty = raw == ""
            if column.required:
                self.errors.add_rows(name, column.name, empty & ~nul, lambda _: "no value")
            if column.kind == "str":
                out[column.name] = raw
                continue
            number = pd.to_numeric(raw.where(~empty), errors="coerce")
            finite = pd.Series(np.isfinite(number), index=number.index)
            invalid = ~empty & ~finite
            expected = "a number"
            if column.kind == "int":
                invalid |= finite & (number % 1 != 0)
                expected = "a whole number"
            self.errors.add_rows(
                name, column.name, invalid, lambda i, raw=raw, e=expected: f"{raw[i]!r} is not {e}"
            )
            number = number.where(~invalid)
            if column.kind == "int":
                # Past 2**53 a float no longer holds every whole number, and the Int64
                # conversion below failed on such a cell (a TypeError, not a row error).
                huge = number.abs() > MAX_WHOLE_NUMBER
                self.errors.add_rows(
                    name, column.name, huge, lambda i, raw=raw: f"{raw[i]} is too large"
                )
                number = number.where(~huge)
            if column.minimum is not None:
                low = number < column.minimum
                self.errors.add_rows(
                    name,
                    column.name,
                    low,
                    lambda i, raw=raw, m=column.minimum: f"{raw[i]} is below {m:g}",
                )
                number = number.where(~low)
            if column.positive:
                low = number <= 0
                self.errors.add_rows(
                    name, column.name, low, lambda i, raw=raw: f"{raw[i]} is not above zero"
                )
                number = number.where(~low)
            out[column.name] = number.astype("Int64") if column.kind == "int" else number
        return out


def check_unique(errors: ErrorLog, name: str, frame: pd.DataFrame, column: str) -> None:
    repeated = frame[column].notna() & frame[column].duplicated(keep="first")
    errors.add_rows(
        name, column, repeated, lambda i: f"{frame.at[i, column]} appears on an earlier line too"
    )
