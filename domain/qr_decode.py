"""Find every QR code in a phone photo of check-in cards.

Passes run from cheapest and most fruitful to dearest, each on a prepared version of the photo, and
stop early when an easy photo is done or the time budget is spent:

1. zxing-cpp on the grey photo (its local-average binariser, any rotation, its own downscaling);
2. zxing-cpp on the histogram-equalised photo (dim rooms, washed-out glare);
3. zxing-cpp on the photo enlarged twice (bilinear), then 4. enlarged, equalised, global-histogram
   binariser — both for photos up to 3.2 MP only (LINE-compressed photos of many cards: 3–4 px modules);
5. pyzbar on an adaptive threshold of the photo at most 1600 px wide (uneven light, shadows);
6. pyzbar on the photo at most 1000 px wide; 7. zxing-cpp with its global-histogram binariser.

A pass whose expected CPU cost would take the photo past the budget is skipped.

Only what a decoder reported (after its Reed–Solomon check) is returned; the caller still verifies
payload signatures. zxing-cpp is the main decoder: on BoofCV's real photos it alone finds 81 % of the
codes where pyzbar finds 30 %, at a quarter of the CPU; pyzbar on a thresholded copy adds codes in uneven
light. bench/qr_decode.py measures it all.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from pyzbar import pyzbar

MAX_SIDE = 4096  # bigger photos are reduced first: 16 MP keeps 2 mm modules of 6–12 cards over 10 px wide
BUDGET_MS = 200.0  # CPU ms: a pass that would pass it is skipped; keeps p95 under 250 ms for 1–12 MP photos

Quad = list[tuple[float, float]]


@dataclass
class Found:
    """One decoded QR: its text and its four corners in the coordinates of the photo given."""

    text: str
    polygon: list[tuple[int, int]]


def decode_photo(image: Image.Image, budget_ms: float = BUDGET_MS) -> list[Found]:
    """Every QR in an opened photo (see domain.images.open_photo), one per distinct text."""
    seen: dict[str, Found] = {}
    for found in decode_all(image, budget_ms):
        seen.setdefault(found.text, found)
    return list(seen.values())


def decode_all(image: Image.Image, budget_ms: float = BUDGET_MS,
               passes: tuple[str, ...] | None = None) -> list[Found]:
    """Every QR symbol in the photo, including repeats of one text at different places (for the bench)."""
    start = time.thread_time()  # CPU time of this thread: the same work gets the same passes on a busy machine
    grey, scale = _grey(image)
    found: list[tuple[str, Quad]] = []
    chosen = PASSES.values() if passes is None else [PASSES[name] for name in passes]
    unreadable_seen, first_ms = 0, 0.0
    for number, step in enumerate(chosen):
        began = time.thread_time()
        spent = (began - start) * 1000
        if number and spent + max(step.cost(grey), step.relative * first_ms) > budget_ms:
            continue
        symbols, unreadable = step.run(grey)
        if number == 0:
            first_ms = (time.thread_time() - began) * 1000
        unreadable_seen += unreadable
        added = _merge(found, symbols)
        # an easy photo: the first two passes agree and no decoder saw a symbol it could not read
        if passes is None and number == 1 and found and not added and not unreadable_seen:
            break
    return [Found(text, [(round(x / scale), round(y / scale)) for x, y in quad]) for text, quad in found]


def _grey(image: Image.Image) -> tuple[Image.Image, float]:
    """The photo in grey, reduced to MAX_SIDE; and the factor from the photo's coordinates to the grey's."""
    small, scale = _resized(image, MAX_SIDE)
    return small.convert("L"), scale


def _merge(found: list[tuple[str, Quad]], symbols: list[tuple[str, Quad]]) -> int:
    """Add the symbols not yet found (same text with its centre inside a known quad is the same symbol)."""
    added = 0
    for text, quad in symbols:
        centre = quad_centre(quad)
        if not any(text == other and inside(centre, known) for other, known in found):
            found.append((text, quad))
            added += 1
    return added


def quad_centre(quad: Quad) -> tuple[float, float]:
    """The mean of the corners."""
    return sum(x for x, _ in quad) / len(quad), sum(y for _, y in quad) / len(quad)


def inside(point: tuple[float, float], polygon: Quad) -> bool:
    """Ray casting: whether `point` lies inside `polygon` (any vertex order)."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def _resized(image: Image.Image, max_side: int) -> tuple[Image.Image, float]:
    """`image` reduced so that its longer side is at most `max_side`, and the factor applied."""
    scale = min(1.0, max_side / max(image.size))
    if scale == 1.0:
        return image, 1.0
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR,
                        reducing_gap=2.0), scale


def zxing(grey: Image.Image, scale: float = 1.0,
          binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage) -> tuple[list[tuple[str, Quad]], int]:
    """zxing-cpp's QR symbols in `grey` (corners divided by `scale`), and how many it saw but could not read."""
    symbols, unreadable = [], 0
    for code in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False,
                                       binarizer=binarizer, return_errors=True):
        if not code.valid:
            unreadable += 1
            continue
        pos = code.position
        quad = [(p.x / scale, p.y / scale) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)]
        symbols.append((code.text, quad))
    return symbols, unreadable


def zbar(grey: Image.Image, scale: float = 1.0) -> tuple[list[tuple[str, Quad]], int]:
    """pyzbar's QR symbols in `grey` (corners divided by `scale`); zbar does not report unreadable ones."""
    symbols = []
    for code in pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            text = code.data.decode("utf-8")
        except UnicodeDecodeError:
            text = code.data.decode("latin-1")
        symbols.append((text, [(p.x / scale, p.y / scale) for p in code.polygon]))
    return symbols, 0


def adaptive_threshold(grey: Image.Image, radius: int, offset: int = 8) -> Image.Image:
    """Black where a pixel is darker than its neighbourhood's mean by `offset`, white elsewhere."""
    pixels = np.asarray(grey, dtype=np.int16)
    local = np.asarray(grey.filter(ImageFilter.BoxBlur(radius)), dtype=np.int16)
    return Image.fromarray(np.where(pixels < local - offset, 0, 255).astype(np.uint8), "L")


@dataclass(frozen=True)
class Pass:
    """One decoding attempt: `run(grey)` → (symbols, unreadable); `cost(grey)` its expected CPU ms, at least
    `relative` × what the first pass took (zxing's time grows with the number of codes, e.g. 60 in one photo)."""

    name: str
    run: Callable[[Image.Image], tuple[list[tuple[str, Quad]], int]]
    cost: Callable[[Image.Image], float]
    relative: float = 0.0


def _megapixels(grey: Image.Image, max_side: int | None = None) -> float:
    scale = 1.0 if max_side is None else min(1.0, max_side / max(grey.size))
    return grey.width * grey.height * scale * scale / 1e6


def _enlarged(grey: Image.Image) -> tuple[list[tuple[str, Quad]], int]:
    """Bilinear enlargement also smooths the sensor noise that breaks modules of 3–4 px."""
    if _megapixels(grey) > ENLARGE_MAX_MP:
        return [], 0
    return zxing(grey.resize((grey.width * 2, grey.height * 2), Image.BILINEAR), 2.0)


def _enlarged_equalised(grey: Image.Image) -> tuple[list[tuple[str, Quad]], int]:
    if _megapixels(grey) > ENLARGE_MAX_MP:
        return [], 0
    big = grey.resize((grey.width * 2, grey.height * 2), Image.BICUBIC)
    return zxing(ImageOps.equalize(big), 2.0, zxingcpp.Binarizer.GlobalHistogram)


def _zbar_threshold(grey: Image.Image) -> tuple[list[tuple[str, Quad]], int]:
    small, scale = _resized(grey, 1600)
    return zbar(adaptive_threshold(small, max(8, max(small.size) // 60)), scale)


ENLARGE_MAX_MP = 3.2  # enlarging pays off for small photos (tiny modules); in big ones zxing already sees them
# Costs are CPU milliseconds per megapixel measured on the 2-core development machine; only their order matters much.
PASSES: dict[str, Pass] = {p.name: p for p in (
    Pass("zxing", zxing, lambda g: 6 * _megapixels(g)),
    Pass("zxing-equalised", lambda g: zxing(ImageOps.equalize(g)), lambda g: 7 * _megapixels(g), 1.0),
    Pass("zxing-enlarged", _enlarged, lambda g: 28 * _megapixels(g) if _megapixels(g) <= ENLARGE_MAX_MP else 0, 3.0),
    Pass("zxing-enlarged-equalised", _enlarged_equalised,
         lambda g: 35 * _megapixels(g) if _megapixels(g) <= ENLARGE_MAX_MP else 0, 3.0),
    Pass("zbar-threshold", _zbar_threshold, lambda g: 70 * _megapixels(g, 1600)),
    Pass("zbar-small", lambda g: zbar(*_resized(g, 1000)), lambda g: 60 * _megapixels(g, 1000)),
    Pass("zxing-histogram", lambda g: zxing(g, binarizer=zxingcpp.Binarizer.GlobalHistogram),
         lambda g: 4 * _megapixels(g), 0.7),
)}
