"""Qinglang rules engine: account information in, a verdict with reasons out.

Implements the checks of the *Provisions on the Administration of Internet User Account
Information* (互联网用户账号信息管理规定, 2022): Art 7 (consistency with the real profession or
organisation), Art 8 items 1–8 (prohibited account information), Art 10 ¶2 (strict review of
中国/中华/中央/全国/国家 and state symbols) and Art 11 (qualifications for regulated domains).
Pure Python: imports nothing from Django (a test keeps it that way).

Public API::

    engine = rules.load(lexicon_dir=None, extra=None)   # compile; engine.version is the rule-set id
    verdict = engine.check(info, context)                # Info/dict, Context/dict → Verdict
    verdict.decision, verdict.findings, verdict.to_dict()
    engine.name_key(name)                                # normalised name, for Art 10 ¶3
    rules.lint(lexicon_dir=None)                         # problems in lexicon files (list of str)
"""

from __future__ import annotations

from .engine import ENGINE_CODE_VERSION, Engine, load
from .lint import lint
from .model import ARTICLES, DECISIONS, DOMAINS, TEXT_FIELDS, Context, Finding, Info, Verdict

__all__ = [
    "ARTICLES",
    "DECISIONS",
    "DOMAINS",
    "ENGINE_CODE_VERSION",
    "TEXT_FIELDS",
    "Context",
    "Engine",
    "Finding",
    "Info",
    "Verdict",
    "lint",
    "load",
]
