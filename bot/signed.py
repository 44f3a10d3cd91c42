"""Signed, expiring links under PUBLIC_BASE_URL (media, card sheets, reports), signed with itsdangerous.

The signature covers the path and the expiry time; the keys are SECRET_KEY (signs) and SECRET_KEY_OLD
(still verify), each derived for links only, so a link key can sign nothing else.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urlencode

from itsdangerous import BadSignature, Signer

from bot.config import Config


def _signer(cfg: Config) -> Signer:
    keys = cfg.secret
    return Signer([keys.derive("link", key) for key in reversed(keys.raw())], salt="smartkids.link",
                  digest_method=hashlib.sha256)  # itsdangerous signs with the last key and accepts every one


def signed_url(cfg: Config, path: str, now: datetime, ttl: timedelta | None = None) -> str:
    """An absolute URL for `path` (starting with /) that works until now + ttl (default LINK_HOURS)."""
    expires = int((now + (ttl or timedelta(hours=cfg.LINK_HOURS))).timestamp())
    signature = _signer(cfg).get_signature(f"{path}|{expires}").decode()
    return f"{cfg.PUBLIC_BASE_URL.rstrip('/')}{path}?{urlencode({'e': expires, 's': signature})}"


def link_ok(cfg: Config, path: str, args, now: datetime) -> bool:
    """Whether request args (e, s) sign `path` and have not expired."""
    expires, signature = str(args.get("e", "")), str(args.get("s", ""))
    if not expires.isdigit() or not signature.isascii():
        return False
    try:
        good = _signer(cfg).verify_signature(f"{path}|{expires}", signature)
    except BadSignature:
        return False
    return good and now.timestamp() < int(expires)
