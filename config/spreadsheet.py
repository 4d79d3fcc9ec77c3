"""CSV cells that a spreadsheet program shows as text, never runs as formulas.

A spreadsheet runs a cell starting with "=", "+", "-" or "@" as a formula, and
some strip a leading tab or carriage return before looking (OWASP, "CSV
Injection"). Food, day and plan names are typed by people, so a name such as
`=HYPERLINK("https://evil.example", "Click")` would run on the reader's machine.
Such a text cell gets a leading apostrophe, which spreadsheets read as "this is
text". Numbers are left alone: -3 in a number column is a number, not a formula.

`unescape_cell` undoes `escape_cell` exactly, so a file the app wrote reads back
unchanged; a text that itself starts with apostrophes before one of these
characters gets one more on the way out and loses one on the way in.

Shared by the plan export (planner) and the curators' food CSV (nutrition), which
is why it lives here and not in either app.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Any run of apostrophes, then a formula start: the texts escape_cell marks.
_MARKED = re.compile("'*[" + re.escape("".join(FORMULA_START)) + "]")


def escape_cell(value: object) -> object:
    if isinstance(value, str) and _MARKED.match(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    if text.startswith("'") and _MARKED.match(text, 1):
        return text[1:]
    return text
