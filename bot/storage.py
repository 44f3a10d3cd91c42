"""Media storage behind one interface (put/get/delete/exists by key): a local directory by default, or any
S3-compatible store (AWS S3, MinIO, Ceph, …) when MEDIA_S3_URL is set, so web and workers can run on
several machines. Handlers and jobs only ever call `storage_for(cfg)`.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from bot.config import Config
from domain.media import Prepared, prepare_photo
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


class S3Storage:
    """Objects in one bucket of an S3-compatible store, under an optional prefix (path-style addressing)."""

    def __init__(self, url: str, region: str = "us-east-1"):
        """`url` is https://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[/prefix] (keys URL-encoded)."""
        import boto3
        from botocore.config import Config as BotoConfig

        parts = urlsplit(url)
        bucket, _, prefix = parts.path.lstrip("/").partition("/")
        if parts.scheme not in ("http", "https") or not bucket or not parts.hostname:
            raise ValueError("MEDIA_S3_URL must look like https://ACCESS_KEY:SECRET_KEY@host/bucket[/prefix]")
        self.bucket, self.prefix = bucket, prefix.strip("/") + "/" if prefix.strip("/") else ""
        endpoint = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=unquote(parts.username or ""),
            aws_secret_access_key=unquote(parts.password or ""),
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3},
                              connect_timeout=5, read_timeout=20))

    def _key(self, key: str) -> str:
        if not _KEY.match(key):
            raise ValueError(f"bad storage key {key!r}")
        return self.prefix + key

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """Store the bytes (an S3 PUT is atomic: a reader sees the old object or the whole new one)."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        """The bytes, or None when absent."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def delete(self, key: str) -> None:
        """Remove the object; absent is fine."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        """Whether the object is stored."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise


@lru_cache(maxsize=4)
def _s3(url: str, region: str) -> S3Storage:
    return S3Storage(url, region)  # one client per process: making one costs tens of milliseconds


def storage_for(cfg: Config) -> Storage:
    """The deployment's media store: MEDIA_S3_URL when set, else the directory MEDIA_DIR."""
    if cfg.MEDIA_S3_URL:
        return _s3(cfg.MEDIA_S3_URL, cfg.MEDIA_S3_REGION)
    return LocalStorage(cfg.MEDIA_DIR)


def store_photo(session: Session, storage: Storage, data: bytes, *, centre_id: int, message_id: str | None,
                now: datetime, prepared: Prepared | None = None) -> Media:
    """Re-encode a sent photo (BadPhoto if unusable; `prepared` if phase 1 did it), store both variants and add
    its Media row (no owner yet)."""
    prepared = prepared or prepare_photo(data)
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
