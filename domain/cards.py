"""Printable QR check-in cards: one card as an image or PNG, A4 sheets of cards as PNG pages or a PDF.

Card size, 85 × 110 mm portrait at 300 dpi (1004 × 1299 px), four to an A4 page:
- The QR is drawn 52 mm wide (quiet zone of 4 modules around it, inside the card's white), with
  error correction Q (25 %): the payload 'SK2.7.C000001.1.ABCDEFGHIJ' is alphanumeric, so it fits a
  version-2 code (25 modules) and each module is about 2 mm on paper.
- A teacher photographing 6–12 cards laid on a table at arm's length frames about 40–60 cm across;
  a 12 MP phone (4032 px) then sees 7–10 px per mm, so 14–20 px per module, and still about 8 px per
  module at 1 m across — far above the 2–3 px a decoder needs, with room for blur and JPEG.
- Q recovers a quarter of the code lost to glare on a laminated card; 110 mm tall leaves room for a
  nickname a child can read, the full name, centre and code, and a 3 mm margin for lamination.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg_sarabun
import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_Q

DPI = 300
CARD_MM = (85, 110)
QR_MM = 52
QUIET_MODULES = 4
A4_MM = (210, 297)
GAP_MM = 8  # between cards on a sheet: room for cut marks
MAX_PNG_BYTES = 1024 * 1024


@dataclass
class CardInfo:
    """What one card shows; `payload` is `domain.qr.qr_payload(...)` for the child."""

    code: str
    name: str
    nickname: str
    centre_name: str
    payload: str
    classroom: str = ""


def mm(value: float) -> int:
    """Millimetres to pixels at 300 dpi."""
    return round(value * DPI / 25.4)


@lru_cache(maxsize=32)
def _font(weight: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fontpkg_sarabun.ROOT / "files" / f"Sarabun-{weight}.ttf"), px)


def _fit_font(draw: ImageDraw.ImageDraw, text: str, weight: str, px: int, width: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `px` in which `text` fits `width`."""
    while px > 12:
        font = _font(weight, px)
        if draw.textlength(text, font=font) <= width:
            return font
        px = int(px * 0.92)
    return _font(weight, px)


def qr_image(payload: str, size_px: int) -> Image.Image:
    """The QR for `payload` (error correction Q) scaled to `size_px` square, without quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, box_size=1)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    small = Image.new("1", (modules, modules), 1)
    small.putdata([0 if cell else 1 for row in matrix for cell in row])
    return small.convert("L").resize((size_px, size_px), Image.NEAREST)


def card_image(info: CardInfo) -> Image.Image:
    """One card at 300 dpi: centre on top, the QR, the nickname big, then full name, classroom and code."""
    width, height = mm(CARD_MM[0]), mm(CARD_MM[1])
    card = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=mm(4), outline=150, width=3)
    inner = width - 2 * mm(6)
    centre_x = width // 2

    header = _fit_font(draw, info.centre_name, "SemiBold", mm(4.2), inner)
    draw.text((centre_x, mm(8)), info.centre_name, font=header, fill=0, anchor="mm")

    qr_px = mm(QR_MM)
    qr = qr_image(info.payload, qr_px)
    top = mm(15) + _quiet_px(info.payload, qr_px)
    card.paste(qr, (centre_x - qr_px // 2, top))

    y = top + qr_px + mm(3)
    nick = info.nickname or info.name
    big = _fit_font(draw, nick, "Bold", mm(11), inner)
    draw.text((centre_x, y + mm(6.5)), nick, font=big, fill=0, anchor="mm")
    y += mm(14)
    if info.nickname:
        name = _fit_font(draw, info.name, "Regular", mm(5), inner)
        draw.text((centre_x, y + mm(3)), info.name, font=name, fill=0, anchor="mm")
    y += mm(7)
    line = f"{info.classroom} · รหัส {info.code}" if info.classroom else f"รหัส {info.code}"
    draw.text((centre_x, y + mm(2.5)), line, font=_fit_font(draw, line, "Regular", mm(3.6), inner), fill=60,
              anchor="mm")
    return card


def _quiet_px(payload: str, qr_px: int) -> int:
    """Pixels of the 4-module quiet zone for this payload's QR at `qr_px`."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return -(-QUIET_MODULES * qr_px // len(code.get_matrix()))


def card_png(info: CardInfo) -> bytes:
    """One card as a PNG (grayscale, 300 dpi), well under LINE's 1 MB preview-friendly size."""
    out = io.BytesIO()
    card_image(info).save(out, "PNG", optimize=True, dpi=(DPI, DPI))
    data = out.getvalue()
    if len(data) > MAX_PNG_BYTES:
        raise ValueError(f"card PNG is {len(data)} bytes, over {MAX_PNG_BYTES}")
    return data


def sheet_pages(cards: list[CardInfo]) -> list[Image.Image]:
    """A4 pages at 300 dpi, four cards each (2 × 2) with cut marks and a header 'centre · page n/N'."""
    page_w, page_h = mm(A4_MM[0]), mm(A4_MM[1])
    card_w, card_h, gap = mm(CARD_MM[0]), mm(CARD_MM[1]), mm(GAP_MM)
    left = (page_w - 2 * card_w - gap) // 2
    top = (page_h - 2 * card_h - gap) // 2
    slots = [(left + col * (card_w + gap), top + row * (card_h + gap)) for row in range(2) for col in range(2)]
    chunks = [cards[i:i + len(slots)] for i in range(0, len(cards), len(slots))] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        page = Image.new("L", (page_w, page_h), 255)
        draw = ImageDraw.Draw(page)
        centres = " / ".join(dict.fromkeys(card.centre_name for card in chunk)) or ""
        header = f"{centres} · บัตร QR เช็คชื่อ · หน้า {number}/{len(chunks)}"
        draw.text((page_w // 2, mm(13)), header, font=_fit_font(draw, header, "Regular", mm(4.5), page_w - mm(30)),
                  fill=0, anchor="mm")
        for info, (x, y) in zip(chunk, slots):
            page.paste(card_image(info), (x, y))
            _cut_marks(draw, x, y, card_w, card_h)
        pages.append(page)
    return pages


def _cut_marks(draw: ImageDraw.ImageDraw, x: int, y: int, w: int, h: int) -> None:
    """Short lines outside each corner of a card, in line with its edges (never over a card)."""
    off, length = mm(1), mm(2.5)
    for cx, sx in ((x, -1), (x + w - 1, 1)):
        for cy, sy in ((y, -1), (y + h - 1, 1)):
            draw.line((cx + sx * off, cy, cx + sx * (off + length), cy), fill=0, width=2)
            draw.line((cx, cy + sy * off, cx, cy + sy * (off + length)), fill=0, width=2)


def write_sheets(cards: list[CardInfo], out_path: Path) -> list[Path]:
    """Write the sheets: '.pdf' → one multi-page PDF; '.png' → page 1 at out_path, then '<stem>-2.png', …"""
    out_path = Path(out_path)
    pages = sheet_pages(cards)
    suffix = out_path.suffix.lower()
    if suffix == ".pdf":
        # 1-bit pages are stored losslessly (CCITT G4); grayscale would be JPEG-compressed around the QR modules.
        ink = [page.point(lambda v: 255 if v >= 200 else 0, mode="1") for page in pages]
        ink[0].save(out_path, "PDF", resolution=DPI, save_all=True, append_images=ink[1:])
        return [out_path]
    if suffix == ".png":
        paths = [out_path if n == 1 else out_path.with_name(f"{out_path.stem}-{n}.png")
                 for n in range(1, len(pages) + 1)]
        for page, path in zip(pages, paths):
            page.save(path, "PNG", optimize=True, dpi=(DPI, DPI))
        return paths
    raise ValueError(f"unsupported sheet format {out_path.suffix!r}: use .pdf or .png")
