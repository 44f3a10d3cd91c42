"""Rich menu links owed to users, delivered after commit like the outbox.

A handler never calls LINE: it records the menu a user should have (`LineUser.rich_menu`, a name) and
clears `LineUser.rich_menu_id`. This step links every such user to the deployed menu of that name
(`RichMenuRecord`) with no transaction open during the call, then writes the linked LINE id. A sync that
replaces a menu clears `rich_menu_id` of its users the same way, so they are relinked to the new one.
`rich_menu_id == ""` marks a link LINE refused; it is tried again when the wanted menu changes.
A user who should have no menu any more (`rich_menu` None, e.g. a deactivated teacher) but still has a linked
id is unlinked the same way, and the id cleared.
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
    return linked + deliver_unlinks(factory, line, limit)


def deliver_unlinks(factory: sessionmaker, line: LineApi, limit: int = 5000) -> int:
    """Unlink users who should have no menu but still have one linked; returns how many were unlinked."""
    with transaction(factory) as session:
        rows = session.execute(select(LineUser.id, LineUser.line_user_id).where(
            LineUser.rich_menu.is_(None), LineUser.rich_menu_id.is_not(None), LineUser.rich_menu_id != "")
            .order_by(LineUser.id).limit(limit)).all()
    done = 0
    for user_pk, user_id in rows:
        result = line.unlink_rich_menu(user_id)
        if not result.ok and result.retryable:
            return done
        with transaction(factory) as session:
            session.execute(update(LineUser).where(LineUser.id == user_pk, LineUser.rich_menu.is_(None))
                            .values(rich_menu_id=None))
        done += 1
    return done


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
