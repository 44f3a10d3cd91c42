"""Logging for the bot's processes: one format, times in the deployment's timezone, the level from LOG_LEVEL."""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config

QUIET = ("apscheduler", "alembic", "werkzeug")  # their INFO lines are chatter: one per job run, request, step


class LocalTimeFormatter(logging.Formatter):
    """'2026-12-02 07:31:05+0700 worker WARNING …': the same clock people read in the chats."""

    def __init__(self, process: str, tz: ZoneInfo):
        super().__init__(f"%(asctime)s {process} %(levelname)s %(message)s")
        self.tz = tz

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created, self.tz).strftime("%Y-%m-%d %H:%M:%S%z")


def configure(cfg: Config, process: str, stream=None) -> None:
    """Send the process's logs to stderr (or `stream`) in one format and timezone, at cfg.LOG_LEVEL."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LocalTimeFormatter(process, ZoneInfo(cfg.BOT_TIMEZONE)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(cfg.LOG_LEVEL.upper())
    logging.getLogger("bot").setLevel(cfg.LOG_LEVEL.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
