"""A centre's records behind signed, expiring links: a child's growth chart (LINE fetches the image the bot
sends) and the children's and staff records as XLSX for the centre's teachers."""
from __future__ import annotations

import io

from flask import Blueprint, Response, abort, current_app, request, send_file
from sqlalchemy import select

from bot.signed import link_ok
from domain.growth_chart import growth_chart_png
from domain.records_sheet import SHEETS, records_table
from domain.reports import MIME, to_xlsx
from models import Centre, Child, Measurement

bp = Blueprint("growth", __name__)


def checked():
    """The runtime, once the request's signed link is verified (403 when tampered with or expired)."""
    rt = current_app.extensions["smartkids"]
    if not link_ok(rt.cfg, request.path, request.args, rt.now()):
        abort(403)
    return rt


def chart_path(child: Child, version: int) -> str:
    """The link path of a child's chart; `version` (the newest measurement's id) makes a new chart a new link."""
    return f"/growth/{child.code}-{version}.png"


@bp.get("/growth/<child_code>-<int:version>.png")
def growth_chart(child_code: str, version: int):
    """One child's growth chart as a PNG."""
    rt = checked()
    with rt.sessions() as session:
        child = session.scalar(select(Child).where(Child.code == child_code)) or abort(404)
        points = session.execute(select(Measurement.measured_on, Measurement.weight_kg, Measurement.height_cm)
                                 .where(Measurement.child_id == child.id).order_by(Measurement.measured_on)).all()
        data = growth_chart_png(child.display_name, child.sex, child.birth_date, [tuple(p) for p in points])
    return send_file(io.BytesIO(data), mimetype="image/png")


def sheet_path(centre: Centre, kind: str) -> str:
    """The link path of a centre's records workbook ("children" or "staff")."""
    return f"/records/{centre.code}/{kind}.xlsx"


@bp.get("/records/<centre_code>/<kind>.xlsx")
def records_sheet(centre_code: str, kind: str):
    """A centre's children or staff records as an Excel workbook."""
    rt = checked()
    if kind not in SHEETS:
        abort(404)
    with rt.sessions() as session:
        centre = session.scalar(select(Centre).where(Centre.code == centre_code)) or abort(404)
        body = to_xlsx(records_table(session, centre, kind, rt.now().date()))
    return Response(body, mimetype=MIME["xlsx"], headers={
        "Content-Disposition": f'attachment; filename="{kind}-{centre_code}.xlsx"', "Cache-Control": "private, no-store"})
