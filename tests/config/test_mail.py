"""E-mail settings (EMAIL_URL, DEFAULT_FROM_EMAIL); pages survive a mail server that is down."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from config.env import MailSettings, email_settings, env_email

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_without_email_url_debug_prints_mails_and_production_uses_the_local_server():
    assert email_settings(debug=True, environ={}).backend.endswith("console.EmailBackend")
    assert email_settings(debug=False, environ={}) == MailSettings(SMTP, "localhost", 25)


def test_smtp_url_speaks_starttls_with_its_user_and_password():
    url = "smtp://mgk%40example.org:p%40ss:word@mail.example.org"
    assert email_settings(False, {"EMAIL_URL": url}) == MailSettings(
        SMTP,
        host="mail.example.org",
        port=587,
        user="mgk@example.org",
        password="p@ss:word",
        use_tls=True,
    )


def test_smtps_url_speaks_tls_from_the_start_on_the_port_given():
    settings = email_settings(False, {"EMAIL_URL": "smtps://u:p@mail.example.org:2465"})
    assert (settings.port, settings.use_ssl, settings.use_tls) == (2465, True, False)
    assert email_settings(False, {"EMAIL_URL": "smtps://mail.example.org"}).port == 465


@pytest.mark.parametrize("scheme", ["console", "locmem"])
def test_console_and_locmem_urls(scheme):
    assert email_settings(False, {"EMAIL_URL": f"{scheme}://"}).backend == (
        f"django.core.mail.backends.{scheme}.EmailBackend"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("imap://u:secret@mail.example.org", "must start with smtp://"),
        ("mail.example.org", "must start with smtp://"),
        ("smtp://u:secret@mail.example.org:port", "port that is not a number"),
        ("smtp://u:secret@:587", "needs a host"),
        ("smtp://u:secret@mail.example.org?tls=False", "no options"),
    ],
)
def test_a_bad_email_url_is_refused_without_showing_the_password(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        email_settings(False, {"EMAIL_URL": url})
    assert "EMAIL_URL" in str(error.value)
    assert "secret" not in str(error.value)


def test_the_sender_address_comes_from_the_environment():
    default = "MgK Planner <noreply@mgk-planner.invalid>"
    assert env_email("DEFAULT_FROM_EMAIL", default, {}) == default
    named = "Clinic <mgk@clinic.example>"
    assert env_email("DEFAULT_FROM_EMAIL", default, {"DEFAULT_FROM_EMAIL": named}) == named
    with pytest.raises(ImproperlyConfigured, match="DEFAULT_FROM_EMAIL"):
        env_email("DEFAULT_FROM_EMAIL", default, {"DEFAULT_FROM_EMAIL": "nobody"})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_password_reset_with_the_mail_server_down_shows_the_usual_page(client, patient, caplog):
    # Django's reset form catches and logs the failure itself: this pins that, and
    # that the answer is the one an unknown address gets.
    down = {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": _closed_port()}
    with override_settings(**down), caplog.at_level(logging.ERROR, logger="django.contrib.auth"):
        response = client.post(reverse("password_reset"), {"email": "patient@example.org"})
        assert response.status_code == 302
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert unknown.headers["Location"] == response.headers["Location"]
    done = client.get(response.headers["Location"])
    assert "If an account uses that address" in done.content.decode()
    [record] = caplog.records
    assert record.getMessage() == f"Failed to send password reset email to {patient.pk}"


def test_a_mail_server_that_never_answers_gives_up_before_the_worker_is_killed(settings):
    # Without a timeout, smtplib waits for ever and gunicorn kills the worker (30 s):
    # the invitation or reset page would fail instead of answering.
    assert 0 < settings.EMAIL_TIMEOUT < 30
