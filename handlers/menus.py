"""Rich menu moves that need no answer."""
from __future__ import annotations

from bot.actions import MENU_TAB
from bot.router import Router
from richmenus.definitions import ROLE_MENU, role_texts


def register(router: Router) -> None:
    """The tab-switch postback; every menu button's text ends an open flow (a tap is a new command)."""
    router.add_commands(text for role in ROLE_MENU for text in role_texts(role))

    @router.on(chat="user", postback=MENU_TAB)
    def switched_tab(ctx):
        """The user switched rich menu tabs: LINE already shows the other tab; nothing to say."""
