"""Throttling for the account pages that django-axes does not cover (issue 11).

Sign-up and password reset are limited per client address and per submitted
e-mail address, with django-ratelimit's counters in Django's cache. Every POST
counts, accepted or not: the limits bound how many accounts one machine can
create and how many reset e-mails anyone can make us send to one inbox. A
known and an unknown address count alike, so the limit reveals nothing about
who has an account.

The counters live in the default cache. A local-memory cache is per process,
so with several gunicorn workers each keeps its own count and a client can get
up to that many times the limit; a shared cache (Redis, REDIS_URL) makes the
limits exact (README, Security).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _email(_group: str, request: HttpRequest) -> str:
    # A django-ratelimit key. Case and surrounding spaces do not make another
    # address (Django's reset form matches addresses without case too).
    return request.POST.get("email", "").strip().lower()


def _has_email(request: HttpRequest) -> bool:
    # A blank e-mail is refused by the form; one shared bucket for every blank
    # submission would only turn that message into a 429.
    return bool(_email("", request))


def _has_client_address(request: HttpRequest) -> bool:
    # Without REMOTE_ADDR (a Unix socket) there is nothing to count by, and
    # django-ratelimit's "ip" key would raise.
    return bool(request.META.get("REMOTE_ADDR"))


@dataclass(frozen=True)
class Limit:
    per: str  # "address" or "e-mail", for the log and the page
    setting: str  # the setting that holds how many POSTs an hour
    # A django-ratelimit key: "ip" is REMOTE_ADDR, as django-axes uses, with an
    # IPv6 address counted by its /64 network. The counters keep a hash of it.
    key: str | Callable[[str, HttpRequest], str]
    applies: Callable[[HttpRequest], bool]

    def exceeded(self, request: HttpRequest, group: str) -> bool:
        if not self.applies(request):
            return False
        return is_ratelimited(
            request,
            group=f"{group}:{self.per}",
            key=self.key,
            rate=f"{getattr(settings, self.setting)}/h",
            method="POST",
            increment=True,
        )


PER_ADDRESS = "address"
PER_EMAIL = "e-mail"


def throttled(action: str, *, per_address: str, per_email: str) -> Callable[[View], View]:
    """Answer 429 to a POST once this client or this e-mail address is over its hourly limit.

    `action` names the page in the refusal ("sign-up"); `per_address` and
    `per_email` name the settings with the hourly limits.
    """
    limits = (
        Limit(PER_ADDRESS, per_address, "ip", _has_client_address),
        Limit(PER_EMAIL, per_email, _email, _has_email),
    )

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                # Every limit counts this POST, so one being over does not pause the other.
                over = [limit for limit in limits if limit.exceeded(request, action)]
                if over:
                    logger.warning("Throttled a %s POST (limit per %s)", action, over[0].per)
                    return render(
                        request,
                        "registration/throttled.html",
                        {"action": action, "per": over[0].per},
                        status=429,
                    )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
