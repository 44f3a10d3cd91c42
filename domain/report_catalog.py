"""Every report kind: its title and the builder of its Table. The report route and the officials' and teachers'
pickers read this; the builders live with their data (domain.reports, centre_reports, evaluation_reports)."""
from __future__ import annotations

from domain import centre_reports, evaluation_reports, reports

KINDS = {**reports.KINDS, **centre_reports.KINDS, **evaluation_reports.KINDS}
BUILDERS = {**reports.BUILDERS, "health": centre_reports.health_table, "growth": centre_reports.growth_table,
            "evaluation": evaluation_reports.evaluation_table, "area": evaluation_reports.area_table}
WIDE = ("evaluation", "area")  # kinds a district or province official may take for their whole area
CENTRE_KINDS = ("attendance", "health", "growth", "lunch")  # what a teacher may take for her own centre


def build(session, kind: str, scope, month, today):
    """The report table of one kind ("chart" uses the attendance table)."""
    return BUILDERS[kind](session, scope, month, today)
