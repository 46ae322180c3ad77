"""Field-by-field diffs of account information, with character-level marks for text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass
class FieldDiff:
    field: str
    old: str
    new: str
    segments: list[tuple[str, str]]  # (op, text) with op in equal | delete | insert


def char_segments(old: str, new: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("delete", old[i1:i2]))
            if j2 > j1:
                out.append(("insert", new[j1:j2]))
    return out


def info_diff(old: dict, new: dict, fields: tuple[str, ...] | None = None) -> list[FieldDiff]:
    keys = fields or tuple(dict.fromkeys([*old.keys(), *new.keys()]))
    diffs = []
    for key in keys:
        a, b = str(old.get(key) or ""), str(new.get(key) or "")
        if a != b:
            diffs.append(FieldDiff(key, a, b, char_segments(a, b)))
    return diffs
