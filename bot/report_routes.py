"""GET /reports/<kind>/<level>/<code>/<YYYY-MM>.<ext>: a report generated on request behind a signed link."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request

from bot.db import transaction
from domain.audit import audit
from domain.reports import BUILDERS, MIME, WRITERS, build
from domain.scope import LEVELS, scope_of

bp = Blueprint("reports", __name__)
NAME = re.compile(r"^(\d{4})-(\d{2})\.(xlsx|pdf|png)$")


@bp.get("/reports/<kind>/<level>/<code>/<name>")
def report(kind: str, level: str, code: str, name: str):
    """Serve one report; 403 when the link was tampered with or has expired, 404 for what does not exist."""
    from datetime import date

    from bot.signed import link_ok

    rt = current_app.extensions["smartkids"]
    if not link_ok(rt.cfg, request.path, request.args, rt.now()):
        abort(403)
    match = NAME.match(name)
    if (kind not in BUILDERS or level not in LEVELS or not match or (kind == "chart") != (match[3] == "png")
            or not 1 <= int(match[2]) <= 12):
        abort(404)
    month = date(int(match[1]), int(match[2]), 1)
    with transaction(rt.sessions) as session:
        scope = scope_of(session, level, code)
        if scope is None:
            abort(404)
        table = build(session, kind, scope, month, rt.now().date())
        audit(session, "link", "report.download", f"{kind}:{level}:{code}", at=rt.now(), file=name)
    body = WRITERS[match[3]](table)
    filename = f"{kind}-{code}-{match[1]}{match[2]}.{match[3]}"
    disposition = "inline" if match[3] == "png" else f'attachment; filename="{filename}"'
    return Response(body, mimetype=MIME[match[3]], headers={"Content-Disposition": disposition,
                                                              "Cache-Control": "private, no-store"})
