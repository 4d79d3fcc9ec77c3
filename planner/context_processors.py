"""Template context for every page: the number of unread comments in the navigation."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from planner.comments.views import unread_count


class UnreadComments:
    """Counted on first use only, so that pages and partials that do not show
    the badge (htmx fragments, the public share page) pay nothing, and a page
    that does pays one query. Anonymous visitors never cause a query."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def count(self) -> int:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return unread_count(user)


def unread_comments(request: HttpRequest) -> dict[str, UnreadComments]:
    return {"unread_comments": UnreadComments(request)}
