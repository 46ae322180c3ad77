"""The public complaint form's captcha (Art 19 asks for a convenient entrance, not an open one).

django-simple-captcha draws the picture on this server from its bundled font and serves it from
``/complaints/public/captcha/``: nothing loads from another site. The arithmetic question it
replaces was text a script could read off the page, and its nonce was burnt only by a correct
answer, so guessing 0–18 solved it. Here:

- the characters are drawn with ``secrets`` (the library's default uses ``random``, which its
  image view reseeds from the public key), from an alphabet without look-alikes;
- every attempt burns its key, right or wrong, empty or not: one guess per picture;
- answers are normalised for Chinese input methods (full-width letters count), and an answer
  that is not letters and digits gets a message saying so rather than "wrong".
"""

from __future__ import annotations

import secrets
import unicodedata

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, 9/Q: what people misread in a distorted picture.
ALPHABET = "ACDEFHJKMNPRTUVWXY347"
LENGTH = 5


def challenge() -> tuple[str, str]:
    """``CAPTCHA_CHALLENGE_FUNCT``: (text drawn in the picture, expected answer)."""
    text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return text, text.lower()


class CaptchaInput(CaptchaTextInput):
    # In the app (not templates/): form widgets are rendered by the form renderer, which reads
    # Django's and the installed apps' templates only.
    template_name = "complaints/widgets/captcha.html"


def _normalised(answer: str | None) -> str:
    """Full-width letters from a Chinese input method become ASCII; spaces are dropped."""
    return "".join(unicodedata.normalize("NFKC", answer or "").split())


class ComplaintCaptchaField(CaptchaField):
    default_error_messages = {
        "required": _("请输入图片中的字符"),
        "invalid": _("图片中的字符输入有误或已过期，请看新的图片再输入一次"),
        "letters": _("请输入图片中的英文字母和数字（不区分大小写），不要输入汉字或其他符号"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", CaptchaInput(attrs={"size": LENGTH + 3, "maxlength": 20}))
        kwargs.setdefault("error_messages", {"invalid": self.default_error_messages["invalid"]})
        super().__init__(**kwargs)

    def clean(self, value):
        key, answer = (list(value or []) + ["", ""])[:2]
        answer = _normalised(answer)
        try:
            if answer and not (answer.isascii() and answer.isalnum()):
                raise ValidationError(self.error_messages["letters"], code="letters")
            return super().clean([key, answer])
        finally:
            # Burnt on every attempt; the library already deletes it when an answer was given.
            CaptchaStore.objects.filter(hashkey=key).delete()
