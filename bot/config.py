"""Configuration: the one place that reads the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SQLITE = Path(__file__).resolve().parent.parent / "instance" / "smartkids.db"


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
    LINE_TIMEOUT_SECONDS: float = 5.0
    REPLY_TOKEN_MAX_AGE_SECONDS: float = 50.0
    INVITE_DAYS: int = 7
    MEDIA_DIR: str = str(DEFAULT_SQLITE.parent / "media")
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
    def secret(self) -> bytes:
        """Server secret for signatures (QR payloads, links); falls back to the channel secret."""
        return (self.SECRET_KEY or "smartkids:" + self.LINE_CHANNEL_SECRET).encode()


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
    if cfg.DATABASE_URL.startswith("postgres://"):
        cfg.DATABASE_URL = "postgresql+psycopg://" + cfg.DATABASE_URL[len("postgres://"):]
    elif cfg.DATABASE_URL.startswith("postgresql://"):
        cfg.DATABASE_URL = "postgresql+psycopg://" + cfg.DATABASE_URL[len("postgresql://"):]
    return cfg
