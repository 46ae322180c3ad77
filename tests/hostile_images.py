"""Test images for the image boundary and the QR scan (Art 8.6): hostile files a fuzzer or an
attacker sends, and pictures with QR codes where a careless decoder does not look.

Each builder is cached and small on disk; the huge canvases are written row by row with zlib, so
making them never holds their pixels in memory.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib

import pytest
import zxingcpp
from PIL import Image, ImageDraw

QR_TEXT = "https://u.wechat.com/kHostileQinglang"


def qr_code(text: str = QR_TEXT, scale: int = 4) -> Image.Image:
    """A QR code as an "L" image, ``scale`` pixels a module, with its quiet zone."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    im = code.to_image(scale=scale)
    return Image.frombytes("L", (im.shape[1], im.shape[0]), bytes(memoryview(im)))


def encode(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_1bit(width: int, height: int, paste: Image.Image | None = None, at: tuple[int, int] = (0, 0)) -> bytes:
    """A white 1-bit PNG of any size (optionally with ``paste`` drawn at ``at``), streamed."""
    row_bytes = (width + 7) // 8
    white = b"\x00" + b"\xff" * row_bytes
    special: dict[int, bytes] = {}
    if paste is not None:
        bits = paste.convert("1")
        for y in range(bits.height):
            row = bytearray(white)
            for x in range(bits.width):
                if not bits.getpixel((x, y)):
                    px = at[0] + x
                    row[1 + px // 8] &= ~(0x80 >> (px % 8)) & 0xFF
            special[at[1] + y] = bytes(row)
    comp = zlib.compressobj(9)
    parts = []
    run = 0
    for y in range(height + 1):
        if y < height and y not in special:
            run += 1
            continue
        if run:  # feed runs of identical rows in blocks, never the whole image at once
            block = white * 256
            for _ in range(run // 256):
                parts.append(comp.compress(block))
            parts.append(comp.compress(white * (run % 256)))
            run = 0
        if y < height:
            parts.append(comp.compress(special[y]))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


@functools.cache
def bomb_png() -> bytes:
    """20000×20000 pixels (400 megapixels) in about 50 KB: decoding it would take 400 MB+."""
    return _png_1bit(20_000, 20_000)


@functools.cache
def huge_canvas_with_qr() -> bytes:
    """A QR code on a 14000×14000 canvas: past Pillow's default hard limit (2 × 89.5 M pixels),
    which the old decoder turned into "no QR code"."""
    return _png_1bit(14_000, 14_000, paste=qr_code(scale=8), at=(7000, 7000))


@functools.cache
def gif_qr_in_later_frame() -> bytes:
    """An animated GIF: a plain first frame, the QR code in the second (viewers show both)."""
    plain = Image.new("L", (320, 320), 255)
    ImageDraw.Draw(plain).ellipse((40, 40, 280, 280), fill=120)
    coded = Image.new("L", (320, 320), 255)
    coded.paste(qr_code(scale=6), (40, 40))
    return encode(plain.convert("P"), "GIF", save_all=True, append_images=[coded.convert("P")], duration=400,
                  loop=0)


@functools.cache
def apng_qr_in_later_frame() -> bytes:
    plain = Image.new("RGB", (320, 320), (250, 240, 200))
    coded = plain.copy()
    coded.paste(qr_code(scale=6).convert("RGB"), (40, 40))
    return encode(plain, "PNG", save_all=True, append_images=[coded], duration=400, loop=0)


@functools.cache
def webp_qr_in_later_frame() -> bytes:
    plain = Image.new("RGB", (320, 320), (250, 240, 200))
    coded = plain.copy()
    coded.paste(qr_code(scale=6).convert("RGB"), (40, 40))
    return encode(plain, "WEBP", save_all=True, append_images=[coded], duration=400, lossless=True)


@functools.cache
def gif_too_many_frames(frames: int = 101) -> bytes:
    imgs = [Image.new("P", (8, 8), i % 2) for i in range(frames)]
    return encode(imgs[0], "GIF", save_all=True, append_images=imgs[1:], optimize=False, disposal=1)


@functools.cache
def png_garbage() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4000)


@functools.cache
def gif_garbage() -> bytes:
    # a plausible 64×64 screen descriptor, then noise where the blocks should be
    return b"GIF89a" + struct.pack("<HHBBB", 64, 64, 0, 0, 0) + random.Random(2).randbytes(4000)


@functools.cache
def truncated_png() -> bytes:
    data = encode(Image.effect_noise((400, 300), 60).convert("RGB"), "PNG")
    return data[: len(data) // 2]


@functools.cache
def truncated_gif_second_frame() -> bytes:
    a = Image.effect_noise((200, 200), 60).convert("P")
    b = Image.effect_noise((200, 200), 90).convert("P")
    data = encode(a, "GIF", save_all=True, append_images=[b])
    return data[: len(data) * 3 // 4]


@functools.cache
def alpha_only_qr() -> bytes:
    """Black everywhere; only the alpha channel draws the code, so it shows on a light page."""
    code = qr_code(scale=6)
    rgba = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    alpha = Image.new("L", (400, 400), 0)
    alpha.paste(code.point(lambda v: 255 - v), (60, 60))
    rgba.putalpha(alpha)
    return encode(rgba, "PNG")


@functools.cache
def gray16_qr() -> bytes:
    """A 16-bit grayscale PNG whose code lives in the high byte (30000 vs 60000): a browser
    shows it, Pillow's convert("L") clips both to white."""
    code = qr_code(scale=6)
    img = Image.new("I;16", (400, 400), 60000)
    dark = Image.new("I;16", code.size, 30000)
    img.paste(dark, (60, 60), mask=code.point(lambda v: 255 if v < 128 else 0))
    return encode(img, "PNG")


@functools.cache
def _photo(size: tuple[int, int]) -> Image.Image:
    rng = random.Random(7)
    w, h = size
    img = Image.effect_noise((w // 4, h // 4), 60).resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(w * h // 8000):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse((x, y, x + rng.randrange(5, 300), y + rng.randrange(5, 300)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    return img


@functools.cache
def photo(size: tuple[int, int] = (4000, 3000), qr_scale: int | None = None, at: tuple[int, int] = (1000, 700),
          quality: int = 90) -> bytes:
    """A photo-like JPEG; with ``qr_scale`` a small QR code (2 pixels a module is about 66 pixels
    across on a 4000×3000 picture: the old decoder scaled the picture down and lost it)."""
    img = _photo(size)
    if qr_scale is not None:
        img = img.copy()
        img.paste(qr_code(scale=qr_scale).convert("RGB"), at)
    return encode(img, "JPEG", quality=quality)


# What every boundary must refuse with a 422: (builder, error code, words in the message).
HOSTILE = [
    pytest.param(bomb_png, "image_too_large", "尺寸超过上限", id="bomb"),
    pytest.param(huge_canvas_with_qr, "image_too_large", "尺寸超过上限", id="huge-canvas-with-qr"),
    pytest.param(png_garbage, "image_corrupt", "损坏", id="png-magic-then-garbage"),
    pytest.param(gif_garbage, "image_corrupt", "损坏", id="gif-magic-then-garbage"),
    pytest.param(truncated_png, "image_corrupt", "不完整", id="truncated-png"),
    pytest.param(truncated_gif_second_frame, "image_corrupt", "不完整", id="truncated-gif-frame"),
    pytest.param(gif_too_many_frames, "image_too_many_frames", "帧数", id="too-many-frames"),
]
