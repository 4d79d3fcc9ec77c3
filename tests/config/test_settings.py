from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_origins,
    is_local_host,
    secret_key,
    secure_cookies,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, {"DEBUG": raw}) is expected


def test_env_bool_uses_the_default_when_unset():
    assert env_bool("DEBUG", False, {}) is False


def test_env_bool_rejects_nonsense_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_env_int_rejects_words_and_negatives():
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        env_int("SECURE_HSTS_SECONDS", 0, environ={"SECURE_HSTS_SECONDS": "a year"})
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("SECURE_HSTS_SECONDS", 0, minimum=0, environ={"SECURE_HSTS_SECONDS": "-5"})
    assert env_int("X", 7, environ={"X": " 3600 "}) == 3600


def test_env_list_splits_and_rejects_empty_entries():
    assert env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org, b.org"}) == ["a.org", "b.org"]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": "a.org,,b.org"})


def test_csrf_trusted_origins_need_a_scheme():
    with pytest.raises(ImproperlyConfigured, match="CSRF_TRUSTED_ORIGINS"):
        env_origins("CSRF_TRUSTED_ORIGINS", [], {"CSRF_TRUSTED_ORIGINS": "example.org"})


def test_secret_key_is_required_without_debug():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        secret_key(debug=False, environ={})


def test_a_short_secret_key_is_refused_in_production():
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        secret_key(debug=False, environ={"SECRET_KEY": "short"})


def test_debug_gets_a_development_key():
    assert secret_key(debug=True, environ={}).startswith("django-insecure")


def test_cookies_are_secure_by_default_without_debug():
    assert secure_cookies(debug=False, allowed_hosts=["example.org"], environ={}) is True
    assert secure_cookies(debug=True, allowed_hosts=[], environ={}) is False


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "::1", "[::1]", "app.localhost", ".localhost", "127.0.0.2"]
)
def test_these_hosts_count_as_local(host):
    assert is_local_host(host)


@pytest.mark.parametrize(
    "host", ["example.org", "*", ".example.org", "10.0.0.5", "localhost.example.org", "0.0.0.0"]
)
def test_these_hosts_do_not_count_as_local(host):
    assert not is_local_host(host)


def test_secure_cookies_can_be_turned_off_for_local_hosts_only():
    local = {"SECURE_COOKIES": "0"}
    assert secure_cookies(False, ["127.0.0.1", "localhost"], local) is False
    for hosts in (["example.org"], ["127.0.0.1", "example.org"], ["*"], []):
        with pytest.raises(ImproperlyConfigured, match=r"SECURE_COOKIES=0 .* ALLOWED_HOSTS"):
            secure_cookies(False, hosts, local)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what the interpreter needs: nothing the test run itself set leaks in.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="p9!x" + "Zq7#mW2@vL5$kR8^" * 3 + "aa",
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p9!x" + "Zq7#mW2@vL5$kR8^" * 3 + "aa",
}
SHOW_COOKIE_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
)


def test_production_settings_on_a_laptop_can_send_cookies_over_plain_http():
    env = {**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0"}
    result = _manage("shell", "-v", "0", "-c", SHOW_COOKIE_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
    result = _manage(
        "shell", "-v", "0", "-c", SHOW_COOKIE_SETTINGS, **{**env, "SECURE_COOKIES": "1"}
    )
    assert result.stdout.split() == ["True", "True"]


def test_the_app_refuses_insecure_cookies_for_a_public_host():
    env = {**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1,example.org", "SECURE_COOKIES": "0"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECURE_COOKIES=0 is allowed only when every ALLOWED_HOSTS entry is local" in (
        result.stderr
    )


def test_the_app_refuses_to_start_with_a_bad_setting():
    result = _manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
