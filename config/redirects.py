from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


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
