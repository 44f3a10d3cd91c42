"""QR module grids fitted to the code in the photo: glare over a finder or the data, perspective, versions."""
from __future__ import annotations

import numpy as np
import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageFilter

from domain.cards import qr_image
from domain.qr import qr_payload
from domain.qr_decode import decode_photo
from domain.qr_finders import find_finders, finder_triples
from domain.qr_grid import fit_score, grids, quad_grid, read_grid, triple_grids

PAYLOAD = qr_payload("C000042", 1, b"test-qr-secret")
SIDE = 450


def _keystone(page: Image.Image, tilt: float) -> Image.Image:
    """The page seen from below: its top edge `tilt` of the width narrower on each side."""
    w = page.width
    src = [(tilt * w, 0), (w - tilt * w, 0), (w, w), (0, w)]
    dst = [(0, 0), (w, 0), (w, w), (0, w)]
    rows, targets = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        targets += [u, v]
    coefficients = np.linalg.solve(np.array(rows, float), np.array(targets, float))
    return page.transform(page.size, Image.PERSPECTIVE, coefficients.tolist(), Image.BILINEAR, fillcolor=120)


def scene(glare: list[tuple[int, int]] = (), radius: float = 40, tilt: float = 0.0, code: Image.Image | None = None
          ) -> Image.Image:
    """A card's code (10 px a module, at 100..350) on a light page, keystoned, blurred, with clipping glare
    discs of `radius` px at `glare`."""
    page = Image.new("L", (SIDE, SIDE), 235)
    page.paste(code or qr_image(PAYLOAD, 250), (100, 100))
    if tilt:
        page = _keystone(page, tilt)
    pixels = np.asarray(page.filter(ImageFilter.GaussianBlur(2.5)), dtype=np.float32)
    yy, xx = np.mgrid[:SIDE, :SIDE]
    for gx, gy in glare:
        pixels = pixels + 400 * np.clip(1.3 - np.hypot(xx - gx, yy - gy) / radius, 0, 1)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGB")


def zxing_reads(image: Image.Image) -> bool:
    return any(code.text == PAYLOAD for code in zxingcpp.read_barcodes(image))


@pytest.mark.parametrize("glare", [[(305, 135)], [(140, 300)]], ids=["top-right finder", "bottom-left finder"])
def test_glare_over_a_finder_and_the_data_next_to_it_is_read_through_erasures(glare):
    """A clipped glare disc hides a finder and ~40 modules: zxing-cpp gives up; two finders, the third guessed,
    a grid fitted to the timing and alignment patterns and the clipped codewords erased read it."""
    photo = scene(glare)
    assert not zxing_reads(photo)
    assert [found.text for found in decode_photo(photo)] == [PAYLOAD]


def test_glare_over_the_middle_of_a_code_is_read():
    photo = scene([(225, 225)], radius=70)
    assert not zxing_reads(photo)
    assert [found.text for found in decode_photo(photo)] == [PAYLOAD]


def test_the_fitted_grid_follows_a_keystone_the_three_finders_cannot_describe():
    """Under a strong keystone the affine grid through the three finder centres drifts at the far corner; the
    grid fitted to the function patterns shows them better and reads the code."""
    photo = scene(tilt=0.12).convert("L")
    pixels = np.asarray(photo)
    (triple,) = finder_triples(find_finders(photo))
    ((start, _),) = triple_grids(pixels, [triple], 1.0)
    fitted = grids(pixels, start)[0]
    assert start.size == fitted.size == 25
    assert fit_score(pixels, fitted) > fit_score(pixels, start) + 0.05
    reading = read_grid(pixels, start)
    assert reading.text == PAYLOAD
    corners = np.array(reading.corners)
    assert corners[:, 0].min() == pytest.approx(100 - 0.12 * SIDE * 0.75, abs=25)  # the bottom corners spread out


@pytest.mark.parametrize("version", [1, 2, 3, 5, 7])
def test_a_decoders_corner_quad_gets_the_grid_of_the_right_version(version):
    code = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_L, border=0, box_size=1)
    code.add_data("SK2.7.C42.1.ABCDEFGHIJ")
    code.make(fit=False)
    matrix = np.array(code.get_matrix(), dtype=bool)
    module = 6
    image = Image.fromarray(np.where(matrix, 0, 255).astype(np.uint8)).resize(
        (matrix.shape[0] * module,) * 2, Image.NEAREST)
    page = Image.new("L", (image.width + 80, image.height + 80), 255)
    page.paste(image, (40, 40))
    side = matrix.shape[0] * module
    quad = [(40, 40), (40 + side, 40), (40 + side, 40 + side), (40, 40 + side)]
    pixels = np.asarray(page.filter(ImageFilter.GaussianBlur(1.0)))
    grid, _ = quad_grid(pixels, quad)
    assert grid.size == 17 + 4 * version
    assert read_grid(pixels, grid).text == "SK2.7.C42.1.ABCDEFGHIJ"


def test_a_grid_on_text_and_cloth_does_not_look_like_a_code():
    """Three dark blobs that fooled the scout: the grid through them shows no timing or alignment patterns."""
    rng = np.random.default_rng(5)
    cloth = rng.integers(60, 200, (SIDE // 6, SIDE // 6)).astype(np.uint8)
    photo = Image.fromarray(cloth).resize((SIDE, SIDE), Image.NEAREST).filter(ImageFilter.GaussianBlur(1))
    pixels = np.asarray(photo)
    code = np.asarray(scene().convert("L"))
    quad = [(100, 100), (350, 100), (350, 350), (100, 350)]
    assert fit_score(code, quad_grid(code, quad)[0]) > 0.8
    reading = read_grid(pixels, quad_grid(pixels, quad)[0])
    assert reading.text is None
    assert reading.fit < 0.5
