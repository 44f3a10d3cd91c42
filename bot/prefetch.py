"""Phase 1 of an event: the slow work, done before any transaction opens (downloads, QR decoding, loading).

The worker calls `prefetch` between claiming an event and handling it, so SQLite's single write lock (and
PostgreSQL row locks) are never held while LINE answers or a photo is decoded. Only photos of registered
senders are fetched: an unknown sender's photo is answered with the registration help, never downloaded.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from linebot.v3.messaging.exceptions import ApiException

from bot.line_api import LineApi
from domain.images import BadPhoto, open_photo
from domain.qr_decode import decode_photo

log = logging.getLogger(__name__)
GONE = "ดาวน์โหลดรูปไม่ได้ (รูปอาจหมดอายุแล้ว) กรุณาส่งใหม่"
READERS = ("teacher", "head", "driver")  # roles whose photos may hold QR cards a handler reads
DECODER_NICENESS = 10  # decoding gives way to the webhook when the cores are busy (Linux: per thread)


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), DECODER_NICENESS)
    except OSError:  # not permitted here: decode at the process's priority
        pass


_decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qr-decoder", initializer=_lower_priority)


@dataclass
class Prefetched:
    """What phase 1 got for one event: downloaded content and QR readings, by LINE message id."""

    content: dict[str, bytes] = field(default_factory=dict)
    failed: dict[str, ApiException] = field(default_factory=dict)
    codes: dict[str, list[str] | dict] = field(default_factory=dict)


def read_codes(data: bytes) -> list[str] | dict:
    """The QR texts in a photo, or why there are none ({"bad": reason} / {"none": True})."""
    try:
        image = open_photo(data)
    except BadPhoto as bad:
        return {"bad": bad.reason}
    found = decode_photo(image)
    return [f.text for f in found] if found else {"none": True}


def wants_photo(payload: dict, sender_role: str | None) -> bool:
    """Whether this event is a photo some handler will open: registered senders only (staff, in a group)."""
    message = payload.get("message") or {}
    if payload.get("type") != "message" or message.get("type") != "image" or not sender_role:
        return False
    in_group = (payload.get("source") or {}).get("type") in ("group", "room")
    return sender_role in READERS or not in_group


def prefetch(line: LineApi, payload: dict, sender_role: str | None) -> Prefetched:
    """Download (and for staff, decode) the photo of this event; show the loading animation in 1:1."""
    got = Prefetched()
    if not wants_photo(payload, sender_role):
        return got
    source, message_id = payload.get("source") or {}, str(payload["message"].get("id", ""))
    if source.get("type") == "user" and source.get("userId"):
        line.loading(source["userId"])
    try:
        got.content[message_id] = line.content(message_id)
    except ApiException as exc:
        got.failed[message_id] = exc
        got.codes[message_id] = {"bad": GONE}
        return got
    got.codes[message_id] = _decoder.submit(read_codes, got.content[message_id]).result()
    return got
