"""Shared pieces of the property-based robustness tests (tests/test_robustness_*.py).

No tests here: the strategies that make hostile input, the Hypothesis settings
every robustness test uses, and a snapshot of the database to prove that a
rejected request wrote nothing and an accepted one wrote only what it should.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest example counts keep the whole suite fast; each test still sees dozens of
# hostile inputs on every run, different ones each time. No example database in
# the work tree: a failure prints the example and a blob to reproduce it.
# ROBUSTNESS_EXAMPLES=500 makes a deeper search by hand (FEW tests get a third).
EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "40"))
ROBUST = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW = settings(ROBUST, max_examples=max(EXAMPLES // 3, 10))

# Text people and programs really send by mistake or on purpose.
NASTY = [
    "",
    " ",
    "\t\n",
    "\x00",
    "a\x00b",
    "NaN",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "1e-320",
    "-0",
    "-1",
    "0",
    "0.0",
    "1,5",
    " 12 ",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: float() reads them
    "9" * 400,
    "1" + "0" * 30,
    "-" + "9" * 25,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "💥",
    "\u202eevil",
    "ß" * 200,
    "\ufdfa" * 20,  # one character that NFKD makes 18
    "x" * 5000,
    "../../etc/passwd",
    "{{ 7*7 }}",
]

texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-10, max_value=10_000).map(lambda f: f"{f:.6g}"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(NASTY),
)
ids = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "0", "-1", "1.5", "abc", "9" * 30, "1e3", " 1"]),
)


junk = st.one_of(texts, numbers)


def choice(choices) -> st.SearchStrategy[str]:
    return st.sampled_from(list(choices))


def number(low: float, high: float, *, blank: bool = True) -> st.SearchStrategy[str]:
    """A number in range as a person or a browser would send it (or nothing)."""
    values = [
        st.floats(min_value=low, max_value=high).map(repr),
        st.floats(min_value=low, max_value=high).map(lambda f: f"{f:.4g}"),
        st.integers(min_value=math.ceil(low), max_value=math.floor(high)).map(str),
    ]
    return st.one_of(*values, st.just("")) if blank else st.one_of(*values)


def form(fields: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, str]]:
    """A form body built from plausible values, then spoiled one of four ways: left alone
    (so accepted requests happen too), up to three fields replaced by junk, fields
    left out, or stray extra fields added."""
    names = sorted(fields)

    def spoil(data: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
        replaced = st.lists(
            st.sampled_from(names), min_size=1, max_size=min(3, len(names)), unique=True
        ).flatmap(
            lambda chosen: st.tuples(*[junk for _ in chosen]).map(
                lambda values: {**data, **dict(zip(chosen, values, strict=True))}
            )
        )
        dropped = st.sets(st.sampled_from(names), min_size=1).map(
            lambda gone: {k: v for k, v in data.items() if k not in gone}
        )
        extra = st.dictionaries(st.text(min_size=1, max_size=10), texts, max_size=2).map(
            lambda more: {**more, **data}
        )
        return st.one_of(st.just(data), replaced, dropped, extra)

    if not names:
        return st.dictionaries(st.text(min_size=1, max_size=10), texts, max_size=3)
    return st.fixed_dictionaries(fields).flatmap(spoil)


# --- the database before and after -------------------------------------------------

# Sessions change on every request that sets a message; they are not app data.
SKIPPED_APPS = {"sessions"}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every app table, in primary-key order."""
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS or not model._meta.managed:
            continue
        tables[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return tables


def changed_tables(before: dict, after: dict) -> set[str]:
    return {label for label in before if before[label] != after[label]}


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example and undo its writes, so every example starts from the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code
