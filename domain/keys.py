"""The server's signing keys: SECRET_KEY now, older keys still accepted, one derived key per purpose.

Nothing is keyed by the LINE channel secret. Each purpose ("qr", "invite", "link") gets its own key,
HMAC-SHA256(SECRET_KEY, "smartkids/<purpose>"), so a key leaked from one use signs nothing else. A key id
(one character of a hash of the key) travels in what is signed, so after a rotation the verifier knows
which key to use; old cards stay valid while their key is listed in SECRET_KEY_OLD, until they are
re-issued.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

KEY_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # QR alphanumeric mode keeps cards small


def key_id(key: bytes) -> str:
    """A one-character id of a key (two keys may share one: verifiers then try both)."""
    return KEY_ID_ALPHABET[hashlib.sha256(b"smartkids/key-id/" + key).digest()[0] % len(KEY_ID_ALPHABET)]


@dataclass(frozen=True)
class Keyring:
    """The current key first, then the older keys still accepted."""

    keys: tuple[bytes, ...]

    def __post_init__(self):
        if not self.keys or not all(self.keys):
            raise ValueError("a keyring needs at least one non-empty key")

    @classmethod
    def from_strings(cls, current: str, older: str = "") -> "Keyring":
        """From SECRET_KEY and a comma-separated SECRET_KEY_OLD."""
        return cls(tuple(k.encode() for k in [current, *older.split(",")] if k.strip()))

    @property
    def current_id(self) -> str:
        """The key id new signatures carry."""
        return key_id(self.keys[0])

    def derive(self, purpose: str, key: bytes | None = None) -> bytes:
        """The key for one purpose, from `key` (default: the current one)."""
        return hmac.new(key or self.keys[0], f"smartkids/{purpose}".encode(), hashlib.sha256).digest()

    def candidates(self, purpose: str, kid: str | None = None) -> list[bytes]:
        """Purpose keys to verify with: those whose id is `kid` (or all when None), current first."""
        return [self.derive(purpose, k) for k in self.keys if kid is None or key_id(k) == kid]

    def raw(self) -> tuple[bytes, ...]:
        """The keys as configured (for verifying payloads signed before keys were derived per purpose)."""
        return self.keys


def as_keyring(keys: "Keyring | bytes") -> Keyring:
    """A keyring as given, or a one-key keyring from bare key bytes (tests, benches, synthetic cards)."""
    return keys if isinstance(keys, Keyring) else Keyring((keys,))


def mac32(key: bytes, message: str, length: int) -> str:
    """The first `length` base32 characters of HMAC-SHA256(key, message)."""
    return base64.b32encode(hmac.new(key, message.encode(), hashlib.sha256).digest()).decode()[:length]
