"""Normalisation that undoes the evasions of Art 8 item 6 (同音、谐音、相近的文字、数字、符号和字母).

Two views of every text, both built with one C-level ``str.translate`` per text:

- the *key* view, for lexicon matching: NFKC (full/half width, circled and mathematical letters),
  lower case, traditional → simplified (OpenCC's per-character map), look-alike characters, and
  with zero-width characters, symbols, punctuation, spaces and emoji removed; runs of the same
  Chinese character are collapsed (中中国国 → 中国). Digits stay digits here: 一 is not 1 in a name.
- the *contact* view, for phone numbers, e-mail and URLs: the same length as the original (one
  character in, one out, so offsets need no map), with Chinese, 大写, circled and full-width digits
  turned into ASCII digits and 点/。 into a dot.

Offsets from the key view back to the original are computed only when a finding needs them
(`KeyNormaliser.offsets`), so clean texts never pay for them. Each character's normalisation also
records which evasion it undid (fullwidth, case, traditional, lookalike, …) for the findings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

#: Zero-width and other invisible characters (deleted, evasion "zero_width").
INVISIBLE: frozenset[int] = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + [0x3164, 0xFEFF, 0xFFA0]
    + list(range(0xFE00, 0xFE10))
    + list(range(0xE0000, 0xE0080))
    + list(range(0xE0100, 0xE01F0))
)

_REGIONAL = range(0x1F1E6, 0x1F200)  # 🇦…🇿: kept, so flags like 🇨🇳 can be matched

#: Runs of the same Chinese character are collapsed in the key view ("repeat" evasion).
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
REPEAT_RE = re.compile(f"([{CJK_CLASS}])\\1+")


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (BMP and extension A)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


class LazyTable(dict[int, str]):
    """A ``str.translate`` table that fills itself on first sight of a character.

    Writes are single dict assignments of a value that depends only on the key, so concurrent
    ``check`` calls from many threads can share it safely.
    """

    __slots__ = ("_fill", "_limit")

    def __init__(self, fill: Callable[[int], str], limit: int = 300_000) -> None:
        super().__init__()
        self._fill = fill
        self._limit = limit

    def __missing__(self, cp: int) -> str:
        value = self._fill(cp)
        if len(self) < self._limit:
            self[cp] = value
        return value


def read_t2s(path: Path) -> dict[str, str]:
    """Read the per-character traditional → simplified map (t2s.txt)."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        for pair in line.split():
            if len(pair) == 2:
                out[pair[0]] = pair[1]
    return out


def read_lookalikes(path: Path) -> dict[str, str]:
    """Read the look-alike map (lookalikes.txt): disguise → imitated character."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1:
            out[parts[0]] = parts[1]
    return out


def read_pinyin(path: Path) -> dict[str, str]:
    """Read the character → toneless pinyin table (pinyin.txt)."""
    out: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        syl, _, chars = line.partition("\t")
        for ch in chars:
            out.setdefault(ch, syl)
    return out


_FULLWIDTH = range(0xFF01, 0xFF5F)

#: Latin letters in disguise that NFKC leaves alone (Unicode names them after the letter they draw):
#: small capitals ᴄ, negative circled 🅒 and negative squared 🅲 letters, and any other circled,
#: squared, parenthesised, modifier, subscript or superscript form NFKC did not already undo.
_LATIN_NAME_RE = re.compile(
    r"^(?:LATIN LETTER SMALL CAPITAL|(?:NEGATIVE )?(?:CIRCLED|SQUARED|PARENTHESIZED) LATIN (?:SMALL|CAPITAL) LETTER"
    r"|MODIFIER LETTER (?:SMALL|CAPITAL)|LATIN (?:SUBSCRIPT|SUPERSCRIPT) (?:SMALL|CAPITAL) LETTER"
    r"|LATIN (?:SMALL|CAPITAL) LETTER) ([A-Z])(?: WITH [A-Z ]+)?$"
)


def latin_base(ch: str) -> str:
    """The plain ASCII letter a non-ASCII Latin-looking character stands for ('' if none):
    ᴄ → c, 🅒 → c, 🅲 → c, Ć → c, ǫ → o. ASCII characters and everything else give ''."""
    if ch.isascii():
        return ""
    m = _LATIN_NAME_RE.match(unicodedata.name(ch, ""))
    return m.group(1).lower() if m else ""


class KeyNormaliser:
    """The key view (see module docstring): per-character translate table plus evasion tags."""

    def __init__(self, t2s: dict[str, str], lookalikes: dict[str, str]) -> None:
        self.t2s = t2s
        self.lookalikes = lookalikes
        self.tags: dict[int, tuple[str, ...]] = {}
        self.table = LazyTable(self._fill)
        # Prefill what real texts are made of, so the first requests are as fast as the rest.
        for cp in range(0x20, 0x250):
            self.table[cp]  # noqa: B018
        for cp in range(0x3000, 0x3040):
            self.table[cp]  # noqa: B018
        for cp in range(0x4E00, 0xA000):
            self.table[cp]  # noqa: B018
        for cp in range(0xFF01, 0xFF70):
            self.table[cp]  # noqa: B018

    def _fill(self, cp: int) -> str:
        out, tags = self._normalise_char(cp)
        self.tags[cp] = tags
        return out

    def _normalise_char(self, cp: int) -> tuple[str, tuple[str, ...]]:
        ch = chr(cp)
        if cp in INVISIBLE:
            return "", ("zero_width",)
        if cp in _REGIONAL:
            return ch, ()
        tags: list[str] = []
        s = unicodedata.normalize("NFKC", ch) if not (0x4E00 <= cp <= 0x9FFF) else ch
        if s != ch:
            if cp in _FULLWIDTH or cp == 0x3000:
                tags.append("fullwidth")
            elif any(c.isdigit() for c in s):
                tags.append("digit_variant")
            else:  # mathematical, circled, compatibility letters and ideographs
                tags.append("lookalike")
        # Look-alikes before lower-casing: Cyrillic Н imitates H, its lower case н does not imitate h.
        t = "".join(self.lookalikes.get(c, c) for c in s)
        t = "".join(latin_base(c) or c for c in t)
        if t != s:
            tags.append("lookalike")
        s = t.lower()
        t = "".join(self.t2s.get(c, c) for c in s)
        if t != s:
            tags.append("traditional")
        s = t
        t = "".join(self.lookalikes.get(c, c) for c in s)
        if t != s and "lookalike" not in tags:
            tags.append("lookalike")
        s = t
        kept = "".join(c for c in s if _keep(c))
        if kept != s and not (kept and tags):  # ⒞ → (c): NFKC's own brackets are no separator
            tags.append("separator" if not kept else "symbol")
        return kept, tuple(tags)

    def key(self, text: str) -> str:
        """The key view of `text` (fast path, no offsets)."""
        k = text.translate(self.table)
        return REPEAT_RE.sub(r"\1", k) if REPEAT_RE.search(k) else k

    def offsets(self, text: str) -> tuple[str, list[int], list[int]]:
        """The key view with, for each key character, its [start, end) in the original text.

        Produces exactly `key(text)` (a test holds the two together); a collapsed run maps to the
        whole run, an expansion (one original character → several) to that one character.
        """
        table = self.table
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = ""
        for i, ch in enumerate(text):
            for k in table[ord(ch)]:
                if k == last and is_cjk(k):
                    ends[-1] = i + 1
                    continue
                chars.append(k)
                starts.append(i)
                ends.append(i + 1)
                last = k
        return "".join(chars), starts, ends

    def evasions(self, text: str, start: int, end: int, term: str = "") -> list[str]:
        """The evasion techniques undone within original[start:end] (in a stable order).

        ``case`` is reported when the Latin letters differ in case from the lexicon term as
        written (cctv for CCTV, WEIXIN for weixin).
        """
        found: list[str] = []
        table = self.table
        prev = ""
        for ch in text[start:end]:
            cp = ord(ch)
            out = table[cp]
            for tag in self.tags.get(cp, ()):
                if tag == "symbol":
                    tag = "separator"
                if tag not in found:
                    found.append(tag)
            if out and out == prev and is_cjk(out) and "repeat" not in found:
                found.append("repeat")
            if out:
                prev = out[-1]
        seen = [c for c in unicodedata.normalize("NFKC", text[start:end]) if c.isascii() and c.isalpha()]
        want = [c for c in term if c.isascii() and c.isalpha()]
        if seen and (seen != want if want else any(c.isupper() for c in seen)):
            if [c.lower() for c in seen] == [c.lower() for c in want] or not want:
                found.append("case")
        return found


def _keep(c: str) -> bool:
    cat = unicodedata.category(c)
    if cat[0] in "LN":
        return True
    return ord(c) in _REGIONAL


# --- contact view -------------------------------------------------------------------------------

_DIGIT_VARIANTS: dict[str, str] = {}
for _digits in ("〇一二三四五六七八九", "零壹贰叁肆伍陆柒捌玖", "零壹貳參肆伍陸柒捌玖"):
    for _i, _c in enumerate(_digits):
        _DIGIT_VARIANTS.setdefault(_c, str(_i))
_DIGIT_VARIANTS.update({"幺": "1", "洞": "0", "两": "2", "兩": "2", "叄": "3", "陆": "6"})
for _base, _start in (
    (0x2460, 1),
    (0x2474, 1),
    (0x2488, 1),
    (0x24F5, 1),
    (0x2776, 1),
    (0x2780, 1),
    (0x278A, 1),
):
    for _i in range(9):
        _DIGIT_VARIANTS[chr(_base + _i)] = str(_start + _i)
for _i in range(9):
    _DIGIT_VARIANTS[chr(0x3280 + _i)] = str(_i + 1)  # ㊀…㊈
_DIGIT_VARIANTS.update({"⓪": "0", "⓿": "0", "🄀": "0"})
for _i in range(10):
    _DIGIT_VARIANTS[chr(0x1D7CE + _i)] = str(_i)  # mathematical bold digits
    _DIGIT_VARIANTS[chr(0x1D7D8 + _i)] = str(_i)
    _DIGIT_VARIANTS[chr(0x1D7E2 + _i)] = str(_i)
    _DIGIT_VARIANTS[chr(0x1D7EC + _i)] = str(_i)
    _DIGIT_VARIANTS[chr(0x1D7F6 + _i)] = str(_i)
_DOTS = {"点": ".", "點": ".", "。": ".", "｡": ".", "·": ".", "•": ".", "∙": ".", "‧": "."}
_ATS = {"＠": "@", "﹫": "@"}


def _contact_char(cp: int) -> str:
    ch = chr(cp)
    if ch in _DIGIT_VARIANTS:
        return _DIGIT_VARIANTS[ch]
    if ch in _DOTS:
        return _DOTS[ch]
    if ch in _ATS:
        return _ATS[ch]
    if cp in INVISIBLE:
        return " "
    s = unicodedata.normalize("NFKC", ch)
    if len(s) != 1:
        s = ch
    s = s.lower()
    if len(s) != 1:
        s = ch
    if s in _DIGIT_VARIANTS:
        return _DIGIT_VARIANTS[s]
    if not s.isascii():
        d = unicodedata.digit(s, None)
        if d is not None:
            return str(d)  # other digit forms: superscript, negative circled, dingbat …
        base = latin_base(s)
        if base:
            return base
    cat = unicodedata.category(s)
    if cat in ("So", "Sk", "Cf", "Mn", "Me", "Zs", "Cc") and s not in "\n":
        return " "
    return s


def contact_char_is_variant(ch: str) -> bool:
    """True when `ch` is a disguised digit (Chinese, 大写, circled, full-width …)."""
    return (
        ch in _DIGIT_VARIANTS
        or (0xFF10 <= ord(ch) <= 0xFF19)
        or (not ch.isascii() and unicodedata.digit(ch, None) is not None)
    )


class ContactNormaliser:
    """The contact view (see module docstring): same length as the original text."""

    def __init__(self) -> None:
        self.table = LazyTable(_contact_char)
        for cp in range(0x20, 0x250):
            self.table[cp]  # noqa: B018
        for cp in range(0x4E00, 0xA000):
            self.table[cp]  # noqa: B018
        for cp in range(0xFF01, 0xFF70):
            self.table[cp]  # noqa: B018

    def view(self, text: str) -> str:
        """The contact view of `text`; ``len(view) == len(text)``."""
        return text.translate(self.table)
