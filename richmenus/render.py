"""Render the menu definitions: one LINE rich menu object (areas with bounds) and one PNG per tab.

Images are 2500 px wide (LINE's largest, sharpest on phones): 2500x1686 for menus with a tab bar or
more than three buttons, 2500x843 for one row. Labels are Sarabun Bold (shaped by raqm), ~110 px,
which is about 17 pt on a phone; dark ink on light buttons over the theme colour.
"""
from __future__ import annotations

import functools
import hashlib
import io
import json
import math
from dataclasses import dataclass

import fontpkg_sarabun
from PIL import Image, ImageDraw, ImageFont

from bot.actions import MENU_TAB
from richmenus.definitions import HELP, MENUS, THEMES, menu_name
from richmenus.icons import ICONS

WIDTH, FULL, HALF = 2500, 1686, 843
TAB_BAR, GAP, RADIUS = 250, 28, 48
MAX_BYTES, MAX_AREAS, MIN_RATIO = 1024 * 1024, 20, 1.45
NAME_PREFIX = "smartkids:"  # marks the menus this program owns on the channel
FONT = fontpkg_sarabun.ROOT / "files" / "Sarabun-Bold.ttf"


@dataclass(frozen=True)
class RenderedMenu:
    """One LINE rich menu ready to deploy: its name (and alias id), the rich menu object, the image."""

    name: str
    body: dict
    image: bytes
    content_type: str

    @property
    def digest(self) -> str:
        """What identifies this version: the definition JSON and the image bytes."""
        h = hashlib.sha256(json.dumps(self.body, ensure_ascii=False, sort_keys=True).encode())
        h.update(self.image)
        return h.hexdigest()


@functools.lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont:
    """Sarabun Bold at `size` px, laid out by raqm so Thai vowels and tone marks sit right."""
    return ImageFont.truetype(str(FONT), size, layout_engine=ImageFont.Layout.RAQM)


def render_all(menus: dict = MENUS) -> list[RenderedMenu]:
    """Every menu of every group, default tabs first."""
    return [m for group, spec in menus.items() for m in _render_group(group, json.dumps(spec, ensure_ascii=False))]


@functools.lru_cache(maxsize=32)
def _render_group(group: str, spec_json: str) -> tuple[RenderedMenu, ...]:
    spec = json.loads(spec_json)
    return tuple(render_tab(group, spec, i) for i in range(len(spec["tabs"])))


def render_tab(group: str, spec: dict, index: int) -> RenderedMenu:
    """One tab of a group as a LINE rich menu object and its PNG image."""
    tabs, tab, theme = spec["tabs"], spec["tabs"][index], THEMES[spec["theme"]]
    buttons = [_button(b) for b in tab["buttons"]]
    tabbed = len(tabs) > 1
    height = FULL if tabbed or len(buttons) > 3 else HALF
    image = Image.new("RGB", (WIDTH, height), theme["bg"])
    draw = ImageDraw.Draw(image)
    areas = []
    top = 0
    if tabbed:
        areas += _tab_bar(draw, group, tabs, index, theme)
        top = TAB_BAR
    for (text, icon, label), box in zip(buttons, _grid(len(buttons), top, height)):
        _card(draw, box, icon, label, theme)
        areas.append(_area(box, {"type": "message", "label": text, "text": text}))
    name = menu_name(group, tab["key"])
    body = {"size": {"width": WIDTH, "height": height}, "selected": True, "name": NAME_PREFIX + name,
            "chatBarText": spec["chat_bar"], "areas": areas}
    return RenderedMenu(name, body, _png(image), "image/png")


def _button(button) -> tuple[str, str, str]:
    text, icon, *label = button
    return text, icon, (label[0] if label else text)


def _grid(n: int, top: int, height: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) for n buttons: up to three per row, two rows at most."""
    cols = n if n <= 3 else 2 if n == 4 else 3
    rows = math.ceil(n / cols)
    w, h = (WIDTH - GAP) / cols, (height - top - GAP) / rows
    return [(round(GAP + c * w), round(top + GAP + r * h), round(GAP + (c + 1) * w - GAP),
             round(top + GAP + (r + 1) * h - GAP)) for i in range(n) for r, c in [divmod(i, cols)]]


def _card(draw: ImageDraw.ImageDraw, box, icon: str, label: str, theme: dict) -> None:
    """A light rounded button: icon above, big label below."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=RADIUS, fill=theme["button"])
    lines = label.split("\n")
    size = _fit(lines, x1 - x0 - 100, 112)
    text_h = len(lines) * size * 1.45
    icon_s = min((x1 - x0) * 0.42, (y1 - y0) - text_h - 120, 300)
    block = icon_s + 40 + text_h
    iy = y0 + ((y1 - y0) - block) / 2
    ix = (x0 + x1 - icon_s) / 2
    ICONS[icon](draw, (ix, iy, ix + icon_s, iy + icon_s), theme["accent"], theme["button"], font)
    for i, line in enumerate(lines):
        y = iy + icon_s + 40 + (i + 0.5) * size * 1.45
        draw.text(((x0 + x1) / 2, y), line, font=font(size), fill=theme["ink"], anchor="mm")


def _fit(lines: list[str], width: float, size: int) -> int:
    """The largest font size (from `size` down) at which every line fits `width`."""
    while size > 48 and max(font(size).getlength(line) for line in lines) > width:
        size -= 4
    return size


def _tab_bar(draw, group: str, tabs: list[dict], index: int, theme: dict) -> list[dict]:
    """Tabs on the left (the others switch through their alias), help on the right."""
    help_w = 520
    tab_w = (WIDTH - help_w) / len(tabs)
    areas = []
    for i, tab in enumerate(tabs):
        box = (round(i * tab_w), 0, round((i + 1) * tab_w), TAB_BAR)
        current = i == index
        if current:  # joined to the buttons below: rounded on top only
            draw.rounded_rectangle((box[0] + 8, box[1] + 24, box[2] - 8, box[3]), radius=RADIUS, fill=theme["button"],
                                   corners=(True, True, False, False))
        else:
            draw.rounded_rectangle((box[0] + 8, box[1] + 24, box[2] - 8, box[3] - 24), radius=RADIUS,
                                   fill=theme["tab"])
            target = menu_name(group, tab["key"])
            areas.append(_area(box, {"type": "richmenuswitch", "label": tab["title"], "richMenuAliasId": target,
                                     "data": MENU_TAB.data(to=target)}))
        draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2 + (12 if current else 0)), tab["title"],
                  font=font(_fit([tab["title"]], box[2] - box[0] - 60, 104)),
                  fill=theme["ink"] if current else "#FFFFFF", anchor="mm")
    box = (WIDTH - help_w, 0, WIDTH, TAB_BAR)
    draw.rounded_rectangle((box[0] + 16, box[1] + 24, box[2] - 24, box[3] - 24), radius=RADIUS, fill=theme["accent"])
    s, left = 110, box[0] + 56
    ICONS["help"](draw, (left, (TAB_BAR - s) / 2, left + s, (TAB_BAR + s) / 2), "#FFFFFF", theme["accent"], font)
    room = box[2] - 24 - (left + s + 20)
    draw.text((left + s + 20 + room / 2, TAB_BAR / 2), HELP, font=font(_fit([HELP], room - 30, 96)),
              fill="#FFFFFF", anchor="mm")
    areas.append(_area(box, {"type": "message", "label": HELP, "text": HELP}))
    return areas


def _area(box, action: dict) -> dict:
    x0, y0, x1, y1 = (round(v) for v in box)
    return {"bounds": {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}, "action": action}


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def problems(menu: RenderedMenu) -> list[str]:
    """What LINE would refuse in this menu: size, ratio, bytes, area count and bounds, label lengths."""
    body, errors = menu.body, []
    width, height = body["size"]["width"], body["size"]["height"]
    image = Image.open(io.BytesIO(menu.image))
    if image.size != (width, height):
        errors.append(f"{menu.name}: image {image.size} is not {width}x{height}")
    if not 800 <= width <= 2500 or height < 250 or width / height < MIN_RATIO:
        errors.append(f"{menu.name}: size {width}x{height} outside LINE's limits")
    if len(menu.image) > MAX_BYTES:
        errors.append(f"{menu.name}: image is {len(menu.image)} bytes, over 1 MB")
    if not 1 <= len(body["areas"]) <= MAX_AREAS:
        errors.append(f"{menu.name}: {len(body['areas'])} areas")
    if len(body["chatBarText"]) > 14:
        errors.append(f"{menu.name}: chat bar text longer than 14")
    for area in body["areas"]:
        b, action = area["bounds"], area["action"]
        if b["x"] < 0 or b["y"] < 0 or b["x"] + b["width"] > width or b["y"] + b["height"] > height:
            errors.append(f"{menu.name}: area {b} outside the image")
        if len(action.get("label", "")) > 20 or len(action.get("text", "")) > 300:
            errors.append(f"{menu.name}: action {action} too long")
    return errors
