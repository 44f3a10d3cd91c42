"""QR finder patterns found without a decoder, and codes cut out upright around three of them.

zxing-cpp and zbar give up on a code whose finder patterns they cannot tell from blur, JPEG blocks or a
shadow's edge across a whole photo. Here the finders are looked for alone — dark:light:dark:light:dark
runs of 1:1:3:1:1 along rows and along columns of a locally thresholded copy, kept where both agree —
then three finders at the corners of a right angle make a code, which is cut out of the full photo with
an affine map (rectified: upright, 6 px a module, contrast stretched) and read again by the decoders,
that now see a clean small picture. Everything is numpy over whole arrays; a 3 MP scout takes ~20–35 ms.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

Point = tuple[float, float]
SPAN = 200  # the box radius of the local threshold, as a fraction of the longer side
LEG_RATIO = 1.35  # a code seen obliquely: one leg of its finder triple up to this much longer than the other
MAX_COS = 0.3  # and the angle between them as far from square as this cosine (73°–107°)


@dataclass(frozen=True)
class Finder:
    """A finder pattern's centre and module size, in pixels of the image searched."""

    x: float
    y: float
    module: float


def find_finders(grey: Image.Image, max_finders: int = 30) -> list[Finder]:
    """Finder-pattern candidates in a grey image, small ones and (on a copy a third the size) big ones."""
    finders = _finders(grey, max_finders)
    if min(grey.size) >= 600:
        for big in _finders(grey.reduce(3), max_finders // 2):
            big = Finder(big.x * 3 + 1, big.y * 3 + 1, big.module * 3)
            if not any(math.hypot(big.x - f.x, big.y - f.y) < 2 * big.module for f in finders):
                finders.append(big)
    return finders


def _finders(grey: Image.Image, max_finders: int) -> list[Finder]:
    """Finder-pattern candidates at one scale (strongest first, at most `max_finders`)."""
    # the local threshold: the mean of a neighbourhood of about 1/50 of the image, less 6 %, made at 1/8 size
    small = grey.reduce(8) if min(grey.size) >= 64 else grey
    local = small.filter(ImageFilter.BoxBlur(max(1, max(small.size) // SPAN)))
    # the threshold is smooth: enlarged to half size (a quarter of the work) and each value used twice
    half = np.asarray(local.point([max(0, v - max(2, v // 16)) for v in range(256)]).resize(
        ((grey.width + 1) // 2, (grey.height + 1) // 2), Image.BILINEAR))
    pixels = np.asarray(grey)
    height, width = pixels.shape
    # every other row and column: a finder's centre is 3 modules wide, so even 2-px modules cross three scans
    rows = _runs(pixels[::2] < np.repeat(half, 2, axis=1)[:, :width])
    cols = _runs(_transposed(pixels[:, ::2] < np.repeat(half, 2, axis=0)[:height]))
    rows, cols = (rows[0] * 2, rows[1], rows[2]), (cols[0] * 2, cols[1], cols[2])
    if not rows[0].size or not cols[0].size:
        return []
    cell = 4
    marks = np.zeros((height // cell + 3, width // cell + 3), dtype=bool)
    marks[(rows[0] // cell).astype(int) + 1, (rows[1] // cell).astype(int) + 1] = True
    near = marks.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            near |= np.roll(np.roll(marks, dy, axis=0), dx, axis=1)
    ys, xs, units = cols[1], cols[0], cols[2]  # a column run's "row" is x
    agree = near[(ys // cell).astype(int) + 1, (xs // cell).astype(int) + 1]
    return _clusters(xs[agree], ys[agree], units[agree], max_finders)


def _runs(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, centre, module) of every dark-light-dark-light-dark run of ratio 1:1:3:1:1 along the rows."""
    # flatnonzero and a division: several times faster than a 2-D nonzero
    row, col = np.divmod(np.flatnonzero(dark[:, 1:] != dark[:, :-1]), dark.shape[1] - 1)
    if col.size < 6:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    starts = col.astype(np.int32) + 1
    row = row.astype(np.int32)
    lengths = np.diff(starts)
    # the centre run k + 2 is about three times each of its neighbours: a cheap first cut
    middle, before, after = lengths[2:-2], lengths[1:-3], lengths[3:-1]
    k = np.nonzero((2 * middle >= 3 * before) & (2 * middle >= 3 * after)
                   & (middle <= 6 * before) & (middle <= 6 * after))[0]
    k = k[(k + 5 < starts.size)]
    k = k[(row[k] == row[k + 5]) & dark[row[k], starts[k]]]
    runs = np.stack([lengths[k + i] for i in range(5)]).astype(np.float32)
    unit = runs.sum(axis=0) / 7
    expected = np.array([1, 1, 3, 1, 1], dtype=np.float32)[:, None] * unit
    slack = np.array([0.6, 0.6, 1.5, 0.6, 0.6], dtype=np.float32)[:, None] * unit
    good = np.all(np.abs(runs - expected) < slack, axis=0) & (unit >= 1.2)
    k, unit = k[good], unit[good]
    centre = starts[k + 2] + lengths[k + 2] / 2
    return row[k].astype(np.float32), centre.astype(np.float32), unit


def _transposed(array: np.ndarray, band: int = 256) -> np.ndarray:
    """A contiguous transposed copy made in bands of rows (cache-friendlier than one strided copy)."""
    out = np.empty(array.shape[::-1], dtype=array.dtype)
    for start in range(0, array.shape[0], band):
        out[:, start:start + band] = array[start:start + band].T
    return out


def _clusters(xs: np.ndarray, ys: np.ndarray, units: np.ndarray, limit: int) -> list[Finder]:
    """Agreeing hits grouped by place (8-px cells that touch form one group): each group of at least three
    hits becomes one finder at their mean place with their median module size; the best supported first.
    The flood fill walks the distinct cells only (textured cloth gives thousands of hits in few cells)."""
    if not xs.size:
        return []
    cy, cx = (ys // 8).astype(np.int64), (xs // 8).astype(np.int64)
    cells, inverse = np.unique(cy * 65536 + cx, return_inverse=True)
    index = {int(key): i for i, key in enumerate(cells.tolist())}
    label = [-1] * len(cells)
    groups = 0
    for start, key in enumerate(cells.tolist()):
        if label[start] >= 0:
            continue
        label[start] = groups
        stack = [key]
        while stack:
            key = stack.pop()
            for neighbour in (key + dy * 65536 + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1)):
                other = index.get(neighbour)
                if other is not None and label[other] < 0:
                    label[other] = groups
                    stack.append(neighbour)
        groups += 1
    of_hit = np.asarray(label, dtype=np.int64)[inverse.ravel()]
    counts = np.bincount(of_hit, minlength=groups)
    sum_x, sum_y = np.bincount(of_hit, xs, groups), np.bincount(of_hit, ys, groups)
    best = [int(g) for g in np.argsort(-counts, kind="stable") if counts[g] >= 3][:limit]
    return [Finder(float(sum_x[g] / counts[g]), float(sum_y[g] / counts[g]), float(np.median(units[of_hit == g])))
            for g in best]


def finder_triples(finders: list[Finder]) -> list[tuple[Finder, Finder, Finder]]:
    """(corner, along x, along y) for every three finders that could be one code's (a right angle, equal legs,
    similar module sizes, 10–64 modules apart), ordered so that the code reads unmirrored; squarest first."""
    triples = []
    for corner in finders:
        partners = [f for f in finders if f is not corner and max(f.module, corner.module) <= 1.7 * min(
            f.module, corner.module) and 10 <= math.hypot(f.x - corner.x, f.y - corner.y) / corner.module <= 64]
        for j, first in enumerate(partners):
            for second in partners[j + 1:]:
                sizes = (corner.module, first.module, second.module)
                if max(sizes) > 1.7 * min(sizes):
                    continue
                ax, ay = first.x - corner.x, first.y - corner.y
                bx, by = second.x - corner.x, second.y - corner.y
                leg_a, leg_b = math.hypot(ax, ay), math.hypot(bx, by)
                if not leg_a or not leg_b or max(leg_a, leg_b) > LEG_RATIO * min(leg_a, leg_b):
                    continue
                if abs(ax * bx + ay * by) > MAX_COS * leg_a * leg_b:
                    continue
                modules = (leg_a + leg_b) / 2 / (sum(sizes) / 3)
                if not 10 <= modules <= 64:
                    continue
                skew = max(leg_a, leg_b) / min(leg_a, leg_b) - 1 + abs(ax * bx + ay * by) / (leg_a * leg_b)
                triples.append((skew, (corner, first, second) if ax * by - ay * bx > 0 else (corner, second, first)))
    return [triple for _, triple in sorted(triples, key=lambda item: item[0])]


def rectified(grey: Image.Image, triple: tuple[Finder, Finder, Finder], scale: float,
              per_module: int = 6, quiet: int = 5) -> tuple[Image.Image, list[float]]:
    """The code at `triple` (found in an image `scale` times `grey`'s size) cut out of `grey` upright, at
    `per_module` pixels a module with `quiet` modules around it, contrast stretched; and the affine map
    (PIL's six coefficients) from the cut-out's pixels to `grey`'s."""
    corner, right, down = triple
    apart = modules_apart(triple)
    ox, oy = corner.x / scale, corner.y / scale
    rx, ry = (right.x - corner.x) / scale / apart, (right.y - corner.y) / scale / apart
    dx, dy = (down.x - corner.x) / scale / apart, (down.y - corner.y) / scale / apart
    side = apart + 7 + 2 * quiet
    start = -(quiet + 3.5)  # the cut-out's (0, 0) in modules from the corner finder's centre
    coefficients = [rx / per_module, dx / per_module, ox + start * (rx + dx),
                    ry / per_module, dy / per_module, oy + start * (ry + dy)]
    size = round(side * per_module)
    patch = grey.transform((size, size), Image.AFFINE, coefficients, Image.BILINEAR, fillcolor=255)
    return stretched(patch), coefficients


def modules_apart(triple: tuple[Finder, Finder, Finder]) -> float:
    """Modules between the corner finder's centre and the others' (4 × version + 10), from the legs."""
    corner, right, down = triple
    legs = (math.hypot(right.x - corner.x, right.y - corner.y) + math.hypot(down.x - corner.x, down.y - corner.y)) / 2
    # a row crosses a finder turned by θ over 1 / max(|cos θ|, |sin θ|) times its width
    angle = math.atan2(right.y - corner.y, right.x - corner.x)
    module = (corner.module + right.module + down.module) / 3 * max(abs(math.cos(angle)), abs(math.sin(angle)))
    estimate = legs / module
    version = max(1, min(10, round((estimate - 10) / 4)))
    return 4 * version + 10


def stretched(patch: Image.Image) -> Image.Image:
    """The patch with its 2nd–98th percentile grey spread over 0–255."""
    # from the histogram and through a lookup table: ~10 times cheaper than numpy's percentile and clip
    cumulative = np.cumsum(patch.histogram())
    low, high = np.searchsorted(cumulative, cumulative[-1] * np.array([0.02, 0.98]))
    if high - low < 4:
        return patch
    return patch.point(np.clip((np.arange(256) - low) * (255 / (high - low)), 0, 255).astype(np.uint8).tolist())


def mapped(coefficients: list[float], points: list[Point]) -> list[Point]:
    """Points of a cut-out in the coordinates of the image it was cut from (affine or perspective map)."""
    a, b, c, d, e, f, g, h = (list(coefficients) + [0.0, 0.0])[:8]
    return [((a * x + b * y + c) / (g * x + h * y + 1), (d * x + e * y + f) / (g * x + h * y + 1)) for x, y in points]


def rectified_quad(grey: Image.Image, quad: list[Point], side: int = 180, margin: float = 0.25
                   ) -> tuple[Image.Image, list[float]]:
    """The code a decoder located at `quad` (corners in order) cut out of `grey` square and upright, `side`
    pixels plus `margin` of it around, contrast stretched; and the perspective map from cut-out to `grey`."""
    border = side * margin
    size = round(side + 2 * border)
    square = [(border, border), (border + side, border), (border + side, border + side), (border, border + side)]
    # PIL's perspective coefficients map the output (the square) to the input (the photo)
    coefficients = homographies(np.array(square, dtype=float), np.array([quad], dtype=float))[0].ravel()[:8].tolist()
    patch = grey.transform((size, size), Image.PERSPECTIVE, coefficients, Image.BILINEAR, fillcolor=255)
    return stretched(patch), coefficients


def homographies(modules: np.ndarray, pixels: np.ndarray) -> np.ndarray:
    """The 3×3 maps taking four points `modules` (4 × 2: a code's module coordinates, or any plane) to each set
    of four points in `pixels` (sets × 4 × 2), solved all at once."""
    count = pixels.shape[0]
    u, v = modules[:, 0], modules[:, 1]
    x, y = pixels[:, :, 0], pixels[:, :, 1]
    a = np.zeros((count, 8, 8))
    a[:, 0::2, 0], a[:, 0::2, 1], a[:, 0::2, 2] = u, v, 1
    a[:, 1::2, 3], a[:, 1::2, 4], a[:, 1::2, 5] = u, v, 1
    a[:, 0::2, 6], a[:, 0::2, 7] = -x * u, -x * v
    a[:, 1::2, 6], a[:, 1::2, 7] = -y * u, -y * v
    b = np.empty((count, 8))
    b[:, 0::2], b[:, 1::2] = x, y
    h = np.linalg.solve(a, b[:, :, None])[:, :, 0]
    return np.concatenate([h, np.ones((count, 1))], axis=1).reshape(count, 3, 3)


def pair_triples(finders: list[Finder], used: set[int]) -> list[list[tuple[Finder, Finder, Finder]]]:
    """For every two finders that could be one code's (similar modules, 10–40 modules apart side by side or
    14–56 across; versions 1–7) and are not both in one triple: the triples their code would make with its
    third finder, which glare, a shadow's edge or blur hid from the scout (six places: either finder the
    corner, either side; or the two across a diagonal). The third is virtual: its grid is fitted to the code
    (domain/qr_grid.py) and the cut-out gets ideal finders painted in (`painted`)."""
    pairs = []
    free = [f for f in finders if f.module >= 1.2]
    for i, p in enumerate(free):
        for q in free[i + 1:]:
            if (id(p), id(q)) in used:
                continue
            if max(p.module, q.module) > 1.3 * min(p.module, q.module):
                continue
            module = (p.module + q.module) / 2
            dx, dy = q.x - p.x, q.y - p.y
            apart = math.hypot(dx, dy) / module
            options = []
            if 10 <= apart <= 40:  # side by side: one of them is the corner
                for corner, other in ((p, q), (q, p)):
                    ax, ay = other.x - corner.x, other.y - corner.y
                    for sign in (1, -1):
                        third = Finder(corner.x - sign * ay, corner.y + sign * ax, module)
                        options.append(_ordered(corner, other, third))
            if 14 <= apart <= 56:  # across the diagonal: the corner is missing
                mx, my = (p.x + q.x) / 2, (p.y + q.y) / 2
                for sign in (1, -1):
                    corner = Finder(mx - sign * dy / 2, my + sign * dx / 2, module)
                    options.append(_ordered(corner, p, q))
            if options:
                pairs.append(options)
    return pairs


def _ordered(corner: Finder, a: Finder, b: Finder) -> tuple[Finder, Finder, Finder]:
    """(corner, along x, along y) so that the code reads unmirrored (as finder_triples orders them)."""
    ax, ay, bx, by = a.x - corner.x, a.y - corner.y, b.x - corner.x, b.y - corner.y
    return (corner, a, b) if ax * by - ay * bx > 0 else (corner, b, a)


def painted(patch: Image.Image, triple: tuple[Finder, Finder, Finder], per_module: int = 6,
            quiet: int = 5) -> Image.Image:
    """A cut-out of `rectified` with ideal finder patterns (and their light separators) painted over the
    three places: glare, blur or a shadow's edge over a finder no longer hides the code from the decoders."""
    pixels = np.array(patch, dtype=np.uint8)
    apart = modules_apart(triple)
    pattern = np.full((9, 9), 255, dtype=np.uint8)
    pattern[1:8, 1:8] = 0
    pattern[2:7, 2:7] = 255
    pattern[3:6, 3:6] = 0
    block = np.kron(pattern, np.ones((per_module, per_module), dtype=np.uint8))
    for mx, my in ((0, 0), (apart, 0), (0, apart)):
        x0 = round((quiet + mx - 1) * per_module)
        y0 = round((quiet + my - 1) * per_module)
        h, w = pixels.shape
        xs, ys = max(0, x0), max(0, y0)
        xe, ye = min(w, x0 + block.shape[1]), min(h, y0 + block.shape[0])
        if xe > xs and ye > ys:
            pixels[ys:ye, xs:xe] = block[ys - y0:ye - y0, xs - x0:xe - x0]
    return Image.fromarray(pixels, "L")

