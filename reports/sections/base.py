"""A report's content: sections of rows, written once to a data file and read back to render.

The data file (JSON lines) is the report's content as generated: its SHA-256 goes into the audit
entry of the generation, and every rendering (draft preview, the approved XLSX / CSV / print
view) is made from it, so what was approved is exactly what was generated and reviewed.

Cells are JSON values; times are written as ``{"$dt": "YYYY-MM-DD HH:MM:SS"}`` (Beijing wall
time), dates as ``{"$d": …}``, and an identity number as ``{"$id": pk, "masked": …}`` — never the
number itself: it is decrypted only when an approved report that may carry identities is
rendered and the approver confirmed it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reports.formats import local


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: Iterable[list[Any]]
    widths: list[int] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Identity:
    """An identity number in a report cell: masked unless the report is rendered with reveal."""

    pk: int
    masked: str


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": local(value).isoformat(sep=" ")}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, Identity):
        return {"$id": value.pk, "masked": value.masked}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        if "$id" in value:
            return Identity(value["$id"], value.get("masked", ""))
    return value


def _line(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=str) + "\n").encode("utf-8")


def write_data(path, header: dict, sections: Iterable[Section], *, progress: Callable[[str, int], None] | None = None
               ) -> tuple[str, dict[str, int]]:
    """Write the sections to ``path``; returns (sha256 of the file, rows per section)."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with open(path, "wb") as out:
        def put(obj):
            data = _line(obj)
            out.write(data)
            digest.update(data)

        put({"report": header})
        for section in sections:
            put({"section": section.key, "title": section.title, "headers": section.headers,
                 "widths": section.widths, "note": section.note})
            n = 0
            for row in section.rows:
                put([_encode(v) for v in row])
                n += 1
                if progress and n % 1000 == 0:
                    progress(section.key, n)
            counts[section.key] = n
            put({"end": section.key, "rows": n})
            if progress:
                progress(section.key, n)
    return digest.hexdigest(), counts


def read_sections(path) -> Iterator[Section]:
    """Sections of a data file in order; each section's rows must be read (or skipped) before
    the next section is taken — they stream from the file."""
    with open(path, encoding="utf-8") as fh:
        first = json.loads(fh.readline())
        if "report" not in first:
            raise ValueError("not a report data file")
        pending: dict[str, Any] = {}

        def rows() -> Iterator[list[Any]]:
            for line in fh:
                obj = json.loads(line)
                if isinstance(obj, dict):
                    pending["end"] = obj
                    return
                yield [_decode(v) for v in obj]

        for line in fh:
            meta = json.loads(line)
            if "section" not in meta:
                raise ValueError("report data file is out of order")
            pending.clear()
            body = rows()
            yield Section(meta["section"], meta["title"], meta["headers"], body, meta.get("widths") or [],
                          meta.get("note", ""))
            if "end" not in pending:
                # The caller stopped early (a preview shows the first rows): skip to the section's
                # end marker without decoding the rows in between.
                body.close()
                for line in fh:
                    if line.startswith('{"end"'):
                        break
