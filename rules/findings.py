"""Tidying findings before they go into a verdict: a match inside an allow-list span is dropped;
within one field, overlapping matches of one rule are merged (加微 + 微信 → 加微信), a finding
contained in another of the same article that is at least as severe is dropped (its evasions go to
the one kept) and so is an official claim (8.7) inside an impersonation; across the whole check,
one finding is kept per article, rule, field and span.
"""

from __future__ import annotations

from .impersonation import _IMPERSONATION
from .model import SEVERITY_RANK, Finding


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per (article, rule, field, span): the most severe, first seen on a tie. Two
    lexicon entries (or a lexicon entry and a supervisor term) with the same key would otherwise
    report the same thing twice."""
    if len(findings) < 2:
        return findings
    best: dict[tuple[str, str, str, tuple[int, int]], int] = {}
    out: list[Finding | None] = []
    for f in findings:
        k = (f.article, f.rule, f.field, f.span)
        i = best.get(k)
        if i is None:
            best[k] = len(out)
            out.append(f)
        else:
            prev = out[i]
            if prev is not None and SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]:
                tags = tuple(dict.fromkeys(f.evasion + prev.evasion))
                out[i] = Finding(
                    f.article, f.rule, f.field, f.span, f.matched, f.term, tags, f.severity, f.explanation
                )
    return [f for f in out if f is not None]


def _allowed(s: int, e: int, article: str, allows: list[tuple[int, int, str]]) -> bool:
    for a_s, a_e, a_art in allows:
        if a_s <= s and e <= a_e and (not a_art or a_art == article):
            return True
    return False


def _merge(findings: list[Finding]) -> list[Finding]:
    """Merge overlapping findings of the same rule (加微 + 微信 → 加微信) into one."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda x: (x.rule, x.span)):
        last = out[-1] if out else None
        if last is not None and last.rule == f.rule and f.span[0] < last.span[1]:
            start, end = last.span[0], max(last.span[1], f.span[1])
            full = (
                last.matched + f.matched[last.span[1] - f.span[0] :] if end > last.span[1] else last.matched
            )
            worse = f if SEVERITY_RANK[f.severity] > SEVERITY_RANK[last.severity] else last
            longer = f if f.span[1] - f.span[0] > last.span[1] - last.span[0] else last
            out[-1] = Finding(
                article=last.article,
                rule=last.rule,
                field=last.field,
                span=(start, end),
                matched=full,
                term=longer.term,
                evasion=tuple(dict.fromkeys(last.evasion + f.evasion)),
                severity=worse.severity,
                explanation=worse.explanation,
            )
        else:
            out.append(f)
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding contained in another of the same article that is at least as severe, and an
    official-claim (8.7) inside an impersonation finding; merge overlaps of one rule."""
    if len(findings) < 2:
        return findings
    findings = _merge(findings)
    findings = [
        f
        for f in findings
        if f.rule != "lex.claim_official"
        or not any(
            g.article in _IMPERSONATION and g.span[0] <= f.span[0] and f.span[1] <= g.span[1]
            for g in findings
        )
    ]
    keep: list[Finding] = []
    for i, f in enumerate(findings):
        s, e = f.span
        dominated = False
        for j, g in enumerate(findings):
            if i == j or g.article != f.article:
                continue
            gs, ge = g.span
            if gs <= s and e <= ge:
                rg, rf = SEVERITY_RANK[g.severity], SEVERITY_RANK[f.severity]
                if rg > rf or (rg == rf and ((gs, ge) != (s, e) or j < i)):
                    dominated = True
                    break
        if not dominated:
            keep.append(f)
    if len(keep) == len(findings):
        return keep
    out: list[Finding] = []
    for f in keep:  # a finding inherits the evasions of those it swallowed (薇信：壹叁捌…)
        extra = [
            t
            for g in findings
            if g is not f
            and g not in keep
            and g.article == f.article
            and f.span[0] <= g.span[0]
            and g.span[1] <= f.span[1]
            for t in g.evasion
        ]
        if extra:
            tags = tuple(dict.fromkeys(f.evasion + tuple(extra)))
            if tags != f.evasion:
                f = Finding(
                    f.article, f.rule, f.field, f.span, f.matched, f.term, tags, f.severity, f.explanation
                )
        out.append(f)
    return out
