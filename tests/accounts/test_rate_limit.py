"""Login rate limiting (django-axes): five wrong passwords lock one username from one address.

Every login here goes through the real login page with a real request, so the
axes backend, its signal handlers and its middleware all take part, exactly as
in production. The attempts live in the database: each test's rollback resets them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

WRONG = "not-the-password"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def _login(client: Client, username: str, password: str, address: str = HOME):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _signed_in_as(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def _fail(client: Client, username: str, times: int, address: str = HOME) -> list[int]:
    return [_login(client, username, WRONG, address).status_code for _ in range(times)]


def test_the_settings_are_the_documented_ones():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[-1] == "accounts.backends.RoleAwareBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_production_settings_put_the_axes_backend_first():
    # config.test_settings swaps in a subclass only for the test client's login().
    from axes.backends import AxesStandaloneBackend
    from django.utils.module_loading import import_string

    assert issubclass(import_string(settings.AUTHENTICATION_BACKENDS[0]), AxesStandaloneBackend)


def test_four_wrong_passwords_still_let_the_right_one_in(client, patient):
    assert _fail(client, "patient", 4) == [200] * 4
    response = _login(client, "patient", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == patient.pk


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, patient):
    statuses = _fail(client, "patient", 5)
    # The fifth wrong password reaches the limit: that answer is already the lockout page.
    assert statuses == [200, 200, 200, 200, 429]
    response = _login(client, "patient", PASSWORD)
    assert response.status_code == 429
    assert _signed_in_as(client) is None
    body = response.content.decode()
    assert "Too many login attempts" in body
    assert "15 minutes" in body
    assert "<script>" not in body and "style=" not in body


def test_the_lockout_does_not_affect_another_user_from_the_same_address(client, patient, stranger):
    _fail(client, "patient", 5)
    other = Client()
    response = _login(other, "stranger", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(other) == stranger.pk


def test_the_same_user_still_gets_in_from_another_address(client, patient):
    _fail(client, "patient", 5)
    assert _login(client, "patient", PASSWORD).status_code == 429
    elsewhere = Client()
    response = _login(elsewhere, "patient", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert _signed_in_as(elsewhere) == patient.pk


def test_wrong_passwords_for_many_usernames_lock_none_of_the_others(client, patient):
    # One address guessing at other accounts does not lock this one.
    for name in ("alice", "bob", "carol", "dave", "erin", "frank"):
        _fail(client, name, 1)
    response = _login(Client(), "patient", PASSWORD)
    assert response.status_code == 302


def test_a_success_clears_the_count(client, patient):
    _fail(client, "patient", 4)
    assert _login(client, "patient", PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "patient", 4) == [200] * 4
    assert _login(client, "patient", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, patient):
    _fail(client, "patient", 5)
    assert _login(client, "patient", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    response = _login(client, "patient", PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == patient.pk


@pytest.mark.parametrize("username", ["", " ", "x" * 300, "ünï\u200bcode", "a\x00b"])
def test_odd_usernames_are_answered_without_an_error(db, client, username):
    for _ in range(6):
        response = _login(client, username, WRONG)
        assert response.status_code in (200, 429)


def test_a_username_longer_than_the_axes_column_is_counted_not_a_500(db, client):
    # Regression: the login form does not cap the username before checking it, and
    # axes' 255-character column refused a longer one on PostgreSQL (a 500).
    statuses = _fail(client, "y" * 400, 5)
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().username == "y" * 255


def test_the_admin_login_is_limited_too(client, patient):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "patient", "password": WRONG}, REMOTE_ADDR=HOME)
    response = client.post(url, {"username": "patient", "password": PASSWORD}, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_successful_logins_are_not_logged(client, patient):
    from axes.models import AccessLog

    assert _login(client, "patient", PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()
