"""Generator B: hard phone photos of check-in cards drawn a second, independent way (issue 17, literally).

bench/phone_photos.py (generator A) pastes cards onto a flat table, warps the whole scene, then lights it in
sRGB and blurs. This one shares none of its code or models, so that what the decoder learns on one is
checked on the other:

* every card is warped from its own 300-dpi picture straight into the photo by one homography (its place
  on the table, then the phone's perspective: each frame corner moved by up to 10 % of the frame), after a
  LANCZOS reduction to about its size in the photo; cards lie in a jittered grid, turned a little or at any
  angle, overlapping neighbours slightly but never their code and quiet zone;
* payloads are the project's real card payloads as `children export` prints them (`SK2.<key>.<code>.<v>.<MAC>`
  from domain.qr.qr_payload), with demo-roster codes (C000123) and chat-enrolled ones (<centre>N007);
* optics first, on the scene's reflectance: a motion blur with sub-pixel taps along a line (0.3–1.2 of a
  module), then a Gaussian (0.2–0.45 of a module);
* light in linear space (gamma 2.2): gain 0.25–1.15, cos⁴-like vignetting, in 60 % of photos a hard shadow
  band (two slightly curved edges with a 0.5–3 px penumbra, a bluish tint), up to three flat-topped glare
  spots that clip to white, most on a laminated card;
* sensor noise with a shot (signal-dependent) and a read part, per channel; JPEG 35–80 with 4:2:0 chroma;
  common phone sizes including 16:9 ones, portrait or landscape.

Everything follows from the seed (numpy's PCG64, not Python's random). `medium` is the same drawing, milder.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from domain.cards import CardInfo, QR_MM, QUIET_MODULES, card_image, mm
from domain.qr import qr_payload

KEYS = b"generator-b-secret-key"
PHONES = ((4032, 3024), (4000, 3000), (4080, 3060), (3264, 2448), (4000, 2250), (3840, 2160), (2560, 1920),
          (1920, 1080), (2048, 1536), (1600, 1200))


@dataclass(frozen=True)
class Spec:
    cards: tuple[int, int]
    code_frac: tuple[float, float]  # code side / photo short side, uniform
    corner: float
    gain: tuple[float, float]
    shadow: float
    glare: int
    gauss: tuple[float, float]  # sigma, modules
    motion: tuple[float, float]  # length, modules
    jpeg: tuple[int, int]


SPECS = {
    "hard": Spec((1, 6), (0.05, 0.15), 0.10, (0.25, 1.15), 0.6, 3, (0.2, 0.45), (0.3, 1.2), (35, 80)),
    "medium": Spec((1, 6), (0.07, 0.16), 0.06, (0.5, 1.1), 0.3, 2, (0.15, 0.35), (0.1, 0.7), (60, 90)),
}


def photo(seed: int, tier: str = "hard", size: tuple[int, int] | None = None, where: bool = False):
    """One photo: JPEG bytes and the payloads of the cards in it (and, with `where`, each code's centre and
    module in photo pixels, to look at what a decoder missed)."""
    rng = np.random.default_rng([seed, 0xB])
    spec = SPECS[tier]
    width, height = size or _phone(rng)
    short = min(width, height)
    code_px = rng.uniform(*spec.code_frac) * short
    scene = _table(rng, width, height)
    frame = _frame_homography(rng, width, height, spec.corner)
    infos = [_info(rng) for _ in range(int(rng.integers(spec.cards[0], spec.cards[1] + 1)))]
    placed = _lay_out(rng, infos, code_px, width, height, frame)
    payloads, code_centres, modules, boxes = [], [], [], []
    for info, (cx, cy, angle, qr_side) in placed:
        centre, module, box = _draw_card(rng, scene, info, cx, cy, angle, qr_side, frame)
        boxes.append(box)
        payloads.append(info.payload)
        code_centres.append(centre)
        modules.append(module)
    module = float(np.median(modules)) if modules else code_px / 25
    optics = _optics(rng, scene, module, spec, boxes)
    out = _light(rng, optics, spec, code_centres, module * 25)
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=int(rng.integers(spec.jpeg[0], spec.jpeg[1] + 1)), subsampling=2)
    if where:
        return buffer.getvalue(), payloads, list(zip(code_centres, modules))
    return buffer.getvalue(), payloads


def _phone(rng) -> tuple[int, int]:
    width, height = PHONES[int(rng.integers(len(PHONES)))]
    return (width, height) if rng.random() < 0.55 else (height, width)


def _info(rng) -> CardInfo:
    if rng.random() < 0.6:
        code = f"C{int(rng.integers(1, 999_999)):06d}"
    else:
        code = "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXYZ"), 2)) + f"{int(rng.integers(1, 99)):02d}N" \
            + f"{int(rng.integers(1, 999)):03d}"
    version = int(rng.integers(1, 4))
    return CardInfo(code=code, name="เด็กชายทดลอง ใจงาม", nickname=str(rng.choice(["ข้าวหอม", "โอ๊ต", "ใบเตย", "ปลื้ม"])),
                    centre_name="ศูนย์พัฒนาเด็กเล็กตำบลหนองแวง", payload=qr_payload(code, version, KEYS),
                    classroom="ห้องเตรียมอนุบาล")


def _table(rng, width: int, height: int) -> Image.Image:
    """Wood grain, a plain cloth or a gingham cloth, with clutter: notebooks with ruled lines, crayons, blobs."""
    kind = rng.random()
    small_w, small_h = max(8, width // 16), max(8, height // 16)
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    base = rng.uniform(70, 210, 3).astype(np.float32)
    if kind < 0.45:  # wood: stretched sinusoidal rings plus noise
        freq = rng.uniform(0.05, 0.2)
        grain = np.sin(freq * (xx + 8 * np.sin(yy * 0.05)) + rng.uniform(0, 6)) * rng.uniform(8, 25)
        field = base + grain[..., None] * np.array([1.0, 0.8, 0.6], dtype=np.float32)
    else:
        field = base + rng.normal(0, 6, (small_h, small_w, 1)).astype(np.float32)
    img = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8), "RGB").resize((width, height), Image.BILINEAR)
    draw = ImageDraw.Draw(img)
    short = min(width, height)
    if 0.45 <= kind < 0.7:  # gingham
        step = int(short * rng.uniform(0.01, 0.04)) + 2
        ink = tuple(int(v) for v in rng.integers(0, 200, 3))
        for pos in range(0, max(width, height), 2 * step):
            draw.rectangle((pos, 0, pos + step, height), fill=ink)
            draw.rectangle((0, pos, width, pos + step), fill=tuple(min(255, c + 40) for c in ink))
    for _ in range(int(rng.integers(3, 10))):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        s = rng.uniform(0.05, 0.35) * short
        what = rng.random()
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        if what < 0.35:  # a ruled notebook
            draw.rectangle((x, y, x + s, y + 1.3 * s), fill=(245, 243, 235))
            for k in range(1, 20):
                draw.line((x, y + k * 1.3 * s / 20, x + s, y + k * 1.3 * s / 20), fill=(120, 150, 200),
                          width=max(1, int(s / 300)))
        elif what < 0.6:
            draw.ellipse((x, y, x + s, y + s * rng.uniform(0.3, 1)), fill=colour)
        else:  # a crayon
            a = rng.uniform(0, math.pi)
            draw.line((x, y, x + s * math.cos(a), y + s * math.sin(a)), fill=colour, width=max(3, int(short / 90)))
    return img


def _frame_homography(rng, width: int, height: int, amount: float) -> np.ndarray:
    """3×3 map from table pixels to photo pixels: the photo's corners see table points moved by ≤ amount."""
    corners = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float64)
    moved = corners + rng.uniform(-amount, amount, (4, 2)) * np.array([width, height])
    return _homography(moved, corners)


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3×3 H with dst ~ H · src (DLT on four points)."""
    rows = []
    for (x, y), (u, v) in zip(src, dst):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(rows))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]


def _apply(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    pts = np.c_[points, np.ones(len(points))] @ h.T
    return pts[:, :2] / pts[:, 2:]


CARD_W, CARD_H = mm(85), mm(110)
QR_PX = mm(QR_MM)


def _qr_centre_on_card(info: CardInfo) -> tuple[float, float]:
    from domain.cards import _quiet_px
    return CARD_W / 2, mm(15) + _quiet_px(info.payload, QR_PX) + QR_PX / 2


def _lay_out(rng, infos, code_px: float, width: int, height: int, frame: np.ndarray) -> list:
    """(centre x, centre y of the card on the table, angle, code side px) in a jittered grid; a card whose code
    (with its quiet zone) would be covered by a later card, or would not be whole in the photo, is dropped."""
    n = len(infos)
    cols = max(1, round(math.sqrt(n * width / height)))
    rows = math.ceil(n / cols)
    card_w = code_px * CARD_W / QR_PX
    card_h = code_px * CARD_H / QR_PX
    pitch_x, pitch_y = card_w * rng.uniform(1.0, 1.3), card_h * rng.uniform(0.95, 1.2)
    x0 = width / 2 - (cols - 1) * pitch_x / 2 + rng.uniform(-0.1, 0.1) * width
    y0 = height / 2 - (rows - 1) * pitch_y / 2 + rng.uniform(-0.1, 0.1) * height
    free_spin = rng.random() < 0.35
    out, codes = [], []
    for k, info in enumerate(infos):
        for _ in range(6):  # a few tries at this grid place before the card is left out
            cx = x0 + (k % cols) * pitch_x + rng.normal(0, 0.06) * card_w
            cy = y0 + (k // cols) * pitch_y + rng.normal(0, 0.06) * card_h
            angle = rng.uniform(-180, 180) if free_spin else rng.normal(0, 10)
            side = code_px * rng.uniform(0.92, 1.08)
            body = _card_polygon(cx, cy, angle, side)
            code = _code_polygon(info, cx, cy, angle, side)
            if not all(0.02 * width <= x <= 0.98 * width and 0.02 * height <= y <= 0.98 * height
                       for x, y in _apply(frame, code)):
                continue
            if any(_overlap(body, other) for other in codes):
                continue
            out.append((info, (cx, cy, angle, side)))
            codes.append(code)
            break
    return out


def _rot(angle: float, points: np.ndarray, cx: float, cy: float) -> np.ndarray:
    a = math.radians(angle)
    r = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return points @ r.T + np.array([cx, cy])


def _card_polygon(cx, cy, angle, side) -> np.ndarray:
    s = side / QR_PX
    half = np.array([[-CARD_W / 2, -CARD_H / 2], [CARD_W / 2, -CARD_H / 2], [CARD_W / 2, CARD_H / 2],
                     [-CARD_W / 2, CARD_H / 2]]) * s
    return _rot(angle, half, cx, cy)


def _code_polygon(info, cx, cy, angle, side) -> np.ndarray:
    s = side / QR_PX
    qx, qy = _qr_centre_on_card(info)
    half = QR_PX / 2 * (1 + 2 * QUIET_MODULES / 25)
    pts = np.array([[-half, -half], [half, -half], [half, half], [-half, half]]) + [qx - CARD_W / 2, qy - CARD_H / 2]
    return _rot(angle, pts * s, cx, cy)


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Separating-axis test of two convex quads."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array([-edge[1], edge[0]])
            pa, pb = a @ axis, b @ axis
            if pa.max() < pb.min() or pb.max() < pa.min():
                return False
    return True


def _draw_card(rng, scene: Image.Image, info: CardInfo, cx, cy, angle, side, frame) -> tuple:
    """Warp the card into the photo; returns its code's centre in the photo and its module in photo pixels."""
    card = card_image(info).convert("RGB")
    paper = np.array([rng.uniform(232, 255), rng.uniform(228, 252), rng.uniform(215, 245)]) / 255
    card = Image.fromarray((np.asarray(card, dtype=np.float32) * paper).astype(np.uint8), "RGB")
    scale = side / QR_PX
    corners_table = _card_polygon(cx, cy, angle, side)
    corners_photo = _apply(frame, corners_table)
    # reduce first (no aliasing), then one homography from the reduced card into the photo's bounding box
    extent = max(np.linalg.norm(corners_photo[1] - corners_photo[0]) / CARD_W,
                 np.linalg.norm(corners_photo[3] - corners_photo[0]) / CARD_H)
    k = min(1.0, extent * 1.3)
    small = card.resize((max(4, round(CARD_W * k)), max(4, round(CARD_H * k))), Image.LANCZOS)
    sw, sh = small.size
    left, top = np.floor(corners_photo.min(axis=0)).astype(int) - 2
    right, bottom = np.ceil(corners_photo.max(axis=0)).astype(int) + 2
    left, top, right, bottom = int(left), int(top), int(right), int(bottom)
    box_w, box_h = right - left, bottom - top
    src = np.array([(0, 0), (sw, 0), (sw, sh), (0, sh)], dtype=np.float64)
    h = _homography(corners_photo - [left, top], src)  # photo box → small card
    coeffs = (h / h[2, 2]).flatten()[:8].tolist()
    warped = small.transform((box_w, box_h), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    mask = Image.new("L", (sw, sh), 255).transform((box_w, box_h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    # a soft contact shadow, then the card
    shadow = mask.filter(ImageFilter.GaussianBlur(max(1.0, box_w / 120))).point(lambda v: v * 35 // 100)
    scene.paste((10, 10, 12), (int(left) + max(1, box_w // 90), int(top) + max(1, box_w // 90)), shadow)
    scene.paste(warped, (int(left), int(top)), mask)
    qx, qy = _qr_centre_on_card(info)
    centre_table = _rot(angle, np.array([[(qx - CARD_W / 2) * scale, (qy - CARD_H / 2) * scale]]), cx, cy)
    centre = _apply(frame, centre_table)[0]
    module = extent * QR_PX / 25
    return (float(centre[0]), float(centre[1])), module, (left, top, right, bottom)


def _optics(rng, scene: Image.Image, module: float, spec: Spec, boxes: list) -> Image.Image:
    """Hand shake (a line of sub-pixel taps) then focus (Gaussian), both in modules of the codes. The shake is
    drawn over the box around the cards only (the rest of the table does not matter and costs seconds)."""
    length = rng.uniform(*spec.motion) * module
    angle = rng.uniform(0, math.pi)
    taps = int(min(12, max(2, math.ceil(length * 1.5) + 1)))
    if boxes:
        pad = int(length) + 4
        box = (max(0, min(b[0] for b in boxes) - pad), max(0, min(b[1] for b in boxes) - pad),
               min(scene.width, max(b[2] for b in boxes) + pad), min(scene.height, max(b[3] for b in boxes) + pad))
        crop = scene.crop(box)
        accumulated = np.zeros((crop.height, crop.width, 3), dtype=np.float32)
        for t in np.linspace(-length / 2, length / 2, taps):
            dx, dy = t * math.cos(angle), t * math.sin(angle)
            accumulated += np.asarray(crop.transform(crop.size, Image.AFFINE, (1, 0, dx, 0, 1, dy), Image.BILINEAR),
                                      dtype=np.float32)
        moved = Image.fromarray(np.clip(accumulated / taps + 0.5, 0, 255).astype(np.uint8), "RGB")
        scene = scene.copy()
        scene.paste(moved.crop((pad, pad, moved.width - pad, moved.height - pad)),
                    (box[0] + pad, box[1] + pad))
    return scene.filter(ImageFilter.GaussianBlur(rng.uniform(*spec.gauss) * module))


def _light(rng, scene: Image.Image, spec: Spec, code_centres, code_px: float) -> Image.Image:
    """Gain, vignetting, shadow band and glare in linear light; shot and read noise; back to sRGB."""
    width, height = scene.size
    linear = TO_LINEAR[np.asarray(scene)]
    yy, xx = np.ogrid[0:height, 0:width]
    u = (xx - width / 2) / (max(width, height) / 2)
    v = (yy - height / 2) / (max(width, height) / 2)
    r2 = (u * u + v * v).astype(np.float32)
    falloff = rng.uniform(0.35, 1.1)
    light = rng.uniform(*spec.gain) / (1 + falloff * r2) ** 2
    if rng.random() < spec.shadow:
        theta = rng.uniform(0, math.pi)
        nx, ny = math.cos(theta), math.sin(theta)
        across = (xx - rng.uniform(0.25, 0.75) * width) * nx + (yy - rng.uniform(0.25, 0.75) * height) * ny
        along = -(xx - width / 2) * ny + (yy - height / 2) * nx
        across = across + rng.uniform(-0.15, 0.15) * along ** 2 / max(width, height)  # slightly curved edges
        half = rng.uniform(0.05, 0.25) * min(width, height)
        penumbra = rng.uniform(0.5, 3.0)
        inside = np.clip((half - np.abs(across)) / penumbra + 0.5, 0, 1).astype(np.float32)
        depth = rng.uniform(0.3, 0.75)
        shade = (light * (1 - depth * inside)).astype(np.float32)
        linear *= shade[..., None]
        linear[..., 2] *= 1 + 0.15 * inside  # shade is lit by the blue sky
    else:
        linear *= light.astype(np.float32)[..., None]
    for _ in range(int(rng.integers(0, spec.glare + 1))):
        if code_centres and rng.random() < 0.7:
            gx, gy = code_centres[int(rng.integers(len(code_centres)))]
            gx += rng.uniform(-0.6, 0.6) * code_px
            gy += rng.uniform(-0.6, 0.6) * code_px
        else:
            gx, gy = rng.uniform(0, width), rng.uniform(0, height)
        rx, ry = code_px * rng.uniform(0.06, 0.35), code_px * rng.uniform(0.04, 0.25)
        turn = rng.uniform(0, math.pi)
        x0, x1 = int(max(0, gx - 3 * max(rx, ry))), int(min(width, gx + 3 * max(rx, ry)))
        y0, y1 = int(max(0, gy - 3 * max(rx, ry))), int(min(height, gy + 3 * max(rx, ry)))
        if x1 <= x0 or y1 <= y0:
            continue
        ly, lx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        a = ((lx - gx) * math.cos(turn) + (ly - gy) * math.sin(turn)) / rx
        b = (-(lx - gx) * math.sin(turn) + (ly - gy) * math.cos(turn)) / ry
        power = rng.uniform(1, 2.5)  # super-Gaussian: a flat, saturated core
        spot = np.exp(-((a * a + b * b) ** power)) * rng.uniform(0.5, 2.5)
        linear[y0:y1, x0:x1] += spot[..., None]
    shot = rng.uniform(0.0003, 0.003)
    read = rng.uniform(0.001, 0.004)
    noise_rng = np.random.default_rng(int(rng.integers(2 ** 32)))
    sigma = np.sqrt(np.clip(linear, 0, 1) * shot + read * read)
    sigma *= noise_rng.standard_normal(linear.shape, dtype=np.float32)
    linear += sigma
    np.clip(linear, 0, 1, out=linear)
    return Image.fromarray(TO_SRGB[(linear * 4095).astype(np.int32)], "RGB")


TO_LINEAR = ((np.arange(256, dtype=np.float32) / 255) ** 2.2).astype(np.float32)
TO_SRGB = (np.linspace(0, 1, 4096) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8)
