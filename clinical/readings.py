"""A day's total of one nutrient against its target: the one place a status is decided.

Every page that says "over", "under" or "unknown" (the day editor, the week
view, the client list, exports, the PDF, the share page) reads it from here,
so one day reads the same everywhere.

Unknown is not zero. A total with items that lack a value is a lower bound:

- a lower bound already above the maximum is surely over;
- a lower bound below the minimum may still reach it, and one below the
  maximum may still pass it: both are "at-least", shown as
  "unknown — at least X";
- a lower bound at or above a minimum, with no maximum, is surely enough.

A day with items but no value at all is "unknown"; a day with no items has
nothing to judge ("empty"); a nutrient without a target has no status ("none").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["none", "empty", "unknown", "at-least", "over", "under", "ok"]

# What a person reads for each status, everywhere. "at-least" takes the lower bound.
WORDS: dict[str, str] = {
    "none": "",
    "empty": "nothing planned",
    "unknown": "unknown",
    "at-least": "unknown — at least {value}",
    "over": "over the limit",
    "under": "below target",
    "ok": "within target",
}
# The statuses a person should act on, most urgent first.
ATTENTION: tuple[str, ...] = ("over", "under", "at-least", "unknown")


def status(
    value: float | None,
    missing: int,
    items: int,
    minimum: float | None,
    maximum: float | None,
) -> Status:
    """The status of a total (`value`, with `missing` items lacking data) against bounds."""
    if minimum is None and maximum is None:
        return "none"
    if items == 0:
        return "empty"
    if value is None:
        return "unknown"
    if maximum is not None and value > maximum:
        return "over"
    if missing:
        if minimum is not None and value >= minimum and maximum is None:
            return "ok"
        return "at-least"
    if minimum is not None and value < minimum:
        return "under"
    return "ok"


@dataclass(frozen=True)
class Reading:
    """One nutrient of one day, in mg (or the nutrient's own unit), against its bounds."""

    nutrient: str
    value: float | None
    missing: int
    items: int
    minimum: float | None
    maximum: float | None

    @property
    def status(self) -> Status:
        return status(self.value, self.missing, self.items, self.minimum, self.maximum)

    @property
    def lower_bound(self) -> bool:
        return self.value is not None and self.missing > 0

    @property
    def below_minimum(self) -> bool:
        """Under the minimum, or a lower bound under it: a gap worth closing."""
        return self.status == "under" or (
            self.status == "at-least" and self.minimum is not None and self.value < self.minimum
        )

    @property
    def percent(self) -> float | None:
        """Of the minimum, or of the maximum when there is no minimum."""
        reference = self.minimum if self.minimum is not None else self.maximum
        if self.value is None or not reference:
            return None
        return 100 * self.value / reference

    def words(self, amount: str = "") -> str:
        """The status in words; `amount` is the formatted lower bound for "at-least"."""
        return WORDS[self.status].format(value=amount)
