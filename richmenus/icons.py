"""Simple flat icons drawn with Pillow shapes (no image assets): each draws into a square box in one colour."""
from __future__ import annotations

import math

from PIL import ImageDraw


def _person(d: ImageDraw.ImageDraw, cx: float, top: float, s: float, fg) -> None:
    """A head and shoulders, `s` tall, centred on cx."""
    r = s * 0.22
    d.ellipse((cx - r, top, cx + r, top + 2 * r), fill=fg)
    d.pieslice((cx - s * 0.4, top + s * 0.5, cx + s * 0.4, top + s * 1.3), 180, 360, fill=fg)


def _check_mark(d, x0, y0, s, fg, width) -> None:
    d.line([(x0 + s * 0.2, y0 + s * 0.52), (x0 + s * 0.42, y0 + s * 0.74), (x0 + s * 0.8, y0 + s * 0.3)],
           fill=fg, width=width, joint="curve")


def check(d, box, fg, bg, font) -> None:
    """A check mark in a ring."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.ellipse(box, outline=fg, width=int(s * 0.08))
    _check_mark(d, x0, y0, s, fg, int(s * 0.1))


def missing(d, box, fg, bg, font) -> None:
    """A person with a question mark."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    _person(d, x0 + s * 0.38, y0 + s * 0.1, s * 0.8, fg)
    d.text((x0 + s * 0.85, y0 + s * 0.3), "?", font=font(int(s * 0.6)), fill=fg, anchor="mm")


def health(d, box, fg, bg, font) -> None:
    """A medical cross in a ring."""
    x0, y0, x1, y1 = box
    s, c = x1 - x0, ((x0 + x1) / 2, (y0 + y1) / 2)
    d.ellipse(box, outline=fg, width=int(s * 0.08))
    a, b = s * 0.12, s * 0.32
    d.rectangle((c[0] - a, c[1] - b, c[0] + a, c[1] + b), fill=fg)
    d.rectangle((c[0] - b, c[1] - a, c[0] + b, c[1] + a), fill=fg)


def lunch(d, box, fg, bg, font) -> None:
    """A bowl with steam."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.chord((x0, y0 + s * 0.2, x1, y1), 0, 180, fill=fg)
    d.rectangle((x0 + s * 0.3, y1 - s * 0.08, x1 - s * 0.3, y1), fill=fg)
    for k in (0.3, 0.5, 0.7):
        x = x0 + s * k
        d.arc((x - s * 0.06, y0, x + s * 0.06, y0 + s * 0.25), 90, 270, fill=fg, width=int(s * 0.05))
        d.arc((x - s * 0.06, y0 + s * 0.2, x + s * 0.06, y0 + s * 0.45), 270, 90, fill=fg, width=int(s * 0.05))


def activity(d, box, fg, bg, font) -> None:
    """A five-pointed star."""
    x0, y0, x1, y1 = box
    s, cx, cy = x1 - x0, (x0 + x1) / 2, (y0 + y1) / 2 + (x1 - x0) * 0.04
    points = [(cx + (s / 2 if i % 2 == 0 else s / 4.6) * math.sin(i * math.pi / 5),
               cy - (s / 2 if i % 2 == 0 else s / 4.6) * math.cos(i * math.pi / 5)) for i in range(10)]
    d.polygon(points, fill=fg)


def home(d, box, fg, bg, font) -> None:
    """A house with a door."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.polygon([(x0, y0 + s * 0.45), (x0 + s / 2, y0), (x1, y0 + s * 0.45)], fill=fg)
    d.rectangle((x0 + s * 0.15, y0 + s * 0.44, x1 - s * 0.15, y1), fill=fg)
    d.rectangle((x0 + s * 0.42, y0 + s * 0.65, x0 + s * 0.58, y1), fill=bg)


def qr(d, box, fg, bg, font) -> None:
    """Three QR finder squares and some modules."""
    x0, y0, x1, y1 = box
    u = (x1 - x0) / 7
    for fx, fy in ((x0, y0), (x1 - 3 * u, y0), (x0, y1 - 3 * u)):
        d.rectangle((fx, fy, fx + 3 * u, fy + 3 * u), fill=fg)
        d.rectangle((fx + u * 0.6, fy + u * 0.6, fx + 3 * u - u * 0.6, fy + 3 * u - u * 0.6), fill=bg)
        d.rectangle((fx + u, fy + u, fx + 2 * u, fy + 2 * u), fill=fg)
    for mx, my in ((4, 4), (5, 5), (6, 4), (4, 6), (6, 6), (5, 3.5)):
        d.rectangle((x0 + mx * u - u * 0.5, y0 + my * u - u * 0.5, x0 + mx * u + u * 0.4, y0 + my * u + u * 0.4),
                    fill=fg)


def key(d, box, fg, bg, font) -> None:
    """A key."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.ellipse((x0, y0 + s * 0.25, x0 + s * 0.5, y0 + s * 0.75), fill=fg)
    d.ellipse((x0 + s * 0.15, y0 + s * 0.4, x0 + s * 0.3, y0 + s * 0.55), fill=bg)
    d.rectangle((x0 + s * 0.45, y0 + s * 0.44, x1, y0 + s * 0.56), fill=fg)
    d.rectangle((x1 - s * 0.2, y0 + s * 0.56, x1 - s * 0.1, y0 + s * 0.72), fill=fg)
    d.rectangle((x1 - s * 0.38, y0 + s * 0.56, x1 - s * 0.28, y0 + s * 0.68), fill=fg)


def group(d, box, fg, bg, font) -> None:
    """Three people."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    _person(d, x0 + s * 0.2, y0 + s * 0.2, s * 0.55, fg)
    _person(d, x1 - s * 0.2, y0 + s * 0.2, s * 0.55, fg)
    d.ellipse((x0 + s * 0.25, y0 + s * 0.12, x1 - s * 0.25, y1 + s * 0.2), fill=bg)
    _person(d, x0 + s / 2, y0 + s * 0.05, s * 0.75, fg)


def help(d, box, fg, bg, font) -> None:  # noqa: A001 - the icon's name in the definitions
    """A question mark in a disc."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.ellipse(box, fill=fg)
    d.text(((x0 + x1) / 2, (y0 + y1) / 2), "?", font=font(int(s * 0.8)), fill=bg, anchor="mm")


def chart(d, box, fg, bg, font) -> None:
    """A bar chart."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    for i, h in enumerate((0.45, 0.75, 0.6, 0.95)):
        left = x0 + s * (0.05 + i * 0.24)
        d.rectangle((left, y1 - s * h, left + s * 0.17, y1), fill=fg)


def report(d, box, fg, bg, font) -> None:
    """A page with lines of text."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rounded_rectangle((x0 + s * 0.15, y0, x1 - s * 0.15, y1), radius=s * 0.06, fill=fg)
    for k in (0.25, 0.42, 0.59, 0.76):
        d.rectangle((x0 + s * 0.28, y0 + s * k, x1 - s * (0.28 if k < 0.7 else 0.45), y0 + s * (k + 0.06)), fill=bg)


def gear(d, box, fg, bg, font) -> None:
    """A cog wheel."""
    x0, y0, x1, y1 = box
    s, cx, cy = x1 - x0, (x0 + x1) / 2, (y0 + y1) / 2
    for i in range(8):
        a = i * math.pi / 4
        pts = [(cx + r * math.cos(a + da), cy + r * math.sin(a + da)) for r, da in
               ((s * 0.3, -0.3), (s * 0.5, -0.18), (s * 0.5, 0.18), (s * 0.3, 0.3))]
        d.polygon(pts, fill=fg)
    d.ellipse((cx - s * 0.36, cy - s * 0.36, cx + s * 0.36, cy + s * 0.36), fill=fg)
    d.ellipse((cx - s * 0.14, cy - s * 0.14, cx + s * 0.14, cy + s * 0.14), fill=bg)


def van(d, box, fg, bg, font) -> None:
    """A van with windows and wheels."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rounded_rectangle((x0, y0 + s * 0.2, x1, y0 + s * 0.8), radius=s * 0.1, fill=fg)
    for k in (0.08, 0.38):
        d.rectangle((x0 + s * k, y0 + s * 0.3, x0 + s * (k + 0.24), y0 + s * 0.5), fill=bg)
    d.polygon([(x0 + s * 0.68, y0 + s * 0.3), (x0 + s * 0.84, y0 + s * 0.3), (x0 + s * 0.94, y0 + s * 0.5),
               (x0 + s * 0.68, y0 + s * 0.5)], fill=bg)
    for k in (0.25, 0.75):
        cx, cy = x0 + s * k, y0 + s * 0.8
        d.ellipse((cx - s * 0.13, cy - s * 0.13, cx + s * 0.13, cy + s * 0.13), fill=fg, outline=bg,
                  width=int(s * 0.04))


def van_empty(d, box, fg, bg, font) -> None:
    """A van with a check mark badge."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    van(d, (x0, y0 + s * 0.1, x1 - s * 0.15, y1 - s * 0.05), fg, bg, font)
    b = (x1 - s * 0.42, y0 - s * 0.05, x1 + s * 0.05, y0 + s * 0.42)
    d.ellipse(b, fill=bg)
    d.ellipse((b[0] + s * 0.04, b[1] + s * 0.04, b[2] - s * 0.04, b[3] - s * 0.04), fill=fg)
    _check_mark(d, b[0] + s * 0.04, b[1] + s * 0.04, s * 0.39, bg, int(s * 0.06))


def calendar(d, box, fg, bg, font) -> None:
    """A calendar page."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rounded_rectangle((x0, y0 + s * 0.1, x1, y1), radius=s * 0.08, fill=fg)
    d.rectangle((x0 + s * 0.08, y0 + s * 0.35, x1 - s * 0.08, y1 - s * 0.08), fill=bg)
    for k in (0.25, 0.75):
        d.rounded_rectangle((x0 + s * k - s * 0.05, y0, x0 + s * k + s * 0.05, y0 + s * 0.22), radius=s * 0.03,
                            fill=fg)
    for row in range(2):
        for col in range(3):
            cx, cy = x0 + s * (0.25 + col * 0.25), y0 + s * (0.52 + row * 0.22)
            d.rectangle((cx - s * 0.07, cy - s * 0.07, cx + s * 0.07, cy + s * 0.07), fill=fg)


def camera(d, box, fg, bg, font) -> None:
    """A camera."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rounded_rectangle((x0 + s * 0.3, y0 + s * 0.12, x0 + s * 0.7, y0 + s * 0.3), radius=s * 0.05, fill=fg)
    d.rounded_rectangle((x0, y0 + s * 0.22, x1, y1 - s * 0.08), radius=s * 0.1, fill=fg)
    cx, cy = (x0 + x1) / 2, y0 + s * 0.57
    d.ellipse((cx - s * 0.24, cy - s * 0.24, cx + s * 0.24, cy + s * 0.24), fill=bg)
    d.ellipse((cx - s * 0.15, cy - s * 0.15, cx + s * 0.15, cy + s * 0.15), fill=fg)


def child(d, box, fg, bg, font) -> None:
    """A small person with a big head."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    cx = (x0 + x1) / 2
    d.ellipse((cx - s * 0.26, y0, cx + s * 0.26, y0 + s * 0.52), fill=fg)
    d.pieslice((cx - s * 0.36, y0 + s * 0.56, cx + s * 0.36, y0 + s * 1.4), 180, 360, fill=fg)


def teacher(d, box, fg, bg, font) -> None:
    """A person in front of a board."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rectangle((x0 + s * 0.35, y0, x1, y0 + s * 0.55), outline=fg, width=int(s * 0.06))
    d.line([(x0 + s * 0.5, y0 + s * 0.2), (x0 + s * 0.85, y0 + s * 0.2)], fill=fg, width=int(s * 0.05))
    _person(d, x0 + s * 0.3, y0 + s * 0.3, s * 0.62, fg)


def bell(d, box, fg, bg, font) -> None:
    """A bell."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    cx = (x0 + x1) / 2
    d.pieslice((x0 + s * 0.15, y0 + s * 0.08, x1 - s * 0.15, y0 + s * 0.8), 180, 360, fill=fg)
    d.rectangle((x0 + s * 0.15, y0 + s * 0.43, x1 - s * 0.15, y0 + s * 0.75), fill=fg)
    d.rounded_rectangle((x0 + s * 0.02, y0 + s * 0.7, x1 - s * 0.02, y0 + s * 0.82), radius=s * 0.05, fill=fg)
    d.ellipse((cx - s * 0.1, y0 + s * 0.8, cx + s * 0.1, y0 + s), fill=fg)
    d.ellipse((cx - s * 0.06, y0, cx + s * 0.06, y0 + s * 0.12), fill=fg)


def star(d, box, fg, bg, font) -> None:
    """A five-pointed star (the evaluation's stars)."""
    import math

    x0, y0, x1, y1 = box
    s, cx, cy = x1 - x0, (x0 + x1) / 2, (y0 + y1) / 2 + (y1 - y0) * 0.04
    points = [(cx + s * (0.5 if i % 2 == 0 else 0.2) * math.sin(i * math.pi / 5),
               cy - s * (0.5 if i % 2 == 0 else 0.2) * math.cos(i * math.pi / 5)) for i in range(10)]
    d.polygon(points, fill=fg)


def speech(d, box, fg, bg, font) -> None:
    """A speech bubble with three dots (parents' voice)."""
    x0, y0, x1, y1 = box
    s = x1 - x0
    d.rounded_rectangle((x0, y0 + s * 0.1, x1, y0 + s * 0.72), radius=s * 0.15, fill=fg)
    d.polygon([(x0 + s * 0.22, y0 + s * 0.7), (x0 + s * 0.2, y1 - s * 0.05), (x0 + s * 0.45, y0 + s * 0.7)], fill=fg)
    for k in (0.28, 0.5, 0.72):
        d.ellipse((x0 + s * (k - 0.06), y0 + s * 0.35, x0 + s * (k + 0.06), y0 + s * 0.47), fill=bg)


ICONS = {f.__name__: f for f in (check, missing, health, lunch, activity, home, qr, key, group, help, chart, report,
                                 gear, van, van_empty, calendar, camera, child, teacher, bell, star, speech)}
