"""Export declarations: what a list page offers as a CSV / XLSX download (Art 17 records, Art 21
inspections: the data must leave the system in a form the regulator and the platform can read).

Each app that owns a list declares an ``ExportSpec`` for it and registers it with
``core.registry.register_export(spec.key, spec)`` in its ``AppConfig.ready()``. The list page
(``core.views_generic.ObjectListView`` with ``export_key``) then shows "导出 CSV" / "导出 XLSX" links
carrying its current filter and sort, and the top layer (``reports/``) writes the files. Nothing
here imports the apps above core, and the apps never import ``reports``.

A column reads one value per row through the ORM (``values_list``), never a model instance, so
an export of a million rows stays fast and holds one chunk of rows at a time. What a value means
on paper (a choice label, a date in Beijing time, a list joined) is said by ``kind`` and
``choices``; ``personal`` marks free text that may quote a personal number (masked on the way
out, core.pii) and ``sensitive`` marks identity data that only some roles may export at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TEXT, INT, BOOL, DATETIME, DATE, LIST, JSON = "text", "int", "bool", "datetime", "date", "list", "json"
KINDS = (TEXT, INT, BOOL, DATETIME, DATE, LIST, JSON)


@dataclass(frozen=True)
class Column:
    """One column of an export: a Chinese ``header`` and the ORM path ``field`` it reads.

    ``format`` (optional) turns the raw value into the cell value and replaces ``kind``'s
    default formatting; ``width`` is the XLSX column width in characters.
    """

    header: Any
    field: str
    kind: str = TEXT
    choices: Iterable | None = None
    format: Callable[[Any], Any] | None = None
    personal: bool = False
    sensitive: bool = False
    width: int = 14

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class ExportSpec:
    """A list that can be exported.

    ``selector(user=…)`` returns the permission-scoped queryset the list page starts from;
    ``filterset_class`` is the list's FilterSet (bound to the same query parameters the page
    received); ``sorts`` maps the page's ``?sort=`` values to ``order_by`` fields (a FilterSet
    with its own ``sort`` filter needs none). ``permission`` is what a user must hold to export
    the list. ``date_field`` and ``for_account`` let an inspection pack (Art 21) take the list's
    records of a date range or of one account.
    """

    key: str
    title: Any
    permission: str
    selector: Callable[..., Any]
    filterset_class: type
    columns: tuple[Column, ...]
    list_url_name: str = ""
    sorts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    annotations: Callable[[], dict] | None = None
    date_field: str = ""
    for_account: Callable[[Any, Any], Any] | None = None
    filterset_kwargs: Callable[[Any], dict] | None = None

    def columns_for(self, *, sensitive: bool) -> tuple[Column, ...]:
        """The columns a user sees: identity columns only when ``sensitive`` is allowed."""
        return tuple(c for c in self.columns if sensitive or not c.sensitive)

    def sort_fields(self, value: str) -> tuple[str, ...] | None:
        """``order_by`` fields for a ``?sort=`` value (``-name`` reverses ``name``), None if unknown."""
        if not value:
            return None
        if value in self.sorts:
            return tuple(self.sorts[value])
        if value.startswith("-") and value[1:] in self.sorts:
            return tuple(_reverse(f) for f in self.sorts[value[1:]])
        return None


def _reverse(order: str) -> str:
    return order[1:] if order.startswith("-") else f"-{order}"


def findings_articles(findings) -> str:
    """Article codes of a findings list (submissions, cases), in order, without repeats."""
    seen: list[str] = []
    for finding in findings or ():
        code = finding.get("article") if isinstance(finding, dict) else None
        if code and code not in seen:
            seen.append(code)
    return "、".join(seen)
