"""Media storage behind one interface (put/get/delete/exists by key); a local directory by default.

An S3-compatible store is one more class with the same four methods, chosen in `storage_for`; handlers
and jobs only ever call `storage_for(cfg)`.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from bot.config import Config
from domain.media import prepare_photo
from models import Media

VARIANTS = ("original", "preview")
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}/(original|preview)$")


class Storage(Protocol):
    """Where photo bytes live, addressed by '<media key>/<variant>'."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files under one directory (MEDIA_DIR), two levels deep so no directory grows huge."""

    def __init__(self, root: str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """Write the bytes (atomically: a reader never sees half a file)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get(self, key: str) -> bytes | None:
        """The bytes, or None when absent."""
        path = self._path(key)
        return path.read_bytes() if path.is_file() else None

    def delete(self, key: str) -> None:
        """Remove the bytes; absent is fine."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        """Whether the bytes are stored."""
        return self._path(key).is_file()


def storage_for(cfg: Config) -> Storage:
    """The deployment's media store."""
    return LocalStorage(cfg.MEDIA_DIR)


def store_photo(session: Session, storage: Storage, data: bytes, *, centre_id: int, message_id: str | None,
                now: datetime) -> Media:
    """Re-encode a sent photo (BadPhoto if unusable), store both variants and add its Media row (no owner yet)."""
    prepared = prepare_photo(data)
    key = secrets.token_urlsafe(24)
    storage.put(f"{key}/original", prepared.original, "image/jpeg")
    storage.put(f"{key}/preview", prepared.preview, "image/jpeg")
    media = Media(key=key, centre_id=centre_id, message_id=message_id, size=len(prepared.original),
                  width=prepared.width, height=prepared.height, created_at=now)
    session.add(media)
    session.flush()
    return media


def discard(storage: Storage, media: Media, now: datetime) -> None:
    """Delete a photo's files and note on its row that it is gone."""
    for variant in VARIANTS:
        storage.delete(f"{media.key}/{variant}")
    media.purged_at = now
