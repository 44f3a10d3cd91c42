"""What every process shares: configuration, database, the LINE client, the router and the clock."""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import configure_mappers, sessionmaker

from bot.config import Config
from bot.line_api import LineApi
from bot.router import Router
from models.base import utcnow


@dataclass
class Runtime:
    """The wired application, kept in app.extensions['smartkids']."""

    cfg: Config
    engine: Engine
    sessions: sessionmaker
    line: LineApi
    router: Router
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def tz(self) -> ZoneInfo:
        """The deployment's timezone (Asia/Bangkok unless BOT_TIMEZONE says otherwise)."""
        return ZoneInfo(self.cfg.BOT_TIMEZONE)

    def now(self) -> datetime:
        """The current time in the deployment's timezone (tests replace `clock`)."""
        return self.clock().astimezone(self.tz)


def shifted_clock(seconds: float) -> Callable[[], datetime]:
    """The wall clock, shifted (CLOCK_OFFSET_SECONDS: the demo's school morning); the plain clock when 0."""
    if not seconds:
        return utcnow
    return lambda: utcnow() + timedelta(seconds=seconds)


def freeze_heap() -> None:
    """Finish start-up before the first event: configure the ORM's mappers, then keep what start-up made
    (modules, the app, the SDK's models) out of garbage collection from now on.

    A full collection over it takes about half a second here, and it lands in whichever request or event
    happens to allocate next; a long-running process (web, worker, clock) calls this once it is ready.
    """
    configure_mappers()
    gc.collect()
    gc.freeze()
