"""Reading a QR's text from its module grid: clean codes of every version 1–10, level and mask; errors and
erasures within the kept margin; thousands of random and damaged grids that must never give a wrong text."""
from __future__ import annotations

import time

import numpy as np
import pytest
import qrcode
from hypothesis import given, settings, strategies as st
from qrcode.exceptions import DataOverflowError

from domain import qr_symbol as qs
from domain.qr_symbol import read_symbol

L, M, Q, H = 1, 0, 3, 2
CARD = "SK2.7.C000001.1.ABCDEFGHIJ"
PAYLOADS = ["0123456789012", "SK2.7.C01", "sk2.c01", "มะลิ"]  # numeric, alphanumeric, byte, UTF-8 Thai


def grid(text: str, version: int | None = None, level: int = Q, mask: int | None = None) -> np.ndarray:
    """The module grid (True = dark, no quiet zone) that the qrcode library draws for `text`."""
    code = qrcode.QRCode(version=version, error_correction=level, mask_pattern=mask, border=0)
    code.add_data(text)
    code.make(fit=version is None)
    return np.array(code.get_matrix(), dtype=bool)


def budget(version: int, level: int) -> tuple[int, list[np.ndarray]]:
    """(erasures + 2·errors the reader accepts per block, each block's codewords as module indices into data_order)."""
    total, nsym, parts = qs.blocks(version, level)
    margin = max(qs.MARGIN, qs.MISDECODE.get((version, level), 0))
    return nsym - margin, [indices for indices, _ in parts]


def codeword_modules(version: int, codeword: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the 8 modules of one codeword in the stream."""
    rows, cols = qs.data_order(version)
    return rows[codeword * 8:codeword * 8 + 8], cols[codeword * 8:codeword * 8 + 8]


def damage(dark: np.ndarray, version: int, level: int, erased: int, errors: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Per block: `erased` codewords inverted with confidence 0, `errors` more with some modules flipped."""
    dark, conf = dark.copy(), np.ones(dark.shape)
    for block in budget(version, level)[1]:
        chosen = rng.choice(block, erased + errors, replace=False)
        for k, codeword in enumerate(chosen):
            rows, cols = codeword_modules(version, int(codeword))
            if k < erased:
                dark[rows, cols] = ~dark[rows, cols]
                conf[rows, cols] = 0
            else:
                flip = rng.random(8) < 0.5
                flip[rng.integers(8)] = True
                dark[rows[flip], cols[flip]] = ~dark[rows[flip], cols[flip]]
    return dark, conf


@pytest.mark.parametrize("level", [L, M, Q, H])
@pytest.mark.parametrize("version", range(1, 11))
def test_clean_grids_of_every_version_level_and_mask_read_back(version, level):
    read = 0
    for mask in range(8):
        for text in PAYLOADS:
            try:
                dark = grid(text, version, level, mask)
            except DataOverflowError:
                continue
            assert read_symbol(dark) == text
            read += 1
    assert read == 32 or version == 1 and read == 24  # Thai needs 12 bytes: not in 1-Q nor 1-H


@pytest.mark.parametrize("version,level,text", [(14, M, "7" * 300), (27, L, "SK2 " * 200), (40, H, "ก" * 400)])
def test_large_versions_use_their_longer_count_fields(version, level, text):
    assert read_symbol(grid(text, version, level, 3)) == text


def test_our_card_reads_in_about_0_2_ms_clean():
    dark = grid(CARD, 2, Q)
    assert dark.shape == (25, 25)
    assert read_symbol(dark) == read_symbol(dark.astype(float)) == CARD


@pytest.mark.parametrize("version,level", [(1, L), (1, H), (2, Q), (3, M), (4, Q), (5, H), (7, L), (10, Q)])
def test_errors_up_to_the_errors_only_budget_are_corrected(version, level):
    rng = np.random.default_rng(version * 10 + level)
    text = CARD[:10]
    limit, _ = budget(version, level)
    for _ in range(20):
        dark, conf = damage(grid(text, version, level, int(rng.integers(8))), version, level, 0, limit // 2, rng)
        assert read_symbol(dark) == text
        assert read_symbol(dark, conf) == text


@pytest.mark.parametrize("version,level", [(1, M), (2, Q), (3, H), (4, Q), (5, H), (8, M), (10, H)])
def test_erasures_beyond_errors_only_within_the_margin_are_corrected(version, level):
    rng = np.random.default_rng(version * 10 + level)
    text = CARD[:10]
    limit, _ = budget(version, level)
    _, nsym, _ = qs.blocks(version, level)
    for errors in range(limit // 2 + 1):
        erased = limit - 2 * errors
        dark, conf = damage(grid(text, version, level, int(rng.integers(8))), version, level, erased, errors, rng)
        assert read_symbol(dark, conf) == text, (erased, errors)
        if erased > nsym // 2:
            assert read_symbol(dark) is None  # without knowing where, that many wrong codewords are too many
    for erased in range(limit + 1, nsym + 3):
        dark, conf = damage(grid(text, version, level, int(rng.integers(8))), version, level, erased, 0, rng)
        assert read_symbol(dark, conf) is None


def test_random_and_damaged_grids_never_read_as_a_wrong_text():
    rng = np.random.default_rng(20261202)
    wrong = read = 0
    for _ in range(3000):
        version = int(rng.integers(1, 5))
        n = 17 + 4 * version
        dark = rng.random((n, n)) < 0.5
        assert read_symbol(dark, rng.random((n, n)) if rng.random() < 0.5 else None) is None
    cases = [(1, L), (1, M), (2, L), (2, Q), (3, L), (3, H), (4, M), (5, Q)]
    for trial in range(1500):
        version, level = cases[trial // 2 % len(cases)]
        text = CARD[:10] if version == 1 else CARD
        real = grid(text, version, level, int(rng.integers(8)))
        data = ~qs.function_modules(version)
        dark = real.copy()
        if trial % 2:  # real function patterns and format, random data; doubtful data modules
            dark[data] = rng.random(data.sum()) < 0.5
            conf = np.where(data, rng.random(dark.shape) * 0.6, 1.0)
        else:  # the real code with a random 2–25 % of its data modules replaced, confidence only a hint
            hit = data & (rng.random(dark.shape) < rng.uniform(0.02, 0.25))
            dark[hit] = rng.random(hit.sum()) < 0.5
            conf = np.where(hit, rng.random(dark.shape) * 0.5, rng.uniform(0.3, 1.0, dark.shape))
        result = read_symbol(dark, conf)
        wrong += result is not None and result != text
        read += result == text
    assert wrong == 0
    assert read > 100  # the damaged half is not all beyond repair


def test_a_soft_grid_with_noise_and_a_glare_patch_reads_with_confidence_from_the_floats():
    rng = np.random.default_rng(7)
    dark = grid(CARD, 2, Q, 5).astype(float) * 0.7 + 0.15 + rng.normal(0, 0.12, (25, 25))
    dark[9:16, 12:22] = 0.5 + rng.normal(0, 0.03, (7, 10))  # glare: nothing to see, confidence ≈ 0
    assert read_symbol(np.clip(dark, 0, 1)) == CARD
    assert read_symbol(np.clip(dark, 0, 1), np.ones((25, 25))) is None  # the same grid, every module trusted


@pytest.mark.parametrize("copy", [0, 1])
def test_one_destroyed_format_copy_still_reads(copy):
    rng = np.random.default_rng(copy)
    dark = grid(CARD, 2, Q, 6)
    rows, cols = qs.format_positions(25)
    for _ in range(20):
        dark[rows[copy], cols[copy]] = rng.random(15) < 0.5
        assert read_symbol(dark) == CARD
        conf = np.ones((25, 25))
        conf[rows[copy], cols[copy]] = 0
        assert read_symbol(dark, conf) == CARD
    dark[rows, cols] = rng.random((2, 15)) < 0.5
    conf[rows, cols] = 0
    assert read_symbol(dark, conf) is None


def bits_to_bytes(bits: str, capacity: int) -> bytes:
    """A bitstream padded the standard way (zeros to a byte, then 0xEC, 0x11 …) to `capacity` bytes."""
    bits += "0" * (-len(bits) % 8)
    data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    return data + bytes(qs.PAD[i % 2] for i in range(capacity - len(data)))


def test_eci_segments_choose_the_charset_and_unknown_ones_are_refused():
    thai = "ปิ่น".encode()
    utf8 = "0111" + "00011010" + "0100" + f"{len(thai):08b}" + "".join(f"{b:08b}" for b in thai) + "0000"
    assert qs.parse(bits_to_bytes(utf8, 34), 2) == "ปิ่น"
    latin = "0111" + "00000011" + "0100" + f"{2:08b}" + f"{0xE9:08b}{0x41:08b}" + "0000"
    assert qs.parse(bits_to_bytes(latin, 34), 2) == "éA"
    with pytest.raises(qs._Unreadable):
        qs.parse(bits_to_bytes("0111" + "00010100" + latin[12:], 34), 2)  # ECI 20 (Shift JIS)


def test_anything_after_the_terminator_but_the_standard_padding_is_refused():
    numeric = "0001" + f"{3:010b}" + f"{123:010b}" + "0000"
    assert qs.parse(bits_to_bytes(numeric, 19), 1) == "123"
    padded = bits_to_bytes(numeric, 19)
    for broken in (padded[:-1] + b"\x11", padded[:4] + b"\x00" + padded[5:],
                   padded[:3] + bytes([padded[3] | 1]) + padded[4:]):
        with pytest.raises(qs._Unreadable):
            qs.parse(broken, 1)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789ABCXYZabcxyz $%*+-./:กขคงมะลิปิ่นน้อง", min_size=1, max_size=60))
def test_any_text_reads_back_from_its_clean_grid(text):
    assert read_symbol(grid(text, None, M)) == text


if __name__ == "__main__":  # per-call time: python -m tests.test_qr_symbol
    rng = np.random.default_rng(1)
    for version, level in [(2, Q), (3, M), (4, H)]:
        clean = grid(CARD, version, level)
        limit, _ = budget(version, level)
        erased = damage(clean, version, level, limit - 2, 1, rng)
        for name, args in [("clean", (clean,)), ("erasures", erased)]:
            start, runs = time.perf_counter(), 300
            for _ in range(runs):
                assert read_symbol(*args) == CARD
            print(f"version {version}-{'MLHQ'[level]} {name}: {(time.perf_counter() - start) / runs * 1000:.2f} ms")
