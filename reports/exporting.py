"""Exporting a list: the same queryset the list page shows, written as CSV or XLSX row by row.

``build_queryset`` repeats exactly what the page does — the list's permission-scoped selector,
its FilterSet bound to the same query parameters, its sort — but refuses a filter the page would
quietly ignore (an export of "everything" because of a typo would be the wrong file). Rows are
read with ``values_list`` through a server-side cursor (``iterator()`` inside a transaction on
PostgreSQL), ``chunk`` rows at a time, and written as they come: neither the page's streaming
response nor the job ever holds the table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.exports import Column, ExportSpec
from core.registry import registry
from reports import conf
from reports.formats import column_formatter, csv_stream
from reports.xlsx import Workbook

IGNORED_PARAMS = {"page", "format", "per_page", "_"}


def get_spec(key: str) -> ExportSpec:
    spec = registry.exports.get(key)
    if spec is None:
        raise ServiceError(_("没有名为「%(key)s」的可导出列表") % {"key": key}, field="key", code="not_found", status=404)
    return spec


def may_export(user, spec: ExportSpec) -> bool:
    return user.has_perm("reports.add_export") and user.has_perm(spec.permission)


def may_export_identities(user) -> bool:
    return user.has_perm("reports.export_identities")


def clean_params(params) -> dict[str, list[str]]:
    """The filter and sort of a request as plain data (kept on the Export row and in the audit)."""
    if isinstance(params, QueryDict):
        items = {k: params.getlist(k) for k in params}
    else:
        items = {k: (list(v) if isinstance(v, list | tuple) else [v]) for k, v in dict(params or {}).items()}
    return {k: [str(x) for x in v if str(x) != ""] for k, v in sorted(items.items())
            if k not in IGNORED_PARAMS and any(str(x) != "" for x in v)}


def _querydict(params: dict[str, list[str]]) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, values in params.items():
        qd.setlist(key, values)
    return qd


def build_queryset(spec: ExportSpec, user, params: dict[str, list[str]]):
    """The list's rows for ``user`` under ``params`` (filter + sort), or a refusal naming the field."""
    qs = spec.selector(user=user)
    data = _querydict(params)
    kwargs = spec.filterset_kwargs(user) if spec.filterset_kwargs else {}
    filterset = spec.filterset_class(data, queryset=qs, **kwargs)
    if not filterset.is_valid():
        field, errors = next(iter(filterset.errors.items()))
        label = filterset.form.fields[field].label if field in filterset.form.fields else field
        raise ServiceError(_("筛选条件「%(field)s」有误：%(error)s") % {"field": label, "error": errors[0]},
                           field=field, code="invalid_filter")
    qs = filterset.qs
    sort = data.get("sort", "")
    if sort and "sort" not in filterset.filters:
        fields = spec.sort_fields(sort)
        if fields is None:
            raise ServiceError(_("不能按「%(sort)s」排序") % {"sort": sort}, field="sort", code="invalid_sort")
        qs = qs.order_by(*fields, *(() if "pk" in fields or "-pk" in fields else ("-pk",)))
    return qs


@dataclass
class Table:
    """What an export writes: headers, widths and a row source."""

    title: str
    headers: list[str]
    widths: list[int]
    columns: tuple[Column, ...]
    queryset: Any

    def chunks(self, chunk_size: int | None = None) -> Iterator[list[tuple]]:
        """Formatted rows, ``chunk_size`` at a time, read through a server-side cursor."""
        chunk_size = chunk_size or conf.get("export_chunk_rows")
        formatters = [column_formatter(c) for c in self.columns]
        # Columns written as stored (numbers, dates) skip their formatter call.
        formatters = [None if c.kind in ("int", "date") and c.format is None and c.choices is None else f
                      for c, f in zip(self.columns, formatters, strict=True)]
        with transaction.atomic():  # a server-side cursor lives inside a transaction (no WITH HOLD copy)
            chunk: list[list] = []
            for raw in self.queryset.iterator(chunk_size=chunk_size):
                chunk.append([v if f is None else f(v) for f, v in zip(formatters, raw)])  # noqa: B905 - same width
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk


def table(spec: ExportSpec, user, params: dict[str, list[str]]) -> Table:
    columns = spec.columns_for(sensitive=may_export_identities(user))
    qs = build_queryset(spec, user, params)
    if spec.annotations:
        qs = qs.annotate(**spec.annotations())
    qs = qs.values_list(*[c.field for c in columns])
    return Table(title=str(spec.title), headers=[str(c.header) for c in columns], widths=[c.width for c in columns],
                 columns=columns, queryset=qs)


def csv_bytes(tbl: Table, *, progress=None) -> Iterator[bytes]:
    """The CSV file as a stream of byte chunks (UTF-8 with BOM)."""
    def counted():
        done = 0
        for chunk in tbl.chunks():
            done += len(chunk)
            if progress:
                progress(done)
            yield chunk
    return csv_stream(tbl.headers, counted())


def write_csv(tbl: Table, out, *, progress=None) -> tuple[int, str, int]:
    """Write the CSV to a binary file; returns (rows, sha256, bytes)."""
    digest, size, rows = hashlib.sha256(), 0, 0

    def count(done):
        nonlocal rows
        rows = done
        if progress:
            progress(done)

    for data in csv_bytes(tbl, progress=count):
        out.write(data)
        digest.update(data)
        size += len(data)
    return rows, digest.hexdigest(), size


def write_xlsx(tbl: Table, out, *, progress=None) -> int:
    """Write the XLSX (one sheet, frozen header) to a path or binary file; returns the rows."""
    book = Workbook()
    sheet = book.sheet(tbl.title, tbl.headers, tbl.widths)
    rows = 0
    for chunk in tbl.chunks():
        sheet.extend(chunk)
        rows += len(chunk)
        if progress:
            progress(rows)
    book.save(out)
    return rows


def sha256_file(path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
