from __future__ import annotations

import secrets
from collections.abc import Callable

from django import template

from clinical import catalogue, classes
from clinical import targets as dri

register = template.Library()

# The thresholds a template names, formatted as the warnings catalogue prints them
# (the keys of clinical.catalogue.facts(), which builds every fact and is too slow
# to call per row). Read at render time, so a changed number shows at once.
THRESHOLDS: dict[str, Callable[[], str]] = {
    "high_k_item": lambda: catalogue.mg(classes.HIGH_POTASSIUM_ITEM_MG),
    "hyperkalaemia": lambda: catalogue.mmol(dri.HYPERKALAEMIA_MMOL_L),
}


@register.simple_tag
def submission_key() -> str:
    """A fresh one-time key for a form that creates something (see MealItem.submission_key)."""
    return secrets.token_urlsafe(16)


@register.simple_tag
def threshold(name: str) -> str:
    """A clinical threshold from the data: {% threshold "high_k_item" %} -> "200 mg"."""
    return THRESHOLDS[name]()
