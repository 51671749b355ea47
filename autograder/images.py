"""Images from a student's notebook, checked before the grader keeps or shows them.

A PNG or JPEG output of a graded notebook (a figure its cells drew, or anything the student's
code displayed: the notebook's process is the student's, so both are untrusted) and of a
hand-in's saved outputs reaches a feedback page only as what :func:`checked_image` returns:

* a PNG is read chunk by chunk (lengths, CRCs, ``IHDR`` first, ``IEND`` last and nothing
  after it), its header must describe an image of at most ``max_side`` pixels a side with a
  valid bit depth and colour type, and its pixel data must inflate to exactly the size the
  header gives, each row starting with a valid filter byte (so it is an image, not a
  decompression bomb); it is then written again with only the chunks that draw it
  (``IHDR``, ``PLTE``, ``tRNS``, ``IDAT``, ``IEND``): no text, no metadata, no animation;
* a JPEG must start with its start-of-image marker, have a frame header giving a size of at
  most ``max_side`` pixels a side, and end with its end-of-image marker.

Both must be at most ``max_bytes`` long. The result is base64 (the only alphabet that reaches
the page's ``data:`` URL). Nothing here runs on the student's side: the grader checks each
image of a run as it reads it (:class:`NotebookImages`, which also caps their number), and
the feedback page checks every image again (``autograder.safe_feedback``).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks a rewritten PNG keeps: what draws the picture.
_KEPT = (b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND")
#: Bit depths allowed for each colour type (PNG specification, table 11.1), and samples per
#: pixel.
_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


def decode_base64(value) -> bytes | None:
    """The bytes of a notebook's base64 image data (a string or a list of lines), or None."""
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str):
        return None
    text = re.sub(r"\s+", "", value).encode("ascii", "replace")
    if not text or len(text) % 4 or not _BASE64.fullmatch(text):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def checked_png(data: bytes, max_side: int, max_bytes: int) -> tuple[bytes, int, int] | None:
    """``(png, width, height)``: ``data`` rewritten with only its drawing chunks, or None
    when it is not a PNG this module accepts (see the module)."""
    if len(data) > max_bytes or not data.startswith(PNG_SIGNATURE):
        return None
    position, chunks = len(PNG_SIGNATURE), []
    while position < len(data):
        if position + 12 > len(data):
            return None
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if length > 0x7FFFFFFF or end > len(data) or not kind.isalpha() or not kind.isascii():
            return None
        body = data[position + 8 : position + 8 + length]
        if struct.unpack(">I", data[end - 4 : end])[0] != zlib.crc32(kind + body):
            return None
        chunks.append((kind, body))
        position = end
        if kind == b"IEND":
            break
    if position != len(data) or not chunks or chunks[-1] != (b"IEND", b""):
        return None
    if chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return None
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    if not (0 < width <= max_side and 0 < height <= max_side):
        return None
    if depth not in _DEPTHS.get(colour, ()) or (compression, filtering, interlace) != (0, 0, 0):
        return None
    kinds = [kind for kind, _ in chunks]
    if kinds.count(b"IHDR") != 1 or b"IDAT" not in kinds or (colour == 3 and b"PLTE" not in kinds):
        return None
    for kind in kinds:
        if kind[:1].isupper() and kind not in _KEPT:  # an unknown critical chunk
            return None
    row = 1 + (width * depth * _SAMPLES[colour] + 7) // 8
    if not _pixels_fit(b"".join(body for kind, body in chunks if kind == b"IDAT"), row, height):
        return None
    png = PNG_SIGNATURE + b"".join(_chunk(kind, body) for kind, body in chunks if kind in _KEPT)
    return png, width, height


def _pixels_fit(compressed: bytes, row: int, height: int) -> bool:
    """True when ``compressed`` inflates to exactly ``height`` rows of ``row`` bytes, each
    starting with a filter type (0 to 4); never inflates more than that."""
    expected = row * height
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, expected + 1)
    except zlib.error:
        return False
    if len(raw) != expected or not inflater.eof or inflater.unconsumed_tail:
        return False
    if inflater.unused_data:
        return False
    return max(raw[::row]) <= 4


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a JPEG from its frame header, or None when it has none."""
    if not data.startswith(b"\xff\xd8\xff") or not data.endswith(b"\xff\xd9"):
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            return None
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        if marker == 0xDA:  # the scan starts before any frame header
            return None
        position += 2 + length
    return None


def checked_image(mime: str, value, max_side: int, max_bytes: int) -> str | None:
    """The base64 of a checked image (see the module) of type ``mime`` (``image/png`` or
    ``image/jpeg``) from a notebook's data ``value``, or None when it fails a check."""
    data = decode_base64(value)
    if data is None:
        return None
    if mime == "image/png":
        checked = checked_png(data, max_side, max_bytes)
        return base64.b64encode(checked[0]).decode("ascii") if checked else None
    if mime == "image/jpeg" and len(data) <= max_bytes:
        size = jpeg_size(data)
        if size and 0 < size[0] <= max_side and 0 < size[1] <= max_side:
            return base64.b64encode(data).decode("ascii")
    return None


# --------------------------------------------------------------------------------------------
# The images of one graded run
# --------------------------------------------------------------------------------------------
_IMAGES = ("image/png", "image/jpeg")


def images_of(output) -> list[str]:
    """The image types (PNG, JPEG) among an output's data."""
    data = output.get("data") if isinstance(output, dict) else None
    return [m for m in _IMAGES if m in data] if isinstance(data, dict) else []


def image_note(why: str) -> dict:
    """The one-line output shown in place of an image the grader does not keep."""
    return {
        "output_type": "display_data",
        "data": {"text/plain": f"[an image not shown: {why}]"},
        "metadata": {},
    }


class NotebookImages:
    """The images of one notebook's run, as the grader reads them from its channel.

    Each PNG or JPEG output is checked and rewritten (:func:`checked_image`) with the figure
    limits of ``limits`` (an :class:`autograder.sandbox.Limits`): at most ``figure_pixels`` a
    side and ``figure_bytes``; one that fails becomes a note. Past ``limits.figures`` images
    kept, one note, then nothing.
    """

    def __init__(self, limits) -> None:
        self.limits = limits
        self.left = limits.figures
        self.noted = False

    def check(self, output: dict) -> dict | None:
        """``output`` with its images checked, a note in its place, or None (dropped)."""
        images = images_of(output)
        if not images:
            return output
        limits = self.limits
        if self.left <= 0:
            if self.noted:
                return None
            self.noted = True
            return image_note(f"the grader keeps at most {limits.figures} per notebook")
        data = dict(output["data"])
        for mime in images:
            checked = checked_image(mime, data[mime], limits.figure_pixels, limits.figure_bytes)
            if checked is None:
                decoded = decode_base64(data[mime])
                if decoded is not None and len(decoded) > limits.figure_bytes:
                    return image_note(f"over {limits.figure_bytes // 1024} KiB")
                side = limits.figure_pixels
                return image_note(f"not a valid {mime[6:].upper()} within {side} x {side} pixels")
            data[mime] = checked
        return {**output, "data": data}

    def count(self, output: dict) -> None:
        """Count ``output`` as kept (when it is an image)."""
        if images_of(output):
            self.left -= 1


__all__ = [
    "NotebookImages",
    "checked_image",
    "checked_png",
    "decode_base64",
    "image_note",
    "images_of",
    "jpeg_size",
]
