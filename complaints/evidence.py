"""Evidence images: type and size checked, decoded with Pillow, re-encoded without metadata.

Re-encoding (rather than deleting EXIF tags) is what guarantees that GPS positions, camera serial
numbers, comments and embedded thumbnails are gone (Art 16): only pixels survive.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from complaints import conf
from core.errors import ServiceError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    ext: str
    content_type: str
    width: int
    height: int
    sha256: str


def clean_image(data: bytes, *, field: str = "evidence") -> CleanImage:
    """Validate and re-encode one uploaded image, or raise ``ServiceError`` naming ``field``."""
    max_bytes = conf.evidence_max_bytes()
    if not data:
        raise ServiceError("文件为空", field=field)
    if len(data) > max_bytes:
        raise ServiceError(f"图片超过 {max_bytes // (1024 * 1024)} MB", field=field, code="too_large", status=413)
    try:
        img = Image.open(io.BytesIO(data))
        fmt = img.format
    except (UnidentifiedImageError, OSError, ValueError):
        raise ServiceError("不是可识别的图片（仅限 JPEG/PNG/GIF/WebP）", field=field, code="bad_type") from None
    if fmt not in ALLOWED_FORMATS:
        raise ServiceError("图片格式不受支持（仅限 JPEG/PNG/GIF/WebP）", field=field, code="bad_type")
    if img.width * img.height > conf.evidence_max_pixels() or img.width < 1 or img.height < 1:
        raise ServiceError("图片尺寸过大", field=field, code="too_large", status=413)
    try:
        img.seek(0)
        img.load()
        img = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ServiceError("图片已损坏，无法读取", field=field, code="bad_image") from None
    img.info.clear()
    out = io.BytesIO()
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(out, format="JPEG", quality=88, optimize=True)
        ext, content_type = "jpg", "image/jpeg"
    else:
        if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            img = img.convert("RGBA")
        img.save(out, format="PNG", optimize=False)
        ext, content_type = "png", "image/png"
    clean = out.getvalue()
    return CleanImage(data=clean, ext=ext, content_type=content_type, width=img.width, height=img.height,
                      sha256=hashlib.sha256(clean).hexdigest())
