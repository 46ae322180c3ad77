"""Dump the rules engine's verdict for every corpus case, as JSON lines, to compare two versions.

Refactoring the engine must not change a single verdict (issue 10). Run this before and after a
change and compare the outputs byte for byte::

    .venv/bin/python scripts/rules_verdicts.py > before.jsonl
    # ... change rules/ ...
    .venv/bin/python scripts/rules_verdicts.py > after.jsonl
    cmp before.jsonl after.jsonl

Every case of ``tests/rules/cases/*.jsonl`` goes through the shipped lexicons and through an
engine with supervisor-style extra terms (homophone-sensitive, allow-listed, composed); then the
avatar/cover QR cases and the
generated profiles of ``bench/rules_bench.py`` (mostly clean, some bad) go through the shipped
engine. Each line is ``{"id", "engine", "verdict"}`` with the verdict exactly as ``python -m rules
check`` would print it.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import rules  # noqa: E402
from rules.cli import check_line  # noqa: E402

EXTRA = [
    {"term": "测试违规词", "category": "extra", "article": "8.8", "severity": "reject"},
    {"term": "清朗小店", "category": "extra", "article": "8.2", "severity": "review", "homophone": True},
    {"term": "美食", "category": "extra", "article": "8.7", "severity": "review"},
    {"term": "人民日报评论", "category": "extra", "article": "8.4", "severity": "reject", "allow": True},
    {"term": "官方客服", "category": "extra", "article": "8.2", "severity": "reject", "homophone": True},
]


def _bench_profiles(n: int) -> list[dict[str, str]]:
    spec = importlib.util.spec_from_file_location("rules_bench", ROOT / "bench" / "rules_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    return bench.make_profiles(n, random.Random(20221))  # noqa: S311 — the bench's fixed test data, not secrets


def _qr_png(text: str) -> bytes:
    import io

    import zxingcpp
    from PIL import Image

    mv = memoryview(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode),
                                                    scale=6))
    canvas = Image.new("L", (600, 400), 255)
    canvas.paste(Image.frombytes("L", (mv.shape[1], mv.shape[0]), bytes(mv)), (150, 60))
    buf = io.BytesIO()
    canvas.save(buf, "PNG")
    return buf.getvalue()


def main() -> int:
    engines = {"shipped": rules.load(), "extra": rules.load(extra=EXTRA)}
    out = sys.stdout
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            for label, engine in engines.items():
                verdict = check_line(engine, json.dumps(case["input"], ensure_ascii=False))
                out.write(json.dumps({"id": case["id"], "engine": label, "verdict": verdict},
                                     ensure_ascii=False, sort_keys=True) + "\n")
    qr = _qr_png("https://u.wechat.com/kqinglang")
    for label, info in (("qr-avatar", {"name": "小鱼", "avatar": qr}), ("qr-cover", {"name": "小鱼", "cover": qr}),
                        ("qr-both", {"name": "北京市公安局", "avatar": qr, "cover": qr})):
        out.write(json.dumps({"id": label, "engine": "shipped", "verdict": engines["shipped"].check(info).to_dict()},
                             ensure_ascii=False, sort_keys=True) + "\n")
    for i, profile in enumerate(_bench_profiles(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)):
        verdict = engines["shipped"].check(profile).to_dict()
        out.write(json.dumps({"id": f"profile-{i}", "engine": "shipped", "verdict": verdict},
                             ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
