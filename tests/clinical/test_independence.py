"""clinical is plain Python: importing it loads no Django app (DESIGN.md, Layout)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = (
    "clinical.loader",
    "clinical.nutrients",
    "clinical.targets",
    "clinical.medicines",
    "clinical.classes",
    "clinical.supplements",
    "clinical.rules",
    "clinical.catalogue",
    "clinical.readings",
    "clinical.text",
)


def test_importing_clinical_loads_no_app_and_no_django():
    # A fresh interpreter: the test process has Django and every app loaded already.
    code = (
        "import json, sys\n"
        f"for name in {MODULES!r}: __import__(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    roots = {name.split(".")[0] for name in loaded}
    assert not roots & {"nutrition", "planner", "accounts", "config", "django"}
    assert "clinical.catalogue" in loaded


def test_no_clinical_module_names_an_app_in_its_imports():
    offenders = []
    for path in (ROOT / "clinical").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and words[1].split(".")[0] in {
                "nutrition",
                "planner",
                "accounts",
                "config",
                "django",
            }:
                offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []
