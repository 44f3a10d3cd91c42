"""Configuration: the one place that reads the environment."""
from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from domain.keys import Keyring

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "smartkids.db"
DEV_KEY_FILE = DEFAULT_SQLITE.parent / "secret_key"


class ConfigError(RuntimeError):
    """A setting a process cannot start without."""


@dataclass
class Config:
    """Settings for every process (web, worker, clock, CLI)."""

    DATABASE_URL: str = f"sqlite:///{DEFAULT_SQLITE}"
    LINE_CHANNEL_SECRET: str = ""
    LINE_CHANNEL_ACCESS_TOKEN: str = ""
    LINE_API_BASE_URL: str = ""
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    BOT_TIMEZONE: str = "Asia/Bangkok"
    SECRET_KEY: str = ""
    SECRET_KEY_OLD: str = ""  # comma-separated keys still accepted after a rotation
    LINE_TIMEOUT_SECONDS: float = 5.0
    REPLY_TOKEN_MAX_AGE_SECONDS: float = 50.0
    INVITE_DAYS: int = 7
    MEDIA_DIR: str = str(DEFAULT_SQLITE.parent / "media")
    MEDIA_S3_URL: str = ""  # https://ACCESS_KEY:SECRET_KEY@host[:port]/bucket[/prefix]; set: media go there
    MEDIA_S3_REGION: str = "us-east-1"
    MEDIA_RETENTION_DAYS: int = 365
    LINK_HOURS: int = 72
    LOG_LEVEL: str = "INFO"  # the worker's and clock's logs (the demo sets WARNING)
    CLOCK_OFFSET_SECONDS: float = 0.0  # the demo plays a school morning at any hour; never set in production

    @property
    def line_api_host(self) -> str:
        """Base URL for the Messaging API; unset means LINE's real hosts."""
        return self.LINE_API_BASE_URL.rstrip("/") or "https://api.line.me"

    @property
    def line_data_host(self) -> str:
        """Base URL for the data API (content, rich menu images)."""
        return self.LINE_API_BASE_URL.rstrip("/") or "https://api-data.line.me"

    @property
    def production(self) -> bool:
        """Talking to LINE's real hosts (LINE_API_BASE_URL unset)."""
        return not self.LINE_API_BASE_URL

    @property
    def secret(self) -> Keyring:
        """The signing keys (QR payloads, invite codes, links): SECRET_KEY, then SECRET_KEY_OLD."""
        return Keyring.from_strings(self.SECRET_KEY, self.SECRET_KEY_OLD)


_BOOLS = {"1", "true", "yes", "on"}


def from_env(overrides: dict | None = None) -> Config:
    """Build the configuration from os.environ, then apply explicit overrides (tests)."""
    cfg = Config()
    for name, default in Config.__dataclass_fields__.items():
        if name not in os.environ:
            continue
        raw = os.environ[name]
        kind = type(getattr(cfg, name))
        value = raw.lower() in _BOOLS if kind is bool else kind(raw)
        setattr(cfg, name, value)
    for key, value in (overrides or {}).items():
        if key not in Config.__dataclass_fields__:
            raise KeyError(f"unknown setting {key}")
        setattr(cfg, key, value)
    if not cfg.SECRET_KEY:
        if cfg.production:
            raise ConfigError("SECRET_KEY is not set: production (LINE_API_BASE_URL unset) needs its own secret key "
                              "for QR cards, invite codes and links; set SECRET_KEY to a long random string")
        cfg.SECRET_KEY = development_key(DEV_KEY_FILE)
    if cfg.DATABASE_URL.startswith("postgres://"):
        cfg.DATABASE_URL = "postgresql+psycopg://" + cfg.DATABASE_URL[len("postgres://"):]
    elif cfg.DATABASE_URL.startswith("postgresql://"):
        cfg.DATABASE_URL = "postgresql+psycopg://" + cfg.DATABASE_URL[len("postgresql://"):]
    return cfg


def development_key(path: Path) -> str:
    """A random key made once and kept in the instance folder (development and the simulator only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="ascii") as f:  # "x": of two processes starting at once, one writes it
            f.write(secrets.token_urlsafe(32))
        path.chmod(0o600)
    except FileExistsError:
        pass
    for _ in range(50):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.01)  # the other process is writing it
    raise ConfigError(f"{path} is empty: delete it to make a new development key")
