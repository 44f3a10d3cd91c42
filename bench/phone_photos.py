"""Phone photos of check-in cards in three tiers (easy, medium, hard), and photos with no card at all.

A second generator beside simulator/photos.py, written so the decoder is not judged only on the picture
it was tuned with. A photo is drawn in the order light takes: the table and the cards on it (any
rotation, overlapping slightly, never over another card's code), the phone's perspective (each frame
corner moved independently), the light (gain, vignetting, a hard shadow band, glare spots that mostly
sit on a laminated card), the optics and the hand (motion blur, then Gaussian blur, both in modules of
the codes in the photo), sensor noise stronger in the dark, and JPEG. The hard tier follows issue 17:
codes from 5 % of the photo's short side, corners moved up to 10 %, gain 0.25–1.15, a shadow band in
60 % of photos, up to three glare spots, Gaussian blur 0.2–0.45 and motion blur 0.3–1.2 of a module,
JPEG 35–80, common phone sizes in portrait or landscape. Everything follows from the seed.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import fontpkg_sarabun
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from domain.cards import CardInfo, card_image, mm
from domain.qr import qr_payload

SECRET = b"phone-photos-bench"
PHONE_SIZES = ((4032, 3024), (4032, 3024), (4000, 3000), (3264, 2448), (2592, 1944), (2048, 1536), (1600, 1200))
QR_MODULES = 25  # version 2: every SK1 payload of a child code up to 8 characters
_QR_SIDE = mm(52)  # the code on a 300-dpi card


@dataclass(frozen=True)
class Tier:
    """How hard a tier's photos are: each pair is a (low, high) range drawn uniformly."""

    cards: tuple[int, int]
    code_frac: tuple[float, float]  # the code's side over the photo's short side (drawn log-uniformly)
    corner_move: float  # how far each frame corner may move, as a fraction of the frame
    gain: tuple[float, float]
    shadow_share: float  # share of photos with a hard shadow band
    glare_spots: int  # at most
    gauss: tuple[float, float]  # Gaussian blur sigma in modules
    motion: tuple[float, float]  # motion blur length in modules
    noise: tuple[float, float]  # sensor noise sigma at full light (0–255 scale)
    jpeg: tuple[int, int]


TIERS = {
    "easy": Tier((1, 6), (0.12, 0.25), 0.03, (0.8, 1.1), 0.0, 1, (0.1, 0.25), (0.0, 0.3), (1.0, 3.0), (80, 95)),
    "medium": Tier((1, 6), (0.07, 0.16), 0.06, (0.5, 1.1), 0.3, 2, (0.15, 0.35), (0.1, 0.7), (2.0, 5.0), (60, 90)),
    "hard": Tier((1, 5), (0.05, 0.14), 0.10, (0.25, 1.15), 0.6, 3, (0.2, 0.45), (0.3, 1.2), (1.5, 4.5), (35, 80)),
}


def tier_set(tier: str, count: int, seed: int) -> list[tuple[bytes, list[str]]]:
    """`count` photos of the tier: (JPEG bytes, payloads of the cards in it) each."""
    return [tier_photo(tier, seed * 100_003 + number) for number in range(count)]


def tier_photo(tier: str, seed: int, size: tuple[int, int] | None = None) -> tuple[bytes, list[str]]:
    """One photo of the tier drawn from `seed`: JPEG bytes and the payloads of the cards it shows (`size`
    overrides the phone's, for quick tests)."""
    rng = random.Random(seed)
    spec = TIERS[tier]
    width, height = _phone_size(rng)
    width, height = size or (width, height)
    short = min(width, height)
    base = math.exp(rng.uniform(math.log(spec.code_frac[0]), math.log(spec.code_frac[1]))) * short
    infos = [_card_info(rng) for _ in range(rng.randint(*spec.cards))]
    scene = _background(rng, width, height)
    placed = _place_cards(rng, scene, infos, base)
    module = base / QR_MODULES
    scene, homography = _perspective(rng, scene, spec.corner_move)
    spots = [_apply(homography, centre) for centre in placed]
    photo = _expose(rng, scene, spec, spots, module)
    payloads = [info.payload for info, where in zip(infos, placed) if where is not None]
    return _jpeg(photo, rng.randint(*spec.jpeg)), payloads


def no_card_photo(seed: int, size: tuple[int, int] | None = None) -> bytes:
    """A photo with no card: a child's face or a lunch tray, under the medium tier's light and optics."""
    rng = random.Random(seed)
    width, height = _phone_size(rng)
    width, height = size or (width, height)
    scene = _background(rng, width, height)
    (_face if rng.random() < 0.5 else _tray)(rng, scene)
    spec = TIERS["medium"]
    scene, _ = _perspective(rng, scene, spec.corner_move)
    return _jpeg(_expose(rng, scene, spec, [], rng.uniform(2.0, 8.0)), rng.randint(*spec.jpeg))


def no_card_set(count: int, seed: int) -> list[bytes]:
    """`count` photos with no card."""
    return [no_card_photo(seed * 100_003 + number) for number in range(count)]


def _phone_size(rng: random.Random) -> tuple[int, int]:
    width, height = rng.choice(PHONE_SIZES)
    return (width, height) if rng.random() < 0.5 else (height, width)


def _card_info(rng: random.Random) -> CardInfo:
    code = rng.choice(("C", "K", "")) + f"{rng.randrange(10 ** 6):06d}"
    return CardInfo(code=code, name="เด็กหญิงทดสอบ สุขใจ", nickname=rng.choice(("น้องมะลิ", "ภูมิ", "แก้ม", "บอส")),
                    centre_name="ศูนย์พัฒนาเด็กเล็กบ้านโนนสูง", payload=qr_payload(code, rng.randint(1, 9), SECRET),
                    classroom="ห้องอนุบาล 2")


def _font(px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fontpkg_sarabun.ROOT / "files" / "Sarabun-Regular.ttf"), max(8, px))


def _background(rng: random.Random, width: int, height: int) -> Image.Image:
    """A table or floor mat: a smooth colour field with texture, papers with text, stripes and blocks."""
    colour = np.array([rng.uniform(60, 220) for _ in range(3)], dtype=np.float32)
    field = np.random.default_rng(rng.randrange(2 ** 32)).normal(0, 18, (6, 8, 3)).astype(np.float32)
    smooth = Image.fromarray(np.clip(colour + field, 0, 255).astype(np.uint8), "RGB").resize((width, height),
                                                                                         Image.BICUBIC)
    draw = ImageDraw.Draw(smooth)
    short = min(width, height)
    for _ in range(rng.randint(4, 12)):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        size = rng.uniform(0.05, 0.3) * short
        ink = tuple(rng.randint(0, 255) for _ in range(3))
        kind = rng.random()
        if kind < 0.3:  # a sheet of paper with lines of print
            draw.rectangle((x, y, x + size, y + size * 1.4), fill=(238, 236, 230))
            font = _font(int(size / 16))
            for line in range(12):
                words = "".join(rng.choice("กขคงจฉชซดตถทนบปผพฟมยรลวสหอะาิีึืุูเแโใไ0123456789 ") for _ in range(24))
                draw.text((x + size * 0.05, y + size * (0.06 + line * 0.11)), words, font=font, fill=(30, 30, 30))
        elif kind < 0.5:  # stripes or a checked cloth
            step = max(3, int(size / rng.randint(4, 14)))
            for offset in range(0, int(size), 2 * step):
                draw.rectangle((x + offset, y, x + offset + step, y + size), fill=ink)
                if kind < 0.4:
                    draw.rectangle((x, y + offset, x + size, y + offset + step), fill=ink)
        elif kind < 0.8:  # a box, a book
            draw.rectangle((x, y, x + size, y + size * rng.uniform(0.5, 1.5)), fill=ink, outline=(15, 15, 15),
                           width=max(1, int(size / 60)))
        else:  # a pencil
            angle = rng.uniform(0, math.pi)
            draw.line((x, y, x + size * math.cos(angle), y + size * math.sin(angle)), fill=ink,
                      width=max(2, int(short / 150)))
    return smooth


def _face(rng: random.Random, scene: Image.Image) -> None:
    """A child's face close up: skin, hair, eyes (dark rings, a little like finder patterns), a mouth."""
    width, height = scene.size
    draw = ImageDraw.Draw(scene)
    cx, cy = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.4, 0.6)
    r = min(width, height) * rng.uniform(0.25, 0.4)
    skin = (rng.randint(170, 230), rng.randint(120, 170), rng.randint(90, 130))
    draw.ellipse((cx - r * 1.05, cy - r * 1.3, cx + r * 1.05, cy + r * 0.2), fill=(25, 20, 18))
    draw.ellipse((cx - r * 0.85, cy - r, cx + r * 0.85, cy + r), fill=skin)
    for side in (-1, 1):
        ex, ey, e = cx + side * r * 0.35, cy - r * 0.15, r * 0.13
        draw.ellipse((ex - e, ey - e * 0.6, ex + e, ey + e * 0.6), fill=(245, 245, 240))
        draw.ellipse((ex - e * 0.5, ey - e * 0.5, ex + e * 0.5, ey + e * 0.5), fill=(30, 20, 15))
        draw.ellipse((ex - e * 0.15, ey - e * 0.25, ex + e * 0.1, ey), fill=(250, 250, 250))
    draw.arc((cx - r * 0.3, cy + r * 0.2, cx + r * 0.3, cy + r * 0.55), 10, 170, fill=(140, 40, 40),
             width=max(2, int(r / 25)))
    font = _font(int(r / 6))  # a printed shirt
    draw.rectangle((cx - r, cy + r * 0.95, cx + r, height), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    draw.text((cx - r * 0.6, cy + r * 1.2), "SMART KIDS 2026", font=font, fill=(250, 250, 250))


def _tray(rng: random.Random, scene: Image.Image) -> None:
    """A steel lunch tray: compartments with rice, curry, vegetables and fruit, a spoon."""
    width, height = scene.size
    draw = ImageDraw.Draw(scene)
    w, h = width * rng.uniform(0.6, 0.9), height * rng.uniform(0.5, 0.8)
    x, y = (width - w) / 2, (height - h) / 2
    draw.rounded_rectangle((x, y, x + w, y + h), radius=w / 20, fill=(190, 192, 196), outline=(120, 120, 125),
                           width=max(2, int(w / 150)))
    foods = ((240, 238, 230), (150, 80, 20), (60, 130, 40), (230, 180, 40))
    cells = ((0.05, 0.05, 0.55, 0.95), (0.6, 0.05, 0.95, 0.45), (0.6, 0.55, 0.95, 0.95))
    for (a, b, c, d), food in zip(cells, rng.sample(foods, 3)):
        draw.rounded_rectangle((x + a * w, y + b * h, x + c * w, y + d * h), radius=w / 40, fill=(170, 172, 176))
        for _ in range(40):
            fx, fy = x + rng.uniform(a + 0.03, c - 0.03) * w, y + rng.uniform(b + 0.03, d - 0.03) * h
            s = w * rng.uniform(0.005, 0.03)
            shade = tuple(max(0, min(255, v + rng.randint(-25, 25))) for v in food)
            draw.ellipse((fx - s, fy - s, fx + s, fy + s), fill=shade)
    draw.line((x + w * 0.1, y + h * 1.05, x + w * 0.6, y + h * 0.9), fill=(210, 210, 215), width=max(3, int(w / 60)))


def _place_cards(rng: random.Random, scene: Image.Image, infos: list[CardInfo], base: float) -> list:
    """Paste the cards turned at any angle; a card may overlap another's edge but never its code.
    Returns each card's code centre in scene pixels (None for a card that found no room)."""
    width, height = scene.size
    grid = 8  # occupancy is tracked on an eighth-size grid
    cards = np.zeros((height // grid + 1, width // grid + 1), dtype=bool)
    codes = np.zeros_like(cards)
    placed = []
    for info in infos:
        qr_px = base * rng.uniform(0.88, 1.12)
        card = card_image(info)
        scale = qr_px / _QR_SIDE
        size = (max(8, round(card.width * scale)), max(8, round(card.height * scale)))
        small = card.resize(size, Image.LANCZOS)
        tint = tuple(rng.randint(225, 255) for _ in range(3))
        rgb = Image.merge("RGB", [small.point(lambda v, t=t: v * t // 255) for t in tint])
        qr_box = _qr_box(card, info.payload)
        code_mask = Image.new("L", card.size, 0)
        quiet = 2 * _QR_SIDE / QR_MODULES
        ImageDraw.Draw(code_mask).rectangle((qr_box[0] - quiet, qr_box[1] - quiet, qr_box[2] + quiet,
                                            qr_box[3] + quiet), fill=255)
        code_mask = code_mask.resize(size, Image.NEAREST)
        angle = rng.uniform(0, 360)
        turned = rgb.rotate(angle, resample=Image.BICUBIC, expand=True)
        mask = Image.new("L", size, 255).rotate(angle, resample=Image.BICUBIC, expand=True)
        turned_code = code_mask.rotate(angle, expand=True)
        where = None
        for _ in range(200):
            x = rng.randint(-turned.width // 6, max(0, width - turned.width * 5 // 6))
            y = rng.randint(-turned.height // 6, max(0, height - turned.height * 5 // 6))
            body, code = _cells(mask, x, y, cards.shape, grid), _cells(turned_code, x, y, cards.shape, grid)
            if body is None or code is None or not _inner(code):
                continue  # the code would leave the frame once the perspective moves it
            if (body & codes).any() or (body & cards).sum() > 0.12 * body.sum():
                continue
            where = (x, y)
            break
        if where is None:
            placed.append(None)
            continue
        x, y = where
        shadow = mask.filter(ImageFilter.BoxBlur(max(2, size[0] // 40)))
        off = max(1, size[0] // 50)
        scene.paste((20, 18, 15), (x + off, y + off), shadow.point(lambda v: v * 45 // 100))
        scene.paste(turned, (x, y), mask)
        cards |= _cells(mask, x, y, cards.shape, grid)
        codes |= _cells(turned_code, x, y, cards.shape, grid)
        centre = np.argwhere(np.asarray(turned_code) > 0).mean(axis=0)
        placed.append((x + centre[1], y + centre[0]))
    return placed


def _inner(code: np.ndarray) -> bool:
    """Whether the code's cells lie in the middle 80 % of the frame each way (so no corner move takes it out)."""
    rows, cols = np.nonzero(code)
    height, width = code.shape
    return (rows.size > 0 and rows.min() >= 0.1 * height and rows.max() <= 0.9 * height
            and cols.min() >= 0.1 * width and cols.max() <= 0.9 * width)


def _qr_box(card: Image.Image, payload: str) -> tuple[int, int, int, int]:
    """The code's box on a 300-dpi card (see domain.cards.card_image)."""
    from domain.cards import _quiet_px
    top = mm(15) + _quiet_px(payload, _QR_SIDE)
    left = card.width // 2 - _QR_SIDE // 2
    return left, top, left + _QR_SIDE, top + _QR_SIDE


def _cells(mask: Image.Image, x: int, y: int, shape: tuple[int, int], grid: int) -> np.ndarray | None:
    """`mask` pasted at (x, y), on the occupancy grid (cells it covers), clipped to the frame."""
    out = np.zeros(shape, dtype=bool)
    small = np.asarray(mask.resize((max(1, mask.width // grid), max(1, mask.height // grid)), Image.NEAREST)) > 0
    gx, gy = x // grid, y // grid
    x0, y0 = max(0, gx), max(0, gy)
    x1, y1 = min(shape[1], gx + small.shape[1]), min(shape[0], gy + small.shape[0])
    if x1 <= x0 or y1 <= y0:
        return None
    out[y0:y1, x0:x1] = small[y0 - gy:y1 - gy, x0 - gx:x1 - gx]
    return out


def _perspective(rng: random.Random, scene: Image.Image, amount: float):
    """The scene seen with each frame corner moved independently by up to `amount` of the frame; and the
    homography from scene to photo pixels."""
    width, height = scene.size
    corners = [(0, 0), (width, 0), (width, height), (0, height)]
    moved = [(x + rng.uniform(-amount, amount) * width, y + rng.uniform(-amount, amount) * height) for x, y in corners]
    # the photo's corners show the scene at `moved`
    inverse = _solve(corners, moved)
    photo = scene.transform(scene.size, Image.PERSPECTIVE, inverse, Image.BILINEAR, fillcolor=(40, 35, 30))
    return photo, _solve(moved, corners)


def _solve(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients of the homography taking `dst` points to `src` points (PIL's convention)."""
    rows, targets = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        targets += [u, v]
    return np.linalg.solve(np.array(rows, dtype=np.float64), np.array(targets, dtype=np.float64)).tolist()


def _apply(coefficients: list[float], point) -> tuple[float, float] | None:
    if point is None:
        return None
    a, b, c, d, e, f, g, h = coefficients
    x, y = point
    w = g * x + h * y + 1
    return (a * x + b * y + c) / w, (d * x + e * y + f) / w


def _expose(rng: random.Random, scene: Image.Image, spec: Tier, spots: list, module: float) -> Image.Image:
    """Light, glare, motion and focus blur, sensor noise: the photo the phone stores before JPEG."""
    width, height = scene.size
    short = min(width, height)
    np_rng = np.random.default_rng(rng.randrange(2 ** 32))
    # light: gain × vignetting × shadow band, computed on a small grid and enlarged
    gw, gh = 160, max(2, round(160 * height / width))
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    u, v = xx / (gw - 1) * 2 - 1, yy / (gh - 1) * 2 - 1
    light = np.full((gh, gw), rng.uniform(*spec.gain), dtype=np.float32)
    light *= 1 - rng.uniform(0.15, 0.5) * (u ** 2 + v ** 2) / 2
    light *= 1 + rng.uniform(-0.2, 0.2) * u + rng.uniform(-0.2, 0.2) * v
    light_img = Image.fromarray(np.clip(light * 100, 0, 255).astype(np.uint8), "L").resize((width, height),
                                                                                             Image.BILINEAR)
    gain = np.asarray(light_img, dtype=np.float32) / 100
    if rng.random() < spec.shadow_share:
        band = Image.new("L", (width, height), 0)
        angle = rng.uniform(0, math.pi)
        cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
        half = rng.uniform(0.08, 0.3) * short
        dx, dy = math.cos(angle), math.sin(angle)
        far = 3 * max(width, height)
        ImageDraw.Draw(band).polygon([(cx - dx * far - dy * half, cy - dy * far + dx * half),
                                      (cx + dx * far - dy * half, cy + dy * far + dx * half),
                                      (cx + dx * far + dy * half, cy + dy * far - dx * half),
                                      (cx - dx * far + dy * half, cy - dy * far - dx * half)], fill=255)
        band = band.filter(ImageFilter.BoxBlur(rng.uniform(0.5, 3)))
        gain *= 1 - rng.uniform(0.3, 0.6) * np.asarray(band, dtype=np.float32) / 255
    pixels = np.asarray(scene, dtype=np.float32) * gain[..., None]
    for _ in range(rng.randint(0, spec.glare_spots)):
        on_card = [s for s in spots if s is not None]
        if on_card and rng.random() < 0.75:
            gx, gy = rng.choice(on_card)
            gx, gy = gx + rng.uniform(-1, 1) * module * 20, gy + rng.uniform(-1, 1) * module * 20
        else:
            gx, gy = rng.uniform(0, width), rng.uniform(0, height)
        sx, sy = module * rng.uniform(2, 7), module * rng.uniform(1.5, 5)
        x0, x1 = int(max(0, gx - 4 * sx)), int(min(width, gx + 4 * sx))
        y0, y1 = int(max(0, gy - 4 * sy)), int(min(height, gy + 4 * sy))
        if x1 <= x0 or y1 <= y0:
            continue
        ly, lx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        spot = np.exp(-(((lx - gx) / sx) ** 2 + ((ly - gy) / sy) ** 2) / 2) * rng.uniform(0.3, 0.85)
        region = pixels[y0:y1, x0:x1]
        pixels[y0:y1, x0:x1] = region + (265 - region) * spot[..., None]
    length = rng.uniform(*spec.motion) * module
    if length >= 0.5:
        pixels = _motion_blur(pixels, length, rng.uniform(0, math.pi))
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(*spec.gauss) * module))
    mean_gain = float(gain.mean())
    sigma = rng.uniform(*spec.noise) / max(0.3, mean_gain) ** 0.5
    noisy = np.asarray(photo, dtype=np.float32)
    noisy += np_rng.standard_normal((height, width, 3), dtype=np.float32) * sigma
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def _motion_blur(pixels: np.ndarray, length: float, angle: float) -> np.ndarray:
    """The mean of copies shifted along a line of `length` pixels (at most 7 taps)."""
    taps = min(7, max(2, math.ceil(length) + 1))
    out = np.zeros_like(pixels)
    pad = math.ceil(length / 2) + 1
    padded = np.pad(pixels, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    height, width = pixels.shape[:2]
    for t in np.linspace(-length / 2, length / 2, taps):
        dx, dy = round(t * math.cos(angle)), round(t * math.sin(angle))
        out += padded[pad + dy:pad + dy + height, pad + dx:pad + dx + width]
    return out / taps


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
