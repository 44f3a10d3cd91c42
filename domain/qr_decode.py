"""Find every QR code in a phone photo of check-in cards: an adaptive pipeline under a CPU budget.

1. First look: zxing-cpp on a working copy (photos over WORK_SIDE halved: cheap when there is no card),
   and the finder scout (domain/qr_finders.py) on the same copy. Nothing found, nothing unreadable, no
   three finders that make a code and no two whose code (its third finder guessed: glare) looks real: the
   photo has no card (a face, a lunch tray) and decoding stops.
2. zxing-cpp on the whole grey photo (big photos only; dozens of codes come out at once).
3. Rescue: every symbol a decoder located but could not read, and every finder triple no found code
   explains, gets a module grid (domain/qr_grid.py) scored on the code's function patterns; those that look
   like a code are cut out upright and read once each by zxing-cpp (cheap: a readable code behind false
   triples is not kept waiting), then, most code-like first, the grid is fitted to the finders, timing and
   alignment patterns and its modules read with glare-clipped codewords as Reed–Solomon erasures
   (domain/qr_symbol.py), and last the costlier readers try the cut-out (PATCH_READERS).
4. Fallback passes over the whole photo, cheapest and most fruitful first: zxing-cpp on the equalised
   photo, on an unsharp-masked one, on the photo enlarged twice (small photos), pyzbar on an adaptive
   threshold and on a small copy, zxing-cpp with its global-histogram binariser. Each pass that finds a
   code or an unreadable symbol is followed by a rescue.

It stops when the caller's expected number of codes is found, when PATIENCE passes in a row add nothing
and nothing code-like is left unexplained, or when the next pass would take the photo past the budget.
Only what a decoder reported after its Reed–Solomon check is returned; the caller verifies the signed
payloads (forged and re-issued cards are refused there, not hidden here). bench/qr_decode.py measures it.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps
from pyzbar import pyzbar

from domain.qr_finders import find_finders, finder_triples, mapped, painted, pair_triples, rectified, rectified_quad
from domain.qr_grid import quad_grid, read_grid, triple_grids

MAX_SIDE = 4096  # bigger photos are reduced first: 16 MP keeps 2 mm modules of 6–12 cards over 10 px wide
BUDGET_MS = 170.0  # CPU ms: a pass that would pass it is skipped; p95 ~185–210 ms here, margin for a slower CPU

Quad = list[tuple[float, float]]


@dataclass
class Found:
    """One decoded QR: its text and its four corners in the coordinates of the photo given."""

    text: str
    polygon: list[tuple[int, int]]


def decode_photo(image: Image.Image, budget_ms: float = BUDGET_MS, expected: int | None = None) -> list[Found]:
    """Every QR in an opened photo (see domain.images.open_photo), one per distinct text; stops early once
    `expected` distinct texts are found, when the caller knows how many cards are in the photo."""
    seen: dict[str, Found] = {}
    for found in decode_all(image, budget_ms, expected):
        seen.setdefault(found.text, found)
    return list(seen.values())


def decode_all(image: Image.Image, budget_ms: float = BUDGET_MS, expected: int | None = None) -> list[Found]:
    """Every QR symbol in the photo, including repeats of one text at different places (for the bench)."""
    return _decoded(_Run(image, budget_ms, expected))


def _decoded(run: "_Run") -> list[Found]:
    """Run the passes; the found symbols in the photo's own coordinates."""
    run.first_look()
    if run.found or run.unread or run.triples or run.code_like_pair():
        if run.factor > 1:  # the whole photo first: with dozens of codes it finds what rescuing one by one would
            run.attempt(FULL)
        run.rescue()
        fruitless = 0
        for step in PASSES:
            if run.done() or (fruitless >= PATIENCE and not run.unexplained()):
                break
            if step.applies(run):
                run.attempt(step)
                fruitless = 0 if run.added else fruitless + 1
    return [Found(text, [(round(x / run.scale), round(y / run.scale)) for x, y in quad]) for text, quad in run.found]


class _Run:
    """One photo's decoding: what is found so far (quads in the grey's pixels) and what is left to explain."""

    def __init__(self, image: Image.Image, budget_ms: float, expected: int | None):
        self.start = time.thread_time()  # CPU time of this thread: the same photo gets the same passes however busy
        self.budget_ms, self.expected = budget_ms, expected
        self.grey, self.scale = _grey(image)
        self.factor = max(1, math.ceil(max(self.grey.size) / WORK_SIDE))
        self.work = self.grey.reduce(self.factor) if self.factor > 1 else self.grey
        self.found: list[tuple[str, Quad]] = []
        self.unread: list[Quad] = []  # symbols a decoder located but could not read
        self.triples: list = []  # finder triples no found code explains
        self.pairs: list = []  # per two finders in no triple: the triples a hidden third finder would make
        self.failed: list = []  # code-like finder triples cut out and read in vain
        self.added = 0
        self._pixels: np.ndarray | None = None
        self.trace: list[tuple[str, float, int]] = []  # (step, CPU ms spent so far, codes added): for the bench

    def pixels(self) -> np.ndarray:
        """The grey photo as a numpy array (made once)."""
        if self._pixels is None:
            self._pixels = np.asarray(self.grey)
        return self._pixels

    def spent_ms(self) -> float:
        return (time.thread_time() - self.start) * 1000

    def done(self) -> bool:
        """The expected number of codes is found, or the budget is spent."""
        texts = len({text for text, _ in self.found})
        return (self.expected is not None and texts >= self.expected) or self.spent_ms() >= self.budget_ms

    def unexplained(self) -> list:
        return [q for q in self.unread if not self._explained(quad_centre(q))] + \
            [t for t in self.triples + self.failed if not self._explained(_triple_centre(t, self.factor))]

    def _explained(self, point: tuple[float, float]) -> bool:
        return any(inside(point, quad) for _, quad in self.found)

    def merge(self, symbols: list[tuple[str, Quad]], unreadable: list[Quad] = ()) -> None:
        self.added = _merge(self.found, symbols)
        self.unread += unreadable

    def first_look(self) -> None:
        """zxing-cpp and the finder scout on the working copy (big photos halved: cheap when there is no card)."""
        self.merge(*zxing(self.work, 1 / self.factor))
        self.trace.append(("zxing-work", self.spent_ms(), self.added))
        if self.done():
            return
        finders = find_finders(self.work)
        triples = finder_triples(finders)
        self.triples = [t for t in triples if not self._explained(_triple_centre(t, self.factor))]
        used = {(id(a), id(b)) for t in triples for a in t for b in t}
        self.pairs = [options for options in pair_triples(finders, used)
                      if not any(self._explained(_triple_centre(t, self.factor)) for t in options)]
        self.trace.append(("scout", self.spent_ms(), len(self.triples)))

    def code_like_pair(self) -> bool:
        """Whether two finders seen with a third guessed (glare on a finder) look like a code's."""
        options = [t for options in self.pairs for t in options][:MAX_CUTS]
        return any(score >= CODE_LIKE for _, score in triple_grids(self.pixels(), options, 1 / self.factor))

    def rescue(self) -> None:
        """Cut out and read again every unread symbol and every finder triple no found code explains: first
        one cheap zxing read of each (a readable code behind false triples costs ~2 ms), then, most code-like
        first, the module grid fitted to the code's function patterns and read with Reed–Solomon erasures
        (domain/qr_grid.py), and the costlier readers on the cut-out. A triple whose grid shows no finders,
        timing and alignment patterns (text, cloth) is left after the cheap look."""
        added = 0
        left = []  # (fit score, grid, triple or None, patch, coefficients): what the cheap read did not read
        pixels = self.pixels()
        for quad in [q for q in self.unread if not self._explained(quad_centre(q))]:
            if self.done():
                break
            if _area(quad) < 64:
                continue
            patch, coefficients = rectified_quad(self.grey, quad)
            self.merge(_mapped(_read_cheap(patch), coefficients))
            added += self.added
            if not self.added:
                grid, score = quad_grid(pixels, quad)
                left.append((score, grid, None, patch, coefficients))
        pending = list(self.triples) + [t for options in self.pairs for t in options]
        self.triples, self.pairs = [], []  # the same cut-out of the same photo reads the same: once is enough
        pending = [t for t in pending[:MAX_CUTS] if not self._explained(_triple_centre(t, self.factor))]
        candidates = sorted(((score, triple, grid) for triple, (grid, score)
                             in zip(pending, triple_grids(pixels, pending, 1 / self.factor))),
                            key=lambda c: c[0], reverse=True)
        looked = 0
        for score, triple, grid in candidates:
            if score < CODE_LIKE:
                break
            if self.done() or looked >= MAX_CHEAP:
                self.failed.append(triple)
                continue
            if self._explained(_triple_centre(triple, self.factor)):
                continue
            # the cheap read on a coarser cut-out (4 px a module: less than half the pixels to warp)
            patch, coefficients = rectified(self.grey, triple, 1 / self.factor, per_module=4)
            looked += 1
            self.merge(_mapped(_read_cheap(patch), coefficients))
            added += self.added
            if not self.added:
                left.append((score, grid, triple, None, None))
        reads = 0
        left.sort(key=lambda item: item[0], reverse=True)  # a decoder's misplaced quad waits behind a good triple
        for score, grid, triple, patch, coefficients in left:
            if self.done() or reads >= MAX_TRIPLES:
                self.failed += [triple] if triple is not None else []
                continue
            if self._explained(_point_of(grid)):
                continue
            reads += 1
            reading = read_grid(pixels, grid)
            if reading.text:
                self.merge([(reading.text, reading.corners)])
                added += self.added
                continue
            if reading.fit < FITS_CODE:  # not a code: text, cloth, a card's picture
                continue
            if triple is not None:
                patch, coefficients = rectified(self.grey, triple, 1 / self.factor)
            self.merge(_mapped(_read_patch(patch, triple, skip_cheap=True), coefficients))
            added += self.added
            if triple is not None and not self.added:
                self.failed.append(triple)
        self.added = added
        self.trace.append(("rescue", self.spent_ms(), added))

    def attempt(self, step: "Pass") -> None:
        """One fallback pass over the whole photo, skipped when its expected cost would pass the budget."""
        if self.spent_ms() + step.cost(self.grey) > self.budget_ms:
            self.added = 0
            return
        symbols, unreadable = step.run(self)
        self.merge(symbols, unreadable)
        self.trace.append((step.name, self.spent_ms(), self.added))
        if (self.added or unreadable) and step is not FULL:
            self.rescue()


def _point_of(grid) -> tuple[float, float]:
    """The middle of a grid's code in the grey's pixels."""
    return quad_centre(grid.corners())


def _area(quad: Quad) -> float:
    """Shoelace area of a polygon."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(quad, quad[1:] + quad[:1]))) / 2


def _triple_centre(triple, factor: int) -> tuple[float, float]:
    """The middle of the code three finders (in the working copy) belong to, in the grey's pixels."""
    _, right, down = triple
    return (right.x + down.x) / 2 * factor, (right.y + down.y) / 2 * factor


def _mapped(symbols: list[tuple[str, Quad]], coefficients: list[float]) -> list[tuple[str, Quad]]:
    return [(text, mapped(coefficients, quad)) for text, quad in symbols]


def _read_cheap(patch: Image.Image) -> list[tuple[str, Quad]]:
    """A cut-out read once by zxing-cpp (~1 ms): most readable cut-outs read here."""
    return zxing(patch)[0]


# (name, painted, reader) tried in turn on a cut-out _read_cheap could not read, in the order of reads won per ms
# (counted on generator B's tuning seed and BoofCV: unsharp masking wins most; smoothing, pyzbar on a threshold
# and pyzbar or the histogram binariser on the painted cut-out won nothing the others missed, and were dropped).
# `painted`: on the cut-out with ideal finders painted in (finder triples only).
PATCH_READERS: tuple[tuple[str, bool, Callable], ...] = (
    ("zxing-histogram", False, lambda p: zxing(p, binarizer=zxingcpp.Binarizer.GlobalHistogram)[0]),
    ("zxing-sharpened", False, lambda p: zxing(p.filter(ImageFilter.UnsharpMask(4, 150, 0)))[0]),
    ("painted-zxing", True, lambda p: zxing(p)[0]),
    ("zbar", False, lambda p: zbar(p)[0]),
    ("zxing-enlarged", False, lambda p: zxing(p.resize((p.width * 2, p.height * 2), Image.BICUBIC), 2.0)[0]),
)


def _read_patch(patch: Image.Image, triple=None, skip_cheap: bool = False) -> list[tuple[str, Quad]]:
    """A cut-out code read by the first of `_read_cheap` and PATCH_READERS that reads it (the painted ones for
    a cut-out of a finder triple only). `skip_cheap`: `_read_cheap` has already failed on it."""
    if not skip_cheap:
        symbols = _read_cheap(patch)
        if symbols:
            return symbols
    for _, on_painted, reader in PATCH_READERS:
        if on_painted and triple is None:
            continue
        symbols = reader(painted(patch, triple) if on_painted else patch)
        if symbols:
            return symbols
    return []


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


def zxing(grey: Image.Image, scale: float = 1.0, binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
          downscale: bool = True) -> tuple[list[tuple[str, Quad]], list[Quad]]:
    """zxing-cpp's QR symbols in `grey` (corners divided by `scale`), and the quads of those it could not read.
    `downscale=False` skips zxing's own pyramid of smaller copies (when a smaller copy was already read):
    ~40 % less time. try_rotate is off: the QR detector finds codes at any angle without it (~20 % less)."""
    symbols, unreadable = [], []
    for code in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False,
                                       try_rotate=False, try_downscale=downscale, binarizer=binarizer,
                                       return_errors=True):
        pos = code.position
        quad = [(p.x / scale, p.y / scale) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)]
        if code.valid:
            symbols.append((code.text, quad))
        else:
            unreadable.append(quad)
    return symbols, unreadable


def zbar(grey: Image.Image, scale: float = 1.0) -> tuple[list[tuple[str, Quad]], list[Quad]]:
    """pyzbar's QR symbols in `grey` (corners divided by `scale`); zbar does not report unreadable ones."""
    symbols = []
    for code in pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            text = code.data.decode("utf-8")
        except UnicodeDecodeError:
            text = code.data.decode("latin-1")
        symbols.append((text, [(p.x / scale, p.y / scale) for p in code.polygon]))
    return symbols, []


def adaptive_threshold(grey: Image.Image, radius: int, offset: int = 8) -> Image.Image:
    """Black where a pixel is darker than its neighbourhood's mean by `offset`, white elsewhere."""
    pixels = np.asarray(grey, dtype=np.int16)
    local = np.asarray(grey.filter(ImageFilter.BoxBlur(radius)), dtype=np.int16)
    return Image.fromarray(np.where(pixels < local - offset, 0, 255).astype(np.uint8), "L")


@dataclass(frozen=True)
class Pass:
    """A fallback pass over the whole photo: `run(decoding run)` → (symbols, unread quads), both in the grey's
    pixels; `cost(grey)` its expected CPU ms."""

    name: str
    run: Callable[["_Run"], tuple[list[tuple[str, Quad]], list[Quad]]]
    cost: Callable[[Image.Image], float]
    applies: Callable[["_Run"], bool] = lambda run: True


def _megapixels(grey: Image.Image, max_side: int | None = None) -> float:
    scale = 1.0 if max_side is None else min(1.0, max_side / max(grey.size))
    return grey.width * grey.height * scale * scale / 1e6


def _enlarged(run: _Run) -> tuple[list[tuple[str, Quad]], list[Quad]]:
    """Bilinear enlargement also smooths the sensor noise that breaks modules of 2–4 px."""
    grey = run.grey
    return zxing(grey.resize((grey.width * 2, grey.height * 2), Image.BILINEAR), 2.0)


def _zbar_threshold(run: _Run) -> tuple[list[tuple[str, Quad]], list[Quad]]:
    small, scale = _resized(run.grey, 1600)
    return zbar(adaptive_threshold(small, max(8, max(small.size) // 60)), scale)


def sharpened(grey: Image.Image) -> Image.Image:
    """Unsharp-masked over about a module of a small code (undoes some focus and motion blur)."""
    radius = max(2.0, max(grey.size) / 400)
    small = grey.reduce(4) if radius >= 8 else grey.reduce(2) if radius >= 4 else grey
    blurred = small.filter(ImageFilter.GaussianBlur(radius * small.width / grey.width))
    return Image.blend(blurred.resize(grey.size, Image.BILINEAR) if small is not grey else blurred, grey, 3.0)


def _zxing_on(prepare: Callable[[Image.Image], Image.Image], binarizer=zxingcpp.Binarizer.LocalAverage):
    return lambda run: zxing(prepare(run.grey), binarizer=binarizer, downscale=run.factor == 1)


WORK_SIDE = 2600  # the finder scout looks at the grey reduced by a whole factor to at most this
MAX_TRIPLES = 10  # cut-outs read by every reader per round (a cluttered table can show many false triples)
CODE_LIKE = 0.3  # the least fit_score of a triple's first grid worth a look (measured: ~95 % of real, ~18 % of false)
FITS_CODE = 0.5  # and of its fitted grid worth the costlier readers (~95 % of real, ~4 % of false)
MAX_CHEAP = 60  # code-like finder triples given one cheap read per round
MAX_CUTS = 160  # finder triples (real, or two finders and a guessed third) cut out and scored per round
PATIENCE = 2  # passes in a row that add nothing before stopping (when nothing code-like is left unexplained)
ENLARGE_MAX_MP = 3.2  # enlarging pays off for small photos (tiny modules); in big ones zxing already sees them
# Costs are CPU milliseconds per megapixel measured on the 2-core development machine; only their order matters much.
FULL = Pass("zxing", lambda run: zxing(run.grey, downscale=False), lambda g: 3 * _megapixels(g))
PASSES: tuple[Pass, ...] = (
    Pass("zxing-equalised", _zxing_on(ImageOps.equalize), lambda g: 7 * _megapixels(g)),
    Pass("zxing-sharpened", _zxing_on(sharpened), lambda g: 8 * _megapixels(g)),
    Pass("zxing-enlarged", _enlarged, lambda g: 28 * _megapixels(g),
         lambda run: _megapixels(run.grey) <= ENLARGE_MAX_MP),
    Pass("zbar-threshold", _zbar_threshold, lambda g: 60 * _megapixels(g, 1600)),
    Pass("zbar-small", lambda run: zbar(*_resized(run.grey, 1000)), lambda g: 50 * _megapixels(g, 1000)),
    Pass("zxing-histogram", _zxing_on(lambda g: g, zxingcpp.Binarizer.GlobalHistogram), lambda g: 4 * _megapixels(g)),
)
