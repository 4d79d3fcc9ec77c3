"""Responses to a signed-in person stay out of shared and on-disk caches.

Nearly every page a signed-in person sees carries their health data (the day
editor, the week view, the profile, exports, PDFs, history, comments) or
shows it in the menu, so private-and-not-stored is the default rather than a
decorator each new view must remember. A view that sets its own
Cache-Control keeps it (the admin's never_cache, the share page's headers).
Static files never get here: whitenoise answers them earlier.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = PRIVATE
        return response
