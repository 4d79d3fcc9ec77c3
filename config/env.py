"""Settings helpers that read environment variables and fail loudly.

Every helper names the variable in its error, so a bad deployment stops at
start-up with a message that says what to fix instead of misbehaving later.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items) and raw.strip() != "":
        raise ImproperlyConfigured(
            f"{name} is a comma-separated list without empty entries; got {raw!r}."
        )
    return [item for item in items if item]


def env_origins(
    name: str, default: list[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    origins = env_list(name, default, environ)
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ImproperlyConfigured(
                f"{name} entries must start with http:// or https://; got {origin!r}."
            )
    return origins


def secret_key(debug: bool, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    raw = environ.get("SECRET_KEY", "")
    if raw:
        if not debug and (len(raw) < 50 or len(set(raw)) < 5):
            raise ImproperlyConfigured(
                "SECRET_KEY must be at least 50 characters with at least 5 distinct "
                "characters when DEBUG is off."
            )
        return raw
    if debug:
        # Development only: a fixed key keeps sessions across restarts of `make run`.
        return "django-insecure-development-only-key-never-use-in-production-0123456789"
    raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")


def is_local_host(host: str) -> bool:
    """True for an ALLOWED_HOSTS entry that only this machine can reach."""
    name = host.strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # ".localhost" too (RFC 6761)
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def secure_cookies(
    debug: bool, allowed_hosts: list[str], environ: Mapping[str, str] | None = None
) -> bool:
    # Off only for trying production settings over plain HTTP on one's own machine:
    # a browser keeps a Secure cookie off http://, so nobody could log in. Anywhere
    # else a session cookie sent in clear text is a stolen session.
    value = env_bool("SECURE_COOKIES", not debug, environ)
    if not value and not debug and not (allowed_hosts and all(map(is_local_host, allowed_hosts))):
        raise ImproperlyConfigured(
            "SECURE_COOKIES=0 is allowed only when every ALLOWED_HOSTS entry is local "
            f"(localhost, 127.0.0.1, ::1, *.localhost); got ALLOWED_HOSTS={allowed_hosts!r}."
        )
    return value


_MAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


@dataclass(frozen=True)
class MailSettings:
    # The defaults are Django's: plain SMTP to localhost:25.
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    use_tls: bool = False
    use_ssl: bool = False


def email_settings(debug: bool, environ: Mapping[str, str] | None = None) -> MailSettings:
    """Django's EMAIL_* settings from EMAIL_URL.

    smtp://user:password@host:587 speaks STARTTLS (port 587 unless given);
    smtps://user:password@host:465 speaks TLS from the start (port 465 unless
    given); console:// prints mails, locmem:// keeps them in memory. Characters
    such as @ in the user or password are percent-encoded (%40). Without
    EMAIL_URL: the console in DEBUG, otherwise Django's default, plain SMTP to
    a mail server on this machine (localhost:25), as most servers have one.
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("EMAIL_URL", "").strip()
    if not raw:
        return MailSettings(_MAIL_BACKENDS["console" if debug else "smtp"])
    # The messages below never echo the URL: it holds the mail password.
    url = urlsplit(raw)
    scheme = url.scheme.lower()
    if scheme not in _MAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, console:// or locmem://; "
            f"got {scheme or 'no scheme'}."
        )
    if url.query:
        # Options other libraries read there (?tls=, ?ssl=) would be ignored silently.
        raise ImproperlyConfigured(
            "EMAIL_URL takes no options after '?': smtp:// is STARTTLS, smtps:// is TLS."
        )
    if scheme not in ("smtp", "smtps"):
        return MailSettings(_MAIL_BACKENDS[scheme])
    try:
        port = url.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    if not url.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host: smtp://user:password@host:587.")
    return MailSettings(
        _MAIL_BACKENDS[scheme],
        host=url.hostname,
        port=port or (465 if scheme == "smtps" else 587),
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        use_tls=scheme == "smtp",
        use_ssl=scheme == "smtps",
    )


def env_email(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    """An address such as "MgK Planner <noreply@example.org>" or "noreply@example.org"."""
    environ = os.environ if environ is None else environ
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    _, address = parseaddr(raw)
    if "@" not in address or "\n" in raw or "\r" in raw:
        raise ImproperlyConfigured(
            f"{name} must be an e-mail address, optionally with a name: "
            f"'MgK Planner <noreply@example.org>'; got {raw!r}."
        )
    return raw
