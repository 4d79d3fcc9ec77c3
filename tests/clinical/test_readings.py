from __future__ import annotations

import pytest

from clinical.readings import Reading, status


@pytest.mark.parametrize(
    ("value", "missing", "items", "minimum", "maximum", "expected"),
    [
        # No target, nothing to judge.
        (500, 0, 3, None, None, "none"),
        (None, 0, 0, 420, None, "empty"),
        # Items, but no value at all: unknown is not zero, so never "under".
        (None, 3, 3, 420, None, "unknown"),
        (None, 3, 3, None, 2000, "unknown"),
        # Complete totals.
        (300, 0, 3, 420, None, "under"),
        (420, 0, 3, 420, None, "ok"),
        (2500, 0, 3, None, 2000, "over"),
        (2000, 0, 3, None, 2000, "ok"),
        (300, 0, 3, 250, 400, "ok"),
        # Lower bounds.
        (2500, 1, 3, None, 2000, "over"),  # already over: surely over
        (1800, 1, 3, None, 2000, "at-least"),  # may still pass the limit
        (300, 1, 3, 420, None, "at-least"),  # may still reach the target
        (500, 1, 3, 420, None, "ok"),  # more can only add
        (300, 1, 3, 250, 400, "at-least"),
    ],
)
def test_a_total_gets_one_status(value, missing, items, minimum, maximum, expected):
    assert status(value, missing, items, minimum, maximum) == expected


def test_a_lower_bound_under_the_target_reads_unknown_at_least():
    reading = Reading("magnesium_mg", 116, 2, 4, 420, None)
    assert reading.words("116 mg") == "unknown — at least 116 mg"
    assert reading.below_minimum
    assert reading.lower_bound


def test_a_lower_bound_under_a_limit_alone_is_no_gap():
    reading = Reading("potassium_mg", 1800, 1, 3, None, 2000)
    assert reading.status == "at-least"
    assert not reading.below_minimum


def test_percent_is_of_the_minimum_or_else_the_maximum():
    assert Reading("magnesium_mg", 210, 0, 2, 420, None).percent == 50
    assert Reading("potassium_mg", 3000, 0, 2, None, 2000).percent == 150
    assert Reading("potassium_mg", None, 2, 2, None, 2000).percent is None
