"""Clean test photos of QR cards (the phone-like ones come from simulator.photos)."""
from __future__ import annotations

import io

import qrcode
from PIL import Image


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    """JPEG bytes of an image."""
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def card_photo(payloads: list[str], per_row: int = 3) -> bytes:
    """A flat, well-lit photo of QR codes laid out in a grid on a light table."""
    codes = [qrcode.make(p, box_size=8, border=4).get_image().convert("RGB") for p in payloads]
    side = max(c.width for c in codes)
    rows = (len(codes) + per_row - 1) // per_row
    sheet = Image.new("RGB", (per_row * (side + 40) + 40, rows * (side + 40) + 40), (235, 230, 220))
    for i, code in enumerate(codes):
        sheet.paste(code, (40 + (i % per_row) * (side + 40), 40 + (i // per_row) * (side + 40)))
    return jpeg(sheet)
