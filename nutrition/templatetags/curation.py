from __future__ import annotations

from django import template

from accounts.roles import is_curator
from nutrition.curation import moderation

register = template.Library()


@register.simple_tag
def review_queue_count(user) -> int | None:
    """How many user foods wait for review, for a curator; None for everyone else
    (and no query: is_curator looks at is_staff first)."""
    if not is_curator(user):
        return None
    return moderation.pending().count()
