"""Opening photos people send: size and pixel limits, truncated or non-image data, EXIF rotation."""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024  # LINE's own image limit
MAX_PIXELS = 50_000_000  # about 8,000 × 6,000: more than any phone camera; beyond is a decompression bomb


class BadPhoto(ValueError):
    """A photo we will not open; `reason` is a short Thai explanation for the sender."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def open_photo(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode an uploaded photo fully, upright (EXIF orientation applied), as RGB; raise BadPhoto otherwise."""
    if not data:
        raise BadPhoto("ไฟล์ว่างเปล่า")
    if len(data) > max_bytes:
        raise BadPhoto(f"ไฟล์ใหญ่เกิน {max_bytes // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > max_pixels:
                raise BadPhoto("รูปมีขนาดพิกเซลใหญ่ผิดปกติ")
            image.load()
    except BadPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadPhoto("รูปมีขนาดพิกเซลใหญ่ผิดปกติ") from None
    except UnidentifiedImageError:
        raise BadPhoto("ไม่ใช่ไฟล์รูปภาพที่อ่านได้") from None
    except (OSError, ValueError, SyntaxError):
        raise BadPhoto("ไฟล์รูปไม่สมบูรณ์ (อาจส่งไม่ครบ)") from None
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")  # screenshots and exported PNGs: transparent means paper (white), not black
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image
