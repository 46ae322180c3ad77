"""Lexicon linting (``python -m rules lint``): problems that would make a rule set wrong.

Checks every lexicon file for unknown kinds, articles, severities, fields and domains; terms that
normalise to nothing or to one character; duplicates (two entries that normalise to the same term
with the same meaning); conflicts (the same term, kind and prefix with a different article,
severity or fields); allow/deny clashes (an allow entry that would swallow a deny term whole); and
look-alike maps that chain or map a character to itself. The shipped lexicons lint clean.
"""

from __future__ import annotations

from pathlib import Path

from .lexicon import LEXICON_DIR, PREFIX_KINDS, Entry, load_dir
from .normalise import read_lookalikes

_DENY_KINDS = frozenset({"term", "suffix", "qualification", "channel"})


def lint(lexicon_dir: str | Path | None = None) -> list[str]:
    """Return the problems found in the lexicons of `lexicon_dir` (shipped ones by default)."""
    from .engine import _tables  # local: the engine imports this module's package

    directory = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
    entries, problems = load_dir(directory)
    for name in ("t2s.txt", "lookalikes.txt", "pinyin.txt"):
        if not (directory / name).exists() and not (LEXICON_DIR / name).exists():
            problems.append(f"{name}: missing character table")
    norm = _tables(directory).key
    for e in entries:
        e.key = norm.key(e.term)
        if not e.key:
            problems.append(f"{e.source}: term {e.term!r} normalises to nothing")
        elif len(e.key) < 2:
            problems.append(f"{e.source}: term {e.term!r} normalises to one character {e.key!r}")
    problems.extend(_duplicates(entries))
    problems.extend(_clashes(entries))
    look_path = directory / "lookalikes.txt"
    if look_path.exists():
        look = read_lookalikes(look_path)
        for src, dst in look.items():
            if src == dst:
                problems.append(f"lookalikes.txt: {src!r} maps to itself")
            elif dst in look:
                problems.append(f"lookalikes.txt: {src!r} → {dst!r} chains to {look[dst]!r}")
    return problems


def _meaning(e: Entry) -> tuple[str, ...]:
    return (e.article, e.severity, str(e.fields), e.domain, e.alone, e.exempt, str(e.gap))


def _duplicates(entries: list[Entry]) -> list[str]:
    seen: dict[tuple[str, str, str, str], Entry] = {}
    out: list[str] = []
    for e in entries:
        if not e.key:
            continue
        ident = (e.key, e.kind, e.prefix, e.article if e.kind == "allow" else "")
        first = seen.get(ident)
        if first is None:
            seen[ident] = e
        elif e.kind in PREFIX_KINDS or _meaning(first) == _meaning(e):
            if e.kind not in ("division",):  # divisions share short names by design (朝阳)
                out.append(f"{e.source}: duplicate of {first.source} ({e.term!r} ~ {first.term!r})")
        else:
            out.append(
                f"{e.source}: conflicts with {first.source} ({e.term!r}): {_meaning(e)} vs {_meaning(first)}"
            )
    return out


def _clashes(entries: list[Entry]) -> list[str]:
    deny: dict[str, list[Entry]] = {}
    for e in entries:
        if e.kind in _DENY_KINDS and e.key:
            deny.setdefault(e.key, []).append(e)
    out: list[str] = []
    for a in entries:
        if a.kind != "allow" or not a.key:
            continue
        for d in deny.get(a.key, ()):
            if not a.article or a.article == d.article:
                out.append(f"{a.source}: allow entry {a.term!r} swallows deny term at {d.source}")
    return out
