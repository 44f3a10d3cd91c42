"""The webhook: verify LINE's signature on the raw body, store the events, answer 200 at once."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from contextlib import nullcontext

from flask import Blueprint, abort, current_app, request

from bot.db import transaction
from bot.inbox import store_events

bp = Blueprint("webhook", __name__)
_sqlite_writer = threading.Lock()  # SQLite has one writer: queue threads here, not in busy-timeout sleeps


def signature_ok(secret: str, body: bytes, signature: str) -> bool:
    """True when x-line-signature is the base64 HMAC-SHA256 of the raw body."""
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return bool(secret) and hmac.compare_digest(expected, signature or "")


@bp.post("/callback")
def callback():
    """Accept a webhook delivery: 400 on a bad signature or body, else store and 200."""
    body = request.get_data(cache=False)
    if not signature_ok(current_app.config["SMARTKIDS"].LINE_CHANNEL_SECRET, body,
                        request.headers.get("x-line-signature", "")):
        abort(400)
    try:
        events = json.loads(body).get("events")
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise ValueError("events must be a list of objects")
    except (ValueError, AttributeError):
        abort(400)
    rt = current_app.extensions["smartkids"]
    with _sqlite_writer if rt.engine.dialect.name == "sqlite" else nullcontext():
        with transaction(rt.sessions) as session:
            store_events(session, events, rt.now())
    return "OK"
