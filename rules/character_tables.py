"""The character tables behind the normalised views (traditional → simplified, look-alikes,
pinyin readings), read once per lexicon directory and shared by every engine compiled from it.
The cache is keyed by the directory and the tables' modification times, so an edited table is
read again; the digest of the tables' bytes goes into the rule-set version.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from .lexicon import LEXICON_DIR
from .normalise import ContactNormaliser, KeyNormaliser, read_lookalikes, read_pinyin, read_t2s


@dataclass(slots=True)
class _Tables:
    """Character tables shared by all engines compiled from the same lexicon directory."""

    key: KeyNormaliser
    contact: ContactNormaliser
    pinyin: dict[str, str]  # char → syllable
    readings: dict[str, str]  # syllable → the common (BMP unified) characters read that way
    digest: str
    shapes: dict[str, str]  # character → common characters that look like it (形近字)


_TABLES: dict[tuple[str, tuple[float, ...]], _Tables] = {}
_TABLES_LOCK = threading.Lock()


def _tables(lexicon_dir: Path) -> _Tables:
    files = [lexicon_dir / n for n in ("t2s.txt", "lookalikes.txt", "pinyin.txt", "shapes.txt")]
    fallback = [f if f.exists() else LEXICON_DIR / f.name for f in files]
    cache_key = (str(lexicon_dir.resolve()), tuple(f.stat().st_mtime for f in fallback))
    with _TABLES_LOCK:
        cached = _TABLES.get(cache_key)
        if cached is not None:
            return cached
        t2s = read_t2s(fallback[0])
        look = read_lookalikes(fallback[1])
        pinyin = read_pinyin(fallback[2])
        groups: dict[str, list[str]] = {}
        for c, syl in pinyin.items():
            if 0x4E00 <= ord(c) <= 0x9FFF and _common(c):
                groups.setdefault(syl, []).append(c)
        readings = {syl: "".join(cs) for syl, cs in groups.items()}
        h = hashlib.sha256()
        for f in fallback:
            h.update(f.read_bytes())
        shapes = read_shapes(fallback[3])
        tables = _Tables(KeyNormaliser(t2s, look), ContactNormaliser(), pinyin, readings, h.hexdigest(), shapes)
        _TABLES[cache_key] = tables
        return tables


def read_shapes(path: Path) -> dict[str, str]:
    """Read the 形近字 table (shapes.txt): character → characters that look like it."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, _, alike = line.partition("\t")
            if len(ch) == 1:
                out[ch] = alike
    return out


def _common(ch: str) -> bool:
    """True for a GB2312 level-1 character (the 3,755 commonest), the pool evasions draw from."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7
