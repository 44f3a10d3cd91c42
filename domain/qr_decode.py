"""Temporary minimal decoder (replaced by the qr branch's pipeline)."""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image
from pyzbar import pyzbar


@dataclass
class Found:
    """One decoded QR code and where it is in the image."""

    text: str
    polygon: list


def decode_photo(image: Image.Image) -> list[Found]:
    """Every QR code in the image, deduplicated by text."""
    seen = {}
    for sym in pyzbar.decode(image.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE]):
        text = sym.data.decode("utf-8", "replace")
        seen.setdefault(text, Found(text, [(p.x, p.y) for p in sym.polygon]))
    return list(seen.values())
