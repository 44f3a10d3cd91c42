"""Rich menu moves that need no answer."""
from __future__ import annotations

from bot.router import Router
from richmenus.definitions import TAB_ACTION


def register(router: Router) -> None:
    """The tab-switch postback."""

    @router.on(chat="user", postback=TAB_ACTION)
    def switched_tab(ctx):
        """The user switched rich menu tabs: LINE already shows the other tab; nothing to say."""
