"""Photos for sharing: re-encoded without EXIF (phones put GPS there), an original ≤ 10 MB and a preview ≤ 1 MB."""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from domain.images import open_photo

MAX_ORIGINAL = 10 * 1024 * 1024  # LINE's limit for originalContentUrl
MAX_PREVIEW = 1024 * 1024  # LINE's limit for previewImageUrl
ORIGINAL_SIDE = 4096
PREVIEW_SIDE = 1024


@dataclass
class Prepared:
    """The two JPEG files we keep for one photo, and the original's size in pixels."""

    original: bytes
    preview: bytes
    width: int
    height: int


def _jpeg_within(image: Image.Image, side: int, limit: int) -> bytes:
    """JPEG bytes of `image` fitted in side × side, lowering quality, then size, until ≤ limit bytes."""
    scaled = image.copy()
    scaled.thumbnail((side, side))
    while True:
        for quality in (85, 75, 60, 45):
            out = io.BytesIO()
            scaled.save(out, "JPEG", quality=quality, optimize=True)  # no exif= argument: nothing of it is kept
            if out.tell() <= limit:
                return out.getvalue()
        scaled.thumbnail((max(1, scaled.width * 3 // 4), max(1, scaled.height * 3 // 4)))


def prepare_photo(data: bytes) -> Prepared:
    """Open a sent photo safely (BadPhoto if unusable) and re-encode it for storage and LINE."""
    image = open_photo(data)
    original = _jpeg_within(image, ORIGINAL_SIDE, MAX_ORIGINAL)
    width, height = Image.open(io.BytesIO(original)).size
    return Prepared(original, _jpeg_within(image, PREVIEW_SIDE, MAX_PREVIEW), width, height)
