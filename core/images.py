"""The one check every uploaded image passes where it enters Qinglang: avatar and cover
(submissions), qualification evidence, complaint evidence (API and public form).

An image Qinglang cannot check must not pass (DESIGN.md, fail closed): anything over the limits,
of another type, or that does not decode completely is refused with a 422 naming the field and
the reason in words, before anything is stored. The limits and the decoding live in
`rules.images` (pure library); this module gives the refusal its words.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import ServiceError
from rules import images
from rules.images import ImageHeader, Problem


def _message(problem: Problem) -> str:
    if problem == Problem.TOO_LARGE:
        return _("图片尺寸超过上限（单帧不超过 %(mp).1f 百万像素、每边不超过 %(side)d 像素）") % {
            "mp": images.MAX_FRAME_PIXELS / 1e6, "side": images.MAX_SIDE}
    if problem == Problem.TOO_MANY_FRAMES:
        return _("动图帧数或总像素超过上限（不超过 %(frames)d 帧、所有帧合计不超过 %(mp).1f 百万像素）") % {
            "frames": images.MAX_FRAMES, "mp": images.MAX_TOTAL_PIXELS / 1e6}
    if problem == Problem.CORRUPT:
        return _("图片已损坏或不完整，无法读取")
    return _("不是可识别的图片，或格式不受支持（仅限 PNG/JPEG/GIF/WebP）")


def check_upload(data: bytes, *, field: str) -> ImageHeader:
    """Header limits, then every frame decoded once; a `ServiceError` (422, code
    ``image_<problem>``) naming ``field`` otherwise. Costs no more than the largest accepted image."""
    try:
        return images.inspect(data, verify=True)
    except images.ImageRefused as exc:
        raise ServiceError(_message(exc.problem), field=field, code=f"image_{exc.problem}", status=422) from None
