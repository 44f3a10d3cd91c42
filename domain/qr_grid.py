"""A QR code's module grid sampled straight from the photo, for codes the decoders locate but cannot read.

zxing-cpp and zbar binarise the whole cut-out and fit their own grid; under a glare spot, a shadow's edge or
a perspective the three finders do not describe, that grid drifts or the clipped modules count as errors.
Here the grid is a map from module coordinates to the photo's pixels, scored by how well the photo shows the
code's function patterns where it puts them (fit_score: finders with separators, timing lines, alignment
patterns; ~20 µs a grid, many at once). The score says whether three finders make a code at all and which
version; the grid is then fitted: finder centres refined on the finder's template, the alignment pattern
looked for, and the four anchor points moved until the function patterns fit best (perspective, a bent
card, a finder hidden by glare and guessed). Each module is sampled at its centre against its 3×3-module
neighbourhood; modules in flat or clipped places get a low confidence, which domain/qr_symbol.py turns into
Reed–Solomon erasures (an erasure costs half an error).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from domain.qr_finders import Finder, homographies, modules_apart
from domain.qr_symbol import alignment_centres, read_symbol

Point = tuple[float, float]
GLARE = 245  # a module this bright is clipped, or nearly (when the paper is darker)
PAPER_CLIPPED = 0.35  # more of a grid's samples than this at GLARE: the paper itself is clipped, not glare

_FINDER = np.ones((7, 7), dtype=np.float32)
_FINDER[1:6, 1:6] = -1
_FINDER[2:5, 2:5] = 1
_ALIGNMENT = np.ones((5, 5), dtype=np.float32)
_ALIGNMENT[1:4, 1:4] = -1
_ALIGNMENT[2, 2] = 1


class Grid:
    """A map from module coordinates (x along the top row, y down; module (c, r) spans c..c+1, r..r+1) to the
    photo's pixels, for a code of `size` modules a side."""

    def __init__(self, matrix: np.ndarray, size: int):
        self.matrix, self.size = matrix, size

    def points(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates of module coordinates (arrays of any one shape)."""
        m = self.matrix
        w = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
        return (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / w, (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / w

    def corners(self) -> list[Point]:
        """The code's four outer corners in the photo, clockwise from top left."""
        n = self.size
        xs, ys = self.points(np.array([0.0, n, n, 0.0]), np.array([0.0, 0.0, n, n]))
        return [(float(x), float(y)) for x, y in zip(xs, ys)]


def fitted(modules: list[Point], pixels: list[Point]) -> np.ndarray:
    """The 3×3 map taking module coordinates to pixels: affine from three point pairs, a homography from four."""
    if len(modules) == 4:
        return homographies(np.array(modules, dtype=np.float64), np.array([pixels], dtype=np.float64))[0]
    a = np.array([[u, v, 1.0] for u, v in modules])
    px = np.linalg.solve(a, np.array([x for x, _ in pixels]))
    py = np.linalg.solve(a, np.array([y for _, y in pixels]))
    return np.array([px, py, [0.0, 0.0, 1.0]])


def sample(pixels: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Bilinear grey values of `pixels` at fractional coordinates (edges clamped)."""
    height, width = pixels.shape
    xs = np.clip(xs, 0, width - 1.001)
    ys = np.clip(ys, 0, height - 1.001)
    x0, y0 = xs.astype(np.intp), ys.astype(np.intp)
    fx, fy = xs - x0, ys - y0
    top = pixels[y0, x0] * (1 - fx) + pixels[y0, x0 + 1] * fx
    bottom = pixels[y0 + 1, x0] * (1 - fx) + pixels[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _best_offset(pixels: np.ndarray, grid: Grid, centre: Point, template: np.ndarray, reach: float,
                 step: float = 0.25) -> tuple[Point, float]:
    """Where, within `reach` modules of `centre` (module coordinates), the grid's samples best correlate with
    `template` (+1 dark, −1 light, centred there); and that correlation (−1..1)."""
    k = template.shape[0]
    offsets = np.arange(-reach, reach + step / 2, step)
    ox, oy = np.meshgrid(offsets, offsets)
    ox, oy = ox.ravel(), oy.ravel()
    cells = np.arange(k) - (k - 1) / 2
    cx, cy = np.meshgrid(cells, cells)
    xs = centre[0] + ox[:, None] + cx.ravel()[None, :]
    ys = centre[1] + oy[:, None] + cy.ravel()[None, :]
    values = -sample(pixels, *grid.points(xs, ys))  # darkness
    values -= values.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(values, axis=1) * np.linalg.norm(template - template.mean())
    scores = values @ (template.ravel() - template.mean()) / np.maximum(norms, 1e-6)
    best = int(np.argmax(scores))
    return (centre[0] + ox[best], centre[1] + oy[best]), float(scores[best])


def triple_grids(pixels: np.ndarray, triples: list[tuple[Finder, Finder, Finder]], scale: float
                 ) -> list[tuple[Grid, float]]:
    """For each three finders found in an image `scale` times the photo's size: the affine grid through their
    centres of the version (the legs' estimate or one either side) whose function patterns the photo shows
    best, and its fit_score (scored together per size: ~20 µs a grid)."""
    by_size: dict[int, list[tuple[int, np.ndarray]]] = {}
    for number, triple in enumerate(triples):
        centres = [(f.x / scale, f.y / scale) for f in triple]
        estimate = modules_apart(triple) + 7
        for size in (estimate, estimate - 4, estimate + 4):
            if 21 <= size <= 57:
                by_size.setdefault(size, []).append((number, fitted(_finder_modules(size), centres)))
    best: list[tuple[Grid | None, float]] = [(None, -2.0)] * len(triples)
    for size, items in by_size.items():
        scores = fit_scores(pixels, np.array([matrix for _, matrix in items]), size)
        for (number, matrix), score in zip(items, scores):
            if score > best[number][1]:
                best[number] = (Grid(matrix, size), float(score))
    return best


def quad_grid(pixels: np.ndarray, quad: list[Point]) -> tuple[Grid, float]:
    """The grid through the outer corners a decoder located (clockwise from top left), of the version (1–10)
    whose function patterns the photo shows best; and its fit_score."""
    options = [Grid(fitted([(0.0, 0.0), (size, 0.0), (size, size), (0.0, size)], quad), size)
               for size in range(21, 58, 4)]
    return max(((grid, fit_score(pixels, grid)) for grid in options), key=lambda item: item[1])


def _finder_modules(size: int) -> list[Point]:
    far = size - 3.5
    return [(3.5, 3.5), (far, 3.5), (3.5, far)]


def grids(pixels: np.ndarray, start: Grid) -> list[Grid]:
    """Grids to sample, best first: `fit` from the best of these; through the finder centres refined against
    the finder's template and the alignment pattern found near where they put it (a homography); through the
    refined finders alone; `start`."""
    size = start.size
    modules = _finder_modules(size)
    refined = [_best_offset(pixels, start, m, _FINDER, 1.0)[0] for m in modules]
    points = [_point(start, at) for at in refined]
    grid = Grid(fitted(modules, points), size)
    found = [grid, start]
    if size >= 25:
        at, score = _best_offset(pixels, grid, (size - 6.5, size - 6.5), _ALIGNMENT, 2.5)
        if score > 0.5:
            found.insert(0, Grid(fitted(modules + [(size - 6.5, size - 6.5)], points + [_point(grid, at)]), size))
    best = max(found, key=lambda g: fit_score(pixels, g))
    return [fit(pixels, best)] + found


def _point(grid: Grid, at: Point) -> Point:
    x, y = grid.points(np.array(at[0]), np.array(at[1]))
    return float(x), float(y)


def _anchors(size: int) -> list[Point]:
    """Module coordinates whose pixels define a grid: the finder centres, and the bottom-right alignment
    pattern's centre (or, in version 1, the bottom-right corner of the timing's reach)."""
    return _finder_modules(size) + [(size - 6.5, size - 6.5) if size >= 25 else (size - 3.5, size - 3.5)]


def fit(pixels: np.ndarray, grid: Grid, steps: tuple[float, ...] = (0.5, 0.25, 0.125), rounds: int = 4) -> Grid:
    """`grid` moved, step by step (each round the best single move of an anchor coordinate, or every coordinate's
    better move together), to where the photo
    best shows the code's function patterns (finders with separators, timing lines, alignment patterns):
    perspective, a bent card or a finder hidden by glare that the three finder centres did not describe."""
    size = grid.size
    anchors = np.array(_anchors(size))
    points = np.array([_point(grid, tuple(a)) for a in anchors])
    module = float(np.hypot(*(points[1] - points[0]))) / (size - 7)
    best = fit_scores(pixels, grid.matrix[None], size)[0]
    moves = np.zeros((4 * len(anchors), len(anchors), 2))
    for k, (index, axis, sign) in enumerate((i, a, g) for i in range(len(anchors)) for a in (0, 1) for g in (1, -1)):
        moves[k, index, axis] = sign
    for step in steps:
        for _ in range(rounds):
            trials = points[None] + moves * step * module
            scores = fit_scores(pixels, homographies(anchors, trials), size)
            if scores.max() <= best:
                break
            # every coordinate's better move at once, when that beats the best single move
            gains = (scores - best).reshape(-1, 2)
            better = np.where(gains[:, 0] >= gains[:, 1], 0, 1)
            chosen = [2 * c + better[c] for c in range(len(gains)) if gains[c, better[c]] > 0]
            together = points + moves[chosen].sum(axis=0) * step * module
            combined = fit_scores(pixels, homographies(anchors, together[None]), size)[0]
            k = int(np.argmax(scores))
            best, points = (combined, together) if combined > scores[k] else (scores[k], trials[k])
    return Grid(homographies(anchors, points[None])[0], size)


@cache
def function_pattern(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The modules a grid is fitted on: (x centres, y centres, +1 dark / −1 light, piece number)."""
    expected = np.zeros((size, size))
    piece = np.full((size, size), -1)
    for number, (r0, c0) in enumerate(((0, 0), (0, size - 7), (size - 7, 0))):
        for r in range(max(0, r0 - 1), min(size, r0 + 8)):
            for c in range(max(0, c0 - 1), min(size, c0 + 8)):
                dr, dc = r - r0, c - c0
                ring = 0 <= dr <= 6 and 0 <= dc <= 6 and (dr in (0, 6) or dc in (0, 6))
                core = 2 <= dr <= 4 and 2 <= dc <= 4
                expected[r, c], piece[r, c] = (1 if ring or core else -1), number
    for i in range(8, size - 8):
        expected[6, i], piece[6, i] = (1 if i % 2 == 0 else -1), 3
        expected[i, 6], piece[i, 6] = (1 if i % 2 == 0 else -1), 4
    for number, (r, c) in enumerate(alignment_centres((size - 17) // 4), start=5):
        for dr in range(-2, 3):
            for dc in range(-2, 3):
                expected[r + dr, c + dc] = 1 if max(abs(dr), abs(dc)) != 1 else -1
                piece[r + dr, c + dc] = number
    rows, cols = np.nonzero(piece >= 0)
    return cols + 0.5, rows + 0.5, expected[rows, cols], piece[rows, cols]


def fit_score(pixels: np.ndarray, grid: Grid) -> float:
    """How well the grid's function-pattern modules show their expected colours (see fit_scores)."""
    return float(fit_scores(pixels, grid.matrix[None], grid.size)[0])


def fit_scores(pixels: np.ndarray, matrices: np.ndarray, size: int) -> np.ndarray:
    """For each grid map (k × 3 × 3) of a code of `size` modules: each function-pattern piece's correlation with
    its expected colours (levels free per piece, so a shadow's edge between pieces costs nothing; a dark module
    clipped white by glare left out), averaged over the pieces weighted by their size."""
    xs, ys, expected, piece = function_pattern(size)
    m = matrices
    w = m[:, 2, 0, None] * xs + m[:, 2, 1, None] * ys + m[:, 2, 2, None]
    px = (m[:, 0, 0, None] * xs + m[:, 0, 1, None] * ys + m[:, 0, 2, None]) / w
    py = (m[:, 1, 0, None] * xs + m[:, 1, 1, None] * ys + m[:, 1, 2, None]) / w
    values = sample(pixels, px, py)
    paper_clipped = (values >= GLARE).mean(axis=1, keepdims=True) > PAPER_CLIPPED
    weight = 1.0 - ((values >= GLARE) & (expected > 0) & ~paper_clipped)
    pieces = piece.max() + 1
    index = (np.arange(len(m))[:, None] * pieces + piece).ravel()

    def per_piece(a: np.ndarray) -> np.ndarray:
        return np.bincount(index, a.ravel(), minlength=len(m) * pieces).reshape(len(m), pieces)

    count = per_piece(weight)
    darkness = -values
    deviation = (darkness - (per_piece(darkness * weight) / np.maximum(count, 1))[:, piece]) * weight
    centred = (expected - (per_piece(expected * weight) / np.maximum(count, 1))[:, piece]) * weight
    norms = np.sqrt(per_piece(deviation ** 2) * per_piece(centred ** 2))
    correlation = np.where(norms > 0, per_piece(deviation * centred) / np.maximum(norms, 1e-9), 0)
    return (correlation * count).sum(axis=1) / np.maximum(1.0, count.sum(axis=1))


def modules_of(pixels: np.ndarray, grid: Grid, window: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(darkness 0..1, confidence 0..1) of every module: the grey at its centre against the mean of the
    `window` × `window` modules around it, in units of their spread (a 3-module window follows blur, shadow
    edges and vignetting best: measured on generator B's hard photos); flat (glare, deep shadow)
    neighbourhoods are not trusted."""
    n = grid.size
    cells = np.arange(n) + 0.5
    values = sample(pixels, *grid.points(*np.meshgrid(cells, cells)))
    mean = _box_mean(values, window)
    deviation = np.sqrt(np.maximum(_box_mean(values * values, window) - mean * mean, 0))
    spread = np.percentile(values, 95) - np.percentile(values, 5)
    half = np.maximum(deviation, max(4.0, spread / 8))
    darkness = np.clip(0.5 + (mean - values) / (2 * half), 0, 1)
    confidence = np.clip(np.abs(mean - values) / half, 0, 1)
    confidence[2 * deviation < max(12.0, spread / 5)] *= 0.25
    # glare: a patch of clipped modules says nothing, and its blooming edge little
    bright = np.pad(values >= _glare_level(values), 1)
    around = sum(bright[1 + dy:1 + dy + n, 1 + dx:1 + dx + n] for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    glare = np.pad(around >= 6, 1)
    halo = sum(glare[1 + dy:1 + dy + n, 1 + dx:1 + dx + n] for dy in (-1, 0, 1) for dx in (-1, 0, 1)) > 0
    confidence[halo] *= 0.3
    confidence[around >= 6] = 0
    return darkness, confidence


def _glare_level(values: np.ndarray) -> float:
    """The grey above which a sample is glare: GLARE, unless the paper itself is that bright (then none is)."""
    return GLARE if (values >= GLARE).mean() <= PAPER_CLIPPED else 256.0


def _box_mean(values: np.ndarray, window: int) -> np.ndarray:
    """The mean over a window × window box around every cell (edges repeated)."""
    pad = window // 2
    padded = np.pad(values, pad, mode="edge")
    total = np.zeros((padded.shape[0] + 1, padded.shape[1] + 1))
    total[1:, 1:] = padded.cumsum(0).cumsum(1)
    n = values.shape[0]
    return (total[window:window + n, window:window + n] - total[:n, window:window + n]
            - total[window:window + n, :n] + total[:n, :n]) / (window * window)


@dataclass(frozen=True)
class Reading:
    """What the module grid of one code gave: its text and corners (text None when unread), and how well the
    fitted grid shows a code's function patterns (fit_score)."""

    text: str | None
    corners: list[Point]
    fit: float


def read_grid(pixels: np.ndarray, start: Grid) -> Reading:
    """The code around the grid `start`, read from its modules sampled on the grids `grids` fits."""
    candidates = grids(pixels, start)
    for grid in candidates[:2]:
        for window in (3, 5):
            darkness, confidence = modules_of(pixels, grid, window)
            text = read_symbol(darkness, confidence)
            if text:
                return Reading(text, grid.corners(), fit_score(pixels, grid))
    return Reading(None, candidates[0].corners(), fit_score(pixels, candidates[0]))
