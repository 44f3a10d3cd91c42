"""Handlers, one module per capability; register_all lists them in priority order."""
from __future__ import annotations

from bot.router import Router


def register_all(router: Router) -> None:
    """Wire every capability into the router, most specific first; `common` holds the default."""
    from handlers import common, groups, officials, onboarding

    for module in (common, onboarding, groups, officials):
        module.register(router)
    common.register_default(router)
