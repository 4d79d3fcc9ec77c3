from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def safe_path(request: HttpRequest, target: str) -> str:
    """`target` if it is a path on this site, else "".

    A path only: redirect() takes a bare word ("a b") for a view name (a 500),
    and anything off-site would be an open redirect.
    """
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def redirect_after(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: htmx is told to load `url` as a whole page; a plain form POST is
    redirected there."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
