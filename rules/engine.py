"""The compiled rules engine: Art 7, 8, 10 ¶2 and 11 checks of account information.

`load` compiles the lexicons (plus supervisor-managed terms) into one Aho–Corasick automaton over
the normalised *key* view of a text (see `normalise`), a small automaton over a pinyin view for
homophone-sensitive terms, and one regular expression over the *contact* view. `Engine.check`
returns a `Verdict`; an engine is immutable after `load` and may be shared by many threads.

Speed: the main automaton does not see characters but pairs of symbols (each character's rank in
the lexicon alphabet split into a high and a low part). pyahocorasick scans a node's children
linearly, and with thousands of distinct first characters that scan dominates; the pairs keep
every node's fan-out ≤ 128 and make the scan several times faster. The key view, the pairing
and the contact view are three ``str.translate`` calls; offsets back into the original text are
computed only for texts that produce a finding.

The pieces the engine is built from live beside it: `character_tables` (normalisation tables,
cached per lexicon directory), `impersonation` (Art 8 items 2–5 claim context), `consistency`
(Art 7 name comparison), `findings` (dedupe and merge), `explanations` (the words of a
finding), `contact`, `claims` and `images` (Art 8 items 6–7 detectors).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import ahocorasick

from . import cache as engine_cache
from . import claims, contact, context_words, news_service, prepass
from .character_tables import _Tables, _tables
from .consistency import _INDIVIDUAL_ORG_SUFFIXES, _ORG_FORMS, _corresponds, org_kind_mismatch
from .explanations import ARTICLE_TEXT, CONTACT_TEXT, DOMAIN_TEXT, EVASION_TEXT
from .findings import _allowed, _dedupe, _unique
from .impersonation import _IMPERSONATION, _ORGAN_CATEGORIES, _claimed
from .lexicon import (
    FIELD_BITS,
    LEXICON_DIR,
    PREFIX_KINDS,
    Entry,
    LexiconError,
    entry_from_extra,
    load_dir,
)
from .model import (
    SEVERITY_RANK,  # noqa: F401 — re-exported: importable from rules.engine before the split
    TEXT_FIELDS,
    Context,
    Finding,
    Info,
    Verdict,
    decide,
)
from .normalise import (  # the read_* and *Normaliser names: re-exported, as above
    ContactNormaliser,  # noqa: F401
    KeyNormaliser,  # noqa: F401
    LazyTable,
    is_cjk,
    read_lookalikes,  # noqa: F401
    read_pinyin,  # noqa: F401
    read_t2s,  # noqa: F401
)

#: Bump when the matching code changes in a way that changes verdicts for the same lexicons.
ENGINE_CODE_VERSION = "2026.12.1"

_NAME_CERT = FIELD_BITS["name"] | FIELD_BITS["certification"]


def load(lexicon_dir: str | Path | None = None, extra: Iterable[Mapping[str, Any]] | None = None) -> Engine:
    """Compile the lexicons in `lexicon_dir` (default: the shipped ``rules/lexicons``) and the
    supervisor-managed `extra` terms into an `Engine` (Art 8, 10 ¶2, 11).

    `extra` items are dicts ``{"term", "category", "article", "severity", "homophone", "allow",
    "note"}``; ``allow=True`` makes an allow-list entry. Unusable items are skipped and listed in
    ``engine.problems``. No global state is changed; compiling 100,000 extra terms takes well
    under three seconds.
    """
    directory = Path(lexicon_dir) if lexicon_dir else LEXICON_DIR
    extra = list(extra) if extra is not None else None
    cached, cache_path = engine_cache.lookup(directory, extra)
    if isinstance(cached, Engine):
        return cached
    engine = _compile(directory, extra)
    engine_cache.store(cache_path, engine)
    return engine


def _compile(directory: Path, extra: list[Mapping[str, Any]] | None) -> Engine:
    entries, problems = load_dir(directory)
    for i, item in enumerate(extra or ()):
        try:
            entries.append(entry_from_extra(item, i))
        except (LexiconError, ValueError, TypeError, AttributeError) as exc:
            problems.append(f"extra[{i}]: {exc}")
    return Engine(entries, problems, _tables(directory))


# A pre-finding in key coordinates: (start, end, article, severity, rule, term, entry, via, parts)
_Pre = tuple[int, int, str, str, str, str, Entry, str, tuple[str, ...]]

_OTHER = "\u1000\u3000"  # a character that is in no term and is not Chinese
_LATIN_RE = re.compile("[a-z]")
_LATIN_RUN_RE = re.compile("[a-z]+")
_REPEAT_PAIR_RE = re.compile("([\u0100-\u0fff][\u3000-\u307f])\\1")


#: Articles whose terms of three or more characters are also matched by reading (one character
#: replaced by a homophone: 新华设, 人民日抱) and in full pinyin (renminribao).
_VARIANT_ARTICLES = frozenset({"8.1", "8.2", "8.3", "8.4", "8.5", "8.8"})
#: Characters never taken as a homophone substitute: function words would turn 教育部 into 教育不.
#: Categories of protected names matched with one 形近字 substituted (issue 17 family 3).
_SHAPE_CATEGORIES = frozenset({"media", "organ", "intl_org", "foreign_organ"})
_FUNCTION_CHARS = frozenset(
    "的了是不在有我你他她它们这那个也就都和与及或而吗呢吧啊么之其所以为于被把从对向很还又再"
)


def _pair(base: int, rank: int) -> str:
    return chr(base + (rank >> 7)) + chr(0x3000 + (rank & 127))


class _EncFill:
    """Fills the encoding table for a character no lexicon term uses (picklable, for the cache)."""

    __slots__ = ("n",)

    def __init__(self, n: int) -> None:
        self.n = n

    def __call__(self, cp: int) -> str:
        return _pair(0x100, self.n + 1 + cp - 0x3400) if is_cjk(chr(cp)) else _OTHER


class _FusedFill:
    """Fills the fused key-view + encoding table (picklable, for the cache)."""

    __slots__ = ("norm", "enc")

    def __init__(self, norm: Mapping[int, str], enc: Mapping[int, str]) -> None:
        self.norm, self.enc = norm, enc

    def __call__(self, cp: int) -> str:
        enc = self.enc
        return "".join([enc[ord(k)] for k in self.norm[cp]])


_VIAS = ("", "homophone", "pinyin", "lookalike")


class _Groups:
    """The entries behind each automaton word, in flat arrays (a cached engine unpickles them as
    a few memory copies instead of a hundred thousand tuples); `groups[gid]` decodes one group,
    (key length, ((entry, via), …)), and remembers it."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self._index: dict[int, int] = {}
        self.klen = array("H")
        self.off = array("I", [0])
        self.items = array("I")
        self._decoded: dict[int, tuple[int, tuple[tuple[Entry, str], ...]]] = {}

    def add(self, klen: int, items: list[tuple[Entry, str]]) -> None:
        for entry, via in items:
            i = self._index.get(id(entry))
            if i is None:
                i = self._index[id(entry)] = len(self.entries)
                self.entries.append(entry)
            self.items.append(i * 4 + _VIAS.index(via))
        self.klen.append(min(klen, 65535))
        self.off.append(len(self.items))

    def __getitem__(self, gid: int) -> tuple[int, tuple[tuple[Entry, str], ...]]:
        got = self._decoded.get(gid)
        if got is None:
            entries, items = self.entries, self.items
            got = (
                self.klen[gid],
                tuple((entries[v >> 2], _VIAS[v & 3]) for v in items[self.off[gid] : self.off[gid + 1]]),
            )
            if len(self._decoded) < 50_000:
                self._decoded[gid] = got
        return got

    def __getstate__(self) -> dict[str, Any]:
        return {"entries": self.entries, "klen": self.klen, "off": self.off, "items": self.items}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index = {}
        self._decoded = {}


class _FieldText:
    """One text field being checked, with its key-view offsets computed at most once and only
    for a field that produced a match."""

    __slots__ = ("name", "text", "cview", "bit", "_norm", "_offsets")

    def __init__(self, name: str, text: str, cview: str, bit: int, norm: KeyNormaliser) -> None:
        self.name, self.text, self.cview, self.bit, self._norm = name, text, cview, bit, norm
        self._offsets: tuple[str, list[int], list[int]] | None = None

    def offsets(self) -> tuple[str, list[int], list[int]]:
        if self._offsets is None:
            self._offsets = self._norm.offsets(self.text)
        return self._offsets


def _sort_matches(
    raw: list[tuple[int, int, Entry, str]], bit: int
) -> tuple[list[tuple[int, int, str]], dict[int, list[tuple[int, Entry]]], list[tuple[int, int, Entry, str]]]:
    """Split a field's raw matches into allow-list spans, prefixes by their end, and candidates
    that apply to this field."""
    allows: list[tuple[int, int, str]] = []
    prefixes: dict[int, list[tuple[int, Entry]]] = {}
    cands: list[tuple[int, int, Entry, str]] = []
    for s, e, entry, via in raw:
        kind = entry.kind
        if kind == "allow":
            allows.append((s, e, entry.article))
        elif kind in PREFIX_KINDS:
            prefixes.setdefault(e, []).append((s, entry))
        elif entry.fields & bit:
            cands.append((s, e, entry, via))
    return allows, prefixes, cands


def _latin_bounded(
    raw: list[tuple[int, int, Entry, str]],
    text: str,
    offsets: tuple[str, list[int], list[int]],
    table: Mapping[int, str],
) -> list[tuple[int, int, Entry, str]]:
    """Drop pinyin matches whose Latin letters run on into other Latin letters of the original
    text (full-width and styled letters count as Latin): a syllable must stand on its own
    (xin闻 and 微xin：abc count, Axin闻 and 威信ｌｉｎ as 威信力 do not)."""
    key, starts, ends = offsets
    n = len(text)
    out = []
    for item in raw:
        s, e, _entry, via = item
        if via == "pinyin":
            before = table[ord(text[starts[s] - 1])][-1:] if _is_latin(key[s]) and starts[s] > 0 else ""
            after = table[ord(text[ends[e - 1]])][:1] if _is_latin(key[e - 1]) and ends[e - 1] < n else ""
            if _is_latin(before) or _is_latin(after):
                continue
        out.append(item)
    return out


def _is_latin(c: str) -> bool:
    return c != "" and "a" <= c <= "z"


#: The last character of a place a divisions table may lack (a village, a township, a county).
_PLACE_ENDS = frozenset("村镇乡县")


def _unlisted_places(
    key: str, cands: list[tuple[int, int, Entry, str]], prefixes: dict[int, list[tuple[int, Entry]]]
) -> None:
    """An organ suffix after an unlisted place (桃花坞村派出所, 青石镇人民政府) composes with that
    place: two or three Chinese characters ending in 村/镇/乡/县 stand in for a division (Art 8 item 2,
    捏造). Adds such places to `prefixes` where no listed division ends."""
    for s, _e, entry, _via in cands:
        if entry.prefix != "division" or prefixes.get(s) or s < 3 or key[s - 1] not in _PLACE_ENDS:
            continue
        start = s - 1
        while start > 0 and s - start < 4 and is_cjk(key[start - 1]):
            start -= 1
        if s - start >= 3:
            place = key[start:s]
            prefixes.setdefault(s, []).append((start, Entry(term=place, kind="division", category="place", key=place)))


def _org_kind_finding(name: str, kind: str, org_name: str) -> Finding:
    """Art 7 ¶2: the account name declares a kind of organisation the verified one is not."""
    return Finding(
        article="7",
        rule="consistency.org_kind",
        field="name",
        span=(0, len(name)),
        matched=name,
        term=kind,
        evasion=(),
        severity="review",
        explanation=f"账号名称以“{kind}”的名义出现，与认证机构“{org_name}”的性质、经营范围和所属行业不符（第七条第二款）",
    )


def _ruleset_version(tables: _Tables, used: Iterable[Entry]) -> str:
    """A short hash of the engine code version, the character tables and every compiled entry."""
    h = hashlib.sha256(ENGINE_CODE_VERSION.encode())
    h.update(tables.digest.encode())
    for sig in sorted(e.signature() for e in used):
        h.update(sig.encode())
        h.update(b"\n")
    return h.hexdigest()[:12]


class Engine:
    """A compiled rule set. Use `load` to make one; call `check` from any number of threads."""

    def __init__(self, entries: list[Entry], problems: list[str], tables: _Tables) -> None:
        self.problems: list[str] = list(problems)
        self._t = tables
        self._norm = tables.key
        self._contact = tables.contact
        keyed = self._key_entries(entries)
        self._build_encoding(keyed)
        self._build_automaton(keyed)
        #: The rule-set version: a short hash of everything compiled; same content, same id.
        self.version: str = _ruleset_version(tables, self.entries)

    def _key_entries(self, entries: list[Entry]) -> dict[str, list[tuple[Entry, str]]]:
        """Every usable entry under its key view, plus its homophone and pinyin variants (Art 8
        item 6: 同音、谐音); entries that normalise to fewer than two characters are problems."""
        keyed: dict[str, list[tuple[Entry, str]]] = {}
        used: list[Entry] = []
        allow_variants: list[tuple[str, Entry]] = []
        for e in entries:
            k = self._norm.key(e.term)
            e.key = k
            if len(k) < 2:
                self.problems.append(
                    f"{e.source}: term {e.term!r} normalises to {k!r}, too short to match safely"
                )
                continue
            used.append(e)
            keyed.setdefault(k, []).append((e, ""))
            if not e.source.startswith("extra") and any(is_cjk(c) for c in k):
                for variant in self._one_syllable_variants(k):
                    if e.kind == "allow":
                        allow_variants.append((variant, e))
                    else:
                        keyed.setdefault(variant, []).append((e, "pinyin"))
            if not all(is_cjk(c) for c in k):
                continue
            if e.kind not in ("term", "suffix", "channel"):
                continue
            if e.kind == "term" and len(k) >= 3 and e.category in _SHAPE_CATEGORIES and not e.source.startswith("extra"):
                for variant in self._shape_variants(k):
                    keyed.setdefault(variant, []).append((e, "lookalike"))
            if e.homophone or (
                len(k) >= 3 and e.article in _VARIANT_ARTICLES and not e.source.startswith("extra")
            ):
                for variant in self._homophone_variants(k, every=e.kind == "channel" and len(k) == 2):
                    keyed.setdefault(variant, []).append((e, "homophone"))
                for variant in self._pinyin_variants(k, partial=e.homophone):
                    keyed.setdefault(variant, []).append((e, "pinyin"))
        # 报dao is 报道 or 报到: a pinyin spelling that is also a protected term's stays a finding.
        for variant, e in allow_variants:
            if all(item.kind == "allow" for item, _via in keyed.get(variant, ())):
                keyed.setdefault(variant, []).append((e, "pinyin"))
        self.entries: tuple[Entry, ...] = tuple(used)
        return keyed

    def _build_encoding(self, keyed: dict[str, list[tuple[Entry, str]]]) -> None:
        """Symbol pairs: Chinese characters get high parts from one range (every unified character
        has its own pair, lexicon characters the smallest ranks), everything else from another,
        so a repeated Chinese character is a repeated pair in the encoded text."""
        freq = Counter(c for k in keyed for c in k)
        cjk_rank: dict[str, int] = {}
        other_rank: dict[str, int] = {}
        for c, _n in freq.most_common():
            (cjk_rank if is_cjk(c) else other_rank).setdefault(
                c, len(cjk_rank if is_cjk(c) else other_rank) + 1
            )
        self._enc = LazyTable(_EncFill(len(cjk_rank)))
        for c, r in cjk_rank.items():
            self._enc[ord(c)] = _pair(0x100, r)
        for c, r in other_rank.items():
            self._enc[ord(c)] = _pair(0x1000, r)
        norm_table, enc = self._norm.table, self._enc
        self._fused = LazyTable(_FusedFill(norm_table, enc))
        for cp in (
            list(range(0x20, 0x250))
            + list(range(0x3000, 0x3040))
            + list(range(0x4E00, 0xA000))
            + list(range(0xFF01, 0xFF70))
        ):
            self._fused[cp]  # noqa: B018 — prefill

    def _build_automaton(self, keyed: dict[str, list[tuple[Entry, str]]]) -> None:
        """One Aho–Corasick automaton over the encoded keys; each word's value is its group id."""
        self._groups = _Groups()
        self._automaton = ahocorasick.Automaton()
        for gid, (k, items) in enumerate(keyed.items()):
            self._groups.add(len(k), items)
            self._automaton.add_word(k.translate(self._enc), gid)
        self._has_words = bool(keyed)
        if self._has_words:
            self._automaton.make_automaton()

    # -- public API ------------------------------------------------------------------------------

    def name_key(self, name: str) -> str:
        """The fully normalised form of a name, for Art 10 ¶3 (关联度高的账号).

        Full/half width, case, traditional → simplified, zero-width characters, separators,
        symbols and emoji, look-alike characters and repeated Chinese characters are all undone:
        ``name_key("北 京·吃貨") == name_key("北京吃货")``. Two names with the same key read as the
        same name; the Django side compares a new name's key with closed accounts' keys.
        """
        return self._norm.key(name or "")

    def check(
        self, info: Info | Mapping[str, Any] | Any, context: Context | Mapping[str, Any] | None = None
    ) -> Verdict:
        """Check one account's information (Art 7, 8, 10 ¶2, 11) and return the `Verdict`.

        `info` and `context` may be the dataclasses or plain dicts. Never raises on odd text.
        """
        info = Info.coerce(info)
        ctx = Context.coerce(context)
        findings: list[Finding] = []
        org_key = self._norm.key(ctx.verified_org_name) if ctx.verified_org_name else ""
        for fname in TEXT_FIELDS:
            text = getattr(info, fname)
            if text:
                if prepass.needs_cleaning(text):
                    self._check_cleaned(fname, text, ctx, info, org_key, findings)
                else:
                    self._check_field(fname, text, ctx, info, org_key, findings)
        self._check_consistency(info, ctx, org_key, findings)
        for fname in ("avatar", "cover"):
            data = getattr(info, fname)
            if data:
                from . import images  # Pillow and zxing only when an image is checked

                scan = images.scan_qr(data)
                label = "头像" if fname == "avatar" else "封面"
                for decoded in scan.texts:
                    findings.append(
                        Finding(
                            article="8.6",
                            rule="image.qr",
                            field=fname,
                            span=(0, 0),
                            matched=decoded[:100],
                            term="二维码",
                            evasion=(),
                            severity="reject",
                            explanation=f"{ARTICLE_TEXT['8.6']}：{label}中含有二维码",
                        )
                    )
                if not scan.complete:  # fail closed: an image not fully checked is never clean
                    findings.append(
                        Finding(
                            article="8.6",
                            rule="image.unchecked",
                            field=fname,
                            span=(0, 0),
                            matched="",
                            term="",
                            evasion=(),
                            severity="review",
                            explanation=f"{label}未能完整检查是否含有二维码（{images.PROBLEM_TEXT[scan.problem]}），需人工核验",
                        )
                    )
        findings = _unique(findings)
        return Verdict(decision=decide(findings), ruleset=self.version, findings=tuple(findings))

    # -- internals -------------------------------------------------------------------------------

    def _pinyin_variants(self, key: str, partial: bool) -> list[str]:
        """Latin pinyin spellings of a term: all of it (renminribao), and for homophone-sensitive
        terms also part of it (xin闻)."""
        syl = [self._t.pinyin.get(c) for c in key]
        if any(s is None for s in syl):
            return []
        n = len(key)
        if n > 4 or not partial:
            return ["".join(syl)]  # type: ignore[arg-type]
        out = []
        for mask in range(1, 1 << n):
            out.append("".join(syl[i] if mask >> i & 1 else key[i] for i in range(n)))  # type: ignore[misc]
        return out

    def _spell(self, key: str) -> str:
        """Every Chinese character of a key written as its syllable (有xian公司 → youxiangongsi)."""
        pinyin = self._t.pinyin
        return "".join(pinyin.get(c, c) for c in key)

    @property
    def _spelled_org_suffixes(self) -> tuple[str, ...]:
        return tuple(self._spell(x) for x in _INDIVIDUAL_ORG_SUFFIXES)

    def _unspell(self, key: str, org: str) -> str:
        """Latin syllables of a name put back as the registered name's characters that read so
        (青he餐饮 with 杭州青禾餐饮… → 青禾餐饮); other Latin letters stay."""
        pinyin = self._t.pinyin
        by_syllable = {pinyin[c]: c for c in org if c in pinyin}
        return _LATIN_RUN_RE.sub(lambda m: by_syllable.get(m.group().replace("v", "u"), m.group()), key)

    def _one_syllable_variants(self, key: str) -> list[str]:
        """The term with exactly one character written as its pinyin syllable (北jing市, 公an局,
        wei信): Art 8 item 6 (同音). Tone marks are folded by the key view (jīng → jing); a match
        whose syllable runs into other Latin letters is dropped in `_check_field` (Guo家菜 is a
        surname, not 国家)."""
        out = []
        for i, c in enumerate(key):
            syl = self._t.pinyin.get(c)
            if syl:
                out.append(key[:i] + syl + key[i + 1 :])
                if syl[:1] in "ln" and syl[1:2] == "u" and syl[2:] in ("", "e"):
                    out.append(key[:i] + syl[0] + "v" + syl[2:] + key[i + 1 :])  # lv师: ü written v
        return out

    def _shape_variants(self, key: str) -> list[str]:
        """The term with one character replaced by a 形近字 (人民曰报, 新华杜, 国务阮): Art 8 item 6
        (相近的文字), from the shapes table; the rest of the name must be exact."""
        shapes = self._t.shapes
        return [key[:i] + alt + key[i + 1 :] for i, c in enumerate(key) for alt in shapes.get(c, "")]

    def _homophone_variants(self, key: str, every: bool = False) -> list[str]:
        """The term with one character replaced by another of the same reading (新蚊, 薇信).

        Exactly one substitution: a word sharing no character with the term (欣雯 for 新闻, a
        common given name) is too far from it to be an evasion. With `every` (a two-character
        messaging channel: any characters that read like the app's name, 威心, 维芯) both may be
        replaced; a channel counts only with an id after it or a solicitation anyway.
        """
        if every:
            first, second = (self._t.readings.get(self._t.pinyin.get(c, ""), "") + c for c in key)
            return [a + b for a in first for b in second if a + b != key]
        out = []
        for i, c in enumerate(key):
            syl = self._t.pinyin.get(c)
            for alt in self._t.readings.get(syl, "") if syl else "":
                if alt != c and alt not in _FUNCTION_CHARS:
                    out.append(key[:i] + alt + key[i + 1 :])
        return out

    def _encode(self, text: str) -> str:
        """The encoded key view: one fused translate; the exact two-step path only when a Chinese
        character repeats (the key view collapses repeats)."""
        enc = text.translate(self._fused)
        if _REPEAT_PAIR_RE.search(enc) is None:
            return enc
        return self._norm.key(text).translate(self._enc)

    def _check_cleaned(
        self, fname: str, text: str, ctx: Context, info: Info, org_key: str, out: list[Finding]
    ) -> None:
        """Run the detectors on the field after the normalisation pass (`prepass`), and put each
        finding's span back on the original characters with the evasions the pass undid."""
        cleaned, omap, removed = prepass.clean(text)
        if omap is None:
            self._check_field(fname, text, ctx, info, org_key, out)
            return
        found: list[Finding] = []
        self._check_field(fname, cleaned, ctx, info, org_key, found)
        for f in found:
            start, end = prepass.remap(f.span, omap, len(text))
            tags = list(f.evasion)
            for tag in prepass.tags_within(removed, start, end):
                if tag not in tags:
                    tags.append(tag)
            explanation = f.explanation
            if tags != list(f.evasion):
                explanation = explanation.split("（已还原：")[0]
                explanation += "（已还原：" + "、".join(EVASION_TEXT.get(t, t) for t in tags) + "）"
            out.append(
                Finding(f.article, f.rule, f.field, (start, end), text[start:end], f.term, tuple(tags),
                        f.severity, explanation)
            )

    def _check_field(
        self, fname: str, text: str, ctx: Context, info: Info, org_key: str, out: list[Finding]
    ) -> None:
        """Scan one text field; a field with no match costs two translates and three scans."""
        bit = FIELD_BITS[fname]
        raw: list[tuple[int, int, Entry, str]] = []
        if self._has_words:
            enc = self._encode(text)
            if enc:
                groups = self._groups
                for end, gid in self._automaton.iter(enc):
                    klen, items = groups[gid]
                    e = (end >> 1) + 1
                    for entry, via in items:
                        raw.append((e - klen, e, entry, via))
            if raw and any(via == "pinyin" for *_x, via in raw):
                raw = _latin_bounded(raw, text, self._norm.offsets(text), self._norm.table)
        cview = text.translate(self._contact.table)
        contacts = contact.scan(text, cview)
        numeric: list[tuple[int, int, str]] = []
        if claims.ANY_ANCHOR_RE.search(text) is not None:
            numeric = claims.scan(text) + [(xs, xe, "exaggeration") for xs, xe in claims.scan_exaggeration(text)]
            if not bit & _NAME_CERT and "news" not in ctx.qualifications:
                numeric += [(ns, ne, "news") for ns, ne in news_service.scan(text)]
        if not raw and not contacts and not numeric:
            return
        allows, prefixes, cands = _sort_matches(raw, bit)
        if any(c[2].prefix == "division" for c in cands):
            _unlisted_places(self._norm.key(text), cands, prefixes)
        if not cands and not contacts and not numeric:
            return  # only allow-list spans and prefixes (a place, a country) matched
        field = _FieldText(fname, text, cview, bit, self._norm)
        found: list[Finding] = []
        if cands:
            pre = self._lexicon_candidates(cands, prefixes, ctx, info, bit)
            found = self._channel_findings(field, cands, allows)
            kept = self._claimed_candidates(field, pre, allows, org_key, ctx)
            found += self._lexicon_findings(field, kept)
        found += [
            self._finding("8.6", f"contact.{c.kind}", fname, text, c.start, c.end, CONTACT_TEXT[c.kind],
                          c.evasion, "reject")
            for c in contacts
        ]
        for cs, ce, kind in numeric:
            if kind == "news":
                found.append(self._finding("8.4", "pattern.news_service", fname, text, cs, ce,
                                           f"以{text[cs:ce]}服务为名（新闻属性）", [], "reject"))
                continue
            what = {"slim": "夸大减肥效果", "income": "夸大收益承诺"}.get(kind, f"夸大宣传：{text[cs:ce]}")
            found.append(self._finding("8.7", f"pattern.{kind}", fname, text, cs, ce, what, [], "reject"))
        out.extend(_dedupe(found))

    def _lexicon_candidates(
        self,
        cands: list[tuple[int, int, Entry, str]],
        prefixes: dict[int, list[tuple[int, Entry]]],
        ctx: Context,
        info: Info,
        bit: int,
    ) -> list[_Pre]:
        """Lexicon matches that count for this account: terms and qualification claims (Art 11)
        the account does not hold a qualification for, suffixes composed with a prefix (美国 +
        国防部), and official claims unless the account is certified. Channels are resolved
        separately, with the contact view."""
        pre: list[_Pre] = []
        for s, e, entry, via in cands:
            kind = entry.kind
            if entry.exempt and entry.exempt in ctx.qualifications:
                continue
            if kind == "suffix":
                composed = self._suffix_candidate(s, e, entry, via, prefixes, bit)
                if composed is not None:
                    pre.append(composed)
                continue
            if kind == "qualification" and entry.domain in ctx.qualifications:
                continue
            if entry.uncertified and (info.certification.strip() or ctx.verified_org_name):
                continue
            if kind == "channel":
                continue  # resolved by _channel_findings, with the contact view
            rule = f"{'qual' if kind == 'qualification' else 'lex'}.{entry.domain if kind == 'qualification' else entry.category}"
            pre.append((s, e, entry.article, entry.severity, rule, entry.term, entry, via, (entry.key,)))
        return pre

    def _suffix_candidate(
        self,
        s: int,
        e: int,
        entry: Entry,
        via: str,
        prefixes: dict[int, list[tuple[int, Entry]]],
        bit: int,
    ) -> _Pre | None:
        """A suffix (部, 公安局 …) counts composed with the prefix before it, or alone in a name
        or certification when its entry says so."""
        found = self._compose(s, entry, prefixes)
        if found is not None:
            ps, pentry = found
            return (
                ps,
                e,
                entry.article,
                entry.severity,
                f"compose.{entry.prefix}+{entry.category}",
                pentry.term + entry.term,
                entry,
                via,
                (pentry.key, entry.key),
            )
        if entry.alone and bit & _NAME_CERT:
            return (s, e, entry.article, entry.alone, f"lex.{entry.category}", entry.term, entry, via, (entry.key,))
        return None

    def _channel_findings(
        self, field: _FieldText, cands: list[tuple[int, int, Entry, str]], allows: list[tuple[int, int, str]]
    ) -> list[Finding]:
        """Art 8 item 6: a messaging channel's name (微信, QQ …) followed by an id, or used to ask
        for contact; context-only channels and homophones need one of the two."""
        found: list[Finding] = []
        text, cview = field.text, field.cview
        for s, e, entry, via in cands:
            if entry.kind != "channel" or _allowed(s, e, entry.article, allows):
                continue
            _k, starts, ends = field.offsets()
            os_, oe = starts[s], ends[e - 1]
            idspan = contact.id_after(cview, oe)
            asked = contact.solicited(cview, os_, oe)
            if (entry.context or via == "homophone") and not idspan and not asked:
                continue
            tags = self._norm.evasions(text, os_, oe, entry.term)
            if idspan:
                for tag in contact.digit_evasion(text, *idspan):
                    if tag not in tags:
                        tags.append(tag)
            if via and via not in tags:
                tags.append(via)
            severity = "reject" if idspan else entry.severity
            end = idspan[1] if idspan else oe
            what = f"{entry.term}（联系方式）" if idspan else entry.term
            found.append(
                self._finding("8.6", f"contact.{entry.category}", field.name, text, os_, end, what, tags, severity)
            )
        return found

    def _claimed_candidates(
        self, field: _FieldText, pre: list[_Pre], allows: list[tuple[int, int, str]], org_key: str, ctx: Context
    ) -> list[_Pre]:
        """Drop allow-listed matches, a verified organisation's own name (Art 7), and in free text
        an organisation's name that is mentioned rather than claimed (Art 8 items 2–5)."""
        kept: list[_Pre] = []
        for p in pre:
            s, e, article, _sev, rule, _term, entry, _via, parts = p
            if _allowed(s, e, article, allows):
                continue
            if self._not_a_claim(field, s, e, article, rule):
                continue
            if article in _IMPERSONATION:
                if org_key and self._own_name(entry, parts, org_key, ctx):
                    continue
                if not field.bit & _NAME_CERT and not _claimed(field.offsets()[0], s, e):
                    continue
            kept.append(p)
        return kept

    @staticmethod
    def _not_a_claim(field: _FieldText, s: int, e: int, article: str, rule: str) -> bool:
        """A match denied in its clause (非官方, 不是律师), or a profession that names a relative,
        a client or a topic (医生的女儿, 财经书籍): not a claim about the account."""
        if article in context_words.NOT_EXCUSED:
            return False
        _k, starts, ends = field.offsets()
        os_, oe = starts[s], ends[e - 1]
        if context_words.denied(field.text, os_):
            return True
        return rule.startswith(("qual.", "lex.landmark")) and context_words.related(field.text, os_, oe)

    def _lexicon_findings(self, field: _FieldText, kept: list[_Pre]) -> list[Finding]:
        """Findings of the kept lexicon matches, in the original text's coordinates."""
        if not kept:
            return []
        _k, starts, ends = field.offsets()
        found: list[Finding] = []
        for s, e, article, severity, rule, term, _entry, via, _parts in kept:
            os_, oe = starts[s], ends[e - 1]
            tags = self._norm.evasions(field.text, os_, oe, term)
            if via and via not in tags:
                tags.append(via)
            found.append(self._finding(article, rule, field.name, field.text, os_, oe, term, tags, severity))
        return found

    def _org_core(self, org_key: str) -> str:
        """A registered name without its divisions and organisation-form words (Art 7)."""
        spans: list[tuple[int, int]] = []
        if self._has_words:
            for end, gid in self._automaton.iter(org_key.translate(self._enc)):
                klen, items = self._groups[gid]
                if any(entry.kind == "division" for entry, _via in items):
                    e = (end >> 1) + 1
                    spans.append((e - klen, e))
        # Drop the leading chain of divisions only: the first may be a short name (杭州), the next
        # must be full names (浙江省杭州市西湖区), so 公安县's short name never eats 公安局.
        start = 0
        while True:
            ends = [e for s, e in spans if s == start and (start == 0 or org_key[e - 1] in "省市区县州旗盟")]
            if not ends:
                break
            start = max(ends)
        core = org_key[start:]
        for form in _ORG_FORMS:
            core = core.replace(form, "")
        return core

    @staticmethod
    def _compose(
        s: int, suffix: Entry, prefixes: dict[int, list[tuple[int, Entry]]]
    ) -> tuple[int, Entry] | None:
        gap = suffix.gap or 0
        # 美国+国防部: the key view collapsed 国国, so the prefix overlaps the suffix by one char.
        for ps, pentry in prefixes.get(s + 1, ()):
            if pentry.kind == suffix.prefix and pentry.key[-1] == suffix.key[0] and ps < s:
                return ps, pentry
        for g in range(gap + 1):
            best: tuple[int, Entry] | None = None
            for ps, pentry in prefixes.get(s - g, ()):
                if pentry.kind != suffix.prefix or (pentry.gap is not None and g > pentry.gap):
                    continue
                if best is None or ps < best[0]:
                    best = (ps, pentry)
            if best is not None:
                return best
        return None

    @staticmethod
    def _own_name(entry: Entry, parts: tuple[str, ...], org_key: str, ctx: Context) -> bool:
        """A verified organisation may use its own registered name (Art 7, Art 8 item 2)."""
        if entry.prefix == "brand":
            parts = parts[:1]  # 京东客服 of 北京京东世纪贸易有限公司: the brand is its own
        if not all(p and p in org_key for p in parts):
            return False
        if entry.category in _ORGAN_CATEGORIES:
            return ctx.verified_uscc[:1] in ("1", "5")
        return True

    def _finding(
        self,
        article: str,
        rule: str,
        fname: str,
        text: str,
        start: int,
        end: int,
        term: str,
        evasion: list[str],
        severity: str,
    ) -> Finding:
        explanation = f"{ARTICLE_TEXT.get(article, '')}：{term}"
        if rule.startswith("qual."):
            domain = rule.split(".", 1)[1]
            explanation = (
                f"声称{DOMAIN_TEXT.get(domain, domain)}领域身份“{term}”，但账号未取得相应资质（第十一条）"
            )
        if evasion:
            explanation += "（已还原：" + "、".join(EVASION_TEXT.get(t, t) for t in evasion) + "）"
        return Finding(
            article=article,
            rule=rule,
            field=fname,
            span=(start, end),
            matched=text[start:end],
            term=term,
            evasion=tuple(evasion),
            severity=severity,
            explanation=explanation,
        )

    def _check_consistency(self, info: Info, ctx: Context, org_key: str, out: list[Finding]) -> None:
        """Art 7: an organisation's account name must correspond to its verified name; an
        individual's name must not pose as a registered company."""
        name = info.name
        if ctx.account_type != "organization" and "司" not in name:
            return
        if not name.strip():
            return
        # Without collapsing repeats: 北京京东 must keep both 京 to find the division and the brand.
        nkey = prepass.clean(name)[0].translate(self._norm.table)
        if ctx.account_type == "organization":
            if not org_key:
                return
            org_plain = ctx.verified_org_name.translate(self._norm.table)
            core = self._org_core(org_plain)
            kind = org_kind_mismatch(nkey, org_plain, ctx.verified_uscc)
            if kind:
                out.append(_org_kind_finding(name, kind, ctx.verified_org_name))
                return
            if _corresponds(nkey, org_plain, core):
                return
            if _LATIN_RE.search(nkey) and _corresponds(self._unspell(nkey, org_plain), org_plain, core):
                return  # 青he餐饮 for 青禾餐饮: a syllable in pinyin is the same name
            out.append(
                Finding(
                    article="7",
                    rule="consistency.org_name",
                    field="name",
                    span=(0, len(name)),
                    matched=name,
                    term=ctx.verified_org_name,
                    evasion=(),
                    severity="review",
                    explanation=f"{ARTICLE_TEXT['7']}：账号名称与认证机构“{ctx.verified_org_name}”不一致（第七条）",
                )
            )
        elif nkey.endswith(_INDIVIDUAL_ORG_SUFFIXES) or (
            _LATIN_RE.search(nkey) and self._spell(nkey).endswith(self._spelled_org_suffixes)
        ):
            out.append(
                Finding(
                    article="7",
                    rule="consistency.individual_as_org",
                    field="name",
                    span=(0, len(name)),
                    matched=name,
                    term=name,
                    evasion=(),
                    severity="review",
                    explanation="个人账号名称以企业名称形式出现，与个人真实信息不一致（第七条）",
                )
            )
