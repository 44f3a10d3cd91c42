"""Printable QR cards behind signed, expiring links: a centre's A4 sheets (PDF) and one child's card (PNG)."""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import transaction
from bot.signed import link_ok
from domain.audit import audit
from domain.cards import CardInfo, card_png, write_sheets
from domain.qr import qr_payload
from models import Centre, Child

bp = Blueprint("cards", __name__)


def card_info(child: Child, centre: Centre, secret: bytes) -> CardInfo:
    """What goes on one child's card."""
    return CardInfo(code=child.code, name=f"{child.title}{child.first_name} {child.last_name}".strip(),
                    nickname=child.nickname, centre_name=centre.name,
                    payload=qr_payload(child.code, child.qr_version, secret),
                    classroom=child.classroom.name if child.classroom else "")


def centre_cards(session: Session, centre: Centre, secret: bytes) -> list[CardInfo]:
    """Cards of every active child of a centre, by classroom then name."""
    children = session.scalars(select(Child).where(Child.centre_id == centre.id, Child.active).order_by(
        Child.classroom_id, Child.first_name, Child.last_name)).all()
    return [card_info(c, centre, secret) for c in children]


def sheets_pdf(session: Session, centre: Centre, secret: bytes) -> bytes:
    """A centre's card sheets as one PDF."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cards.pdf"
        write_sheets(centre_cards(session, centre, secret), out)
        return out.read_bytes()


def sheet_path(centre: Centre) -> str:
    """The link path of a centre's sheets."""
    return f"/cards/{centre.code}.pdf"


def card_path(child: Child) -> str:
    """The link path of one child's card (the version makes a re-issued card a new link)."""
    return f"/cards/{child.code}-{child.qr_version}.png"


def _checked(path: str):
    rt = current_app.extensions["smartkids"]
    if not link_ok(rt.cfg, path, request.args, rt.now()):
        abort(403)
    return rt


@bp.get("/cards/<centre_code>.pdf")
def centre_sheets(centre_code: str):
    """A centre's printable A4 card sheets."""
    rt = _checked(f"/cards/{centre_code}.pdf")
    with transaction(rt.sessions) as session:
        centre = session.scalar(select(Centre).where(Centre.code == centre_code)) or abort(404)
        data = sheets_pdf(session, centre, rt.cfg.secret)
        audit(session, "link", "card.download", centre.code, at=rt.now())
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"cards-{centre_code}.pdf")


@bp.get("/cards/<child_code>-<int:version>.png")
def child_card(child_code: str, version: int):
    """One child's card as an image (what the bot sends in chat)."""
    rt = _checked(f"/cards/{child_code}-{version}.png")
    with transaction(rt.sessions) as session:
        child = session.scalar(select(Child).where(Child.code == child_code)) or abort(404)
        if child.qr_version != version:
            abort(410)
        data = card_png(card_info(child, child.centre, rt.cfg.secret))
        audit(session, "link", "card.download", child.code, at=rt.now(), version=version)
    return send_file(io.BytesIO(data), mimetype="image/png")
