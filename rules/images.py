"""Images that enter Qinglang: one inspection before any pixel is decoded, and the QR-code scan
for Art 8 item 6 (故意夹带二维码). Pure library: no Django.

Both fail closed (an image Qinglang cannot check never passes as clean):

- `inspect` reads the header only (Pillow's `Image.open` is lazy: format, size and, for PNG,
  WebP and MPO, the frame count) and refuses what is over the limits before any pixel is
  decoded; with ``verify`` it then decodes every frame once, so a truncated or corrupt file is
  refused where it enters instead of reaching a moderator's browser.
- `scan_qr` never answers "no QR code" for an image it could not read or did not finish: its
  `QrScan` says which (``problem``), and the engine turns that into a review finding.

Limits (why these numbers): one frame up to 16.7 megapixels (4096×4096; a 12 MP phone photo and
a 1080×15000 long screenshot fit) and 16384 pixels a side; an animation up to 100 frames and
16.7 megapixels over all its frames (100 frames of 400×400). Animations are accepted and *every*
frame is checked: animated avatars are an ordinary product feature (refusing them would push
platforms to flatten them first, for no gain), and the pixel limit over all frames keeps the
worst animation no dearer than the worst still image. Decoding one frame holds at most 4 bytes a pixel (67 MB), the grayscale
planes and their pyramid about 1.4 bytes a pixel more (×2 for transparent images); `bench/
images_bench.py` measures the peak.

Pillow's own decompression-bomb guard is set deliberately to the frame limit: accepted images
never trip its warning (an over-limit one that does is refused here anyway and the warning in the
log is deserved), and its hard stop at twice that (``DecompressionBombError``, raised inside
``Image.open`` and, for WebP, before the decoder allocates its canvas) keeps any later caller of
Pillow in this process from decoding a bomb.

The scan: a QR code must not escape by being scaled down, so nothing is resampled blindly. A
frame up to 2 megapixels is read whole. A larger one becomes a grayscale pyramid (full size, ½,
¼ … down to ≤ 2 MP), read coarse to fine: the coarsest level whole, every other level in
1024-pixel tiles that overlap by 256. A code whose modules are ≥ 2 pixels at full size is fully
inside some tile at the level where its modules are 2–4 pixels wide, as long as it is at most
~60 modules across with its quiet zone (version 10 — contact codes are versions 1–6); larger
codes are found at coarser levels. Splitting the work also lets the time budget be checked
between reads (zxing cannot be interrupted). Transparent images are scanned over white and over black,
because the page behind them decides what a viewer sees. Work stops at the first code found (one
is enough to refuse) or when the time budget runs out, which is reported, never taken as clean.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageChops, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "GIF", "WEBP")  # what Image.open may even try; MPO comes from JPEG
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "GIF": "gif", "WEBP": "webp"}
MAX_BYTES = 20 * 1024 * 1024  # the boundaries cap uploads lower (5 MB); this guards other callers
MAX_SIDE = 16_384
MAX_FRAME_PIXELS = 4096 * 4096
MAX_FRAMES = 100
MAX_TOTAL_PIXELS = MAX_FRAME_PIXELS  # over all frames of an animation: no dearer than one still
SCAN_BUDGET_S = 4.0  # per image, decoding included: ~3× the worst accepted image on a loaded 2-core machine
WHOLE_PIXELS = 2_000_000  # read in one call (~10–20 ms); larger pictures are read in tiles
TILE = 1024
OVERLAP = 256

Image.MAX_IMAGE_PIXELS = MAX_FRAME_PIXELS

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


class Problem(StrEnum):
    """Why an image was refused or could not be checked (machine keys; words in PROBLEM_TEXT)."""

    NOT_IMAGE = "not_image"
    TOO_LARGE = "too_large"
    TOO_MANY_FRAMES = "too_many_frames"
    CORRUPT = "corrupt"
    OUT_OF_TIME = "out_of_time"


PROBLEM_TEXT = {
    Problem.NOT_IMAGE: "不是可识别的图片，或格式不受支持（仅限 PNG/JPEG/GIF/WebP）",
    Problem.TOO_LARGE: f"图片尺寸超过上限（单帧不超过 {MAX_FRAME_PIXELS / 1e6:.1f} 百万像素、每边不超过 {MAX_SIDE} 像素）",
    Problem.TOO_MANY_FRAMES: f"动图帧数或总像素超过上限（不超过 {MAX_FRAMES} 帧、所有帧合计不超过 {MAX_TOTAL_PIXELS / 1e6:.1f} 百万像素）",
    Problem.CORRUPT: "图片已损坏或不完整，无法读取",
    Problem.OUT_OF_TIME: "图片过于复杂，未能在限定时间内检查完毕",
}


class ImageRefused(Exception):
    """The image is over a limit or cannot be decoded; ``problem`` says which."""

    def __init__(self, problem: Problem, detail: str = ""):
        super().__init__(f"{problem}: {detail}" if detail else str(problem))
        self.problem = problem
        self.detail = detail


@dataclass(frozen=True)
class ImageHeader:
    """What the header says. ``frames`` is None where the format does not say (GIF): frames are
    then counted, bounded, while decoding."""

    format: str
    width: int
    height: int
    frames: int | None

    @property
    def ext(self) -> str:
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class QrScan:
    """The outcome of `scan_qr`: the texts found, and ``problem`` when the image was not (fully)
    checked. ``texts`` empty with no problem is the only answer that means "no QR code"."""

    texts: tuple[str, ...] = ()
    problem: Problem | None = None

    @property
    def complete(self) -> bool:
        return self.problem is None


def _open(data: bytes | None) -> tuple[Image.Image, ImageHeader]:
    """Open lazily and check the header: nothing is decoded yet."""
    if not data:
        raise ImageRefused(Problem.NOT_IMAGE, "empty")
    if len(data) > MAX_BYTES:
        raise ImageRefused(Problem.TOO_LARGE, f"{len(data)} bytes")
    try:
        img = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageRefused(Problem.TOO_LARGE, str(exc)) from None
    except UnidentifiedImageError:
        # Our magic followed by something Pillow cannot parse is a damaged file, not another type.
        problem = Problem.CORRUPT if data.startswith(_MAGIC) else Problem.NOT_IMAGE
        raise ImageRefused(problem) from None
    except Exception as exc:  # noqa: BLE001 — a plugin choking on a hostile header: refused, not passed
        raise ImageRefused(Problem.CORRUPT, type(exc).__name__) from None
    width, height = img.size
    if img.format not in EXTENSIONS:
        raise ImageRefused(Problem.NOT_IMAGE, str(img.format))
    if width < 1 or height < 1 or max(width, height) > MAX_SIDE or width * height > MAX_FRAME_PIXELS:
        raise ImageRefused(Problem.TOO_LARGE, f"{width}×{height}")
    if img.format == "GIF":
        frames = None
    elif img.format == "MPO":
        frames = 1  # viewers show the first picture; the others are depth or HDR gain maps
    else:
        frames = int(getattr(img, "n_frames", 1))
    if frames is not None and (frames > MAX_FRAMES or frames * width * height > MAX_TOTAL_PIXELS):
        raise ImageRefused(Problem.TOO_MANY_FRAMES, f"{frames} frames")
    return img, ImageHeader(img.format, width, height, frames)


def _frames(img: Image.Image, header: ImageHeader) -> Iterator[Image.Image]:
    """Every frame, decoded and composited as a viewer shows it, within the frame limits (GIF
    states no frame count: counting as we go bounds the work before a refusal by the limits)."""
    per_frame = header.width * header.height
    for i in itertools.count():
        if header.frames is not None and i >= header.frames:
            return
        if i:
            try:
                img.seek(i)
            except EOFError:
                return
            except Exception as exc:  # noqa: BLE001 — a damaged frame header: refused, not passed
                raise ImageRefused(Problem.CORRUPT, type(exc).__name__) from None
        if i >= MAX_FRAMES or (i + 1) * per_frame > MAX_TOTAL_PIXELS:
            raise ImageRefused(Problem.TOO_MANY_FRAMES, f"more than {i} frames")
        if i == 0 and header.format in ("JPEG", "MPO"):
            img.draft("L", img.size)  # grayscale straight from the decoder: a quarter of the memory
        try:
            img.load()
        except Exception as exc:  # noqa: BLE001 — truncated or corrupt data: refused, not passed
            raise ImageRefused(Problem.CORRUPT, type(exc).__name__) from None
        yield img


def inspect(data: bytes | None, *, verify: bool = True) -> ImageHeader:
    """Check an uploaded image: header limits first, then (``verify``) every frame decoded once.

    Raises `ImageRefused` naming the problem. Costs at most what decoding the largest accepted
    image costs, whatever the input."""
    img, header = _open(data)
    with img:
        if verify:
            for _frame in _frames(img, header):
                pass
    return header


# ---------------------------------------------------------------------------------------------
# QR scan


def _planes(frame: Image.Image) -> Iterator[Image.Image]:
    """The grayscale pictures a viewer may see: one, or for a transparent frame the picture over
    white and over black (a code drawn only in the alpha channel shows on one of them). Made one
    at a time, so only one plane and its pyramid are held beside the decoded frame."""
    mode = frame.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit gray: Pillow's convert("L") clips at 255, a browser keeps the high byte.
        yield frame.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        return
    if mode not in ("RGBA", "LA", "PA", "La", "RGBa") and "transparency" not in frame.info:
        yield frame if mode == "L" else frame.convert("L")
        return
    rgba = frame if mode == "RGBA" else frame.convert("RGBA")
    alpha = rgba.getchannel("A")
    lum = rgba.convert("L")
    del rgba
    if alpha.getextrema() == (255, 255):
        yield lum
        return
    yield ImageChops.invert(ImageChops.multiply(ImageChops.invert(lum), alpha))  # over white
    yield ImageChops.multiply(lum, alpha)  # over black


def _regions(gray: Image.Image) -> Iterator[tuple[Image.Image, bool]]:
    """What to read, coarse to fine, and whether zxing should also downscale it itself: a picture
    up to `WHOLE_PIXELS` whole; a larger one as a pyramid whose coarsest level is read whole and
    every finer level in overlapping tiles (see the module docstring)."""
    levels = [gray]
    while levels[-1].width * levels[-1].height > WHOLE_PIXELS:
        levels.append(levels[-1].reduce(2))
    yield levels[-1], True  # zxing's own downscaling finds the codes too big for any tile
    for level in reversed(levels[:-1]):
        w, h = level.size
        for y in _starts(h):
            for x in _starts(w):
                yield level.crop((x, y, min(x + TILE, w), min(y + TILE, h))), False


def _starts(length: int) -> list[int]:
    if length <= TILE:
        return [0]
    step = TILE - OVERLAP
    starts = list(range(0, length - TILE, step))
    starts.append(length - TILE)  # the last tile ends at the edge
    return starts


def _read(region: Image.Image, downscale: bool) -> list[str]:
    import zxingcpp

    results = zxingcpp.read_barcodes(region, formats=zxingcpp.BarcodeFormat.QRCode, try_downscale=downscale)
    return [r.text or "(binary)" for r in results if r.valid]


def scan_qr(data: bytes | None, *, budget_s: float | None = None) -> QrScan:
    """Look for QR codes in every frame of an encoded image (Art 8 item 6).

    Never raises on bad bytes and never answers "no QR code" for an image it did not finish:
    an unreadable image, one over the limits, or one the time budget (`SCAN_BUDGET_S`, decoding
    included) did not cover comes back with ``problem`` set."""
    deadline = time.monotonic() + (SCAN_BUDGET_S if budget_s is None else budget_s)
    try:
        img, header = _open(data)
        with img:
            for frame in _frames(img, header):
                for plane in _planes(frame):
                    for region, downscale in _regions(plane):
                        if time.monotonic() > deadline:
                            return QrScan(problem=Problem.OUT_OF_TIME)
                        texts = _read(region, downscale)
                        if texts:  # one code is enough to refuse the image
                            return QrScan(texts=tuple(dict.fromkeys(texts)))
    except ImageRefused as exc:
        return QrScan(problem=exc.problem)
    except Exception:  # noqa: BLE001 — whatever stopped the scan, the image was not checked
        return QrScan(problem=Problem.CORRUPT)
    return QrScan()
