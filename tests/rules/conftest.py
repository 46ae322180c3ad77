"""Shared helpers for the rules engine tests (no database)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest


def make_qr_png(text: str) -> bytes:
    """A PNG with a QR code encoding `text` on a white background (Art 8 item 6 test images)."""
    import zxingcpp
    from PIL import Image

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    mv = memoryview(zxingcpp.write_barcode_to_image(code, scale=6))
    img = Image.frombytes("L", (mv.shape[1], mv.shape[0]), bytes(mv))
    canvas = Image.new("L", (600, 400), 255)
    canvas.paste(img, (150, 60))
    buf = io.BytesIO()
    canvas.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def qr_png() -> Callable[[str], bytes]:
    return make_qr_png
