"""The one normalisation pass every detector sees (issue 21, Art 8 item 6 evasions).

Before a text field reaches the key view, the contact view or any pattern, `clean` removes what
only hides a word and never carries meaning:

- Unicode format characters (category Cf: zero-width space/joiner/non-joiner, BOM, bidi marks,
  word joiner, soft hyphen, tag characters …), variation selectors, the combining grapheme joiner
  and the Hangul fillers (evasion ``zero_width``);
- a run of the same separator between single characters (``中·国·新·闻``, ``w w w . x . c o m``,
  ``1-3-8-…``, ``国丨旗``): the separator goes, the characters stay, so a URL, an e-mail address
  or a digit run written out with a separator between every character is whole again
  (evasion ``separator``);
- an emoji or other pictograph between two characters of a URL, e-mail or number
  (``lucky🔥88.com``; evasion ``separator``).

Width and compatibility forms are folded later by the views (NFKC per character there, where it
is safe), so the pass changes nothing it does not have to. It returns the cleaned text and an
offset map (for each cleaned character, its index in the original), so every finding's span is
put back on the characters the user actually wrote. A text with nothing to clean costs one
regular-expression search and is returned as it is.
"""

from __future__ import annotations

import re

#: Every character of general category Cf (Unicode 15.1), plus variation selectors (FE00–FE0F,
#: E0100–E01EF), Mongolian free variation selectors, the combining grapheme joiner and the Hangul
#: fillers. A test holds this list against ``unicodedata`` so a new Unicode version cannot slip by.
_INVISIBLE_RANGES = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
)
INVISIBLE_RE = re.compile(f"[{_INVISIBLE_RANGES}]+")

#: Characters used as separators between single characters (spaces included).
SEPARATORS = " \t\u3000\u00a0·・•‧∙丨｜|/\\-_~～,，、*+.。:：;；=#^'\"`"
_SP = " \t\u3000\u00a0"
_SEP_CLASS = re.escape(SEPARATORS)
# X S X S X … with the same separator string S each time; the first X does not follow a letter;
# a later X may be a space, or the separator itself, that the text had before the separators were
# put in (T·E·L·:· ·1·3·8, t/./m/e///a/b/c, 扣 扣   3 8).
_SEP_RUN = f"[{re.escape(_SP)}]*?[{_SEP_CLASS}][{re.escape(_SP)}]*?|[{re.escape(_SP)}]+?"  # the shortest S
_STRETCH_RE = re.compile(
    f"(?<![^{_SEP_CLASS}])([^{re.escape(_SP)}])({_SEP_RUN})(?:(?!\\2)[^\\n]|\\2(?=\\2))"
    f"(?:\\2(?:(?!\\2)[^\\n]|\\2(?=\\2)))+(?![^{_SEP_CLASS}])"
)
#: Two characters joined by a vertical bar (国丨旗): the bar is a Chinese character to the key view.
_BAR_PAIR_RE = re.compile(f"(?<![^{_SEP_CLASS}])[^{_SEP_CLASS}][丨｜|][^{_SEP_CLASS}](?![^{_SEP_CLASS}])")

_HEARTS = "❤♥💗💕💖❣💓💞💘❥🧡💛💚💙💜🖤🤍🤎➕"
_PICTO = "\u2190-\u21ff\u2300-\u23ff\u25a0-\u2775\u2794-\u27bf\u2b00-\u2bff\U0001f300-\U0001faff"
_PICTO_CLASS = f"[{_PICTO}]"
#: A pictograph (emoji, arrow, dingbat) inside a word, URL, e-mail address or number; hearts and ➕
#: stay (薇❤ and ➕V are how WeChat is asked for), and so do flags (🇨🇳 is matched) and letters or
#: digits drawn in circles or squares (ⓒ, ⒈, 🅒: the views fold them).
_EMOJI_RE = re.compile(f"(?<=\\S)(?:(?![{_HEARTS}]){_PICTO_CLASS})+|(?:(?![{_HEARTS}]){_PICTO_CLASS})+(?=\\S)")

_ANY_RE = re.compile(
    f"[{_INVISIBLE_RANGES}]|[{_SEP_CLASS}].?[{_SEP_CLASS}]|[丨｜|]|{_PICTO_CLASS}"
)


def needs_cleaning(text: str) -> bool:
    """Whether `clean` could change `text` (one regular-expression search)."""
    return _ANY_RE.search(text) is not None


def clean(text: str) -> tuple[str, list[int] | None, dict[int, str]]:
    """(cleaned text, offset map or None when nothing changed, removed original index → tag)."""
    if _ANY_RE.search(text) is None:
        return text, None, {}
    kept = list(range(len(text)))
    stage = text
    removed: dict[int, str] = {}
    # Separators first (冰丨\u200c丨毒: the joiner is one of the characters), then format
    # characters, then separators again (新\u200b·\u200b华 and 新丨 丨华丨 丨社 → 新华社).
    for step in (_separators, _invisible, _separators, _separators):
        drop = step(stage)
        if not drop:
            continue
        tag = "zero_width" if step is _invisible else "separator"
        for j in drop:
            removed[kept[j]] = tag
        kept = [kept[j] for j in range(len(stage)) if j not in drop]
        stage = "".join(text[i] for i in kept)
    if not removed:
        return text, None, {}
    return stage, kept, removed


def _invisible(stage: str) -> set[int]:
    return {i for m in INVISIBLE_RE.finditer(stage) for i in range(m.start(), m.end())}


def _separators(stage: str) -> set[int]:
    """Positions of separators between single characters and of pictographs inside a URL or
    number, in `stage`."""
    drop: set[int] = set()
    for m in _STRETCH_RE.finditer(stage):
        _mark_stretch(stage, m.start(), m.end(), m.group(2), drop)
    for m in _BAR_PAIR_RE.finditer(stage):
        drop.add(m.start() + 1)
    for m in _EMOJI_RE.finditer(stage):
        drop.update(range(m.start(), m.end()))
    return drop


def _mark_stretch(stage: str, start: int, end: int, sep: str, drop: set[int]) -> None:
    """Mark the separators of a stretch X S X S … X for removal (positions in `stage`)."""
    i = start + 1
    n = len(sep)
    while i < end:
        if stage.startswith(sep, i):
            drop.update(range(i, i + n))
            i += n + 1
        else:
            i += 1


def remap(span: tuple[int, int], omap: list[int], length: int) -> tuple[int, int]:
    """A [start, end) span in the cleaned text → the span of the original characters."""
    s, e = span
    if not omap:
        return (0, 0)
    if e <= s:
        pos = omap[s] if s < len(omap) else length
        return (pos, pos)
    return (omap[min(s, len(omap) - 1)], omap[min(e, len(omap)) - 1] + 1)


def tags_within(removed: dict[int, str], start: int, end: int) -> list[str]:
    """The evasions the pass undid inside original[start:end], in a stable order."""
    found = {removed[i] for i in range(start, end) if i in removed}
    return [t for t in ("zero_width", "separator") if t in found]
