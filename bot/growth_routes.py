"""Growth charts behind signed, expiring links (LINE fetches the image the bot sends)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, request, send_file
from sqlalchemy import select

from bot.signed import link_ok
from domain.growth_chart import growth_chart_png
from models import Child, Measurement

bp = Blueprint("growth", __name__)


def chart_path(child: Child, version: int) -> str:
    """The link path of a child's chart; `version` (the newest measurement's id) makes a new chart a new link."""
    return f"/growth/{child.code}-{version}.png"


@bp.get("/growth/<child_code>-<int:version>.png")
def growth_chart(child_code: str, version: int):
    """One child's growth chart as a PNG."""
    rt = current_app.extensions["smartkids"]
    if not link_ok(rt.cfg, f"/growth/{child_code}-{version}.png", request.args, rt.now()):
        abort(403)
    with rt.sessions() as session:
        child = session.scalar(select(Child).where(Child.code == child_code)) or abort(404)
        points = session.execute(select(Measurement.measured_on, Measurement.weight_kg, Measurement.height_cm)
                                 .where(Measurement.child_id == child.id).order_by(Measurement.measured_on)).all()
        data = growth_chart_png(child.display_name, child.sex, child.birth_date, [tuple(p) for p in points])
    return send_file(io.BytesIO(data), mimetype="image/png")
