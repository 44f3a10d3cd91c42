"""Synthetic phone photos of QR cards on a cluttered table, for decoder tests and the QR bench.

Everything is drawn from a seed, so a photo is the same on every run. The pieces of a real morning
photo are imitated: a table with books, papers, pens and cups; cards at any angle; the phone held at a
slant (perspective); hand shake or focus (blur); sensor noise; glare on laminated cards; a dim room;
JPEG compression; and phones that store pixels sideways with an EXIF Orientation tag.
"""
from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from domain.cards import CardInfo, card_image
from domain.qr import qr_payload

PHONE_SIZES = ((4032, 3024), (4032, 3024), (3264, 2448), (2048, 1536), (1600, 1200))
BENCH_SECRET = b"synthetic-bench"
NAMES = (("เด็กหญิงปิยะธิดา ศรีสุวรรณวงศ์", "มะลิ"), ("เด็กชายสมชาย ใจดี", "ต้นกล้า"), ("ด.ญ. ฐิติรัตน์ ภู่ประเสริฐ", "ปิ่น"),
         ("ด.ช. กิตติพัฒน์ เลิศวิริยะกุล", "ภูมิ"), ("เด็กหญิงกานดา มีสุข", "แก้ม"), ("เด็กชายอนันต์ ทองดี", "บอส"))
EXIF_ORIENTATION = 0x0112
# How the upright picture is stored so that applying the EXIF tag (as open_photo does) makes it upright again.
_STORE_FOR_ORIENTATION = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def phone_photo(cards: list[Image.Image], *, seed: int, rotation: float | None = None, perspective: float = 0.12,
                blur: float = 1.0, noise: float = 4.0, glare: float = 0.4, low_light: float = 0.0,
                jpeg_quality: int = 85, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """JPEG bytes of `cards` lying on a cluttered table, photographed by a phone.

    rotation: degrees the phone is turned (None: any angle from the seed); each card is also turned
    up to ±15° on its own. perspective: how slanted the phone is (0–0.3, fraction of the frame each
    corner moves). blur: Gaussian radius in pixels of a 4032-px-wide photo. noise: sensor noise
    sigma (0–255 scale, amplified in the dark). glare: 0–1 strength of specular spots on laminated
    cards. low_light: 0 (daylight) – 1 (dim room: a quarter of the exposure, uneven). size: (w, h).
    """
    return _jpeg(render_photo(cards, seed=seed, rotation=rotation, perspective=perspective, blur=blur, noise=noise,
                              glare=glare, low_light=low_light, size=size), jpeg_quality)


def photo_with_exif_rotation(cards: list[Image.Image], *, seed: int, orientation: int = 6, **options) -> bytes:
    """A phone JPEG whose pixels are stored turned, with the EXIF Orientation tag (3, 6 or 8) that undoes it."""
    quality = options.pop("jpeg_quality", 85)
    upright = render_photo(cards, seed=seed, **options)
    stored = upright.transpose(_STORE_FOR_ORIENTATION[orientation])
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    return _jpeg(stored, quality, exif=exif)


def synthetic_set(n_photos: int, seed: int) -> list[tuple[bytes, list[str]]]:
    """A phone-like benchmark set: (JPEG bytes, payloads of the 6–12 cards in it) for each photo."""
    rng = random.Random(seed)
    photos = []
    for index in range(n_photos):
        count = rng.randint(6, 12)
        infos = [_random_card(rng) for _ in range(count)]
        cards = [card_image(info) for info in infos]
        dim = rng.random() < 0.3
        data = phone_photo(
            cards, seed=seed * 100_003 + index, rotation=None, perspective=rng.uniform(0.0, 0.22),
            blur=rng.choice((0.0, 0.8, 1.5, 2.5)), noise=rng.uniform(1.5, 8.0), glare=rng.uniform(0.0, 0.8),
            low_light=rng.uniform(0.3, 0.8) if dim else 0.0, jpeg_quality=rng.randint(60, 92),
            size=rng.choice(PHONE_SIZES))
        photos.append((data, [info.payload for info in infos]))
    return photos


def _random_card(rng: random.Random) -> CardInfo:
    code = f"C{rng.randrange(1_000_000):06d}"
    name, nickname = rng.choice(NAMES)
    return CardInfo(code=code, name=name, nickname=f"น้อง{nickname}", centre_name="ศูนย์พัฒนาเด็กเล็กบ้านหนองบัว",
                    payload=qr_payload(code, rng.randint(1, 3), BENCH_SECRET), classroom="ห้องอนุบาล 1")


def render_photo(cards: list[Image.Image], *, seed: int, rotation: float | None = None, perspective: float = 0.12,
                 blur: float = 1.0, noise: float = 4.0, glare: float = 0.4, low_light: float = 0.0,
                 size: tuple[int, int] = (4032, 3024)) -> Image.Image:
    """The photo of `phone_photo` as an RGB image, before JPEG compression."""
    rng = random.Random(seed)
    width, height = size
    scene = _table(rng, width, height)
    roll = rng.uniform(0, 360) if rotation is None else rotation
    for card, (cx, cy, card_w, angle) in zip(cards, _layout(rng, len(cards), width, height, roll)):
        _place(scene, _laminated(card, card_w, rng, glare), cx, cy, angle)
    if perspective > 0:
        scene = _slant(scene, rng, perspective)
    scale = width / 4032
    if blur > 0:
        scene = scene.filter(ImageFilter.GaussianBlur(blur * scale))
    gain = 1.0
    if low_light > 0:
        gain = 1.0 - 0.75 * low_light
        scene = ImageChops.multiply(scene, _shade(rng, width, height, gain, low_light))
    if noise > 0:
        sigma = noise / max(gain, 0.25) ** 0.5
        grain = _grain(rng, width, height, sigma)
        scene = ImageChops.add(scene, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)
    return scene


def _grain(rng: random.Random, width: int, height: int, sigma: float) -> Image.Image:
    """Gaussian sensor noise around 128, tiled from a random patch (a prime size, so it never lines up with QR
    modules) because drawing 12 million samples would dominate the time of a photo."""
    tile = 509
    samples = np.random.default_rng(rng.randrange(2**32)).normal(128.0, sigma, (tile, tile))
    patch = Image.fromarray(np.clip(samples, 0, 255).astype(np.uint8), "L")
    grain = Image.new("L", (width, height))
    dx, dy = rng.randrange(tile), rng.randrange(tile)
    for y in range(-dy, height, tile):
        for x in range(-dx, width, tile):
            grain.paste(patch, (x, y))
    return grain


def _shade(rng: random.Random, width: int, height: int, gain: float, low_light: float) -> Image.Image:
    """Exposure of a dim room: `gain` overall, darker towards one side and the corners (as an RGB mask)."""
    yy, xx = np.mgrid[0:48, 0:64].astype(np.float32)
    u, v = xx / 63 - 0.5, yy / 47 - 0.5
    fx, fy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    side = 1.0 - 0.35 * low_light * (0.5 + fx * u + fy * v)
    vignette = 1.0 - 0.8 * low_light * (u ** 2 + v ** 2)
    small = Image.fromarray(np.clip(255 * gain * side * vignette, 0, 255).astype(np.uint8), "L")
    return small.resize((width, height), Image.BILINEAR).convert("RGB")


def _jpeg(image: Image.Image, quality: int, **extra) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def _table(rng: random.Random, width: int, height: int) -> Image.Image:
    """A wooden table with books, papers, pens, cups and printed text (drawn at half size, then enlarged)."""
    w, h = width // 2, height // 2
    wood = np.array([rng.randint(120, 180), rng.randint(80, 120), rng.randint(40, 80)], dtype=np.float32)
    grain_rng = np.random.default_rng(rng.randrange(2**32))
    grain = np.repeat(grain_rng.normal(0, 12, (h // 8 + 1, 1)), 8, axis=0)[:h]
    grain = grain + grain_rng.normal(0, 4, (h, 1))
    base = np.clip(wood[None, None, :] + grain[:, :, None] + np.zeros((1, w, 1)), 0, 255).astype(np.uint8)
    table = Image.fromarray(base, "RGB")
    draw = ImageDraw.Draw(table)
    for _ in range(rng.randint(6, 14)):
        kind = rng.random()
        x, y = rng.uniform(-0.1, 1.0) * w, rng.uniform(-0.1, 1.0) * h
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if kind < 0.35:  # a book or box
            bw, bh = rng.uniform(0.1, 0.35) * w, rng.uniform(0.1, 0.35) * h
            draw.rectangle((x, y, x + bw, y + bh), fill=colour, outline=(20, 20, 20), width=2)
        elif kind < 0.6:  # a sheet of paper with lines of text and a few boxes
            bw, bh = rng.uniform(0.1, 0.25) * w, rng.uniform(0.15, 0.3) * h
            draw.rectangle((x, y, x + bw, y + bh), fill=(235, 235, 228))
            for line in range(int(bh // 14) - 1):
                length = rng.uniform(0.3, 0.9) * (bw - 16)
                draw.line((x + 8, y + 10 + line * 14, x + 8 + length, y + 10 + line * 14), fill=(40, 40, 40), width=3)
            for _ in range(rng.randint(0, 3)):  # check boxes and dark squares that look a little like finders
                s = rng.uniform(6, 20)
                bx, by = x + rng.uniform(0, bw - s), y + rng.uniform(0, bh - s)
                draw.rectangle((bx, by, bx + s, by + s), outline=(0, 0, 0), width=2)
        elif kind < 0.8:  # a cup seen from above
            r = rng.uniform(0.03, 0.08) * w
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=(30, 30, 30), width=3)
            draw.ellipse((x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7), fill=(60, 40, 30))
        else:  # a pen or pencil
            length, angle = rng.uniform(0.08, 0.2) * w, rng.uniform(0, math.pi)
            draw.line((x, y, x + length * math.cos(angle), y + length * math.sin(angle)), fill=colour, width=6)
    return table.resize((width, height), Image.BILINEAR)


def _layout(rng: random.Random, count: int, width: int, height: int, roll: float):
    """(centre x, centre y, card width px, card angle) for each card: a jittered grid turned by `roll`."""
    if count == 0:
        return []
    c, s = abs(math.cos(math.radians(roll))), abs(math.sin(math.radians(roll)))
    best = None
    for region_w, region_h in ((width, height), (height, width)):
        fit = min(width / (region_w * c + region_h * s), height / (region_w * s + region_h * c))
        if best is None or fit > best[0]:
            best = (fit, region_w, region_h)
    fit, region_w, region_h = best
    region_w, region_h = region_w * fit * 0.94, region_h * fit * 0.94
    cols = max(1, round(math.sqrt(count * region_w / region_h * 110 / 85)))
    rows = math.ceil(count / cols)
    cols = math.ceil(count / rows)
    cell_w, cell_h = region_w / cols, region_h / rows
    jitter = 15
    # the card (85 × 110) turned by up to `jitter` degrees must fit its cell with a little room
    jc, js = math.cos(math.radians(jitter)), math.sin(math.radians(jitter))
    card_w = 0.9 * min(cell_w / (85 * jc + 110 * js), cell_h / (85 * js + 110 * jc)) * 85
    slots = rng.sample(range(rows * cols), count)
    rc, rs = math.cos(math.radians(roll)), math.sin(math.radians(roll))
    placed = []
    for slot in slots:
        row, col = divmod(slot, cols)
        lx = (col + 0.5) * cell_w - region_w / 2 + rng.uniform(-0.04, 0.04) * cell_w
        ly = (row + 0.5) * cell_h - region_h / 2 + rng.uniform(-0.04, 0.04) * cell_h
        # image y points down, so a counter-clockwise turn by `roll` maps (x, y) to (x c + y s, -x s + y c)
        cx, cy = width / 2 + lx * rc + ly * rs, height / 2 - lx * rs + ly * rc
        flip = 180 if rng.random() < 0.25 else 0
        placed.append((cx, cy, card_w * rng.uniform(0.93, 1.0), roll + flip + rng.uniform(-jitter, jitter)))
    return placed


def _laminated(card: Image.Image, card_w: float, rng: random.Random, glare: float) -> Image.Image:
    """The card at `card_w` pixels wide, on slightly tinted paper, with a specular spot when glare > 0."""
    card_w = max(40, int(card_w))
    card_h = round(card.height * card_w / card.width)
    rgb = card.convert("RGB").resize((card_w, card_h), Image.LANCZOS)
    pixels = np.asarray(rgb, dtype=np.float32) * np.array([rng.uniform(0.93, 1.0), rng.uniform(0.93, 1.0),
                                                          rng.uniform(0.88, 0.98)], dtype=np.float32)
    if glare > 0 and rng.random() < 0.8:
        yy, xx = np.mgrid[0:card_h, 0:card_w].astype(np.float32)
        gx, gy = rng.uniform(0.1, 0.9) * card_w, rng.uniform(0.1, 0.9) * card_h
        sx, sy = rng.uniform(0.08, 0.25) * card_w, rng.uniform(0.05, 0.2) * card_h
        spot = np.exp(-(((xx - gx) / sx) ** 2 + ((yy - gy) / sy) ** 2) / 2) * rng.uniform(0.4, 0.85) * glare
        pixels = pixels + (255 - pixels) * spot[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _place(scene: Image.Image, card: Image.Image, cx: float, cy: float, angle: float) -> None:
    """Paste `card` turned by `angle` degrees (counter-clockwise) centred at (cx, cy), with a soft shadow."""
    mask = Image.new("L", card.size, 255)
    turned = card.rotate(angle, resample=Image.BICUBIC, expand=True)
    turned_mask = mask.rotate(angle, resample=Image.BICUBIC, expand=True)
    x, y = round(cx - turned.width / 2), round(cy - turned.height / 2)
    shadow = turned_mask.filter(ImageFilter.BoxBlur(max(2, card.width // 60)))
    offset = max(2, card.width // 80)
    scene.paste((25, 20, 15), (x + offset, y + offset), shadow.point(lambda v: v * 6 // 10))
    scene.paste(turned, (x, y), turned_mask)


def _slant(scene: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    """The scene as seen by a phone held at a slant: each corner moves up to `amount` of the frame inward."""
    width, height = scene.size
    corners = [(0, 0), (width, 0), (width, height), (0, height)]
    inward = ((1, 1), (-1, 1), (-1, -1), (1, -1))
    # one side of the frame shrinks more than the other, as when the phone is tilted
    side = rng.randrange(4)
    moved = []
    for index, ((x, y), (dx, dy)) in enumerate(zip(corners, inward)):
        strength = amount * (1.0 if index in (side, (side + 1) % 4) else 0.25) * rng.uniform(0.6, 1.0)
        moved.append((x + dx * strength * width, y + dy * strength * height))
    # the output pixel at `corners[i]` shows the scene at `source[i]`: the table spreads beyond the frame
    source = [(2 * cx - mx, 2 * cy - my) for (cx, cy), (mx, my) in zip(corners, moved)]
    return scene.transform(scene.size, Image.PERSPECTIVE, _coefficients(corners, source), Image.BILINEAR,
                           fillcolor=(90, 70, 50))


def _coefficients(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """PIL perspective coefficients mapping output points `dst` to input points `src`."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    targets = [value for point in src for value in point]
    return np.linalg.solve(np.array(rows, dtype=np.float64), np.array(targets, dtype=np.float64)).tolist()
