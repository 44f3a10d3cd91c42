"""Signed, expiring links under PUBLIC_BASE_URL (media, card sheets, reports): HMAC over path and expiry."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlencode

from bot.config import Config


def _signature(cfg: Config, path: str, expires: int) -> str:
    mac = hmac.new(cfg.secret, f"link|{path}|{expires}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def signed_url(cfg: Config, path: str, now: datetime, ttl: timedelta | None = None) -> str:
    """An absolute URL for `path` (starting with /) that works until now + ttl (default LINK_HOURS)."""
    expires = int((now + (ttl or timedelta(hours=cfg.LINK_HOURS))).timestamp())
    query = urlencode({"e": expires, "s": _signature(cfg, path, expires)})
    return f"{cfg.PUBLIC_BASE_URL.rstrip('/')}{path}?{query}"


def link_ok(cfg: Config, path: str, args, now: datetime) -> bool:
    """Whether request args (e, s) sign `path` and have not expired."""
    try:
        expires = int(args.get("e", ""))
    except ValueError:
        return False
    good = hmac.compare_digest(_signature(cfg, path, expires), str(args.get("s", "")))
    return good and now.timestamp() < expires
