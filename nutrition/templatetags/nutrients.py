from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def format_amount(value: float | None) -> str:
    if value is None:
        return "unknown"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


@register.filter
def amount(value: float | None) -> str:
    """A nutrient amount for people: unknown stays visibly unknown, never 0."""
    if value is None:
        return mark_safe('<span class="unknown" title="No data for this value">unknown</span>')
    return format_amount(value)


@register.filter
def per_grams(value: float | None, grams: float | None) -> float | None:
    if value is None or grams is None:
        return None
    return value * grams / 100
