from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_section(
    request: HttpRequest, template: str, partial: str, context: dict, status: int = 200
) -> HttpResponse:
    """One live section of a page: htmx gets the named partial, anyone else the whole
    page (so the same view works without JavaScript). Pair it with
    @vary_on_headers("HX-Request")."""
    if request.htmx:
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)
