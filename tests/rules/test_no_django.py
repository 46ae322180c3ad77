"""`rules` imports nothing from Django (STYLE.md): the engine must run in a worker or notebook alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, pkgutil, sys
import rules
for mod in pkgutil.walk_packages(rules.__path__, "rules."):
    if mod.name == "rules.__main__":
        continue
    importlib.import_module(mod.name)
rules.load().check({"name": "北京市公安局"})
bad = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print("DJANGO:" + ",".join(bad))
"""


def test_rules_never_imports_django() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert "DJANGO:\n" in out.stdout or out.stdout.strip().endswith("DJANGO:"), out.stdout
