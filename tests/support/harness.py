"""The harness: the bot on a real SQLite file and a real PostgreSQL, LINE as a local fake HTTP server, and a chat
that drives it through the signed webhook.

Every test that takes `app` (or `chat`) runs twice: on SQLite and on PostgreSQL. PostgreSQL comes from
TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test); without it the PostgreSQL half
skips locally but fails under CI=true, where it must run. Each test process creates its own database beside it,
named for the run (test_<run id>_gw0, …), and drops it at the end: two checkouts can test on one machine.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text as sql

import models
from bot import create_app
from bot.worker import run_once
from simulator.platform import LinePlatform
from simulator.schema import load_spec, request_errors
from simulator.server import serve

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


class Clock:
    """One clock for the bot and the fake LINE, so reply-token ages agree; tests move it."""

    def __init__(self):
        self.t = time.time()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, timezone.utc)

    def time(self) -> float:
        return self.t

    def advance(self, **delta) -> None:
        self.t += timedelta(**delta).total_seconds()

    def set(self, when: datetime) -> None:
        self.t = when.timestamp()


def _pg_available() -> bool:
    try:
        with create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)).connect():
            return True
    except Exception:
        return False


RUN_ID = uuid.uuid4().hex[:8]


def _own_database(url: str) -> str:
    """This test process's own database next to the given one, named for the run and the xdist worker."""
    base, name = url.rsplit("/", 1)
    own = f"{name}_{RUN_ID}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sql(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{base}/{own}"


def _drop_database(url: str, own: str) -> None:
    """Drop a run's database (its connections are closed first)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sql(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
    admin.dispose()


def wait_until(condition, what: str, seconds: float = 120.0):
    """Wait for a condition that other threads or processes make true: a generous bound that only catches a
    hang (a loaded machine may be slow), never a speed budget."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what}: not reached in {seconds:.0f} s"
        time.sleep(0.05)
    return found


@pytest.fixture(scope="session")
def pg_url():
    if not _pg_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but {PG_URL} is not reachable")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} (set TEST_DATABASE_URL)")
    given = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    url = _own_database(given)
    engine = create_engine(url)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    _drop_database(given, url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database per test: a new SQLite file, or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
        engine = create_engine(url)
        models.Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = request.getfixturevalue("pg_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        names = ", ".join(t.name for t in models.Base.metadata.sorted_tables)
        conn.execute(sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def line(clock):
    """The fake LINE platform, served for real on a random local port."""
    platform = LinePlatform(SECRET, TOKEN, spec=load_spec(), clock=clock.time, monthly_limit=None,
                            timeout_delay=1.5)
    handle = serve(platform)
    platform.url = handle.url
    yield platform
    handle.shutdown()
    assert_bodies_valid(platform)


def assert_bodies_valid(platform) -> None:
    """Every message body the bot sent must satisfy LINE's schema and limits."""
    spec = load_spec()
    for call in platform.calls:
        if call["method"] == "POST" and call["path"].startswith("/v2/bot/message/") and isinstance(call["body"], dict):
            errors = request_errors("POST", call["path"], call["body"], spec)
            assert not errors, f"{call['path']}: {errors}"


@pytest.fixture
def app(db_url, line, clock, tmp_path):
    app = create_app({"DATABASE_URL": db_url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                      "LINE_API_BASE_URL": line.url, "LINE_TIMEOUT_SECONDS": 1.0,
                      "PUBLIC_BASE_URL": "https://smartkids.example", "MEDIA_DIR": str(tmp_path / "media")})
    rt = app.extensions["smartkids"]
    rt.clock = clock.now
    client = app.test_client()
    line.deliver = lambda body, headers: client.post("/callback", data=body, headers=headers).status_code
    yield app
    rt.engine.dispose()
    assert_buttons_routed(line, rt.router)


def sent_actions(platform) -> set[str]:
    """The postback actions of every button the bot sent (messages and rich menus) in this test."""
    from bot.router import parse_postback

    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "postback" and isinstance(node.get("data"), str):
                found.add(parse_postback(node["data"]).get("a", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for call in platform.calls:
        if call["method"] == "POST" and isinstance(call["body"], (dict, list)):
            walk(call["body"])
    return found


def assert_buttons_routed(platform, router) -> None:
    """Every button the bot sent has a live route (a dead button would meet the stale-button answer)."""
    dead = sent_actions(platform) - {a.name for a in router.actions()}
    assert not dead, f"buttons without a route: {sorted(dead)}"


@pytest.fixture
def rt(app):
    return app.extensions["smartkids"]


OPEN_SESSIONS: list = []


@pytest.fixture
def session(db_url):
    """The test's own view of the database: autocommit (holds no lock), refreshed after every chat move."""
    from sqlalchemy.orm import Session

    engine = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with Session(engine, expire_on_commit=False) as s:
        OPEN_SESSIONS.append(s)
        yield s
        OPEN_SESSIONS.remove(s)
    engine.dispose()


class Chat:
    """Drive the bot as people do: each move goes through the signed webhook, the worker, and fake LINE."""

    def __init__(self, rt, line):
        self.rt, self.line = rt, line

    def _run(self, chat_id: str, act) -> list[dict]:
        before = len(self.line.bot_messages(chat_id))
        act()
        run_once(self.rt)
        for s in OPEN_SESSIONS:
            s.expire_all()
        return self.line.bot_messages(chat_id)[before:]

    def text(self, user: str, body: str, group: str | None = None) -> list[dict]:
        """Send text; returns the bot's messages to that chat."""
        return self._run(group or user, lambda: self.line.text(user, body, group_id=group))

    def postback(self, user: str, data: str, group: str | None = None) -> list[dict]:
        """Tap a postback button."""
        return self._run(group or user, lambda: self.line.postback(user, data, group_id=group))

    def tap(self, message: dict, label: str, user: str, group: str | None = None) -> list[dict]:
        """Tap the quick reply labelled `label` under a bot message."""
        items = [i["action"] for i in message.get("quickReply", {}).get("items", [])]
        action = next(a for a in items if a["label"] == label)
        if action["type"] == "postback":
            return self.postback(user, action["data"], group)
        return self.text(user, action["text"], group)

    def photo(self, user: str, data: bytes, group: str | None = None, image_set=None) -> list[dict]:
        """Send a photo (`image_set` = (id, index, total) for one of several sent together)."""
        return self._run(group or user, lambda: self.line.image(user, data, group_id=group, image_set=image_set))

    def event(self, chat_id: str, method: str, *args) -> list[dict]:
        """Any other platform move (follow, join, member_joined, …)."""
        return self._run(chat_id, lambda: getattr(self.line, method)(*args))


@pytest.fixture
def chat(rt, line):
    return Chat(rt, line)


def texts(messages: list[dict]) -> str:
    """All text of the bot's messages, joined, for `in` assertions."""
    return "\n".join(m.get("text", "") for m in messages)


def quick_labels(message: dict) -> list[str]:
    """Labels of a message's quick replies."""
    return [i["action"]["label"] for i in message.get("quickReply", {}).get("items", [])]
