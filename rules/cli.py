"""Command line for the rules engine (Art 10 核验 without the web app).

``python -m rules check [--lexicons DIR]`` reads one JSON object per line on stdin (keys: name,
bio, signature, certification, profession, account_type, verified_org_name, verified_uscc,
qualifications, and avatar_b64/cover_b64 for base64 images) and writes one verdict per line, in
the same order; a line that is not a JSON object gets ``{"error": …}`` instead.

``python -m rules lint [--lexicons DIR]`` validates the lexicons and exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from typing import BinaryIO, TextIO

from .engine import Engine, load
from .lint import lint

CONTEXT_KEYS = ("account_type", "verified_org_name", "verified_uscc", "qualifications")


def check_line(engine: Engine, line: str) -> dict[str, object]:
    """One input line → one output object (a verdict, or an error)."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        return {"error": f"invalid JSON: {exc}"}
    if not isinstance(obj, dict):
        return {"error": "expected a JSON object"}
    info: dict[str, object] = {}
    for key in ("name", "bio", "signature", "certification", "profession"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return {"error": f"{key} must be a string"}
        info[key] = value or ""
    for key in ("avatar", "cover"):
        b64 = obj.get(f"{key}_b64")
        if b64:
            if not isinstance(b64, str):
                return {"error": f"{key}_b64 must be a base64 string"}
            try:
                info[key] = base64.b64decode(b64, validate=False)
            except (binascii.Error, ValueError) as exc:
                return {"error": f"{key}_b64: {exc}"}
    quals = obj.get("qualifications") or []
    if isinstance(quals, str):
        quals = [quals]
    if not isinstance(quals, list):
        return {"error": "qualifications must be a list"}
    context = {k: obj.get(k) for k in CONTEXT_KEYS}
    context["qualifications"] = [str(q) for q in quals]
    try:
        return engine.check(info, context).to_dict()
    except Exception as exc:  # noqa: BLE001 — one bad record must not stop the stream
        return {"error": f"{type(exc).__name__}: {exc}"}


def run_check(engine: Engine, stdin: TextIO | BinaryIO, stdout: TextIO) -> int:
    """Answer each input line in order. With a binary stream the input is read in the chunks
    that are available (``read1``) and the answers to a chunk are flushed together: one write
    per chunk, yet a caller that sends one line and waits still gets its answer at once."""
    if not hasattr(stdin, "read1"):
        for line in stdin:
            _answer(engine, line if isinstance(line, str) else line.decode("utf-8", "replace"), stdout)
            stdout.flush()
        return 0
    rest = b""
    for chunk in iter(lambda: stdin.read1(1 << 16), b""):  # type: ignore[union-attr]
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for raw in lines:
            _answer(engine, raw.decode("utf-8", "replace"), stdout)
        stdout.flush()
    if rest.strip():
        _answer(engine, rest.decode("utf-8", "replace"), stdout)
        stdout.flush()
    return 0


def _answer(engine: Engine, line: str, stdout: TextIO) -> None:
    line = line.strip()
    result = check_line(engine, line) if line else {"error": "empty line"}
    stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rules", description="Qinglang account-information rules engine"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_check = sub.add_parser("check", help="JSON lines on stdin → one verdict per line on stdout")
    p_check.add_argument("--lexicons", default=None, help="lexicon directory (default: the shipped one)")
    p_lint = sub.add_parser("lint", help="validate lexicons; exit 1 on problems")
    p_lint.add_argument("--lexicons", default=None)
    args = parser.parse_args(argv)
    if args.command == "lint":
        problems = lint(args.lexicons)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} problem(s)", file=sys.stderr)
            return 1
        print("lexicons OK", file=sys.stderr)
        return 0
    engine = load(args.lexicons)
    stdin = open(sys.stdin.fileno(), "rb", closefd=False)  # noqa: SIM115
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False, buffering=1 << 16)  # noqa: SIM115
    return run_check(engine, stdin, stdout)
