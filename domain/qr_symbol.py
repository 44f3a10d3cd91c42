"""A QR code's text from its module grid: the last step after a camera has sampled the N×N modules.

`read_symbol` reads the format information (both copies, weighted by confidence), unmasks the data modules,
de-interleaves the Reed–Solomon blocks and corrects each one — errors first, then erasing the least
confident codewords (modules clipped by glare) — and parses the segments. Every step is strict, since a
wrong text (a wrong child marked present) is worse than none: each block keeps MARGIN symbols of its
correction capacity in reserve, and the bits after the terminator must be the standard padding.
"""
from __future__ import annotations

from functools import cache

import numpy as np
import reedsolo
from qrcode.base import rs_blocks
from qrcode.util import pattern_position

MARGIN = 2  # RS symbols kept in reserve per block: accept only erasures + 2·errors ≤ nsym − MARGIN
MISDECODE = {(1, 1): 3, (1, 0): 2, (1, 3): 1, (1, 2): 1, (2, 1): 2, (3, 1): 1}  # the spec's p per (version, level)
FORMAT_NEAR = 3.5  # the better copy of the format information may be wrong in 3 bits at most
LEVELS = {1: "L", 0: "M", 3: "Q", 2: "H"}  # format bits → EC level (qrcode's ERROR_CORRECT_* values)
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
COUNT_BITS = {1: (10, 12, 14), 2: (9, 11, 13), 4: (8, 16, 16), 8: (8, 10, 12)}  # mode → bits per version range
CHARSETS = {3: "latin-1", 26: "utf-8"}  # the ECI designators we accept
PAD = (0xEC, 0x11)
MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
_GF = reedsolo.init_tables(prim=0x11D, generator=2, c_exp=8)
_LOG, _EXP = np.array(_GF[0], dtype=np.int64), np.array(_GF[1], dtype=np.int64)
_POWERS = np.arange(256)


class _Unreadable(Exception):
    """The bitstream breaks a rule of the standard."""


def _format_word(level: int, mask: int) -> int:
    """The 15-bit format codeword (BCH(15,5), masked with 0x5412) of an EC level and mask."""
    data = (level << 3) | mask
    rem = data << 10
    for shift in range(4, -1, -1):
        if rem & (1 << (shift + 10)):
            rem ^= 0x537 << shift
    return ((data << 10) | rem) ^ 0x5412


FORMATS = [(level, mask) for level in (1, 0, 3, 2) for mask in range(8)]
FORMAT_BITS = np.array([[(_format_word(*f) >> i) & 1 for i in range(15)] for f in FORMATS], dtype=bool)


@cache
def format_positions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols), 2×15 each: where the two format copies keep bit i (least significant first)."""
    near = [(r, 8) for r in (0, 1, 2, 3, 4, 5, 7, 8)] + [(8, c) for c in (7, 5, 4, 3, 2, 1, 0)]
    far = [(8, n - 1 - i) for i in range(8)] + [(n - 7 + i, 8) for i in range(7)]
    both = np.array([near, far])
    return both[..., 0], both[..., 1]


@cache
def function_modules(version: int) -> np.ndarray:
    """N×N: True where a module belongs to a function pattern (finders, timing, alignment, format, version)."""
    n = 17 + 4 * version
    f = np.zeros((n, n), dtype=bool)
    f[:9, :9] = f[:9, n - 8:] = f[n - 8:, :9] = True  # finders, separators, format areas, the dark module
    f[6, :] = f[:, 6] = True
    for r, c in alignment_centres(version):
        f[r - 2:r + 3, c - 2:c + 3] = True
    if version >= 7:
        f[:6, n - 11:n - 8] = f[n - 11:n - 8, :6] = True
    return f


@cache
def alignment_centres(version: int) -> list[tuple[int, int]]:
    """(row, column) of each alignment pattern's centre (none where a finder is)."""
    centres = pattern_position(version)
    corners = {(centres[0], centres[0]), (centres[0], centres[-1]), (centres[-1], centres[0])} if centres else set()
    return [(r, c) for r in centres for c in centres if (r, c) not in corners]


@cache
def data_order(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the data modules in reading order: two-column zig-zag from the bottom right."""
    f = function_modules(version)
    n = len(f)
    rows, cols = [], []
    col, upward = n - 1, True
    while col > 0:
        if col == 6:
            col -= 1
        for r in range(n - 1, -1, -1) if upward else range(n):
            for c in (col, col - 1):
                if not f[r, c]:
                    rows.append(r)
                    cols.append(c)
        upward = not upward
        col -= 2
    return np.array(rows), np.array(cols)


@cache
def mask_bits(version: int, mask: int) -> np.ndarray:
    """The mask's bit for each data module, in reading order."""
    rows, cols = data_order(version)
    return MASKS[mask](rows, cols)


@cache
def blocks(version: int, level: int) -> tuple[int, int, list[tuple[np.ndarray, int]]]:
    """(codeword count, nsym, [(indices of a block's codewords in the stream, its data count)])."""
    table = rs_blocks(version, level)
    nsym = table[0].total_count - table[0].data_count
    data = [b.data_count for b in table]
    indices: list[list[int]] = [[] for _ in table]
    k = 0
    for i in range(max(data)):
        for b, count in enumerate(data):
            if i < count:
                indices[b].append(k)
                k += 1
    for _ in range(nsym):
        for b in indices:
            b.append(k)
            k += 1
    return k, nsym, [(np.array(ix), count) for ix, count in zip(indices, data)]


def read_symbol(dark: np.ndarray, confidence: np.ndarray | None = None) -> str | None:
    """The text of the QR whose N×N module grid is `dark` (True/1.0 = dark); None when it cannot be read safely."""
    return read_with_margin(dark, confidence, MARGIN)


def read_with_margin(dark: np.ndarray, confidence: np.ndarray | None, margin: int) -> str | None:
    """`read_symbol` with the RS safety margin given (for measuring false reads)."""
    dark = np.asarray(dark)
    if dark.ndim != 2 or dark.shape[0] != dark.shape[1]:
        return None
    version, rest = divmod(dark.shape[0] - 17, 4)
    if rest or not 1 <= version <= 40:
        return None
    if dark.dtype == bool:
        hard, conf = dark, np.ones(dark.shape)
    else:
        soft = dark.astype(float)
        hard, conf = soft > 0.5, np.clip(np.abs(soft - 0.5) * 2, 0, 1)
    if confidence is not None:
        conf = np.clip(np.asarray(confidence, dtype=float), 0, 1)
        if conf.shape != dark.shape:
            return None
    for level, mask in format_candidates(hard, conf):
        text = read_data(hard, conf, version, level, mask, margin)
        if text:
            return text
    return None


def format_candidates(hard: np.ndarray, conf: np.ndarray) -> list[tuple[int, int]]:
    """(level, mask) pairs within 3 bit errors of a format copy (at most one per copy), nearest first.

    When the copies disagree, both formats are tried: only the RS blocks and the padding can tell.

    A bit costs its confidence when it disagrees, and (1 − confidence)/2 either way, so an unknown copy is
    7.5 away from everything; the two copies' costs are added to rank the candidates.
    """
    rows, cols = format_positions(len(hard))
    bits, c = hard[rows, cols], conf[rows, cols]  # 2×15
    cost = ((FORMAT_BITS[:, None, :] != bits) * c + (1 - c) / 2).sum(axis=2)  # 32×2
    near = cost.min(axis=1) < FORMAT_NEAR
    return [FORMATS[i] for i in np.argsort(cost.sum(axis=1), kind="stable") if near[i]]


def read_data(hard: np.ndarray, conf: np.ndarray, version: int, level: int, mask: int, margin: int) -> str | None:
    """The text of the data modules under a format (level, mask), or None."""
    total, nsym, parts = blocks(version, level)
    rows, cols = data_order(version)
    m = total * 8
    bits = hard[rows[:m], cols[:m]] ^ mask_bits(version, mask)[:m]
    codewords = np.packbits(bits)
    weights = conf[rows[:m], cols[:m]].reshape(total, 8).min(axis=1)
    margin = max(margin, MISDECODE.get((version, level), 0))
    data = bytearray()
    for indices, count in parts:
        fixed = correct(bytearray(codewords[indices].tobytes()), weights[indices], nsym, margin)
        if fixed is None:
            return None
        data += fixed[:count]
    try:
        return parse(bytes(data), version) or None
    except _Unreadable:
        return None


def correct(block: bytearray, weights: np.ndarray, nsym: int, margin: int) -> bytearray | None:
    """The block corrected with erasures + 2·errors ≤ nsym − margin, or None.

    Errors only first; then every codeword below half confidence as erasures; then the 2, 4, 6 … least
    confident codewords (of those not fully trusted).
    """
    if not _poly_at(block, _POWERS[:nsym]).any():
        return block
    budget = nsym - margin
    doubtful = [int(i) for i in np.argsort(weights, kind="stable") if weights[i] < 1]
    counts = [0, min(int((weights < 0.5).sum()), budget)]
    counts += [k for k in range(2, min(budget, len(doubtful)) + 1, 2)] + [min(budget, len(doubtful))]
    for count in dict.fromkeys(counts):
        erased = doubtful[:count]
        fixed = _decode(block, nsym, erased)
        if fixed is None:
            continue
        errors = sum(1 for i, (a, b) in enumerate(zip(fixed, block)) if a != b and i not in erased)
        if len(erased) + 2 * errors <= budget and _rs_check(fixed, nsym):
            return fixed
    return None


def _poly_at(poly: bytes | list[int], powers: np.ndarray) -> np.ndarray:
    """The values in GF(256) of a polynomial (highest degree first) at α^p for each p in `powers`."""
    coeffs = np.asarray(poly, dtype=np.int64)
    nonzero = np.flatnonzero(coeffs)
    degrees = len(coeffs) - 1 - nonzero
    terms = _EXP[(_LOG[coeffs[nonzero]] + np.outer(powers, degrees)) % 255]
    return np.bitwise_xor.reduce(terms, axis=1) if len(nonzero) else np.zeros(len(powers), dtype=np.int64)


def _decode(block: bytearray, nsym: int, erased: list[int]) -> bytearray | None:
    """reedsolo's errors-and-erasures decoder (fcr 0), with the syndromes and Chien search done in numpy."""
    n = len(block)
    msg = bytearray(block)
    for i in erased:
        msg[i] = 0
    synd = _poly_at(msg, _POWERS[:nsym])
    if not synd.any():
        return msg
    synd = [0] + synd.tolist()
    _use_qr_field()
    try:
        forney = reedsolo.rs_forney_syndromes(synd, erased, n)
        locator = reedsolo.rs_find_error_locator(forney, nsym, erase_count=len(erased))
        roots = np.flatnonzero(_poly_at(locator[::-1], _POWERS[:n]) == 0)
        if len(roots) != len(locator) - 1:
            return None
        fixed = reedsolo.rs_correct_errata(msg, synd, erased + [n - 1 - int(i) for i in roots])
    except (reedsolo.ReedSolomonError, ZeroDivisionError, ValueError):
        return None
    return None if _poly_at(fixed, _POWERS[:nsym]).any() else fixed


def _rs_check(codeword: bytearray, nsym: int) -> bool:
    """reedsolo's own check that the codeword is one (all syndromes zero)."""
    _use_qr_field()
    return reedsolo.rs_check(codeword, nsym)


def _use_qr_field() -> None:
    """Point reedsolo's module-wide tables at the QR field (another user may have set its own)."""
    reedsolo.gf_log, reedsolo.gf_exp, reedsolo.field_charac = _GF


class _Bits:
    """A big-endian bit reader that refuses to read past the end."""

    def __init__(self, data: bytes):
        self.bits = "".join(map("{:08b}".format, data))
        self.pos = 0

    def left(self) -> int:
        """How many bits are still unread."""
        return len(self.bits) - self.pos

    def take(self, n: int) -> int:
        """The next n bits as an unsigned integer."""
        if n > self.left():
            raise _Unreadable("segment runs past the data")
        self.pos += n
        return int(self.bits[self.pos - n:self.pos] or "0", 2)


def parse(data: bytes, version: int) -> str:
    """The text of a QR data bitstream; raises _Unreadable on anything the standard does not allow."""
    bits = _Bits(data)
    size = 0 if version <= 9 else 1 if version <= 26 else 2
    charset = None
    text = []
    while bits.left() >= 4:
        mode = bits.take(4)
        if mode == 0:
            break
        if mode == 7:
            charset = _eci(bits)
            continue
        if mode not in COUNT_BITS:
            raise _Unreadable(f"mode {mode}")
        count = bits.take(COUNT_BITS[mode][size])
        text.append(_segment(bits, mode, count, charset))
    _padding(bits)
    return "".join(text)


def _eci(bits: _Bits) -> str:
    """The charset an ECI designator names."""
    first = bits.take(8)
    if first < 0x80:
        value = first
    elif first < 0xC0:
        value = ((first & 0x3F) << 8) | bits.take(8)
    elif first < 0xE0:
        value = ((first & 0x1F) << 16) | bits.take(16)
    else:
        raise _Unreadable("ECI designator")
    if value not in CHARSETS:
        raise _Unreadable(f"ECI {value}")
    return CHARSETS[value]


def _segment(bits: _Bits, mode: int, count: int, charset: str | None) -> str:
    """The characters of one numeric, alphanumeric, byte or kanji segment."""
    if mode == 1:
        out = []
        groups = [(3, 10, 1000)] * (count // 3) + [(count % 3, 1 + 3 * (count % 3), 10 ** (count % 3))]
        for size, width, limit in groups:
            if size:
                value = bits.take(width)
                if value >= limit:
                    raise _Unreadable("numeric value")
                out.append(f"{value:0{size}d}")
        return "".join(out)
    if mode == 2:
        out = []
        for _ in range(count // 2):
            value = bits.take(11)
            if value >= 45 * 45:
                raise _Unreadable("alphanumeric value")
            out.append(ALNUM[value // 45] + ALNUM[value % 45])
        if count % 2:
            value = bits.take(6)
            if value >= 45:
                raise _Unreadable("alphanumeric value")
            out.append(ALNUM[value])
        return "".join(out)
    if mode == 4:
        raw = bytes(bits.take(8) for _ in range(count))
        try:
            return raw.decode(charset or "utf-8")
        except UnicodeDecodeError:
            if charset:
                raise _Unreadable("bytes do not match their ECI") from None
            return raw.decode("latin-1")
    raw = bytearray()
    for _ in range(count):
        value = bits.take(13)
        word = (value // 0xC0 << 8) | value % 0xC0
        word += 0x8140 if word < 0x1F00 else 0xC140
        raw += word.to_bytes(2, "big")
    try:
        return raw.decode("shift_jis")
    except UnicodeDecodeError:
        raise _Unreadable("kanji") from None


def _padding(bits: _Bits) -> None:
    """Check that the rest is zeros up to a byte boundary, then 0xEC, 0x11, 0xEC … exactly."""
    if bits.take(-bits.pos % 8):  # the data's length is whole bytes, so this also covers a cut-short terminator
        raise _Unreadable("bits after the terminator")
    for i in range(bits.left() // 8):
        if bits.take(8) != PAD[i % 2]:
            raise _Unreadable("padding")
