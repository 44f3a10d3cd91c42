"""Handlers, one module per capability; register_all lists them in priority order."""
from __future__ import annotations

from bot.router import Router


def register_all(router: Router) -> None:
    """Wire every capability into the router, most specific first; `common` holds the default."""
    from handlers import (absences, activities, alerts, cards, centre_settings, checkin, children, closures, common,
                          complaints, consent, evaluation, groups, growth, health, home_pin, lunch, menus, nudges,
                          officials, onboarding, parents, photos, staff, survey, teacher_reports, today, vaccines, van)

    for module in (common, staff, onboarding, groups, van, checkin, alerts, health, cards, children, growth, vaccines,
                   home_pin, centre_settings, lunch, activities, consent, absences, closures, survey, complaints, parents,
                   photos, teacher_reports, officials, evaluation, nudges, menus, today):
        module.register(router)
    common.register_default(router)
