"""Accuracy report of the rules engine on the labelled corpus (issues 17 and 21).

    .venv/bin/python tests/rules/rules_eval.py [--families] [--perturb] [--misses]

Prints, overall and per family (a case file, or the id prefix of a ``families/*.jsonl`` case):

- recall: violating cases (expected decision other than ``allow``) not allowed;
- specificity: clean cases (expected ``allow``) allowed;
- article-correct: caught violating cases that carry every expected article.

``--perturb`` applies each mechanical evasion of issue 21 to every text field of every case
(zero-width spaces, a separator between every character of short texts, one Chinese character
→ its pinyin syllable, traditional characters, full-width ASCII, one emoji) and reports the same
figures per perturbation.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import rules  # noqa: E402

TEXT_KEYS = ("name", "bio", "signature", "certification", "profession")
SEPARATORS = ("·", " ", "-", "_", "丨", "/", "~")


def load_cases(dirs: list[Path]) -> list[tuple[str, dict]]:
    out = []
    for d in dirs:
        for path in sorted(d.glob("*.jsonl")):
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    case = json.loads(line)
                    fam = path.stem
                    if d.name == "families":
                        fam = case["id"].rsplit("-", 1)[0]
                    out.append((fam, case))
    return out


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def _pinyin_one(text: str, rng: random.Random) -> str:
    from pypinyin import lazy_pinyin

    idx = [i for i, c in enumerate(text) if _is_cjk(c)]
    if not idx:
        return text
    i = rng.choice(idx)
    return text[:i] + lazy_pinyin(text[i])[0] + text[i + 1 :]


def _traditional(text: str, _rng: random.Random) -> str:
    import opencc

    global _S2T
    if _S2T is None:
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


_S2T = None


def _fullwidth(text: str, _rng: random.Random) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _emoji(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + "🔥" + text[i:]


def _zero_width(text: str, _rng: random.Random) -> str:
    return "\u200b".join(text)


def _separator(text: str, rng: random.Random) -> str:
    if len(text) > 20:
        return text
    return rng.choice(SEPARATORS).join(text)


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "zero_width": _zero_width,
    "separator": _separator,
    "pinyin": _pinyin_one,
    "traditional": _traditional,
    "fullwidth": _fullwidth,
    "emoji": _emoji,
}


def perturb(case: dict, how: str, seed: int = 0) -> dict:
    rng = random.Random(f"{case['id']}/{how}/{seed}")
    inp = dict(case["input"])
    for k in TEXT_KEYS:
        if inp.get(k):
            inp[k] = PERTURBATIONS[how](inp[k], rng)
    return {**case, "input": inp}


def run_case(engine, case: dict) -> tuple[str, set[str]]:
    inp = case["input"]
    info = {k: inp.get(k, "") for k in TEXT_KEYS}
    ctx = {k: inp[k] for k in ("account_type", "verified_org_name", "verified_uscc", "qualifications") if k in inp}
    v = engine.check(info, ctx)
    return v.decision, {f.article for f in v.findings}


class Tally:
    def __init__(self) -> None:
        self.pos = self.caught = self.art_ok = self.neg = self.allowed = 0

    def add(self, case: dict, decision: str, articles: set[str]) -> bool:
        exp = case["expect"]
        if exp["decision"] == "allow":
            self.neg += 1
            ok = decision == "allow"
            self.allowed += ok
            return ok
        self.pos += 1
        if decision == "allow":
            return False
        self.caught += 1
        good = set(exp.get("articles", [])) <= articles
        self.art_ok += good
        return good

    def row(self, label: str) -> str:
        rec = f"{self.caught / self.pos:.3f}" if self.pos else "  -  "
        art = f"{self.art_ok / self.caught:.3f}" if self.caught else "  -  "
        spec = f"{self.allowed / self.neg:.3f}" if self.neg else "  -  "
        return f"{label:<28} n+={self.pos:<4} recall={rec}  article={art}  n-={self.neg:<4} specificity={spec}"


def evaluate(engine, cases, how: str | None, misses: bool) -> dict[str, Tally]:
    per: dict[str, Tally] = defaultdict(Tally)
    for fam, case in cases:
        c = perturb(case, how) if how else case
        decision, arts = run_case(engine, c)
        ok = per["ALL"].add(c, decision, arts)
        per[fam].add(c, decision, arts)
        if misses and not ok:
            print(f"  MISS {case['id']} [{how or 'plain'}] got {decision} {sorted(arts)} "
                  f"expect {case['expect']} {json.dumps(c['input'], ensure_ascii=False)}")
    return per


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--families", action="store_true", help="tests/rules/families (issue 17) instead of tests/rules/cases")
    p.add_argument("--perturb", action="store_true", help="also the issue-21 perturbations")
    p.add_argument("--misses", action="store_true", help="list every miss and false alarm")
    p.add_argument("--quiet", action="store_true", help="overall rows only")
    args = p.parse_args(argv)
    dirs = [HERE / "families"] if args.families else [HERE / "cases"]
    cases = load_cases([d for d in dirs if d.exists()])
    engine = rules.load()
    for how in [None, *(PERTURBATIONS if args.perturb else ())]:
        per = evaluate(engine, cases, how, args.misses)
        print(f"== {how or 'plain'} ==")
        print(per.pop("ALL").row("ALL"))
        if not args.quiet:
            for fam in sorted(per):
                print(per[fam].row(fam))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
