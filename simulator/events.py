"""Webhook event objects exactly as the LINE platform sends them, and the request signature.

Field by field from ../line-openapi/webhook.yml: a missing required field makes the SDK parse an
`UnknownEvent`, so every builder fills all of them.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(now: float | None = None) -> str:
    """A 26-character ULID: 48-bit millisecond time then 80 random bits, Crockford base32."""
    value = (int((time.time() if now is None else now) * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def new_message_id() -> str:
    """A numeric message id like LINE's (18 digits)."""
    return str(secrets.randbelow(9 * 10**17) + 10**17)


def new_token() -> str:
    """A reply token: 32 lowercase hex characters."""
    return secrets.token_hex(16)


def new_quote_token() -> str:
    """An opaque quote token."""
    return secrets.token_urlsafe(48)


def source(user_id: str | None, group_id: str | None = None) -> dict:
    """The event's `source`: a user chat, or a group (with the speaking user when there is one)."""
    if group_id is None:
        return {"type": "user", "userId": user_id}
    src = {"type": "group", "groupId": group_id}
    if user_id is not None:
        src["userId"] = user_id
    return src


def event(kind: str, src: dict, now: float, reply_token: str | None = None, **fields) -> dict:
    """One complete webhook event of type `kind`; `fields` are its type-specific members."""
    ev = {
        "type": kind,
        "mode": "active",
        "timestamp": int(now * 1000),
        "source": src,
        "webhookEventId": ulid(now),
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token is not None:
        ev["replyToken"] = reply_token
    ev.update(fields)
    return ev


def text_message(text: str) -> dict:
    """A text message content object."""
    return {"id": new_message_id(), "type": "text", "quoteToken": new_quote_token(), "text": text}


def image_message(image_set: tuple[str, int, int] | None = None) -> dict:
    """An image message content object whose bytes live on the platform (contentProvider line)."""
    msg = {"id": new_message_id(), "type": "image", "quoteToken": new_quote_token(),
           "contentProvider": {"type": "line"}}
    if image_set is not None:
        set_id, index, total = image_set
        msg["imageSet"] = {"id": set_id, "index": index, "total": total}
    return msg


def location_message(latitude: float, longitude: float, address: str = "", title: str | None = None) -> dict:
    """A location message content object."""
    msg = {"id": new_message_id(), "type": "location", "latitude": latitude, "longitude": longitude,
           "address": address}
    if title is not None:
        msg["title"] = title
    return msg


def sticker_message(package_id: str, sticker_id: str) -> dict:
    """A sticker message content object."""
    return {"id": new_message_id(), "type": "sticker", "quoteToken": new_quote_token(),
            "packageId": package_id, "stickerId": sticker_id, "stickerResourceType": "STATIC"}


def members(user_ids: list[str]) -> dict:
    """The `joined` / `left` member list of memberJoined and memberLeft events."""
    return {"members": [{"type": "user", "userId": uid} for uid in user_ids]}


def signature(channel_secret: str, body: bytes) -> str:
    """The x-line-signature header: base64 of HMAC-SHA256 over the raw body."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_body(channel_secret: str, destination: str, events: list[dict]) -> tuple[bytes, dict]:
    """The signed webhook request: raw body and headers."""
    body = json.dumps({"destination": destination, "events": events}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8",
               "x-line-signature": signature(channel_secret, body),
               "User-Agent": "LineBotWebhook/2.0"}
    return body, headers
