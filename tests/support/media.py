"""Helpers for photo flows: phone-like JPEGs (with GPS in EXIF), sending photos and sets, parents linked by invite,
and fetching what a signed media link serves."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

from PIL import Image

from tests.support.harness import texts
from tests.support.province import make_invite

GPS_IFD = 0x8825


def phone_photo(color=(200, 120, 40), size=(320, 240), gps=True) -> bytes:
    """A JPEG as a phone makes it: EXIF with a camera model and (by default) a GPS position."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # Model
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (17.0, 12.0, 30.0), 3: "E", 4: (102.0, 26.0, 10.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def send_photos(chat, user: str, photos: list[bytes], group: str | None = None, set_id: str | None = None,
                order: list[int] | None = None) -> list[dict]:
    """Send one photo, or several at once as one imageSet (optionally arriving in another order)."""
    def act():
        indices = order or list(range(1, len(photos) + 1))
        for index in indices:
            image_set = (set_id, index, len(photos)) if len(photos) > 1 or set_id else None
            chat.line.image(user, photos[index - 1], group_id=group, image_set=image_set)
    return chat._run(group or user, act)


def link_parent(chat, rt, user: str, *child_codes: str) -> None:
    """A parent follows the OA and links to each child with its parent code."""
    chat.event(user, "follow", user)
    for code in child_codes:
        assert "เรียบร้อย" in texts(chat.text(user, make_invite(rt, "parent", code)))


def image_urls(messages: list[dict]) -> list[str]:
    """Every original-photo URL in the bot's messages (image messages and flex carousels)."""
    urls = []
    for m in messages:
        if m["type"] == "image":
            urls.append(m["originalContentUrl"])
        elif m["type"] == "flex":
            urls += [b["hero"]["action"]["uri"] for b in m["contents"]["contents"]]
    return urls


def fetch(app, url: str):
    """GET a signed media URL from the app (as LINE's servers would)."""
    parts = urlsplit(url)
    return app.test_client().get(f"{parts.path}?{parts.query}")
