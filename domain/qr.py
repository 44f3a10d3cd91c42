"""QR card payloads: short, HMAC-signed, no personal data, revocable by bumping the child's version.

`SK2.<key id>.<child code>.<version>.<MAC>`: the MAC is keyed by the keyring's "qr" key named by the key
id, so cards printed before a SECRET_KEY rotation still verify while the old key is kept in SECRET_KEY_OLD.
Cards of the first format (`SK1.<code>.<version>.<MAC>`, keyed by SECRET_KEY as such) still verify
against the configured keys until they are re-issued.
"""
from __future__ import annotations

import hmac
import re

from domain.keys import Keyring, as_keyring, mac32

PREFIX = "SK2"
OURS = ("SK2.", "SK1.")  # payloads this system printed (the current and the first format)
_PATTERN = re.compile(r"^SK2\.([0-9A-Z])\.([A-Za-z0-9]{1,32})\.(\d{1,4})\.([A-Z2-7]{10})$")
_LEGACY = re.compile(r"^SK1\.([A-Za-z0-9]{1,32})\.(\d{1,4})\.([A-Z2-7]{10})$")


def qr_payload(child_code: str, version: int, keys: Keyring | bytes) -> str:
    """The text printed in a child's QR card, e.g. 'SK2.7.C000001.1.ABCDEFGHIJ'."""
    keys = as_keyring(keys)
    mac = mac32(keys.derive("qr"), f"{child_code}.{version}", 10)
    return f"{PREFIX}.{keys.current_id}.{child_code}.{version}.{mac}"


def verify_qr(payload: str, keys: Keyring | bytes) -> tuple[str, int] | None:
    """(child_code, version) for a genuine payload; None for anything forged or malformed."""
    keys = as_keyring(keys)
    text = (payload or "").strip()
    match = _PATTERN.match(text)
    if match:
        kid, code, version, mac = match.groups()
        candidates = keys.candidates("qr", kid)
    else:
        match = _LEGACY.match(text)
        if not match:
            return None
        code, version, mac = match.groups()
        candidates = list(keys.raw())
    good = any(hmac.compare_digest(mac, mac32(key, f"{code}.{version}", 10)) for key in candidates)
    return (code, int(version)) if good else None
