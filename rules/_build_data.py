"""Dev-time generator for the machine-made lexicon data files (not used at run time).

Regenerates three files in ``rules/lexicons/`` from public sources, so the engine itself needs
neither the sources nor the libraries that ship them:

- ``divisions.txt``: every province, prefecture-level city and county/district of the People's
  Republic of China (Art 8 item 5, and the division + organ-suffix patterns of Art 8 item 2),
  from the ``adcodes.csv`` of the PyPI package ``cpca`` (MIT licence, © 2018 QinYuan Du).
- ``pinyin.txt``: character → toneless pinyin (first, most common reading) for homophone matching
  (Art 8 item 6: 同音、谐音), from ``pypinyin``'s ``pinyin_dict`` (MIT licence).
- ``t2s.txt``: the per-character traditional → simplified map of OpenCC's ``t2s`` config
  (Apache-2.0), so normalisation is a single ``str.translate``.
- ``shapes.txt``: 形近字 (characters that differ by a stroke or a component) for every character of
  the protected media, organ and international-organisation names (Art 8 item 6: 相近的文字),
  from the character data of the PyPI package ``char-similar`` (MIT licence, © Yongzhuo Mo):
  four-corner codes (四角号码), stroke decompositions, stroke counts and structure classes.

Usage (once, at development time)::

    pip download cpca --no-deps -d /tmp/cpca && unzip /tmp/cpca/*.whl -d /tmp/cpca/x
    .venv/bin/python -m rules._build_data /tmp/cpca/x/cpca/resources

    uv pip install --no-deps --target /tmp/charsim char-similar    # shapes.txt only
    .venv/bin/python -c "from rules._build_data import build_shapes; build_shapes('/tmp/charsim/char_similar/data')"
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from pathlib import Path

LEXICONS = Path(__file__).resolve().parent / "lexicons"

# Level suffixes stripped to derive the short name people actually write (北京市 → 北京).
_LEVEL_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "新区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)


# Rows of adcodes.csv that are statistical placeholders, not names anyone uses.
_PLACEHOLDERS = frozenset(
    {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划", "中沙群岛的岛礁及其海域"}
)


def _short_names(name: str, nations: list[str]) -> set[str]:
    """Short forms of a division name (广西壮族自治区 → 广西, 本溪满族自治县 → 本溪)."""
    out: set[str] = set()
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            core = name[: -len(suffix)]
            changed = True
            while changed:
                changed = False
                for nation in nations:
                    if core.endswith(nation) and len(core) > len(nation):
                        core = core[: -len(nation)]
                        changed = True
            if len(core) >= 2:
                out.add(core)
            break
    out.discard(name)
    return out


def build_divisions(resources: Path) -> None:
    nations = [n.strip() for n in (resources / "56_nations.csv").read_text("utf-8").split() if n.strip()]
    # Longest first so 土家族 is stripped before 家族-like accidents; also accept forms without 族.
    nations += [n[:-1] for n in nations if n.endswith("族") and len(n) > 2]
    nations = sorted(set(nations), key=len, reverse=True)
    names: dict[str, set[str]] = {}
    with (resources / "adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            name = row["name"].strip()
            if name in _PLACEHOLDERS or not name:
                continue
            names.setdefault(name, set()).add(code)
            for short in _short_names(name, nations):
                names.setdefault(short, set()).add(code)
    lines = [
        "# Administrative divisions of the PRC: provinces, prefecture-level cities, counties and districts.",
        "# Art 8 item 5 (行政区域名称) and the division + organ-suffix patterns of Art 8 item 2.",
        "# Source: adcodes.csv of the PyPI package cpca 0.5.5 (MIT licence, (c) 2018 QinYuan Du,",
        "# https://github.com/DQinYuan/chinese_province_city_area_mapper), extracted once at development",
        "# time by rules/_build_data.py; short names (北京市 → 北京) are derived there. cpca is NOT a run-time",
        "# dependency. A division alone is never a finding; it only composes with the suffix lexicons.",
        "#% kind=division category=division",
    ]
    for name in sorted(names):
        lines.append(f"{name}\tadcode={','.join(sorted(names[name]))}")
    (LEXICONS / "divisions.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toneless(syllable: str) -> str:
    s = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in s if not unicodedata.combining(c)).replace("ü", "v")


def build_pinyin() -> None:
    from pypinyin.pinyin_dict import pinyin_dict  # dev-time only

    groups: dict[str, list[str]] = {}
    for cp in sorted(pinyin_dict):
        if not (0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF):
            continue
        first = pinyin_dict[cp].split(",")[0]
        groups.setdefault(_toneless(first), []).append(chr(cp))
    lines = [
        "# Character → toneless pinyin (first listed, i.e. most common reading), for homophone matching",
        "# (Art 8 item 6: 同音、谐音). Generated once by rules/_build_data.py from pypinyin's pinyin_dict",
        "# (MIT licence). Format: syllable<TAB>characters having that reading.",
    ]
    for syl in sorted(groups):
        lines.append(f"{syl}\t{''.join(groups[syl])}")
    (LEXICONS / "pinyin.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_t2s() -> None:
    import opencc  # dev-time only

    conv = opencc.OpenCC("t2s")
    pairs = []
    for cp in list(range(0x3400, 0xA000)) + list(range(0xF900, 0xFB00)):
        c = chr(cp)
        s = conv.convert(c)
        if s != c and len(s) == 1:
            pairs.append(f"{c}{s}")
    lines = [
        "# Traditional → simplified, per character (OpenCC t2s config, Apache-2.0), generated once by",
        "# rules/_build_data.py. Used to undo the 'traditional characters' evasion with one str.translate.",
        "# Format: pairs of characters (traditional then simplified), 32 pairs per line.",
    ]
    for i in range(0, len(pairs), 32):
        lines.append(" ".join(pairs[i : i + 32]))
    (LEXICONS / "t2s.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _shape_similar(a: str, b: str, fa: dict, parts: dict, strokes: dict, struct: dict) -> bool:
    """Two characters look alike: four-corner codes agree in four of five places and at most two
    strokes apart; or in three, with the same structure, a shared component and at most two
    strokes apart (社/杜, 部/郎, 院/阮, 报/抱, 日/曰, 末/未, 视/祝)."""
    same = sum(x == y for x, y in zip(fa.get(a, ""), fa.get(b, ""), strict=False))
    try:
        diff = abs(int(strokes[a]) - int(strokes[b]))
    except (KeyError, ValueError):
        return False
    if same >= 4 and diff <= 2:
        return True
    shared = set(parts.get(a, ())) & set(parts.get(b, ()))
    return same >= 3 and diff <= 2 and struct.get(a) == struct.get(b) and bool(shared)


#: 形近字 kept per character: the closest by shared components and four-corner code, then strokes.
MAX_SHAPES = 12


def build_shapes(data_dir: str | Path) -> None:
    import json

    d = Path(data_dir)
    fa = json.loads((d / "char_fourangle.dict").read_text("utf-8"))
    parts = json.loads((d / "char_stroke.dict").read_text("utf-8"))
    strokes = json.loads((d / "char_number.dict").read_text("utf-8"))
    struct = json.loads((d / "char_struct.dict").read_text("utf-8"))
    common = bytes(b for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF) for b in (hi, lo)).decode(
        "gb2312", "ignore"
    )
    pool = [c for c in common if c in fa]
    protected: set[str] = set()
    for name in ("media.txt", "organs.txt", "intl_orgs.txt", "organ_suffixes.txt", "social_orgs.txt"):
        for line in (LEXICONS / name).read_text("utf-8").splitlines():
            if line and not line.startswith("#"):
                protected.update(c for c in line.split("\t")[0] if "\u4e00" <= c <= "\u9fff")
    lines = [
        "# 形近字 for the characters of protected names (media, organs, international organisations):",
        "# character<TAB>characters that look like it. Generated by rules/_build_data.py (build_shapes)",
        "# from the data of the PyPI package char-similar (MIT licence, © Yongzhuo Mo).",
    ]
    def by_code(a: str, b: str) -> tuple[int, int, int]:
        same = sum(x == y for x, y in zip(fa.get(a, ""), fa.get(b, ""), strict=False))
        return (-same, abs(int(strokes[a]) - int(strokes[b])), ord(b))

    def by_parts(a: str, b: str) -> tuple[int, int, int]:
        shared = len(set(parts.get(a, ())) & set(parts.get(b, ())))
        return (-shared, *by_code(a, b))

    for c in sorted(protected):
        alike = [b for b in pool if b != c and _shape_similar(c, b, fa, parts, strokes, struct)]
        half = MAX_SHAPES // 2  # the closest few by four-corner code and by shared components
        first = sorted(alike, key=lambda b: by_code(c, b))[:half]
        alike = list(dict.fromkeys(first + sorted(alike, key=lambda b: by_parts(c, b))[:half]))
        if alike:
            lines.append(f"{c}\t{''.join(alike)}")
    (LEXICONS / "shapes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    build_divisions(Path(argv[0]))
    build_pinyin()
    build_t2s()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
