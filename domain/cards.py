"""Placeholder cards (replaced by the qr branch's printable design)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image


@dataclass
class CardInfo:
    """What goes on one child's card."""

    code: str
    name: str
    nickname: str
    centre_name: str
    payload: str
    classroom: str = ""


def card_image(info: CardInfo) -> Image.Image:
    """One card: the QR code."""
    return qrcode.make(info.payload, box_size=12, border=4).get_image().convert("RGB")


def card_png(info: CardInfo) -> bytes:
    """PNG of one card."""
    buf = io.BytesIO()
    card_image(info).save(buf, "PNG")
    return buf.getvalue()


def write_sheets(cards: list[CardInfo], out_path: Path) -> list[Path]:
    """One page per card."""
    pages = [card_image(c) for c in cards] or [Image.new("RGB", (100, 100), "white")]
    pages[0].save(out_path, save_all=True, append_images=pages[1:])
    return [Path(out_path)]
