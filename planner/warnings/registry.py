"""The registry of warning rules: one function per code, run in registration order.

A rule is registered with `@rule(CODE)`; its code is that registration, never
retyped inside the function. The function reads a `Context` and returns what
it found (`Found`, several, or None); `run` stamps the code on each finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.urls import reverse

if TYPE_CHECKING:
    from planner.warnings.context import Context

Level = Literal["info", "caution", "danger"]
LEVEL_ORDER = {"danger": 0, "caution": 1, "info": 2}


@dataclass(frozen=True)
class Suggestion:
    food_id: int
    name: str
    portion: str
    magnesium_mg: float | None
    potassium_mg: float | None
    url: str


@dataclass(frozen=True)
class Warning:
    code: str
    level: Level
    message: str
    source: str
    item_id: int | None = None
    suggestions: tuple[Suggestion, ...] = field(default=())

    @property
    def url(self) -> str:
        return reverse("planner:warning_detail", args=[self.code])

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "source": self.source,
            "item_id": self.item_id,
        }


@dataclass(frozen=True)
class Found:
    """What a rule found: a warning without its code, which the registry supplies."""

    level: Level
    message: str
    source: str
    item_id: int | None = None
    suggestions: tuple[Suggestion, ...] = ()


Rule = Callable[["Context"], "Found | Iterable[Found] | None"]

# code -> rule, in the order the rules run (the order of equal levels on the page).
RULES: dict[str, Rule] = {}


def rule(code: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the one rule that raises `code`."""

    def register(function: Rule) -> Rule:
        if code in RULES:
            raise ValueError(f"a warning rule for {code!r} is already registered")
        RULES[code] = function
        return function

    return register


def run(code: str, function: Rule, ctx: Context) -> list[Warning]:
    found = function(ctx)
    if found is None:
        return []
    if isinstance(found, Found):
        found = [found]
    return [Warning(code, f.level, f.message, f.source, f.item_id, f.suggestions) for f in found]
