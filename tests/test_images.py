"""The image check every PNG or JPEG passes before the grader keeps it or a page shows it
(:mod:`autograder.images`): real images pass (a PNG rewritten with only its drawing chunks),
anything else, too large, or inflating to more than its header says, does not."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from autograder.images import checked_image, checked_png, jpeg_size  # noqa: E402

SIDE, BYTES = 1600, 1 << 20


def _figure(kind: str, inches=(4, 3), dpi=72) -> bytes:
    fig = plt.figure(figsize=inches)
    fig.gca().plot([0, 1, 2], [0, 1, 4])
    buffer = io.BytesIO()
    fig.savefig(buffer, format=kind, dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width, height, raw: bytes | None = None, extra=(), header=None) -> bytes:
    raw = raw if raw is not None else b"".join(b"\0" + b"\x80" * width for _ in range(height))
    header = header or struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + b"".join(_chunk(kind, body) for kind, body in extra)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def test_a_matplotlib_png_passes_without_its_text_chunks():
    data = _figure("png")
    assert b"tEXt" in data  # matplotlib writes its name in the file
    png, width, height = checked_png(data, SIDE, BYTES)
    assert (width, height) == (288, 216) and b"tEXt" not in png
    assert Image.open(io.BytesIO(png)).tobytes() == Image.open(io.BytesIO(data)).tobytes()
    assert checked_png(png, SIDE, BYTES)[0] == png  # rewriting is stable


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(lambda d: d[:-1], id="truncated"),
        pytest.param(lambda d: d + b"<script>", id="bytes after IEND"),
        pytest.param(lambda d: d[:60] + bytes([d[60] ^ 1]) + d[61:], id="bad CRC"),
        pytest.param(lambda d: b"<script>alert(1)</script>", id="not a PNG"),
        pytest.param(lambda d: d.replace(b"IHDR", b"IHDX", 1), id="no header"),
    ],
)
def test_a_damaged_or_false_png_fails(broken):
    assert checked_png(broken(_figure("png")), SIDE, BYTES) is None


def test_limits_of_size_and_pixels():
    data = _figure("png")
    assert checked_png(data, 287, BYTES) is None
    assert checked_png(data, SIDE, len(data) - 1) is None
    assert checked_png(data, 288, len(data)) is not None


def test_pixel_data_must_match_the_header():
    assert checked_png(_png(4, 3), SIDE, BYTES) is not None
    short = b"".join(b"\0" + b"\x80" * 4 for _ in range(2))
    assert checked_png(_png(4, 3, raw=short), SIDE, BYTES) is None
    bad_filter = b"".join(b"\x09" + b"\x80" * 4 for _ in range(3))
    assert checked_png(_png(4, 3, raw=bad_filter), SIDE, BYTES) is None
    # A decompression bomb: a small header, 100 MB of pixels; refused after reading the header's
    # worth.
    bomb = _png(16, 16, raw=b"\0" * 100_000_000)
    assert len(bomb) < 200_000 and checked_png(bomb, SIDE, BYTES) is None


def test_unknown_critical_chunks_and_bad_headers_fail():
    assert checked_png(_png(4, 3, extra=[(b"ZZZZ", b"x")]), SIDE, BYTES) is None
    interlaced = struct.pack(">IIBBBBB", 4, 3, 8, 0, 0, 0, 1)
    assert checked_png(_png(4, 3, header=interlaced), SIDE, BYTES) is None
    bad_depth = struct.pack(">IIBBBBB", 4, 3, 3, 0, 0, 0, 0)
    assert checked_png(_png(4, 3, header=bad_depth), SIDE, BYTES) is None
    # An ancillary chunk is dropped, not refused.
    png, _, _ = checked_png(_png(4, 3, extra=[(b"tEXt", b"Comment\0<script>")]), SIDE, BYTES)
    assert b"script" not in png


def test_jpeg_and_base64():
    jpeg = _figure("jpeg", inches=(2, 1), dpi=50)
    assert jpeg_size(jpeg) == (100, 50)
    encoded = base64.b64encode(jpeg).decode()
    assert checked_image("image/jpeg", encoded, SIDE, BYTES) == encoded
    assert checked_image("image/jpeg", encoded, 99, BYTES) is None
    png = _figure("png")
    assert checked_image("image/png", base64.b64encode(png).decode(), SIDE, BYTES) is not None
    for value in ("not base64!", 'x" onerror="alert(1)', "", None, 42):
        assert checked_image("image/png", value, SIDE, BYTES) is None
    assert checked_image("image/png", base64.b64encode(jpeg).decode(), SIDE, BYTES) is None
    assert checked_image("image/svg+xml", base64.b64encode(png).decode(), SIDE, BYTES) is None


def test_a_run_keeps_checked_images_up_to_the_limit_then_notes_once():
    from autograder.images import NotebookImages
    from autograder.sandbox import Limits

    limits = Limits(figures=2)
    images = NotebookImages(limits)
    real = base64.b64encode(_figure("png")).decode()
    fake = base64.b64encode(b"<script>alert(1)</script>").decode()

    def output(data):
        return {"output_type": "display_data", "data": data, "metadata": {}}

    bad = images.check(output({"image/png": fake, "text/html": "<script>x</script>"}))
    assert bad["data"] == {
        "text/plain": "[an image not shown: not a valid PNG within 1600 x 1600 pixels]"
    }
    big = base64.b64encode(b"\x89PNG" + b"\0" * (limits.figure_bytes + 1)).decode()
    assert "over 160 KiB" in images.check(output({"image/png": big}))["data"]["text/plain"]
    text = output({"text/plain": "hello"})
    assert images.check(text) is text
    for _ in range(2):
        kept = images.check(output({"image/png": real, "text/plain": "<Figure>"}))
        assert checked_png(base64.b64decode(kept["data"]["image/png"]), 1600, 1 << 20)
        images.count(kept)
    assert (
        "at most 2 per notebook" in images.check(output({"image/png": real}))["data"]["text/plain"]
    )
    assert images.check(output({"image/png": real})) is None
