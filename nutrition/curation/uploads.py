"""An uploaded import file between its preview and its apply, and the FDC zip path.

The file is kept in the curator's session, compressed, under the SHA-256 of its
bytes; the apply form sends back only that digest. Nothing is written to a path
a request could name, and the session (in the database) works the same behind
several app servers.

A FoodData Central download arrives as a zip of its CSV files. Only the files
the FDC parser reads are unpacked, under their bare names, into a private
temporary folder, then the very functions `manage.py import_fdc` uses judge and
write them (parse_fdc_dir → preview_import → apply_import).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from nutrition.importers.fdc import (
    FDCImportError,
    ImportPreview,
    ImportResult,
    ParsedImport,
    RowError,
    apply_import,
    parse_fdc_dir,
    preview_import,
)
from nutrition.importers.fdc.parse import FILES as FDC_FILES
from nutrition.models import BASELINE_REASON, Food

SESSION_KEY = "curation_import"
FORMAT_CSV = "csv"
FORMAT_FDC = "fdc"
FORMATS = {FORMAT_CSV: "MgK Planner CSV", FORMAT_FDC: "FoodData Central CSV download (zip)"}

# An FDC SR Legacy or Foundation download is a few MB zipped; a full download (GBs)
# belongs to `manage.py import_fdc` on the server, not to a browser upload.
FDC_MAX_ZIP_BYTES = 25 * 1024 * 1024
FDC_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Staged:
    digest: str
    filename: str
    format: str
    content: bytes


def stage(session: SessionBase, content: bytes, filename: str, fmt: str) -> Staged:
    digest = hashlib.sha256(content).hexdigest()
    session[SESSION_KEY] = {
        "digest": digest,
        "filename": filename,
        "format": fmt,
        "data": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }
    return Staged(digest, filename, fmt, content)


def staged(session: SessionBase, digest: str) -> Staged | None:
    """The staged file if `digest` names it; a stale or forged digest gets None."""
    entry = session.get(SESSION_KEY)
    if not isinstance(entry, dict) or not digest or entry.get("digest") != digest:
        return None
    try:
        content = zlib.decompress(base64.b64decode(entry["data"]))
    except (KeyError, ValueError, zlib.error):
        return None
    if hashlib.sha256(content).hexdigest() != digest:
        return None
    return Staged(digest, entry.get("filename", "upload"), entry.get("format", ""), content)


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


# -- FoodData Central zip ----------------------------------------------------------


def _error(filename: str, message: str) -> FDCImportError:
    return FDCImportError([RowError(filename, message=message)])


@contextmanager
def unpacked_fdc(content: bytes, filename: str) -> Iterator[Path]:
    """The zip's FDC files in a temporary folder, removed afterwards."""
    if len(content) > FDC_MAX_ZIP_BYTES:
        raise _error(
            filename,
            f"larger than {FDC_MAX_ZIP_BYTES // (1024 * 1024)} MB; "
            "import big downloads with manage.py import_fdc",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _error(filename, "not a zip file") from None
    with archive, tempfile.TemporaryDirectory(prefix="mgk-fdc-") as folder:
        directory = Path(folder)
        seen: set[str] = set()
        total = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            # Only the bare name counts, so "../x" or "/etc/x" in the archive cannot
            # write outside the folder; files the parser does not read stay packed.
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if name not in FDC_FILES:
                continue
            if name in seen:
                raise _error(filename, f"{name} is in the archive twice")
            seen.add(name)
            try:
                with archive.open(info) as source, (directory / name).open("wb") as target:
                    # Counted while unpacking: the sizes a zip declares can lie.
                    while block := source.read(CHUNK):
                        total += len(block)
                        if total > FDC_MAX_UNPACKED_BYTES:
                            raise _error(
                                filename,
                                "unpacks to more than "
                                f"{FDC_MAX_UNPACKED_BYTES // (1024 * 1024)} MB",
                            )
                        target.write(block)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError) as exc:
                raise _error(filename, f"{name} cannot be unpacked ({exc})") from None
        yield directory


def _readable(exc: FDCImportError, directory: Path, filename: str) -> FDCImportError:
    """The same errors, naming the upload instead of the temporary folder."""
    errors = [
        RowError(
            error.file.replace(str(directory), filename),
            error.line,
            error.column,
            error.message.replace(str(directory), filename),
        )
        for error in exc.errors
    ]
    return FDCImportError(errors, exc.total)


def parse_fdc_zip(content: bytes, filename: str) -> ParsedImport:
    with unpacked_fdc(content, filename) as directory:
        try:
            return parse_fdc_dir(directory)
        except FDCImportError as exc:
            raise _readable(exc, directory, filename) from None


def preview_fdc_zip(content: bytes, filename: str) -> tuple[ParsedImport, ImportPreview]:
    parsed = parse_fdc_zip(content, filename)
    return parsed, preview_import(parsed)


def apply_fdc_zip(content: bytes, filename: str, *, user, reason: str) -> ImportResult:
    """import_fdc's apply, plus history records of the foods it created or changed.

    apply_import writes in bulk and keeps no history; the records are added here in
    bulk too: a baseline of the old values where a food had none, then the new values
    with the curator as author.
    """
    parsed = parse_fdc_zip(content, filename)
    with transaction.atomic():
        before = {food.pk: food for food in Food.objects.filter(source=Food.Source.FDC)}
        started = timezone.now()
        result = apply_import(parsed)
        written = Food.objects.filter(source=Food.Source.FDC, updated_at__gte=started)
        with_history = set(
            Food.history.filter(id__in=written.values("pk")).values_list("id", flat=True)
        )
        written = list(written)
        baselines = [before[f.pk] for f in written if f.pk in before and f.pk not in with_history]
        for old in baselines:
            old._history_date = old.updated_at
        Food.history.bulk_history_create(
            baselines, update=True, default_change_reason=BASELINE_REASON
        )
        Food.history.bulk_history_create(
            [f for f in written if f.pk not in before],
            default_user=user,
            default_change_reason=reason,
        )
        Food.history.bulk_history_create(
            [f for f in written if f.pk in before],
            update=True,
            default_user=user,
            default_change_reason=reason,
        )
    return result
