"""Text folding for search: the one rule lives in clinical.text, which the
medicine search (clinical.medicines) needs without importing this app."""

from __future__ import annotations

from clinical.text import normalize

__all__ = ["normalize"]
