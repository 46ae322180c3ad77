"""XLSX workbooks in openpyxl's write-only mode: one sheet per section, a bold Chinese header row
that stays in view (frozen), column widths, and times as real Excel dates in Beijing time.

Write-only mode keeps one row in memory at a time (openpyxl streams each sheet to a temporary
file and zips them on save), so a sheet of a million rows costs no more memory than one of ten.
openpyxl turns each value into a cell object and each cell into XML elements one call at a time,
about 16 µs per cell on this machine: a million-row export of 15 columns would take four minutes.
The data rows of a sheet therefore go through ``_FastRows``: the row's XML is built as one string
(values are already typed and neutralised, ``reports.formats``) and written into the sheet's
file between openpyxl's own start and end of ``<sheetData>`` — the same elements openpyxl writes
(inline strings, date cells with a number format), several times faster. Header cells, styles,
widths, the frozen pane and the zip still go through openpyxl. If a future openpyxl moves the
internals this relies on, ``FAST_ROWS`` turns off and rows take the ordinary ``append`` path
(slower, same file); the tests read the files back with openpyxl either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl import Workbook as _Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from reports.formats import neutralise

FAST_ROWS = all(hasattr(cls, name) for cls, name in ((WriteOnlyWorksheet, "_values_to_row"), (WorksheetWriter, "write_row"),
                                                     (WorksheetWriter, "get_stream"), (WorksheetWriter, "write_top")))

EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serial dates are wall time
_DAY = dt.timedelta(days=1)
# XML text: escape markup; drop the control characters XML 1.0 cannot carry.
_XML_TEXT = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
             **{c: None for c in (*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_title(title: str, used: set[str]) -> str:
    """An Excel-valid, unique sheet title (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = str(title).translate(_INVALID_TITLE)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


class Workbook:
    """A write-only workbook; ``sheet()`` adds a sheet, ``save()`` writes the file."""

    def __init__(self):
        self._wb = _Workbook(write_only=True)
        self._titles: set[str] = set()

    def sheet(self, title: str, headers: list[str], widths: list[int] | None = None) -> Sheet:
        ws = self._wb.create_sheet(title=sheet_title(title, self._titles))
        return Sheet(ws, headers, widths)

    def text_sheet(self, title: str, pairs: list[tuple[str, Any]], *, widths=(18, 90)) -> None:
        """A two-column sheet of label → value (a report's cover: number, period, narrative …)."""
        ws = self._wb.create_sheet(title=sheet_title(title, self._titles))
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = widths
        for label, value in pairs:
            head = WriteOnlyCell(ws, value=neutralise(str(label)))
            head.font = _HEADER_FONT
            head.alignment = _WRAP
            body = WriteOnlyCell(ws, value=_plain(value))
            body.alignment = _WRAP
            if isinstance(value, dt.datetime):
                body.number_format = "yyyy-mm-dd hh:mm:ss"
            ws.append([head, body])

    def save(self, target) -> None:
        self._wb.save(target)


def _plain(value):
    if isinstance(value, str):
        return neutralise(value.translate(_XML_TEXT))
    return value


class Sheet:
    def __init__(self, ws, headers: list[str], widths: list[int] | None):
        self._ws = ws
        for i, width in enumerate(widths or [], 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        header = []
        for text in headers:
            c = WriteOnlyCell(ws, value=neutralise(str(text)))
            c.font, c.fill = _HEADER_FONT, _HEADER_FILL
            header.append(c)
        self.rows = 1
        self._fast = _FastRows(ws, len(headers)) if FAST_ROWS else None
        if self._fast is not None:
            self._fast.header(header)
        else:
            ws.append(header)

    def append(self, values: list[Any]) -> None:
        """One data row of typed values (``reports.formats``): str, int, float, date, datetime, None."""
        self.rows += 1
        if self._fast is not None:
            self._fast.append(values)
        else:
            self._ws.append([_slow_cell(self._ws, v) for v in values])

    def extend(self, rows) -> None:
        for values in rows:
            self.append(values)


def _slow_cell(ws, value):
    if isinstance(value, str):
        return value.translate(_XML_TEXT) or None
    if isinstance(value, dt.datetime | dt.date):
        c = WriteOnlyCell(ws, value=value)
        c.number_format = "yyyy-mm-dd hh:mm:ss" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
        return c
    return value


class _RawRowWriter(WorksheetWriter):
    """openpyxl's sheet writer, with the sheet's XML stream opened on a file object we hold, so
    that data rows already serialised as XML text can go straight into the file.

    ``get_stream`` is openpyxl's own (3.1), except that lxml's ``xmlfile`` writes to ``self.fh``
    instead of opening the path itself. Before the first raw row, lxml's buffer is flushed (the
    sheet's start, the header row and ``<sheetData>`` are in the file); after the last one,
    lxml writes ``</sheetData>`` and the rest — nothing of lxml's is pending in between.
    """

    def get_stream(self):
        self.fh = open(self.out, "wb", buffering=1 << 20)  # noqa: SIM115 - closed when the stream ends
        with self.fh, xmlfile(self.fh) as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = (yield)
                        if el is True:
                            yield xf
                        elif el is None:
                            continue
                        else:
                            xf.write(el)
                except GeneratorExit:
                    pass


class _FastRows:
    """Writes a sheet's data rows as ready-made ``<row>`` XML text into the sheet's file."""

    def __init__(self, ws, width: int):
        self._ws = ws
        self._letters = [get_column_letter(i) for i in range(1, max(width, 1) + 64)]
        self._datetime_style = self._style_id(EXCEL_EPOCH, "yyyy-mm-dd hh:mm:ss")
        self._date_style = self._style_id(dt.date(2000, 1, 1), "yyyy-mm-dd")
        self._writer = _RawRowWriter(ws)
        self._writer.write_top()
        ws._writer = self._writer  # before the first append, so openpyxl uses this writer
        self._flushed = False

    def _style_id(self, sample, number_format: str) -> int:
        c = WriteOnlyCell(self._ws, value=sample)
        c.number_format = number_format
        return c.style_id

    def header(self, cells) -> None:
        self._ws.append(cells)  # styled cells: openpyxl's own path
        self._ws._values_to_row = _as_is
        self._writer.write_row = self._write_row

    def append(self, values) -> None:
        self._ws.append(values)

    def _write_row(self, xf, values, row_idx: int) -> None:
        if not self._flushed:
            xf.flush()  # lxml's buffer (sheet start, header, <sheetData>) goes to the file first
            self._flushed = True
        r = str(row_idx)
        letters = self._letters
        parts = [f'<row r="{r}">']
        add = parts.append
        for i, v in enumerate(values):
            if v is None or v == "":
                continue
            ref = letters[i] + r
            t = type(v)
            if t is str:
                text = v.translate(_XML_TEXT)
                keep = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                add(f'<c r="{ref}" t="inlineStr"><is><t{keep}>{text}</t></is></c>')
            elif t is int or t is float:
                add(f'<c r="{ref}"><v>{v!r}</v></c>')
            elif t is dt.datetime:
                add(f'<c r="{ref}" s="{self._datetime_style}"><v>{(v - EXCEL_EPOCH) / _DAY!r}</v></c>')
            elif t is dt.date:
                add(f'<c r="{ref}" s="{self._date_style}"><v>{(v - EXCEL_EPOCH.date()).days}</v></c>')
            elif t is bool:
                add(f'<c r="{ref}" t="b"><v>{int(v)}</v></c>')
            else:
                add(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{str(v).translate(_XML_TEXT)}</t></is></c>')  # rare
        add("</row>")
        self._writer.fh.write("".join(parts).encode())


def _as_is(values, row_idx):
    return values
