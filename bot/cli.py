"""Operator commands: `flask --app bot db upgrade | roster import | invite create | children export | cards |
richmenu sync | worker | access revoke | privacy export | privacy erase | audit show`."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from bot.db import transaction

MIGRATIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"


def _rt():
    return current_app.extensions["smartkids"]


def alembic_config(url: str) -> AlembicConfig:
    """Alembic settings pointing at models/migrations and the given database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


db_cli = AppGroup("db", help="Database schema.")
roster_cli = AppGroup("roster", help="Children, centres and guardians from the roster file.")
invite_cli = AppGroup("invite", help="One-time registration codes.")
children_cli = AppGroup("children", help="Children records.")
richmenu_cli = AppGroup("richmenu", help="Rich menus on LINE.")
access_cli = AppGroup("access", help="Who may use the bot.")
privacy_cli = AppGroup("privacy", help="A guardian's requests about a child's data (PDPA).")
audit_cli = AppGroup("audit", help="The audit log: who did or viewed what.")


@db_cli.command("upgrade")
def db_upgrade():
    """Create or migrate the database schema to the latest version."""
    command.upgrade(alembic_config(_rt().cfg.DATABASE_URL), "head")
    click.echo("database is up to date")


@roster_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def roster_import(file):
    """Import a roster (CSV or XLSX); a file with any error imports nothing."""
    from domain.roster import RosterFileError, import_roster

    try:
        with transaction(_rt().sessions) as session:
            report = import_roster(session, file)
            if not report.ok():
                session.rollback()
    except (RosterFileError, OSError) as exc:
        click.echo(f"นำเข้าไม่สำเร็จ: {exc}", err=True)
        sys.exit(2)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok() else 1)


@invite_cli.command("create")
@click.option("--role", required=True, help="teacher, head, driver, parent, lao, district or province")
@click.option("--scope", "scope", required=True, help="centre, LAO, district or province code (child code for parent)")
@click.option("--days", default=None, type=float, help="days until the code expires")
def invite_create(role, scope, days):
    """Create a one-time code; the code alone is printed on the last line."""
    from domain.invites import create_invite

    rt = _rt()
    try:
        with transaction(rt.sessions) as session:
            code = create_invite(session, role, scope, rt.cfg.secret, rt.now(), days=days or rt.cfg.INVITE_DAYS)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"invite for {role} {scope}, valid {days or rt.cfg.INVITE_DAYS} days, single use:")
    click.echo(code)


@children_cli.command("export")
@click.option("--centre", required=True, help="centre code")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def children_export(centre, fmt):
    """Print a centre's children with the roster's columns plus qr_payload."""
    from domain.qr import qr_payload
    from domain.roster import export_children

    rt = _rt()
    try:
        with transaction(rt.sessions) as session:
            out = export_children(session, centre, fmt, lambda c: qr_payload(c.code, c.qr_version, rt.cfg.secret))
    except LookupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(out, nl=not out.endswith("\n"))


@richmenu_cli.command("sync")
def richmenu_sync():
    """Deploy the rich menus: create missing, replace changed, delete stale, set aliases, link users."""
    from bot.line_api import LineError
    from richmenus.sync import sync

    rt = _rt()
    try:
        report = sync(rt.sessions, rt.line)
    except (LineError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for line in report.lines():
        click.echo(line)


@click.command("worker")
@click.option("--once", is_flag=True, help="process what is waiting, then exit")
def worker_command(once):
    """Process inbound events and deliver outbound messages."""
    from bot.worker import run_forever, run_once

    rt = _rt()
    if once:
        click.echo(f"processed {run_once(rt)} events")
    else:
        run_forever(rt, threading.Event())


def register(app: Flask) -> None:
    """Attach the operator commands to the app."""
    for group in (db_cli, roster_cli, invite_cli, children_cli, richmenu_cli, worker_command, cards_command,
                  access_cli, privacy_cli, audit_cli):
        app.cli.add_command(group)


@click.command("cards")
@click.option("--centre", "centre_code", required=True, help="centre code, e.g. K0001")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.pdf or FILE.png")
@with_appcontext
def cards_command(centre_code, out):
    """Render a centre's printable A4 QR card sheets (PDF, or PNG pages)."""
    from bot.card_routes import centre_cards
    from domain.cards import write_sheets
    from models import Centre

    if Path(out).suffix.lower() not in (".pdf", ".png"):
        click.echo("ใช้ไฟล์ .pdf หรือ .png (--out cards.pdf)", err=True)
        sys.exit(2)
    rt = _rt()
    with rt.sessions() as session:
        centre = session.scalar(select(Centre).where(Centre.code == centre_code))
        if centre is None:
            click.echo(f"ไม่พบศูนย์รหัส '{centre_code}' (centre not found)", err=True)
            sys.exit(2)
        cards = centre_cards(session, centre, rt.cfg.secret)
    paths = write_sheets(cards, Path(out))
    click.echo(f"{len(cards)} cards of {centre_code} → " + ", ".join(str(p) for p in paths))


@access_cli.command("revoke")
@click.option("--line-user", "line_user", required=True, help="the LINE user id (U…)")
@click.option("--reason", default="", help="why, for the audit log")
def access_revoke(line_user, reason):
    """End a LINE user's staff and official roles and guardian links, and take their rich menu away."""
    from domain.access import revoke_access

    rt = _rt()
    with transaction(rt.sessions) as session:
        done = revoke_access(session, line_user, rt.now(), by="cli", reason=reason)
    result = rt.line.unlink_rich_menu(line_user)
    for line in done.lines():
        click.echo(line)
    if not result.ok and result.status != 404:
        click.echo(f"warning: LINE did not unlink the rich menu ({result.status} {result.message})", err=True)


def _on_child(action, child_code: str):
    """Run a privacy action on one child in one transaction, by the operator; exit 2 when there is no such child."""
    rt = _rt()
    try:
        with transaction(rt.sessions) as session:
            return action(session, child_code, rt.now(), by="cli")
    except LookupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@privacy_cli.command("export")
@click.option("--child", "child_code", required=True, help="child code")
def privacy_export(child_code):
    """Print everything held on a child as JSON (for a guardian's access request); audited."""
    import json

    from domain.privacy import export_child

    click.echo(json.dumps(_on_child(export_child, child_code), ensure_ascii=False, indent=2))


@privacy_cli.command("erase")
@click.option("--child", "child_code", required=True, help="child code")
def privacy_erase(child_code):
    """Erase a child's personal data (names, birth day, health, guardians, consents); anonymous counts stay."""
    from domain.privacy import erase_child

    counts = _on_child(erase_child, child_code)
    click.echo(f"erased {child_code}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@audit_cli.command("show")
@click.option("--centre", "centre_code", default=None, help="only entries about this centre")
@click.option("--since", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD (local time)")
def audit_show(centre_code, since):
    """Print the audit log, oldest first: time, who, what, about whom, details."""
    import json

    from domain.audit import audit_entries

    rt = _rt()
    start = since.replace(tzinfo=rt.tz) if since else None
    try:
        with rt.sessions() as session:
            entries = audit_entries(session, centre_code, start)
    except LookupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for e in entries:
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        click.echo(f"{e.at.astimezone(rt.tz):%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action}\t{e.subject}\t{detail}")
