"""Images fail closed and QR codes do not escape (Art 8 item 6; issue 11 §1). No database.

Every hostile file here came back from the old decoder as "no QR code" and was applied live.
"""

from __future__ import annotations

import pytest
from PIL import Image

import rules
from rules import images
from rules.images import Problem
from tests import hostile_images as H

REFUSED = [
    (H.bomb_png, Problem.TOO_LARGE),
    (H.huge_canvas_with_qr, Problem.TOO_LARGE),
    (H.png_garbage, Problem.CORRUPT),
    (H.gif_garbage, Problem.CORRUPT),
    (H.truncated_png, Problem.CORRUPT),
    (H.truncated_gif_second_frame, Problem.CORRUPT),
    (H.gif_too_many_frames, Problem.TOO_MANY_FRAMES),
    (lambda: b"BM" + bytes(200), Problem.NOT_IMAGE),
    (lambda: H.encode(Image.new("RGB", (20, 20)), "TIFF"), Problem.NOT_IMAGE),
]

HIDDEN_CODES = [
    H.gif_qr_in_later_frame,
    H.apng_qr_in_later_frame,
    H.webp_qr_in_later_frame,
    H.alpha_only_qr,
    H.gray16_qr,
    lambda: H.photo(qr_scale=2),  # 66 pixels across on a 4000×3000 photo
]


@pytest.fixture(scope="module")
def engine() -> rules.Engine:
    return rules.load()


@pytest.mark.parametrize(("make", "problem"), REFUSED)
def test_inspect_refuses_and_names_the_problem(make, problem) -> None:
    with pytest.raises(images.ImageRefused) as exc:
        images.inspect(make())
    assert exc.value.problem == problem


@pytest.mark.parametrize(("make", "problem"), REFUSED)
def test_scan_of_an_unreadable_image_is_never_no_qr_code(make, problem) -> None:
    scan = images.scan_qr(make())
    assert scan.problem == problem and not scan.complete and scan.texts == ()


@pytest.mark.parametrize(("make", "problem"), REFUSED)
def test_engine_turns_an_unreadable_image_into_review(engine, make, problem) -> None:
    v = engine.check({"name": "小鱼", "avatar": make()})
    assert v.decision == "review"
    (f,) = v.findings
    assert (f.article, f.rule, f.field, f.severity) == ("8.6", "image.unchecked", "avatar", "review")
    assert images.PROBLEM_TEXT[problem] in f.explanation and "头像" in f.explanation


@pytest.mark.parametrize("make", HIDDEN_CODES)
def test_codes_where_a_careless_decoder_does_not_look_are_found(engine, make) -> None:
    data = make()
    images.inspect(data)  # an acceptable image: it passes the boundary, then the scan finds the code
    assert images.scan_qr(data).texts == (H.QR_TEXT,)
    v = engine.check({"name": "小鱼", "cover": data})
    assert v.decision == "reject"
    assert [(f.rule, f.field, f.matched) for f in v.findings] == [("image.qr", "cover", H.QR_TEXT)]


@pytest.mark.parametrize(("scale", "at"), [
    (1, (748, 748)),  # one pixel a module, on the seam of two level-0 tiles
    (2, (1500, 1490)),  # across the seams of four tiles
    (3, (2959, 1900)),  # at the right edge
    (9, (700, 700)),  # too big for the overlap at full size: found a level coarser
    (40, (100, 100)),  # 1320 pixels across: found on the whole-picture level
])
def test_qr_codes_of_every_size_anywhere_in_a_large_picture(scale, at) -> None:
    assert images.scan_qr(H.photo((3200, 2400), qr_scale=scale, at=at, quality=92)).texts == (H.QR_TEXT,)


def test_a_large_clean_photo_is_checked_completely() -> None:
    scan = images.scan_qr(H.photo())
    assert scan.complete and scan.texts == ()


def test_running_out_of_time_is_not_clean(engine, monkeypatch) -> None:
    data = H.photo((2000, 1500))
    assert images.scan_qr(data, budget_s=0).problem == Problem.OUT_OF_TIME
    monkeypatch.setattr(images, "SCAN_BUDGET_S", 0)
    v = engine.check({"name": "小鱼", "avatar": data})
    assert v.decision == "review" and v.findings[0].rule == "image.unchecked"
    assert "限定时间" in v.findings[0].explanation


def test_limits_at_the_edge() -> None:
    side = 4096
    assert images.inspect(H._png_1bit(side, side)).width == side  # the largest accepted still
    with pytest.raises(images.ImageRefused, match="too_large"):
        images.inspect(H._png_1bit(side + 1, side))
    with pytest.raises(images.ImageRefused, match="too_large"):
        images.inspect(H._png_1bit(images.MAX_SIDE + 1, 8))
    assert images.inspect(H.gif_too_many_frames(images.MAX_FRAMES)).format == "GIF"
    assert Image.MAX_IMAGE_PIXELS == images.MAX_FRAME_PIXELS  # set deliberately, not Pillow's default


def test_no_bytes_is_not_an_image() -> None:
    with pytest.raises(images.ImageRefused, match="not_image"):
        images.inspect(b"")
    assert images.scan_qr(None).problem == Problem.NOT_IMAGE


def test_header_only_inspection_decodes_nothing() -> None:
    # a truncated file passes the header; only decoding finds the damage
    assert images.inspect(H.truncated_png(), verify=False).format == "PNG"
    with pytest.raises(images.ImageRefused, match="corrupt"):
        images.inspect(H.truncated_png())


def test_a_camera_mpo_is_a_still_jpeg() -> None:
    """Phones store depth maps and HDR gain maps as further MPO pictures that no viewer shows:
    the first picture is what counts (two 9 MP pictures would otherwise be refused)."""
    first = Image.new("RGB", (3000, 3000), (200, 200, 200))
    first.paste(H.qr_code(scale=3).convert("RGB"), (2000, 2000))
    data = H.encode(first, "MPO", save_all=True, append_images=[Image.new("RGB", (3000, 3000))])
    header = images.inspect(data)
    assert (header.format, header.frames, header.ext) == ("MPO", 1, "jpg")
    assert images.scan_qr(data).texts == (H.QR_TEXT,)


@pytest.mark.parametrize("seed", [H.gif_qr_in_later_frame, H.apng_qr_in_later_frame, H.webp_qr_in_later_frame,
                                  H.alpha_only_qr, H.gray16_qr, lambda: H.photo((320, 240), quality=80)])
def test_mutated_files_are_refused_or_checked_never_an_error(seed) -> None:
    """What a fuzzer does: flip, cut and insert bytes. Every answer is a header, a refusal with
    its problem, or a scan that says what it found or why it could not finish."""
    import random

    rng = random.Random(11)
    original = seed()
    for _ in range(80):
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(data))
            op = rng.random()
            if op < 0.6:
                data[i] = rng.randrange(256)
            elif op < 0.8:
                del data[i:i + rng.randint(1, 50)]
            else:
                data[i:i] = rng.randbytes(rng.randint(1, 50))
        try:
            images.inspect(bytes(data))
        except images.ImageRefused as exc:
            assert exc.problem in Problem
        scan = images.scan_qr(bytes(data))
        assert scan.texts or scan.complete or scan.problem in Problem
