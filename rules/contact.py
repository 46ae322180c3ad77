"""Art 8 item 6 — contact details carried in account information (故意夹带…网址、邮箱、联系方式).

Works on the *contact view* of a text (`normalise.ContactNormaliser`): same length as the original,
with disguised digits (一三八, 壹叁捌, ①③⑧, full-width) turned into ASCII and 点/。 into a dot, so a
match's offsets are offsets into the original text. One compiled regular expression finds the
candidates; phone numbers are confirmed with ``phonenumbers`` only for digit runs long enough to be
one. A contact in a name is `reject`; in other fields `review`, or `reject` when it was disguised
(the disguise shows the intent the article targets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import contact_char_is_variant

_TLDS = (
    "com|c0m|net|org|cn|top|xyz|cc|vip|io|info|tv|club|shop|site|online|wang|ink|link|app|tk|ml|ga|cf|gq|"
    "icu|fun|live|pro|biz|hk|tw|us|uk|jp|ru|store|tech|work|cloud|asia|mobi|name|email|space|website|"
    "win|bid|loan|red|kim|ltd|group|co|me|ly|gl|gd|to|im|la|ws|so|ai"
)
_DOT = r"\s?(?:\.|dot|dian|\(dot\)|\[dot\])\s?"
_SEP = r"[\s\-–—_.,/\\|~*+()\[\]·:：]"

# Every alternative starts with a literal or a character set (the look-behinds come after the
# first character), so the regex engine skips text that cannot start a match at C speed.
CONTACT_RE = re.compile(
    r"(?P<url>(?:https?|ftp)\s?:\s?//\s?[^\s，。,]+"
    r"|www" + _DOT + r"[a-z0-9\-]+(?:" + _DOT + r"[a-z0-9\-]+)*"
    r"|t\s?\.\s?me\s?/\s?[a-z0-9_]{3,}"
    r"|[a-z0-9](?<![a-z0-9@#\-].)[a-z0-9\-]{1,62}(?:"
    + _DOT
    + r"[a-z0-9\-]{2,63})*"
    + _DOT
    + r"(?:"
    + _TLDS
    + r")(?![a-z0-9])"
    r"(?:/[^\s，。,]*)?)"
    r"|(?P<email>[a-z0-9][a-z0-9._%+\-]*\s?(?:@|#|\(at\)|\[at\]|\{at\}|艾特|圈a|\sat\s)\s?[a-z0-9\-]+(?:"
    + _DOT
    + r"[a-z0-9\-]+)*"
    + _DOT
    + r"(?:c0m|[a-z]{2,6}))"
    r"|(?P<digits>[0-9](?<![0-9].)(?:" + _SEP + r"{0,3}[0-9]){4,15}(?![0-9]))"
)

#: Contexts that make a 5–11 digit number a QQ number: qq, QQ号, 扣扣, 企鹅, and a lone q or Q with
#: up to three separators (私我 q 1234567890, Q-87654321, ➕Q 87654321).
QQ_BEFORE_RE = re.compile(
    r"(?:qq|q\s?q|[扣抠口蔻寇叩釦]{2}|球球|企鹅|企鵝|q号|q群|qq群|群号|q\s?[:：]|kou\s?扣|扣\s?kou|kou\s?kou|企\s?e|qi\s?鹅|qi\s?e)[^0-9]{0,4}$"
    r"|(?<![a-z0-9])q[\s:：\-_=~～/|.,，>+]{0,3}$"
)
_HEARTS = "❤♥💗💕💖❣💓💞💘❥🧡💛💚💙💜🖤🤍🤎"
#: WeChat solicitations that the key view cannot see: 薇❤ / V❤ (a heart for 信) and +V / ＋vx.
WECHAT_RE = re.compile(
    r"(?:[薇威微]|wei)[\s\ufe0f]*[" + _HEARTS + r"]|(?<![a-z0-9])[vＶｖ][\s\ufe0f]*[" + _HEARTS + r"]"
    r"|(?<![a-z0-9])[+＋➕]\s?(?:vx|wx|v|微|薇|威)(?![a-z])",
    re.IGNORECASE,
)
#: A one-character WeChat label that counts only with an id after it (V：abc12345, 薇：abc12345).
WECHAT_LABEL_RE = re.compile(r"(?<![a-z0-9])(?:v|微|薇|威|徽|wei)\s?[:：]", re.IGNORECASE)

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_WORD = "zero|one|two|three|four|five|six|seven|eight|nine"
#: A number spelled out in English words, possibly mixed with digits (one three eight 1234 5678).
SPELLED_RE = re.compile(
    r"(?<![a-z])(?:" + _WORD + r")(?:[\s\-_.,/|]{0,3}(?:" + _WORD + r"|oh|[0-9])){4,15}(?![a-z])"
)
_SPELLED_TOKEN_RE = re.compile(_WORD + r"|oh|[0-9]")
_PY_DIGITS = {
    "ling": "0", "yao": "1", "yi": "1", "er": "2", "liang": "2", "san": "3", "si": "4",
    "wu": "5", "liu": "6", "lu": "6", "qi": "7", "ba": "8", "jiu": "9",
}  # fmt: skip
_PY = "ling|liang|liu|lu|yao|yi|er|san|si|wu|qi|ba|jiu"
#: A number with some digits written as their pinyin syllable (一三八 er 三…, 139 liu 5…).
PINYIN_DIGITS_RE = re.compile(
    r"(?<![a-z])(?:[0-9]|" + _PY + r")(?:[\s\-_.]{0,3}(?:[0-9]|" + _PY + r")){6,15}(?![a-z])"
)
_PY_TOKEN_RE = re.compile(_PY + r"|[0-9]")
#: Letters standing in for digits inside a number (l38l2345678, 1380O13800O): l and i for 1, o for 0.
LETTER_DIGITS_RE = re.compile(r"(?<![a-z0-9])[0-9lio](?:[\s\-_.]{0,2}[0-9lio]){6,15}(?![a-z0-9])")

#: An account id right after a channel word (微信：abc_123, vx 13812345678, tg: @abc_123).
ID_AFTER_RE = re.compile(
    r"[\s:：=\-~～]{0,3}(?:号|號|id|hao)?[\s:：=\-~～@]{0,3}([a-z][-_.a-z0-9]{4,19}[a-z0-9]|[0-9][0-9\s\-]{4,14}[0-9])",
    re.IGNORECASE,
)
#: Solicitation around a channel word (加微信, 微信同号, 私聊).
SOLICIT_BEFORE_RE = re.compile(r"(?:加|jia|\+|➕|添加|联系|私|扫码|详询|咨询|私信)\s?$")
SOLICIT_AFTER_RE = re.compile(r"\s?(?:同号|私聊|联系|详聊|详谈|咨询|见主页|见简介|在主页|找我|[:：])")

_TRUSTED = frozenset("0123456789")
#: Digits standing in for letters in a domain (c0m, gmai1, 0rg).
_LETTER_DIGIT_RE = re.compile(r"c0m|0rg|n3t|[a-z]{2}[01](?=\.|dot|\s|$)")


@dataclass(slots=True)
class ContactHit:
    """A contact detail found in the contact view: kind, [start, end) in the original, and how."""

    kind: str  # phone | email | url | qq
    start: int
    end: int
    value: str
    evasion: list[str]


def digit_evasion(original: str, start: int, end: int) -> list[str]:
    tags: list[str] = []
    for ch in original[start:end]:
        if ch in _TRUSTED or ch in " -":
            continue  # spaces and hyphens are how numbers are ordinarily written
        if 0xFF10 <= ord(ch) <= 0xFF19:
            tag = "fullwidth"
        elif contact_char_is_variant(ch):
            tag = "digit_variant"
        else:
            tag = "separator"
        if tag not in tags:
            tags.append(tag)
    return tags


def _phone(digits: str, plus: bool = False) -> bool:
    """A valid Chinese phone number; with `plus` (a ``+`` or ``00`` before it) any valid
    international number (+852 9123 4567, +86-10-12345678)."""
    import phonenumbers  # imported on the first digit run long enough to be a number (start-up)

    if plus or digits.startswith("00"):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse("+" + digits.removeprefix("00"))):
                return True
        except phonenumbers.NumberParseException:
            pass
    if len(digits) in (13, 15) and digits.startswith(("86", "0086")):
        digits = digits[-11:]
    n = len(digits)
    if n < 7:
        return False
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        pass
    elif digits[0] == "0" and 10 <= n <= 12:
        pass
    elif n == 10 and digits.startswith(("400", "800")):
        pass
    else:
        return False
    try:
        return phonenumbers.is_valid_number(
            phonenumbers.parse("+86" + digits.lstrip("0") if digits[0] == "0" else "+86" + digits)
        )
    except phonenumbers.NumberParseException:
        return False


_PRE_RE = re.compile(r"[0-9a-z@#]")
_ALPHA_RE = re.compile(r"[a-z@#]")
_DIGIT_RE = re.compile(r"[0-9]")


def scan(original: str, view: str) -> list[ContactHit]:
    """All phone numbers, QQ numbers, e-mail addresses and URLs in one text."""
    hits: list[ContactHit] = []
    if "码" in original:
        for m in QR_POINTER_RE.finditer(original):
            hits.append(ContactHit("qr_pointer", m.start(), m.end(), m.group(), []))
    w = WECHAT_RE.search(original)
    if w is not None:
        s, e = w.span()
        idspan = id_after(view, e)
        hits.append(ContactHit("wechat", s, idspan[1] if idspan else e, original[s:e], ["symbol_variant"]))
    first = _PRE_RE.search(view)
    if first is None:
        return hits
    if _ALPHA_RE.search(view, first.start()) is None and len(_DIGIT_RE.findall(view)) < 5:
        return hits
    for m in WECHAT_LABEL_RE.finditer(view):
        idspan = id_after(view, m.end())
        if idspan and not any(h.start <= m.start() < h.end for h in hits):
            hits.append(ContactHit("wechat", m.start(), idspan[1], original[m.start() : idspan[1]], []))
    for m in CONTACT_RE.finditer(view):
        kind = m.lastgroup
        s, e = m.span()
        if kind == "digits":
            digits = "".join(c for c in m.group() if c.isdigit())
            plus = view[max(0, s - 2) : s].rstrip().endswith("+")
            if len(digits) >= 7 and _phone(digits, plus):
                hits.append(ContactHit("phone", s, e, digits, digit_evasion(original, s, e)))
            elif 5 <= len(digits) <= 11 and digits[0] != "0" and QQ_BEFORE_RE.search(view, max(0, s - 12), s):
                hits.append(ContactHit("qq", s, e, digits, digit_evasion(original, s, e)))
        elif kind == "email":
            text = m.group()
            tags = [] if "@" in original[s:e] else ["symbol_at"]
            if (
                any(w in text.lower() for w in ("dot", "点", " "))
                or "点" in original[s:e]
                or "。" in original[s:e]
            ):
                tags.append("separator")
            if _LETTER_DIGIT_RE.search(text.split("@")[-1]):
                tags.append("letter_variant")
            hits.append(ContactHit("email", s, e, text, _normalise_tags(tags, original, s, e)))
        else:
            text = m.group()
            tags = []
            lowered = text.lower()
            if "dot" in lowered or " " in text or any(c in original[s:e] for c in "点。．"):
                tags.append("separator")
            if _LETTER_DIGIT_RE.search(lowered):
                tags.append("letter_variant")
            hits.append(ContactHit("url", s, e, text, _normalise_tags(tags, original, s, e)))
    _scan_disguised_numbers(original, view, hits)
    return hits


#: Text that sends the reader to a QR code elsewhere (avatar, cover, homepage), even with no image.
QR_POINTER_RE = re.compile(
    r"(?:扫|长按识别|识别|长按)[^，。；！？,.;!?\n]{0,6}(?:头像|封面|主页|背景|首页|置顶)[^，。；！？,.;!?\n]{0,4}码"
    r"|(?:二维码|码)[^，。；！？,.;!?\n]{0,2}(?:见|在|于)[^，。；！？,.;!?\n]{0,2}(?:头像|封面|主页|背景|首页|置顶)"
    r"|(?:头像|封面|主页|背景图|首页)[^，。；！？,.;!?\n]{0,3}(?:二维码|扫码)"
)


def _number_hit(view: str, s: int, digits: str) -> str:
    """The kind of contact a disguised digit string is ('' if none)."""
    if len(digits) >= 7 and _phone(digits):
        return "phone"
    if 5 <= len(digits) <= 11 and digits[0] != "0" and QQ_BEFORE_RE.search(view, max(0, s - 12), s):
        return "qq"
    return ""


def _scan_disguised_numbers(original: str, view: str, hits: list[ContactHit]) -> None:
    """Numbers spelled in English words (one three eight …) or with letters for digits (l38l…)."""
    if not _ALPHA_RE.search(view):
        return
    for m in SPELLED_RE.finditer(view):
        s, e = m.span()
        digits = "".join(_DIGIT_WORDS.get(t, t) for t in _SPELLED_TOKEN_RE.findall(m.group()))
        kind = _number_hit(view, s, digits)
        if kind and not any(h.start < e and s < h.end for h in hits):
            hits.append(ContactHit(kind, s, e, digits, ["digit_variant"]))
    for m in PINYIN_DIGITS_RE.finditer(view):
        s, e = m.span()
        tokens = _PY_TOKEN_RE.findall(m.group())
        if all(t.isdigit() for t in tokens) or sum(t.isdigit() for t in tokens) < 4:
            continue
        digits = "".join(_PY_DIGITS.get(t, t) for t in tokens)
        kind = _number_hit(view, s, digits)
        if kind and not any(h.start < e and s < h.end for h in hits):
            hits.append(ContactHit(kind, s, e, digits, ["digit_variant", "pinyin"]))
    for m in LETTER_DIGITS_RE.finditer(view):
        s, e = m.span()
        run = "".join(c for c in m.group() if c.isalnum())
        if sum(c.isdigit() for c in run) < 6 or run.isdigit():
            continue
        digits = run.translate(_LETTER_TO_DIGIT)
        kind = _number_hit(view, s, digits)
        if kind and not any(h.start < e and s < h.end for h in hits):
            hits.append(ContactHit(kind, s, e, digits, ["letter_variant"]))


_LETTER_TO_DIGIT = str.maketrans("lio", "110")


def _normalise_tags(tags: list[str], original: str, s: int, e: int) -> list[str]:
    out: list[str] = []
    for t in tags:
        t = "symbol_variant" if t == "symbol_at" else t
        if t not in out:
            out.append(t)
    if any(0xFF01 <= ord(c) <= 0xFF5E for c in original[s:e]) and "fullwidth" not in out:
        out.append("fullwidth")
    if (
        any(c.isupper() for c in original[s:e])
        and any(c.islower() for c in original[s:e])
        and "case" not in out
    ):
        out.append("case")
    if any(contact_char_is_variant(c) for c in original[s:e]) and "digit_variant" not in out:
        out.append("digit_variant")
    return out


def id_after(view: str, end: int) -> tuple[int, int] | None:
    """Span of an account id or number right after position `end` of the contact view, if any."""
    m = ID_AFTER_RE.match(view, end, min(len(view), end + 28))
    if not m:
        return None
    return m.span(1)


def solicited(view: str, start: int, end: int) -> bool:
    """True when a channel word at [start, end) is solicited (加微信, 微信同号, 微信：)."""
    return bool(
        SOLICIT_BEFORE_RE.search(view, max(0, start - 3), start) or SOLICIT_AFTER_RE.match(view, end, end + 4)
    )
