"""Salt forms of magnesium and potassium supplements and their elemental shares
(clinical/data/supplement_salts.toml).

The products themselves (strengths, doses, side effects) and their sync into
the food table live in nutrition.supplements, which needs the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clinical.loader import DataError, data_file, read, rows, section, sources, unique

SALTS_FILE = data_file("supplement_salts.toml")
MINERALS = ("mg", "k")  # SupplementFacts.Mineral


@dataclass(frozen=True)
class SaltForm:
    key: str
    mineral: str  # SupplementFacts.Mineral: "mg" or "k"
    name: str
    share_low: float  # elemental mass fraction
    share_high: float
    source: str
    calculated_here: bool = False  # not in clinical.md: worked out from atomic weights


@dataclass(frozen=True)
class Salts:
    forms: dict[str, SaltForm]
    share_tolerance: float
    nacl_sodium_share: float
    shares_source: str


@cache
def load(path: Path = SALTS_FILE) -> Salts:
    cited = sources(path)
    forms: dict[str, SaltForm] = {}
    for row in rows(path, "salts", label="key"):
        row.only("key", "mineral", "name", "share_low", "share_high", "source", "calculated")
        low, high = row.number("share_low"), row.number("share_high")
        if not 0 < low <= high < 1:
            row.fail("shares must satisfy 0 < share_low <= share_high < 1")
        form = SaltForm(
            row.text("key"),
            row.choice("mineral", MINERALS),
            row.text("name"),
            low,
            high,
            cited[row.choice("source", cited)],
            row.flag("calculated"),
        )
        forms[form.key] = form
    unique(path, "salt", [f.key for f in forms.values()])
    tolerance = read(path).get("share_tolerance")
    if not isinstance(tolerance, float) or not 0 <= tolerance < 1:
        raise DataError(f"{path.name}: share_tolerance must be a fraction, got {tolerance!r}")
    blends = section(path, "blends")
    return Salts(forms, tolerance, blends.number("nacl_sodium_share"), cited["shares"])


_SALTS = load()
SALT_FORMS: dict[str, SaltForm] = _SALTS.forms
SHARES_SOURCE = _SALTS.shares_source
# Labels round; a row may sit this far (relative) outside its salt's share.
SHARE_TOLERANCE = _SALTS.share_tolerance
NACL_SODIUM_SHARE = _SALTS.nacl_sodium_share
