from __future__ import annotations

import secrets

from django import template

register = template.Library()


@register.simple_tag
def submission_key() -> str:
    """A fresh one-time key for a form that creates something (see MealItem.submission_key)."""
    return secrets.token_urlsafe(16)
