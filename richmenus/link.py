"""Which rich menu a user gets: recorded on the user here, linked on LINE after commit by bot.menu_links."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from models import LineUser
from richmenus.definitions import MENUS, ROLE_MENU, menu_for


def want_menu(user: LineUser, menus: dict = MENUS) -> bool:
    """Record the menu of the user's role (called when a role is set or changed); True when it changed."""
    name = menu_for(user.role, menus)
    if name == user.rich_menu:
        return False
    user.rich_menu, user.rich_menu_id = name, None
    return True


def assign_menus(session: Session, menus: dict = MENUS) -> int:
    """Give every registered user their role's menu (users from before menus existed, renamed menus)."""
    changed = 0
    for role in ROLE_MENU:
        name = menu_for(role, menus)
        changed += session.execute(update(LineUser).where(
            LineUser.role == role, LineUser.rich_menu.is_distinct_from(name)).values(
            rich_menu=name, rich_menu_id=None)).rowcount
    return changed
