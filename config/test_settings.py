"""Settings for the test suite: production settings with the few changes tests need.

Tests run with DEBUG off, like production, so the security settings under
test are the real ones; only HTTPS-only behaviour that the test client and
the live server (plain HTTP) cannot satisfy is relaxed here.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k3y-" * 12)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the finders, as runserver does, so the live server
# used by browser tests needs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-axes stays on (tests/accounts/test_rate_limit.py): its attempts live in the database,
# so each test's rollback resets them. Only the test client's request-less login()
# skips the lockout check (config/test_auth.py).
AUTHENTICATION_BACKENDS = [
    "config.test_auth.ClientLoginAxesBackend",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
