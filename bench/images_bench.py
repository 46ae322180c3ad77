"""Cost of checking an image (issue 11 §1): the boundary check (header + every frame decoded) and
the QR scan (`rules.images.scan_qr`), for a 1-megapixel JPEG cover, a 4000×3000 photo with a small
QR code, the worst images the boundary accepts, and a refused bomb.

Prints the median time of each, its ratio to a bare zxing read of a 1-megapixel grayscale image
measured in the same run, and the peak memory each costs. Memory is RSS, because tracemalloc does
not see Pillow's and zxing's buffers (allocated in C): in a fresh process that holds only the
file's bytes, the peak RSS is reset just before the call (/proc/self/clear_refs) and read after
it (VmHWM).

Run: ``.venv/bin/python bench/images_bench.py [--repeat N]`` (one core; no database).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from PIL import Image, ImageDraw  # noqa: E402

from rules import images  # noqa: E402
from tests.hostile_images import bomb_png, encode, photo  # noqa: E402 — the test suite's image makers

BYTE_CAP = 5 * 1024 * 1024  # what the API and the public form accept


def _worst_still() -> bytes:
    """The largest frame (4096×4096), RGBA with varying transparency (two planes to scan), busy
    enough to keep zxing looking, small enough on disk to pass the 5 MB cap."""
    side = 4096
    rgb = Image.effect_noise((side // 8, side // 8), 80).resize((side, side), Image.Resampling.NEAREST)
    alpha = Image.linear_gradient("L").resize((side, side))
    img = Image.merge("RGBA", (rgb, rgb.transpose(Image.Transpose.ROTATE_90), rgb.transpose(Image.Transpose.FLIP_LEFT_RIGHT), alpha))
    return encode(img, "PNG", compress_level=9)


def _worst_animation() -> bytes:
    """An animation at the limits: 100 frames of 409×409 (16.7 MP in all), transparent."""
    side = int((images.MAX_TOTAL_PIXELS / images.MAX_FRAMES) ** 0.5)
    rng = random.Random(3)
    rgb = Image.new("RGB", (side, side), (240, 230, 210))
    draw = ImageDraw.Draw(rgb)
    for _ in range(150):
        x, y = rng.randrange(side), rng.randrange(side)
        draw.ellipse((x, y, x + rng.randrange(5, 120), y + rng.randrange(5, 120)),
                     fill=tuple(rng.randrange(256) for _ in range(3)))
    alpha = Image.linear_gradient("L").resize((side, side))
    frames = []
    for i in range(images.MAX_FRAMES):
        frame = rgb.rotate(3.6 * i)
        frame.putalpha(alpha)
        frames.append(frame)
    return encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=50)


def cases() -> list[tuple[str, bytes]]:
    return [
        ("1 MP JPEG cover, no code", photo((1155, 866))),
        ("4000×3000 photo, 66-px QR code", photo((4000, 3000), qr_scale=2, at=(2900, 2100))),
        ("4000×3000 photo, no code", photo((4000, 3000))),
        ("worst still: 4096² RGBA PNG", _worst_still()),
        ("worst animation: 100×409² APNG", _worst_animation()),
        ("refused: 20000² bomb PNG", bomb_png()),
    ]


def _status_mb(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def child(path: str, what: str) -> None:
    """In a fresh process: peak RSS growth of one call (the first), then its median time."""
    import zxingcpp  # noqa: F401 — imported before the baseline, like in a running server

    data = Path(path).read_bytes()
    fn = {"check": lambda: _check(data), "scan": lambda: images.scan_qr(data)}[what]
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    base = _status_mb("VmHWM")
    out = fn()
    print(json.dumps({"mem_mb": _status_mb("VmHWM") - base, "result": repr(out)[:120]}))


def _check(data: bytes):
    try:
        return images.inspect(data)
    except images.ImageRefused as exc:
        return exc.problem


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("PATH", "WHAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if args.child:
        child(*args.child)
        return 0
    import zxingcpp

    print(f"image check benchmark — Pillow {Image.__version__}, one core, load average {os.getloadavg()[0]:.1f}")
    print(f"limits: {images.MAX_FRAME_PIXELS / 1e6:.1f} MP a frame, {images.MAX_SIDE} a side, {images.MAX_FRAMES} frames,"
          f" {images.MAX_TOTAL_PIXELS / 1e6:.0f} MP an animation; scan budget {images.SCAN_BUDGET_S} s")
    gray = Image.open(io.BytesIO(photo((1155, 866)))).convert("L")
    bare = timed(lambda: zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode), 30)
    print(f"reference: bare zxing read of a 1 MP grayscale image: {bare * 1000:.1f} ms")
    print(f"{'image':34} {'bytes':>9} {'check ms':>9} {'×ref':>6} {'MB':>6} {'scan ms':>9} {'×ref':>6} {'MB':>6}  scan result")
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in cases():
            assert len(data) <= BYTE_CAP, (label, len(data))
            path = Path(tmp) / "img"
            path.write_bytes(data)
            row = {}
            for what, fn in (("check", lambda d=data: _check(d)), ("scan", lambda d=data: images.scan_qr(d))):
                out = subprocess.run([sys.executable, __file__, "--child", str(path), what], capture_output=True,
                                     text=True, check=True)
                row[what] = json.loads(out.stdout)
                row[what]["ms"] = timed(fn, args.repeat) * 1000
            c, s = row["check"], row["scan"]
            print(f"{label:34} {len(data):9,} {c['ms']:9.1f} {c['ms'] / 1000 / bare:6.1f} {c['mem_mb']:6.0f}"
                  f" {s['ms']:9.1f} {s['ms'] / 1000 / bare:6.1f} {s['mem_mb']:6.0f}  {s['result']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
