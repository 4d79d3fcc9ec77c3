"""Sign-up and password-reset throttling (accounts/throttle.py, django-ratelimit).

The counters live in the cache, which tests/conftest.py clears around every test.
"""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
GOOD_PASSWORD = "kidney-Beans-42"


def _sign_up(client: Client, username: str, email: str, *, address=HOME, valid=True):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email,
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD if valid else "something-Else-7",
        },
        REMOTE_ADDR=address,
    )


def _reset(client: Client, email: str, *, address=HOME):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def _accounts() -> int:
    return get_user_model().objects.count()


def test_the_limits_are_the_documented_ones():
    assert settings.SIGNUP_LIMIT_PER_ADDRESS == 10
    assert settings.SIGNUP_LIMIT_PER_EMAIL == 3
    assert settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 20
    assert settings.PASSWORD_RESET_LIMIT_PER_EMAIL == 5


def test_sign_up_answers_429_after_ten_tries_from_one_address_and_creates_nothing(client, db):
    statuses = [
        _sign_up(client, f"user{n}", f"user{n}@example.org", valid=False).status_code
        for n in range(10)
    ]
    assert statuses == [200] * 10
    response = _sign_up(client, "amir", "amir@example.org")
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert "No account was created" in response.content.decode()
    assert _accounts() == 0
    assert "_auth_user_id" not in client.session


def test_sign_up_from_another_address_is_not_affected(client, db):
    for n in range(11):
        _sign_up(client, f"user{n}", f"user{n}@example.org", valid=False)
    response = _sign_up(Client(), "amir", "amir@example.org", address=ELSEWHERE)
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="amir").exists()


def test_ipv6_addresses_of_one_network_count_together(client, db):
    # One IPv6 connection has a whole /64 to pick addresses from.
    for n in range(1, 11):
        _sign_up(Client(), f"user{n}", f"user{n}@example.org", address=f"2001:db8::{n}")
    assert _sign_up(client, "amir", "amir@example.org", address="2001:db8::ff").status_code == 429
    assert _sign_up(client, "amir", "amir@example.org", address="2001:db8:1::1").status_code == 302


def test_sign_up_answers_429_after_three_tries_for_one_email_from_any_address(client, db):
    for n in range(3):
        response = _sign_up(
            Client(), "amir", "amir@example.org", address=f"10.1.0.{n}", valid=False
        )
        assert response.status_code == 200
    # Another case and spaces are the same address.
    response = _sign_up(client, "amir", " AMIR@example.org ", address="10.2.0.1")
    assert response.status_code == 429
    assert "This e-mail address has been used" in response.content.decode()
    assert _accounts() == 0
    assert _sign_up(client, "bea", "bea@example.org", address="10.2.0.1").status_code == 302


def test_blank_emails_do_not_share_one_limit(client, db):
    for n in range(5):
        response = _sign_up(Client(), f"user{n}", "", address=f"10.1.0.{n}")
        assert response.status_code == 200
        assert "This field is required" in response.content.decode()


def test_the_sign_up_page_itself_is_never_throttled(client, db):
    for n in range(11):
        _sign_up(client, f"user{n}", f"user{n}@example.org", valid=False)
    assert client.get(reverse("signup"), REMOTE_ADDR=HOME).status_code == 200


@override_settings(SIGNUP_LIMIT_PER_EMAIL=1)
def test_the_limits_come_from_the_settings(client, db):
    assert _sign_up(client, "amir", "amir@example.org", valid=False).status_code == 200
    assert _sign_up(client, "amir", "amir@example.org").status_code == 429


def test_password_reset_answers_429_after_five_requests_for_one_address(client, patient):
    for n in range(5):
        assert _reset(Client(), "patient@example.org", address=f"10.1.0.{n}").status_code == 302
    assert len(mail.outbox) == 5
    response = _reset(client, "Patient@Example.org", address="10.2.0.1")
    assert response.status_code == 429
    assert "Too many password resets" in response.content.decode()
    assert len(mail.outbox) == 5


def test_password_reset_limits_an_unknown_address_exactly_like_a_known_one(client, patient):
    # The 429 must not tell who has an account.
    known = [_reset(client, "patient@example.org").status_code for _ in range(6)]
    client.cookies.clear()
    unknown = [
        _reset(Client(), "nobody@example.org", address=ELSEWHERE).status_code for _ in range(6)
    ]
    assert known == unknown == [302] * 5 + [429]


def test_password_reset_answers_429_after_twenty_requests_from_one_address(client, patient):
    for n in range(20):
        assert _reset(client, f"someone{n}@example.org").status_code == 302
    response = _reset(client, "patient@example.org")
    assert response.status_code == 429
    assert mail.outbox == []
    assert _reset(Client(), "patient@example.org", address=ELSEWHERE).status_code == 302
    assert len(mail.outbox) == 1


def test_a_throttled_request_is_logged_without_the_address(client, patient, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.throttle"):
        for _ in range(6):
            _reset(client, "patient@example.org")
    [record] = [r for r in caplog.records if r.name == "accounts.throttle"]
    assert "password reset" in record.getMessage()
    assert "patient" not in record.getMessage() and HOME not in record.getMessage()


@pytest.mark.parametrize("url", ["signup", "password_reset"])
def test_the_throttled_page_has_no_inline_script_or_style(client, db, url):
    for n in range(25):
        response = client.post(reverse(url), {"email": f"x{n}@example.org"}, REMOTE_ADDR=HOME)
    assert response.status_code == 429
    body = response.content.decode()
    assert "<script>" not in body and "style=" not in body
