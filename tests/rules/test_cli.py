"""`python -m rules check` and `python -m rules lint` (issue 3: try a rule set without the web app)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rules", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_jsonl_same_order_and_errors_inline(qr_png) -> None:
    lines = [
        json.dumps({"name": "北京吃货"}, ensure_ascii=False),
        "{not json",
        json.dumps(
            {
                "name": "北京市公安局",
                "account_type": "organization",
                "verified_org_name": "北京市公安局",
                "verified_uscc": "11110000000000000X",
            },
            ensure_ascii=False,
        ),
        json.dumps(["a list"]),
        json.dumps({"name": "王医生", "qualifications": ["medical"]}, ensure_ascii=False),
        json.dumps({"bio": "加微信 abc12345"}, ensure_ascii=False),
        json.dumps({"name": 5}),
        "",
        json.dumps({"name": "小鱼", "avatar_b64": base64.b64encode(qr_png("weixin://abc")).decode()}),
    ]
    out = run(["check"], "\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == len(lines)
    assert rows[0]["decision"] == "allow"
    assert "error" in rows[1]
    assert rows[2]["decision"] == "allow"
    assert "error" in rows[3]
    assert rows[4]["decision"] == "allow"
    assert rows[5]["decision"] == "reject" and rows[5]["findings"][0]["article"] == "8.6"
    assert "error" in rows[6] and "error" in rows[7]
    assert rows[8]["findings"][0]["field"] == "avatar"
    assert len({r["ruleset"] for r in rows if "ruleset" in r}) == 1


def test_lint_shipped_is_clean() -> None:
    out = run(["lint"])
    assert out.returncode == 0, out.stdout + out.stderr


def test_lint_reports_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text(
        "#% kind=term category=x article=8.2 severity=reject\n"
        "国务院\n"
        "國務院\n"  # duplicate after normalisation
        "某某\tarticle=8.9\n"  # unknown article
        "某词\tseverity=review\n"
        "某词\tseverity=reject\n"  # conflict
        "#% kind=allow\n"
        "国务院\tarticle=8.2\n",  # allow swallows a deny term
        encoding="utf-8",
    )
    out = run(["lint", "--lexicons", str(tmp_path)])
    assert out.returncode == 1
    text = out.stdout
    assert "duplicate" in text and "unknown article" in text and "conflicts" in text and "swallows" in text
