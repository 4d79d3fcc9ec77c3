"""USDA FoodData Central CSV download → Food, Portion and FoodGroup rows.

Two halves that meet only through dataclasses: `parse_fdc_dir` (parse.py) reads and
checks the files and never touches the database; `preview_import` and `apply_import`
(write.py) compare with and write to the database.
"""

from __future__ import annotations

from nutrition.importers.fdc.parse import (
    DATA_TYPES,
    ENERGY_IDS,
    NUTRIENT_IDS,
    FDCImportError,
    ParsedFood,
    ParsedGroup,
    ParsedImport,
    ParsedPortion,
    parse_fdc_dir,
    portion_label,
)
from nutrition.importers.fdc.write import (
    ImportPreview,
    ImportResult,
    apply_import,
    preview_import,
)
from nutrition.importers.tables import RowError

__all__ = [
    "DATA_TYPES",
    "ENERGY_IDS",
    "NUTRIENT_IDS",
    "FDCImportError",
    "ImportPreview",
    "ImportResult",
    "ParsedFood",
    "ParsedGroup",
    "ParsedImport",
    "ParsedPortion",
    "RowError",
    "apply_import",
    "parse_fdc_dir",
    "portion_label",
    "preview_import",
]
