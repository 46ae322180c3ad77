"""reports/ is the top of the layers (tests/test_architecture.py walks the imports): list pages
reach its export view only through the registry, by URL name."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def test_list_pages_find_the_export_view_through_the_registry():
    from core.registry import registry

    assert registry.export_view == "reports:export"
    text = (Path(settings.BASE_DIR) / "core" / "views_generic.py").read_text(encoding="utf-8")
    assert "reports" not in text
