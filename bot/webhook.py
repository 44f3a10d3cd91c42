"""The webhook: verify LINE's signature on the raw body, store the events, answer 200 at once."""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import Blueprint, abort, current_app, request

from bot.db import transaction
from bot.envelope import MAX_BODY_BYTES, BadEnvelope, parse_events
from bot.inbox import store_events

bp = Blueprint("webhook", __name__)


def signature_ok(secret: str, body: bytes, signature: str) -> bool:
    """True when x-line-signature is the base64 HMAC-SHA256 of the raw body."""
    if not secret or not signature or not signature.isascii():
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.encode("ascii"))


def bounded_body() -> bytes:
    """The raw body, refused with 413 past MAX_BODY_BYTES before more than that is read (also when chunked)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        abort(413)
    return body


@bp.post("/callback")
def callback():
    """Accept a webhook delivery: 413 when too big, 400 on a bad signature or envelope, else store and 200."""
    body = bounded_body()
    if not signature_ok(current_app.config["SMARTKIDS"].LINE_CHANNEL_SECRET, body,
                        request.headers.get("x-line-signature", "")):
        abort(400)
    try:
        events = parse_events(body)
    except BadEnvelope as bad:
        current_app.logger.warning("refused a signed webhook body: %s", bad)
        abort(400)
    rt = current_app.extensions["smartkids"]
    with transaction(rt.sessions) as session:
        store_events(session, events, rt.now())
    return "OK"
