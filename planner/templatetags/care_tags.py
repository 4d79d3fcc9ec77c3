"""What the navigation and the profile need to know about dietitians.

`is_dietitian` goes through planner.access, which caches the answer on the
user object: a page whose view already asked (every dietitian page does)
pays no extra query, any other signed-in page pays one small one, and
anonymous visitors none.
"""

from __future__ import annotations

from django import template

from planner import access
from planner.care import logic as care

register = template.Library()


@register.simple_tag
def is_dietitian(user) -> bool:
    return access.is_dietitian(user)


@register.simple_tag
def my_dietitians(user) -> list:
    """The user's active links with their dietitians (one query), for the profile."""
    if not user.is_authenticated:
        return []
    return list(care.dietitians_of(user))
