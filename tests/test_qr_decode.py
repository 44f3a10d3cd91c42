"""QR cards and QR decoding: cards that print and decode back, BoofCV's real photos, synthetic phone photos."""
from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench import phone_photos_b
from bench.phone_photos import no_card_photo, tier_photo
from bench.qr_decode import boofcv_labels, raw_pyzbar, score_boofcv
from domain.cards import CARD_MM, DPI, CardInfo, card_image, card_png, mm, sheet_pages, write_sheets
from domain.images import open_photo
from domain.qr import qr_payload, verify_qr
from domain.qr_decode import Found, decode_all, decode_photo, inside, quad_centre
from domain.qr_finders import find_finders, finder_triples, rectified
from domain.qr_grid import triple_grids
from simulator.photos import phone_photo, photo_with_exif_rotation, render_photo

BOOFCV = Path(__file__).resolve().parents[1].parent / "shared" / "qr-photos" / "boofcv-qrcodes-v3"
needs_boofcv = pytest.mark.skipif(not (BOOFCV / "detection").is_dir(),
                                  reason=f"needs ../shared/qr-photos (BoofCV QR photos) at {BOOFCV}")
SECRET = b"test-qr-secret"
NAMES = [("เด็กหญิงปิยะธิดา ศรีสุวรรณวงศ์", "น้องมะลิ"), ("เด็กชายสมชาย ใจดี", "ต้นกล้า"), ("ด.ญ. ฐิติรัตน์ ภู่ประเสริฐ", "ปิ่น"),
         ("ด.ช. กิตติพัฒน์ เลิศวิริยะกุล", "ภูมิ"), ("เด็กหญิงกานดา มีสุข", "แก้ม"), ("เด็กชายอนันต์ ทองดี", "")]


def infos(count: int, first: int = 1) -> list[CardInfo]:
    """`count` children's cards with genuine payloads, codes C000001…"""
    return [CardInfo(code=f"C{n:06d}", name=NAMES[n % len(NAMES)][0], nickname=NAMES[n % len(NAMES)][1],
                     centre_name="ศูนย์พัฒนาเด็กเล็กบ้านหนองบัว", payload=qr_payload(f"C{n:06d}", 1, SECRET),
                     classroom="ห้องอนุบาล 1") for n in range(first, first + count)]


@pytest.fixture(scope="module")
def cards():
    """Ten rendered cards and their payloads."""
    items = infos(10)
    return [card_image(info) for info in items], [info.payload for info in items]


def texts(found: list[Found]) -> set[str]:
    return {item.text for item in found}


# --- cards -------------------------------------------------------------------------------------------------

def test_a_card_png_is_small_and_its_qr_decodes_back_to_a_genuine_payload():
    info = infos(1)[0]
    data = card_png(info)
    assert len(data) <= 1024 * 1024
    image = open_photo(data)
    assert image.size == (mm(CARD_MM[0]), mm(CARD_MM[1]))
    assert Image.open(io.BytesIO(data)).info["dpi"] == pytest.approx((DPI, DPI), abs=0.5)
    assert [found.text for found in decode_photo(image)] == [info.payload]
    assert verify_qr(info.payload, SECRET) == ("C000001", 1)


def test_the_qr_on_a_card_is_at_least_40_mm_wide_with_a_4_module_quiet_zone():
    info = infos(1)[0]
    (found,) = decode_photo(card_image(info).convert("RGB"))
    xs = [x for x, _ in found.polygon]
    assert max(xs) - min(xs) >= mm(40)
    module = (max(xs) - min(xs)) / 25  # version 2 for an 'SK1.C000001.1.XXXXXXXXXX' payload
    assert min(xs) >= 4 * module and mm(CARD_MM[0]) - max(xs) >= 4 * module


def test_a_pdf_sheet_has_one_a4_page_per_four_cards(tmp_path):
    paths = write_sheets(infos(9), tmp_path / "cards.pdf")
    assert paths == [tmp_path / "cards.pdf"]
    data = paths[0].read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/Type /Pages\s*/Count 3\b", data)
    assert len(re.findall(rb"/MediaBox \[ 0 0 595\.2\d* 841\.9\d* \]", data)) == 3  # A4 in points


def test_png_sheets_are_numbered_pages_whose_cards_all_decode(tmp_path):
    items = infos(9)
    paths = write_sheets(items, tmp_path / "cards.png")
    assert paths == [tmp_path / "cards.png", tmp_path / "cards-2.png", tmp_path / "cards-3.png"]
    decoded = []
    for path in paths:
        page = open_photo(path.read_bytes())
        assert page.size == (mm(210), mm(297))
        decoded.append(texts(decode_photo(page)))
    assert decoded == [{i.payload for i in items[0:4]}, {i.payload for i in items[4:8]}, {items[8].payload}]


def test_an_empty_class_still_gets_a_page_and_unknown_formats_are_refused(tmp_path):
    assert len(sheet_pages([])) == 1
    with pytest.raises(ValueError):
        write_sheets(infos(1), tmp_path / "cards.jpg")


# --- synthetic phone photos ----------------------------------------------------------------------------------

def test_a_photo_of_ten_cards_on_a_cluttered_table_finds_all_ten_and_nothing_else(cards):
    images, payloads = cards
    photo = phone_photo(images, seed=11, perspective=0.15, blur=1.5, noise=6, glare=0.6, jpeg_quality=70,
                        size=(2048, 1536))
    found = decode_photo(open_photo(photo))
    assert texts(found) == set(payloads)
    assert len(found) == len(payloads)


@pytest.mark.parametrize("condition", [
    dict(rotation=0), dict(rotation=37), dict(rotation=90), dict(rotation=233),
    dict(perspective=0.25), dict(blur=2.5), dict(noise=12), dict(low_light=0.8),
    dict(glare=1.0), dict(jpeg_quality=40), dict(size=(1600, 1200)), dict(size=(4032, 3024)),
], ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_six_cards_are_found_under_each_phone_condition(cards, condition):
    images, payloads = cards
    options = dict(size=(2048, 1536)) | condition
    photo = phone_photo(images[:6], seed=sum(map(ord, str(condition))), **options)
    assert texts(decode_photo(open_photo(photo))) == set(payloads[:6])


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_a_photo_stored_sideways_with_an_exif_tag_decodes_where_the_cards_really_are(cards, orientation):
    images, payloads = cards
    options = dict(seed=5, rotation=10, perspective=0.1, size=(1600, 1200))
    stored = photo_with_exif_rotation(images[:6], orientation=orientation, **options)
    raw = Image.open(io.BytesIO(stored))
    assert raw.getexif()[0x0112] == orientation
    upright = open_photo(stored)
    assert upright.size == (1600, 1200)
    found = {item.text: quad_centre(item.polygon) for item in decode_photo(upright)}
    upright_render = render_photo(images[:6], **options)
    expected = {item.text: quad_centre(item.polygon) for item in decode_photo(upright_render)}
    assert set(found) == set(payloads[:6]) == set(expected)
    for text, (x, y) in found.items():
        assert abs(x - expected[text][0]) < 6 and abs(y - expected[text][1]) < 6


def test_a_huge_photo_is_reduced_but_corners_come_back_in_its_own_coordinates(cards):
    images, payloads = cards
    canvas = Image.new("RGB", (7000, 5000), (150, 110, 70))
    boxes = {}
    for n, (card, payload) in enumerate(zip(images[:6], payloads)):
        x, y = 300 + (n % 3) * 2200, 300 + (n // 3) * 2300
        canvas.paste(card.convert("RGB").resize((1400, 1811)), (x, y))
        boxes[payload] = (x, y, x + 1400, y + 1811)
    found = decode_photo(canvas)
    assert texts(found) == set(boxes)
    for item in found:
        left, top, right, bottom = boxes[item.text]
        assert all(left <= x <= right and top <= y <= bottom for x, y in item.polygon)


def test_a_table_without_cards_decodes_to_nothing():
    assert decode_photo(open_photo(phone_photo([], seed=3, low_light=0.5))) == []


def test_two_copies_of_one_card_are_reported_once(cards):
    images, payloads = cards
    photo = phone_photo([images[0], images[0], images[1]], seed=8, size=(1600, 1200))
    assert sorted(item.text for item in decode_photo(open_photo(photo))) == sorted(payloads[:2])
    assert len(decode_all(open_photo(photo))) == 3


# --- the bench's second generator: hard phone photos and photos with no card ---------------------------------

def test_hard_phone_photos_are_mostly_read_and_never_misread():
    """Four hard-tier photos (dim, shadowed, glare, blur, JPEG 35–80) at a small phone size: seeds the decoder
    was not tuned on; the bench measures the rate on many more."""
    codes, found, false = 0, 0, 0
    for seed in range(9001, 9005):
        data, payloads = tier_photo("hard", seed, size=(1600, 1200) if seed % 2 else (1536, 2048))
        texts_read = texts(decode_photo(open_photo(data)))
        codes += len(payloads)
        found += len(texts_read & set(payloads))
        false += len(texts_read - set(payloads))
    assert false == 0
    assert found >= 0.75 * codes, (found, codes)


def test_generator_b_hard_photos_are_mostly_read_and_never_misread():
    """Generator B (bench/phone_photos_b.py: drawn independently from the issue's text) at small phone sizes."""
    codes, found, false = 0, 0, 0
    for seed in range(7001, 7004):
        data, payloads = phone_photos_b.photo(seed, "hard", size=(1600, 1200) if seed % 2 else (1080, 1920))
        texts_read = texts(decode_photo(open_photo(data)))
        codes += len(payloads)
        found += len(texts_read & set(payloads))
        false += len(texts_read - set(payloads))
    assert codes >= 6
    assert false == 0
    assert found >= 0.75 * codes, (found, codes)


def test_generator_b_draws_the_same_photo_from_the_same_seed_and_real_card_payloads():
    first, payloads = phone_photos_b.photo(11, "medium", size=(640, 480))
    assert phone_photos_b.photo(11, "medium", size=(640, 480)) == (first, payloads)
    assert phone_photos_b.photo(12, "medium", size=(640, 480))[0] != first
    assert all(re.fullmatch(r"SK2\.[0-9A-Z]\.[A-Z0-9]{7,9}\.\d\.[A-Z2-7]{10}", p) for p in payloads)
    assert all(verify_qr(p, phone_photos_b.KEYS) for p in payloads)


def test_photos_with_no_card_decode_to_nothing():
    for seed in range(2):
        assert decode_photo(open_photo(no_card_photo(seed, size=(1600, 1200)))) == []


def test_the_finder_scout_cuts_a_tilted_code_out_upright_and_it_reads_back(cards):
    images, payloads = cards
    card = images[0].convert("L").resize((335, 433)).rotate(33, expand=True, fillcolor=140)
    scene = Image.new("L", (900, 700), 140)
    scene.paste(card, (300, 150))
    finders = find_finders(scene)
    (triple,) = finder_triples(finders)
    patch, _ = rectified(scene, triple, 1.0)
    ((grid, fit),) = triple_grids(np.asarray(scene), [triple], 1.0)
    assert grid.size == 25 and fit > 0.8
    assert texts(decode_photo(patch.convert("RGB"))) == {payloads[0]}


def test_an_expected_count_stops_the_search_once_that_many_codes_are_found(cards):
    images, payloads = cards
    photo = open_photo(phone_photo(images[:3], seed=21, size=(1600, 1200)))
    assert len(decode_photo(photo, expected=1)) >= 1
    assert texts(decode_photo(photo, expected=3)) == set(payloads[:3])


# --- BoofCV's real photos ------------------------------------------------------------------------------------

def _boofcv_subset() -> list[tuple[Path, list]]:
    """A fixed sample: every 12th photo of each category (46 photos, 127 codes)."""
    sample = []
    for category in sorted(p for p in (BOOFCV / "detection").iterdir() if p.is_dir()):
        photos = sorted(p for p in category.iterdir() if p.suffix in (".jpg", ".png"))
        sample += [(path, boofcv_labels(path.with_suffix(".txt"))) for path in photos[::12]]
    return sample


@needs_boofcv
def test_on_real_photos_the_pipeline_finds_far_more_than_raw_pyzbar_and_nothing_outside_a_code():
    totals = {"codes": 0, "raw": 0, "pipeline": 0, "raw_false": 0, "false": 0}
    for path, quads in _boofcv_subset():
        image = Image.open(path).convert("RGB")  # labels are for the raw pixels: EXIF ignored
        raw_hit, raw_false = score_boofcv(raw_pyzbar(image), quads)
        hit, false = score_boofcv(decode_all(image), quads)
        totals["codes"] += len(quads)
        totals["raw"] += raw_hit
        totals["raw_false"] += raw_false
        totals["pipeline"] += hit
        totals["false"] += false
    assert totals["false"] == 0, totals
    # measured: raw pyzbar 39 of 127, the pipeline 116
    assert totals["pipeline"] >= 0.85 * totals["codes"], totals
    assert totals["pipeline"] >= 2 * totals["raw"], totals


@needs_boofcv
def test_boofcv_decoding_images_give_their_exact_text():
    images = sorted((BOOFCV / "decoding").glob("*.png"))
    assert len(images) == 26
    for path in images:
        expected = path.with_suffix(".txt").read_bytes().decode("utf-8")
        found = decode_photo(Image.open(path).convert("RGB"))
        assert [_normal(item.text) for item in found] == [_normal(expected)], path.name


def _normal(text: str) -> str:
    """BoofCV's text files use LF and drop the last line break; the codes hold CRLF."""
    return text.replace("\r\n", "\n").rstrip("\n")


def test_labels_in_both_boofcv_formats_are_read(tmp_path):
    sets = tmp_path / "a.txt"
    sets.write_text("# comment\nSETS\n1 2 3 4 5 6 7 8\n10 20 30 20 30 40 10 40\n")
    old = tmp_path / "b.txt"
    old.write_text("1 1\n9 1\n9 9\n1 9\n")
    assert boofcv_labels(sets)[1] == [(10, 20), (30, 20), (30, 40), (10, 40)]
    assert boofcv_labels(old) == [[(1, 1), (9, 1), (9, 9), (1, 9)]]
    assert inside((5, 5), boofcv_labels(old)[0]) and not inside((10, 5), boofcv_labels(old)[0])
    assert score_boofcv([Found("x", [(2, 2), (8, 2), (8, 8), (2, 8)]), Found("y", [(20, 20)] * 4)],
                        boofcv_labels(old)) == (1, 1)


def test_one_seed_gives_one_photo_and_another_seed_another():
    """The bench caches its synthetic photos by seed, so a seed must always draw the same picture."""
    card = card_image(infos(1)[0])
    assert phone_photo([card], seed=4, size=(800, 600)) == phone_photo([card], seed=4, size=(800, 600))
    assert phone_photo([card], seed=4, size=(800, 600)) != phone_photo([card], seed=5, size=(800, 600))
