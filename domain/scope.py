"""Who may see what: an official's or a centre head's scope, as centre ids and the units one level below.

Every officials' query filters through a Scope resolved here on the server. A drill-down request (from a
postback, which the user can forge) is answered only through `narrow`, which refuses any unit that does
not lie inside the asker's own scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.identity import Actor
from models import Centre, District, Lao, Province

LEVELS = ("province", "district", "lao", "centre")
LEVEL_LABEL = {"province": "จังหวัด", "district": "อำเภอ", "lao": "อปท.", "centre": "ศูนย์"}


@dataclass(frozen=True)
class Unit:
    """One organisational unit (province, district, LAO or centre) and the centres inside it."""

    level: str
    code: str
    name: str
    centre_ids: tuple[int, ...]


@dataclass(frozen=True)
class Scope:
    """What an asker may see: a unit, its centres, and its sub-units one level down (a centre has none)."""

    unit: Unit
    units: tuple[Unit, ...] = field(default=())
    centre_names: dict = field(default_factory=dict, compare=False, hash=False)  # centre id → (code, name)

    @property
    def centre_ids(self) -> tuple[int, ...]:
        return self.unit.centre_ids

    @property
    def level(self) -> str:
        return self.unit.level


def _centre_rows(session: Session, level: str, code: str):
    """(centre id, centre code, centre name, lao, district) rows of every centre inside one unit."""
    query = (select(Centre.id, Centre.code, Centre.name, Lao.code, Lao.name, District.code, District.name,
                    Province.code, Province.name)
             .join(Lao, Centre.lao_id == Lao.id).join(District, Lao.district_id == District.id)
             .join(Province, District.province_id == Province.id).order_by(Centre.code))
    column = {"province": Province.code, "district": District.code, "lao": Lao.code, "centre": Centre.code}[level]
    return session.execute(query.where(column == code)).all()


def scope_of(session: Session, level: str, code: str) -> Scope | None:
    """The scope of one unit (None if the code names no unit with centres of that level)."""
    rows = _centre_rows(session, level, code)
    if not rows:
        return None
    depth = LEVELS.index(level)
    own_name = rows[0][2 + 2 * (3 - depth)]  # the name column of this level
    unit = Unit(level, code, own_name, tuple(r[0] for r in rows))
    units: list[Unit] = []
    if level != "centre":
        below = LEVELS[depth + 1]
        pos = {"district": 5, "lao": 3, "centre": 1}[below]
        groups: dict[str, list] = {}
        for r in rows:
            groups.setdefault(r[pos], []).append(r)
        units = [Unit(below, c, g[0][pos + 1], tuple(r[0] for r in g)) for c, g in sorted(groups.items())]
    return Scope(unit, tuple(units), {r[0]: (r[1], r[2]) for r in rows})


def scope_for_actor(session: Session, actor: Actor) -> Scope | None:
    """The asker's own scope: an active official's unit, else the centre an active head runs; None otherwise."""
    official = actor.official
    if official is not None and official.role in ("lao", "district", "province"):
        return scope_of(session, official.role, official.scope_code)
    head = min((s for s in actor.staff if s.role == "head"), key=lambda s: s.id, default=None)
    if head is not None:
        centre = session.get(Centre, head.centre_id)
        return scope_of(session, "centre", centre.code)
    return None


def narrow(session: Session, scope: Scope, level: str, code: str) -> Scope | None:
    """The sub-scope `level`/`code` if it lies inside `scope` (itself included); None means refuse."""
    if level not in LEVELS or LEVELS.index(level) < LEVELS.index(scope.level):
        return None
    if (level, code) == (scope.level, scope.unit.code):
        return scope
    sub = scope_of(session, level, code)
    if sub is None or not set(sub.centre_ids) <= set(scope.centre_ids):
        return None
    return sub
