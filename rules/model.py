"""Input and output types of the rules engine (Art 23 account information in, a verdict out).

`Info` holds the account information fields of Art 23 (名称、头像、封面、简介、签名、认证信息, plus the
professional information of Art 7); `Context` what the platform has verified about the account
(Art 7 organisation name, Art 9 USCC, Art 11 qualifications). A `Verdict` carries the decision of
Art 10: `allow`, `review` (核验), `strict_review` (从严核验) or `reject` (不予注册或者变更).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Decisions, least to most severe. The most severe finding decides (Art 10).
DECISIONS: tuple[str, ...] = ("allow", "review", "strict_review", "reject")
SEVERITY_RANK: dict[str, int] = {d: i for i, d in enumerate(DECISIONS)}

#: Article codes a finding may carry.
ARTICLES: tuple[str, ...] = ("7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "10.2", "11")

#: Qualification domains of Art 11.
DOMAINS: tuple[str, ...] = ("news", "publishing", "economy", "education", "medical", "judicial")

#: The text fields of Art 23 (and Art 7's profession), in checking order.
TEXT_FIELDS: tuple[str, ...] = ("name", "bio", "signature", "certification", "profession")
IMAGE_FIELDS: tuple[str, ...] = ("avatar", "cover")


@dataclass(slots=True)
class Info:
    """Account information (Art 23): the text fields, and avatar/cover as raw image bytes."""

    name: str = ""
    bio: str = ""
    signature: str = ""
    certification: str = ""
    profession: str = ""
    avatar: bytes | None = None
    cover: bytes | None = None

    @classmethod
    def coerce(cls, value: Any) -> Info:
        """Accept an `Info`, a mapping with the same keys, or any object with those attributes."""
        if isinstance(value, Info):
            return value
        if type(value) is dict:
            g = value.get
            name, bio, sig, cert, prof = (
                g("name"),
                g("bio"),
                g("signature"),
                g("certification"),
                g("profession"),
            )
            if (
                (name is None or type(name) is str)
                and (bio is None or type(bio) is str)
                and (sig is None or type(sig) is str)
                and (cert is None or type(cert) is str)
                and (prof is None or type(prof) is str)
            ):
                av, cv = g("avatar"), g("cover")
                return cls(
                    name or "",
                    bio or "",
                    sig or "",
                    cert or "",
                    prof or "",
                    bytes(av) if isinstance(av, bytes | bytearray | memoryview) else None,
                    bytes(cv) if isinstance(cv, bytes | bytearray | memoryview) else None,
                )
        get = value.get if isinstance(value, Mapping) else (lambda k, d=None: getattr(value, k, d))
        out = cls()
        for name in TEXT_FIELDS:
            v = get(name, None)
            setattr(out, name, v if isinstance(v, str) else ("" if v is None else str(v)))
        for name in IMAGE_FIELDS:
            v = get(name, None)
            out_v = bytes(v) if isinstance(v, bytes | bytearray | memoryview) else None
            setattr(out, name, out_v)
        return out


@dataclass(slots=True)
class Context:
    """What the platform has verified: account kind (Art 7), organisation name and USCC (Art 9),
    and the qualification domains held (Art 11)."""

    account_type: str = "individual"
    verified_org_name: str = ""
    verified_uscc: str = ""
    qualifications: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def coerce(cls, value: Any) -> Context:
        """Accept a `Context`, a mapping with the same keys, any object with them, or None."""
        if isinstance(value, Context):
            return value
        if value is None:
            return cls()
        get = value.get if isinstance(value, Mapping) else (lambda k, d=None: getattr(value, k, d))
        quals = get("qualifications", None) or ()
        if isinstance(quals, str):
            quals = [quals]
        kind = get("account_type", None) or get("kind", None) or "individual"
        return cls(
            account_type=str(kind),
            verified_org_name=str(get("verified_org_name", None) or ""),
            verified_uscc=str(get("verified_uscc", None) or "").strip().upper(),
            qualifications=frozenset(str(q) for q in quals if q)
            if isinstance(quals, Iterable)
            else frozenset(),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason for a decision: which article, which rule, where in which field, and how.

    `span` is a half-open [start, end) range into the *original* field text and `matched` is exactly
    `original[start:end]`; for images the span is (0, 0) and `matched` the decoded QR text.
    """

    article: str
    rule: str
    field: str
    span: tuple[int, int]
    matched: str
    term: str
    evasion: tuple[str, ...]
    severity: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "article": self.article,
            "rule": self.rule,
            "field": self.field,
            "span": [self.span[0], self.span[1]],
            "matched": self.matched,
            "term": self.term,
            "evasion": list(self.evasion),
            "severity": self.severity,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of checking one account's information (Art 10): the decision, the rule-set
    version that produced it, and the findings behind it."""

    decision: str
    ruleset: str
    findings: tuple[Finding, ...] = ()

    @property
    def articles(self) -> list[str]:
        """Distinct article codes of the findings, in order of first appearance."""
        return list(dict.fromkeys(f.article for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "decision": self.decision,
            "ruleset": self.ruleset,
            "findings": [f.to_dict() for f in self.findings],
        }


def decide(findings: Iterable[Finding]) -> str:
    """The most severe finding wins: reject > strict_review > review > allow."""
    rank = 0
    for f in findings:
        r = SEVERITY_RANK.get(f.severity, 0)
        if r > rank:
            rank = r
    return DECISIONS[rank]
