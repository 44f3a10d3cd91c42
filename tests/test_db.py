"""SQLite's one writer: writers take turns on the file lock (no busy-timeout sleeps), a reader never waits for
the writer, and the worker's checkpoint empties the write-ahead log without blocking anyone."""
import threading
import time

from sqlalchemy import text

from bot.db import checkpoint, make_engine, make_sessionmaker, reading, transaction


def _sessions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        session.execute(text("CREATE TABLE marks (who TEXT)"))
    return engine, sessions


def test_second_writer_waits_its_turn_and_a_reader_does_not_wait(tmp_path):
    engine, sessions = _sessions(tmp_path)
    first_in, let_go, order = threading.Event(), threading.Event(), []

    def first():
        with transaction(sessions) as session:
            session.execute(text("INSERT INTO marks VALUES ('first')"))
            first_in.set()
            let_go.wait(10)
            order.append("first")

    def second():
        with transaction(sessions) as session:
            session.execute(text("INSERT INTO marks VALUES ('second')"))
            order.append("second")

    one = threading.Thread(target=first)
    one.start()
    assert first_in.wait(10)
    two = threading.Thread(target=second)
    two.start()
    with reading(sessions) as session:  # the writer holds the lock: a reader sees the last commit, at once
        assert session.scalar(text("SELECT count(*) FROM marks")) == 0
    time.sleep(0.2)
    assert order == []  # the second writer is waiting, not failing
    let_go.set()
    one.join(10)
    two.join(10)
    assert order == ["first", "second"]
    with reading(sessions) as session:
        assert session.scalars(text("SELECT who FROM marks ORDER BY rowid")).all() == ["first", "second"]
    assert (tmp_path / "one.db.writer").exists()
    engine.dispose()


def test_worker_checkpoint_empties_the_write_ahead_log(tmp_path):
    engine, sessions = _sessions(tmp_path)
    with transaction(sessions) as session:
        for k in range(200):
            session.execute(text("INSERT INTO marks VALUES (:w)"), {"w": "x" * 500 + str(k)})
    database = tmp_path / "one.db"
    before = database.stat().st_size  # the rows are in the log (-wal) so far, not in the database file
    checkpoint(engine)
    assert database.stat().st_size > before + 100 * 500
    with reading(sessions) as session:
        assert session.scalar(text("SELECT count(*) FROM marks")) == 200
    engine.dispose()
