"""The django-axes backend for the test suite.

The test client's `login()` authenticates without a request, which the real
backend refuses (it needs the address). Those logins skip the lockout check;
every login through the login page still goes through axes exactly as in
production (tests/accounts/test_rate_limit.py).
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class ClientLoginAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
