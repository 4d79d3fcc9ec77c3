"""Production settings for the load test on plain HTTP at 127.0.0.1 (bench/load/run_load.py).

Everything comes from config.settings with DEBUG off, a generated
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and SECURE_SSL_REDIRECT=0 from the
environment; only what plain HTTP on one machine needs changes here, so the
project's own settings keep their secure defaults and gain no switch that a
deployment could set by mistake:

- cookies not Secure-only: a browser on http:// never sends a Secure cookie
  back, and the CSRF and session cookies must come back;
- STATIC_ROOT in the driver's temporary directory (collectstatic writes there
  and whitenoise serves from there), not the project's staticfiles/.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = Path(os.environ["LOAD_STATIC_ROOT"])
