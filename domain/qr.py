"""QR card payloads: short, HMAC-signed, no personal data, revocable by bumping the child's version."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

PREFIX = "SK1"
_PATTERN = re.compile(r"^SK1\.([A-Za-z0-9]{1,32})\.(\d{1,4})\.([A-Z2-7]{10})$")


def _mac(code: str, version: int, secret: bytes) -> str:
    digest = hmac.new(secret, f"{code}.{version}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:10]


def qr_payload(child_code: str, version: int, secret: bytes) -> str:
    """The text printed in a child's QR card, e.g. 'SK1.C000001.1.ABCDEFGHIJ'."""
    return f"{PREFIX}.{child_code}.{version}.{_mac(child_code, version, secret)}"


def verify_qr(payload: str, secret: bytes) -> tuple[str, int] | None:
    """(child_code, version) for a genuine payload; None for anything forged or malformed."""
    match = _PATTERN.match((payload or "").strip())
    if not match:
        return None
    code, version, mac = match.group(1), int(match.group(2)), match.group(3)
    return (code, version) if hmac.compare_digest(mac, _mac(code, version, secret)) else None
