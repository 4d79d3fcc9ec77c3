from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "a-Long-test-passw0rd"


@pytest.fixture
def make_user(db):
    def make(username: str, **extra):
        return get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD, **extra
        )

    return make


@pytest.fixture
def patient(make_user):
    return make_user("patient")


@pytest.fixture
def stranger(make_user):
    return make_user("stranger")
