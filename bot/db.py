"""Database engine and sessions (SQLAlchemy 2)."""
from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


READ_ONLY = "smartkids_read_only"
AUTOCHECKPOINT_PAGES = 10_000  # a fallback only: the worker checkpoints the log, off the webhook's path


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE for safe multi-process use."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        if path and path != ":memory:":
            engine.writer_lock = WriterLock(f"{path}.writer")

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy's begin() below control transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: a commit survives a crashed process without an fsync
            cur.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class WriterLock:
    """SQLite's one write lock, taken in turn: a blocking file lock beside the database.

    Waiting on SQLite itself means busy-timeout sleeps (1, 2, 5 … 100 ms) in which another process's threads
    take the lock again and again; a file lock wakes the next writer at once, across threads and processes.
    SQLite's own lock stays the guard; code that writes without `transaction` is still correct, only slower.
    """

    def __init__(self, path: str):
        self.path, self._held = path, threading.local()

    @contextmanager
    def __call__(self):
        if getattr(self._held, "fd", None) is not None:  # this thread holds it already
            yield
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._held.fd = fd
            yield
        finally:
            self._held.fd = None
            os.close(fd)  # closing releases the lock


def checkpoint(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the database without blocking writers (PASSIVE); no-op elsewhere."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    finally:
        raw.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def reading(factory: sessionmaker[Session]):
    """A read-only unit of work: it neither waits for nor holds SQLite's write lock (a snapshot of the WAL)."""
    with factory(bind=factory.kw["bind"].execution_options(**{READ_ONLY: True})) as session:
        yield session  # closing the session ends its transaction


@contextmanager
def transaction(factory: sessionmaker[Session]):
    """One unit of work: commit on success, roll back on error (on SQLite, writers take turns)."""
    writer_lock = getattr(factory.kw.get("bind"), "writer_lock", None)
    with writer_lock() if writer_lock else nullcontext(), factory() as session:
        with session.begin():
            yield session

