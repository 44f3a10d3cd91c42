"""Serving stored photos at /media/<key>/<variant> through signed, expiring links only."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

from bot.signed import link_ok, signed_url
from bot.storage import VARIANTS, storage_for
from models import Media

bp = Blueprint("media", __name__)


def media_path(key: str, variant: str) -> str:
    """The path a signed media link points at."""
    return f"/media/{key}/{variant}"


def media_url(cfg, key: str, variant: str, now) -> str:
    """A signed link to one variant of a stored photo, valid LINK_HOURS from now."""
    return signed_url(cfg, media_path(key, variant), now)


@bp.get("/media/<key>/<variant>")
def serve_media(key: str, variant: str):
    """A photo's bytes for a valid link; 403 for a tampered or expired one, 410 once purged."""
    rt = current_app.extensions["smartkids"]
    if variant not in VARIANTS or not link_ok(rt.cfg, media_path(key, variant), request.args, rt.now()):
        abort(403)
    with rt.sessions() as session:
        media = session.scalar(select(Media).where(Media.key == key))
        if media is None:
            abort(404)
        if media.purged_at is not None:
            abort(410)
    data = storage_for(rt.cfg).get(f"{key}/{variant}")
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
