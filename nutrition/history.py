"""How the change history of foods and portions (django-simple-history) reads.

The writing side is the models' own: each save goes through
nutrition.models.recording_history, which keeps a baseline of a row's values
before its first recorded change (BASELINE_REASON); a baseline is therefore
never an entry of its own here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from nutrition import plausibility
from nutrition.models import BASELINE_REASON, Food, Portion

# Bookkeeping columns a reader of the history does not need to see.
HIDDEN_FIELDS = frozenset(
    {
        "id",
        "curated_at",
        "created_at",
        "updated_at",
        "search_name",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "created_by",
        "seq",
    }
)


def _tracked(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model.history.model.tracked_fields]


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Entry:
    date: Any
    user: Any
    reason: str
    kind: str  # "+", "~", "-"
    subject: str  # "food" or the portion's label
    changes: tuple[FieldChange, ...]
    history_id: int | None = None


def _label(model: type[models.Model], name: str) -> str:
    if name in plausibility.LABELS:
        return f"{plausibility.LABELS[name]} ({plausibility.UNITS[name]})"
    try:
        field = model._meta.get_field(name.removesuffix("_id"))
    except FieldDoesNotExist:  # a historical-only column has no model field
        return name
    return str(field.verbose_name)


def _display(record: models.Model, attname: str) -> Any:
    value = getattr(record, attname)
    if value is None or value == "":
        return "unknown"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return value


def diff_records(model: type[models.Model], records: Sequence[models.Model]) -> list[Entry]:
    """Entries for records of one object, oldest first, each with its changes from the
    one before; a baseline is not an entry of its own."""
    fields = [f for f in _tracked(model) if f.removesuffix("_id") not in HIDDEN_FIELDS]
    entries = []
    previous = None
    for record in records:
        if record.history_change_reason == BASELINE_REASON and previous is None:
            previous = record
            continue
        changes = []
        if previous is not None and record.history_type == "~":
            for name in fields:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    changes.append(
                        FieldChange(
                            name,
                            _label(model, name),
                            _display(previous, name),
                            _display(record, name),
                        )
                    )
        subject = "food" if model._meta.model_name == "food" else str(getattr(record, "label", ""))
        entries.append(
            Entry(
                date=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                kind=record.history_type,
                subject=subject,
                changes=tuple(changes),
                history_id=record.history_id,
            )
        )
        previous = record
    return entries


def food_entries(food_id: int, *, humans_only: bool = False) -> list[Entry]:
    """Every recorded change of a food and its portions, newest first (two queries)."""
    food_records = list(
        Food.history.filter(id=food_id).select_related("history_user").order_by("history_date")
    )
    by_portion: dict[int, list[models.Model]] = {}
    for record in (
        Portion.history.filter(food_id=food_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        by_portion.setdefault(record.id, []).append(record)
    entries = diff_records(Food, food_records)
    for records in by_portion.values():
        entries += diff_records(Portion, records)
    if humans_only:
        entries = [entry for entry in entries if entry.user is not None]
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


# Corrections shown on a public food page; the full list is in the admin.
PUBLIC_CORRECTIONS = 5


def curator_corrections(food) -> list[Entry]:
    """Changes a person made to a public food, newest first: what the food page shows
    as "corrected by a curator". A user food's own edits before it became public are
    its author's, not a curator's, and are left out."""
    entries = food_entries(food.pk, humans_only=True)
    if food.reviewed_at is not None:
        entries = [entry for entry in entries if entry.date >= food.reviewed_at]
    shown = [entry for entry in entries if entry.changes or entry.kind != "~" or entry.reason]
    return shown[:PUBLIC_CORRECTIONS]
