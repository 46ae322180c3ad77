"""Evidence images: checked by `core.images` (type, dimensions, frames, complete decoding), then
re-encoded without metadata.

Re-encoding (rather than deleting EXIF tags) is what guarantees that GPS positions, camera serial
numbers, comments and embedded thumbnails are gone (Art 16): only pixels survive.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from complaints import conf
from core.errors import ServiceError
from core.images import check_upload


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
    header = check_upload(data, field=field)  # limits from the header, every frame decodes (422 otherwise)
    try:
        img = Image.open(io.BytesIO(data), formats=[header.format if header.format != "MPO" else "JPEG"])
        img.load()  # the first frame: the one kept (an animation is stored as its first picture)
        img = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
    except Exception:  # noqa: BLE001 — it decoded a moment ago; whatever fails now is still refused
        raise ServiceError("图片已损坏，无法读取", field=field, code="image_corrupt") from None
    img.info.clear()
    out = io.BytesIO()
    if header.format in ("JPEG", "MPO"):
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
