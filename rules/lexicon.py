"""Lexicon files and supervisor-managed terms (Art 8, 10 ¶2, 11), and their linting.

A lexicon file in ``rules/lexicons/`` is UTF-8 text, one entry per line::

    # comment
    #% kind=term category=organ article=8.2 severity=reject fields=name,certification
    国务院
    人民法院<TAB>severity=review<TAB>note=…

``#%`` lines set defaults for the lines after them; an entry is the term, then TAB-separated
``key=value`` options or bare flags (``homophone``). Kinds:

- ``term``: a finding wherever it occurs in one of its ``fields``;
- ``division`` / ``country`` / ``brand`` / ``landmark`` / ``trade`` / ``goods``: never a finding
  alone, only as the prefix of a ``suffix`` entry whose ``prefix=`` names that kind (北京 + 公安局,
  京东 + 客服, 出售 + 银行卡, 银行卡 + 回收);
- ``suffix``: a finding after its prefix kind, at most ``gap`` characters apart; ``alone=`` gives
  a severity when it stands alone;
- ``qualification``: an Art 11 claim in ``domain``, no finding when the context holds that domain;
- ``channel``: an Art 8 item 6 contact channel (微信, QQ), see ``contact.txt``;
- ``allow``: an allow-list entry; suppresses findings (of ``article=`` if given) whose span it covers.

`pinyin.txt`, `t2s.txt` and `lookalikes.txt` are character tables, not lexicons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import ARTICLES, DOMAINS, TEXT_FIELDS

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
TABLE_FILES = frozenset({"pinyin.txt", "t2s.txt", "lookalikes.txt", "shapes.txt"})

KINDS = frozenset(
    {
        "term",
        "division",
        "country",
        "brand",
        "landmark",
        "trade",
        "goods",
        "suffix",
        "qualification",
        "channel",
        "allow",
    }
)
#: Kinds that are never a finding alone, only as the prefix of a ``suffix`` entry: 北京 + 公安局,
#: 美国 + 大使馆, 京东 + 客服, 故宫 + 官方, 出售 (trade) + 银行卡, 银行卡 (goods) + 出售.
PREFIX_KINDS = frozenset({"division", "country", "brand", "landmark", "trade", "goods"})
SEVERITIES = frozenset({"review", "strict_review", "reject"})
FIELD_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(TEXT_FIELDS)}
ALL_FIELDS = sum(FIELD_BITS.values())
_NAME_CERT = FIELD_BITS["name"] | FIELD_BITS["certification"]

#: Fields an entry applies to when it does not say (impersonation and strict words: names and
#: certification info; prohibited content, contacts, exaggeration and claims: every text field).
DEFAULT_FIELDS: dict[str, int] = {
    "8.2": _NAME_CERT,
    "8.3": _NAME_CERT,
    "8.4": _NAME_CERT,
    "8.5": _NAME_CERT,
    "10.2": _NAME_CERT,
    "7": FIELD_BITS["name"],
}
DEFAULT_SEVERITY: dict[str, str] = {"10.2": "strict_review", "11": "review", "7": "review", "8.7": "review"}

_BOOL_KEYS = frozenset({"homophone", "context", "uncertified"})
_KNOWN_KEYS = (
    frozenset(
        {
            "kind",
            "category",
            "article",
            "severity",
            "fields",
            "prefix",
            "gap",
            "alone",
            "domain",
            "exempt",
            "note",
            "adcode",
        }
    )
    | _BOOL_KEYS
)


@dataclass(slots=True)
class Entry:
    """One lexicon entry or supervisor-managed term, as compiled into the engine."""

    term: str
    kind: str = "term"
    category: str = ""
    article: str = ""
    severity: str = "reject"
    fields: int = ALL_FIELDS
    homophone: bool = False
    context: bool = False
    uncertified: bool = False
    prefix: str = ""
    gap: int | None = None
    alone: str = ""
    domain: str = ""
    exempt: str = ""
    note: str = ""
    source: str = ""
    key: str = ""

    def signature(self) -> str:
        """Canonical text of everything that affects matching, for the rule-set version."""
        return "\x1f".join(
            (
                self.key,
                self.kind,
                self.category,
                self.article,
                self.severity,
                str(self.fields),
                "h" if self.homophone else "",
                "c" if self.context else "",
                "u" if self.uncertified else "",
                self.prefix,
                "" if self.gap is None else str(self.gap),
                self.alone,
                self.domain,
                self.exempt,
            )
        )


class LexiconError(ValueError):
    """A lexicon line or an extra term that cannot be used."""


def _fields_mask(value: str) -> int:
    mask = 0
    for name in value.split(","):
        name = name.strip()
        if not name:
            continue
        if name not in FIELD_BITS:
            raise LexiconError(f"unknown field {name!r}")
        mask |= FIELD_BITS[name]
    return mask


def _apply(entry: Entry, key: str, value: str | bool) -> None:
    if key not in _KNOWN_KEYS:
        raise LexiconError(f"unknown option {key!r}")
    if key in _BOOL_KEYS:
        setattr(entry, key, value is True or str(value).lower() in ("1", "true", "yes"))
    elif key == "fields":
        entry.fields = _fields_mask(str(value))
    elif key == "gap":
        entry.gap = int(str(value))
    elif key == "adcode":
        pass
    else:
        setattr(entry, key, str(value))


def _parse_options(tokens: Iterable[str]) -> list[tuple[str, str | bool]]:
    out: list[tuple[str, str | bool]] = []
    for tok in tokens:
        for part in tok.split(" ") if not tok.startswith("note=") else [tok]:
            part = part.strip()
            if not part:
                continue
            if "=" in part:
                k, _, v = part.partition("=")
                out.append((k.strip(), v.strip()))
            else:
                out.append((part, True))
    return out


def validate(entry: Entry) -> None:
    """Raise `LexiconError` when an entry is unusable (unknown kind, article, severity, domain …)."""
    if entry.kind not in KINDS:
        raise LexiconError(f"unknown kind {entry.kind!r}")
    if entry.kind in ("term", "suffix", "qualification", "channel") and entry.article not in ARTICLES:
        raise LexiconError(f"unknown article {entry.article!r}")
    if entry.kind == "allow" and entry.article and entry.article not in ARTICLES:
        raise LexiconError(f"unknown article {entry.article!r}")
    if entry.kind not in PREFIX_KINDS and entry.kind != "allow" and entry.severity not in SEVERITIES:
        raise LexiconError(f"unknown severity {entry.severity!r}")
    if entry.alone and entry.alone not in SEVERITIES:
        raise LexiconError(f"unknown severity {entry.alone!r} for alone=")
    if entry.kind == "suffix" and entry.prefix not in PREFIX_KINDS:
        raise LexiconError(f"suffix needs prefix= one of {sorted(PREFIX_KINDS)}")
    if entry.kind == "qualification" and entry.domain not in DOMAINS:
        raise LexiconError(f"unknown qualification domain {entry.domain!r}")
    if entry.exempt and entry.exempt not in DOMAINS:
        raise LexiconError(f"unknown exempt domain {entry.exempt!r}")
    if not entry.term.strip():
        raise LexiconError("empty term")


def parse_file(path: Path) -> tuple[list[Entry], list[str]]:
    """Parse one lexicon file; returns the entries and the problems found (``file:line: …``)."""
    entries: list[Entry] = []
    problems: list[str] = []
    defaults: list[tuple[str, str | bool]] = []
    for lineno, raw in enumerate(path.read_text("utf-8").splitlines(), 1):
        line = raw.rstrip("\r\n")
        where = f"{path.name}:{lineno}"
        if line.startswith("#%"):
            defaults = _parse_options([line[2:]])
            continue
        if not line.strip() or line.startswith("#"):
            continue
        term, *opts = line.split("\t")
        entry = Entry(term=term.strip(), source=where)
        try:
            options = defaults + _parse_options(opts)
            explicit = {k for k, _ in options}
            for k, v in options:
                _apply(entry, k, v)
            _fill_defaults(entry, explicit)
            validate(entry)
        except (LexiconError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        entries.append(entry)
    return entries, problems


def _fill_defaults(entry: Entry, explicit: set[str]) -> None:
    if "fields" not in explicit and entry.article in DEFAULT_FIELDS:
        entry.fields = DEFAULT_FIELDS[entry.article]
    if "severity" not in explicit and entry.article in DEFAULT_SEVERITY:
        entry.severity = DEFAULT_SEVERITY[entry.article]


def load_dir(lexicon_dir: Path) -> tuple[list[Entry], list[str]]:
    """All entries of all lexicon files in a directory (sorted by file name), and the problems."""
    entries: list[Entry] = []
    problems: list[str] = []
    for path in sorted(lexicon_dir.glob("*.txt")):
        if path.name in TABLE_FILES:
            continue
        e, p = parse_file(path)
        entries.extend(e)
        problems.extend(p)
    return entries, problems


def entry_from_extra(item: Mapping[str, Any], index: int) -> Entry:
    """Build an entry from a supervisor-managed term (a dict from the database).

    Keys: term, category, article, severity, homophone, allow, note; optionally kind, fields
    (list or comma string), domain, prefix, gap. ``allow=True`` makes an allow-list entry.
    """
    term = str(item.get("term") or "").strip()
    article = str(item.get("article") or "").strip()
    entry = Entry(term=term, source=f"extra[{index}]")
    entry.category = str(item.get("category") or "extra")
    entry.article = article
    entry.note = str(item.get("note") or "")
    entry.homophone = bool(item.get("homophone"))
    kind = item.get("kind")
    if item.get("allow"):
        kind = "allow"
    elif not kind:
        if entry.category in PREFIX_KINDS:
            kind = entry.category
        elif article == "11":
            kind = "qualification"
        else:
            kind = "term"
    entry.kind = str(kind)
    if entry.kind == "qualification":
        entry.domain = str(item.get("domain") or (entry.category if entry.category in DOMAINS else ""))
        if entry.domain not in DOMAINS:
            entry.kind, entry.domain = "term", ""
    if item.get("prefix"):
        entry.prefix = str(item["prefix"])
    if item.get("gap") is not None:
        entry.gap = int(item["gap"])
    fields = item.get("fields")
    explicit: set[str] = set()
    if fields:
        entry.fields = _fields_mask(fields if isinstance(fields, str) else ",".join(fields))
        explicit.add("fields")
    severity = item.get("severity")
    if severity:
        entry.severity = str(severity)
        explicit.add("severity")
    _fill_defaults(entry, explicit)
    validate(entry)
    return entry
