"""INSERT … ON CONFLICT DO NOTHING on either backend: the one way to write a row at most once."""
from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_once(session: Session, model, values=None, on: list[str] = (), where=None):
    """An INSERT of `values` (a dict or a list of dicts) that does nothing where a row with the same `on`
    columns exists (`where`: the predicate of a partial unique index); add `.returning(...)` to learn which.
    Without `values` the rows go as parameters at execute time, and the statement is compiled only once."""
    dialect_insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(model) if values is None else dialect_insert(model).values(values)
    return stmt.on_conflict_do_nothing(index_elements=on, index_where=where)
