"""Rich menu links owed to users, delivered after commit like the outbox.

A handler never calls LINE: it records the menu a user should have (`LineUser.rich_menu`, a name) and
clears `LineUser.rich_menu_id`. This step links every such user to the deployed menu of that name
(`RichMenuRecord`) with no transaction open during the call, then writes the linked LINE id. A sync that
replaces a menu clears `rich_menu_id` of its users the same way, so they are relinked to the new one.
`rich_menu_id == ""` marks a link LINE refused; it is tried again when the wanted menu changes.
"""
from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from bot.db import transaction
from bot.line_api import LineApi
from models import LineUser, RichMenuRecord

log = logging.getLogger(__name__)
BULK = 500  # LINE's limit of users per bulk link request


def deliver_links(factory: sessionmaker, line: LineApi, limit: int = 5000) -> int:
    """Link users whose wanted menu is deployed but not linked yet; returns how many were linked."""
    with transaction(factory) as session:
        rows = session.execute(
            select(LineUser.id, LineUser.line_user_id, RichMenuRecord.name, RichMenuRecord.line_id)
            .join(RichMenuRecord, RichMenuRecord.name == LineUser.rich_menu)
            .where(LineUser.rich_menu_id.is_(None), LineUser.followed).order_by(LineUser.id).limit(limit)).all()
    owed = defaultdict(list)
    for user_pk, user_id, name, menu_id in rows:
        owed[(name, menu_id)].append((user_pk, user_id))
    linked = 0
    for (name, menu_id), users in owed.items():
        for start in range(0, len(users), BULK):
            done = _link(factory, line, name, menu_id, users[start:start + BULK])
            if done is None:
                return linked  # LINE is unwell: the rest waits for the next round
            linked += done
    return linked


def _link(factory, line: LineApi, name: str, menu_id: str, users: list[tuple[int, str]]) -> int | None:
    result = line.link_rich_menu(menu_id, [user_id for _, user_id in users])
    if result.ok:
        _settle(factory, name, [pk for pk, _ in users], menu_id)
        return len(users)
    if result.retryable:
        log.warning("rich menu link to %s failed (%s); will retry", name, result.status)
        return None
    if len(users) > 1:  # one bad user id refuses the whole bulk request: find it one by one
        linked = 0
        for user in users:
            done = _link(factory, line, name, menu_id, [user])
            if done is None:
                return None
            linked += done
        return linked
    log.error("LINE refused to link rich menu %s to %s: %s %s", name, users[0][1], result.status, result.message)
    _settle(factory, name, [users[0][0]], "")
    return 0


def _settle(factory, name: str, user_pks: list[int], menu_id: str) -> None:
    """Record the link unless the user's wanted menu changed meanwhile."""
    with transaction(factory) as session:
        session.execute(update(LineUser).where(LineUser.id.in_(user_pks), LineUser.rich_menu == name,
                                               LineUser.rich_menu_id.is_(None)).values(rich_menu_id=menu_id))
