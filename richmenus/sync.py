"""Deploy the menu definitions to LINE, idempotently (`flask --app bot richmenu sync`).

RichMenuRecord remembers, per menu name, LINE's id and a digest of the menu JSON + image. A sync:
creates what is missing; replaces what changed (LINE menus are immutable: create and upload the new
one, move its alias, relink its users, then delete the old one); points tab aliases at the current
menus; makes "guest" the default menu (people who have not registered see how to register);
deletes menus no longer defined and any menu of ours LINE holds that no record knows (left by a sync
that stopped half-way). A second run with nothing changed only reads from LINE.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import sessionmaker

from bot.db import transaction
from bot.line_api import LineApi
from bot.menu_links import deliver_links
from models import LineUser, RichMenuRecord
from models.base import utcnow
from richmenus.definitions import DEFAULT_MENU, MENUS
from richmenus.link import assign_menus
from richmenus.render import NAME_PREFIX, RenderedMenu, problems, render_all


@dataclass
class SyncReport:
    """What a sync did, by menu name."""

    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    default: str | None = None
    assigned: int = 0
    linked: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything on LINE changed."""
        return bool(self.created or self.replaced or self.deleted or self.aliases or self.default or self.linked)

    def lines(self) -> list[str]:
        """The report for the operator, one line per kind of change."""
        out = [f"{what}: {', '.join(names)}" for what, names in (
            ("created", self.created), ("replaced", self.replaced), ("deleted", self.deleted),
            ("aliases set", self.aliases), ("kept", self.kept)) if names]
        out += [f"default menu: {self.default}"] if self.default else []
        out += [f"users given a menu: {self.assigned}, linked: {self.linked}"] if self.assigned or self.linked else []
        return out + ([] if self.changed else ["nothing changed"])


def sync(sessions: sessionmaker, line: LineApi, menus: dict = MENUS) -> SyncReport:
    """Make LINE's rich menus, aliases, default menu and user links match the definitions."""
    rendered = render_all(menus)
    errors = [e for menu in rendered for e in problems(menu)]
    if errors:
        raise ValueError("; ".join(errors))
    report = SyncReport()
    with transaction(sessions) as session:
        records = {r.name: (r.line_id, r.digest) for r in session.scalars(select(RichMenuRecord))}
    on_line = {m["richMenuId"]: m["name"] for m in line.rich_menus()}
    retired = []
    for menu in rendered:
        line_id, digest = records.get(menu.name, (None, None))
        if line_id in on_line and digest == menu.digest:
            report.kept.append(menu.name)
            continue
        (report.replaced if line_id else report.created).append(menu.name)
        retired += [line_id] if line_id in on_line else []
        records[menu.name] = (_deploy(sessions, line, menu), menu.digest)
    report.aliases = _point_aliases(line, rendered, records)
    default_id = records[DEFAULT_MENU][0] if DEFAULT_MENU in records else None
    if default_id and line.default_rich_menu() != default_id:
        line.set_default_rich_menu(default_id)
        report.default = DEFAULT_MENU
    with transaction(sessions) as session:
        report.assigned = assign_menus(session, menus)
    report.linked = deliver_links(sessions, line)
    _delete_stale(sessions, line, {m.name for m in rendered}, records, on_line, retired, report)
    return report


def _deploy(sessions: sessionmaker, line: LineApi, menu: RenderedMenu) -> str:
    """Create the menu with its image, record it, and mark its users for relinking; returns LINE's id."""
    line_id = line.create_rich_menu(menu.body)
    line.upload_rich_menu_image(line_id, menu.image, menu.content_type)
    with transaction(sessions) as session:
        record = session.scalar(select(RichMenuRecord).where(RichMenuRecord.name == menu.name))
        if record is None:
            record = RichMenuRecord(name=menu.name)
            session.add(record)
        record.line_id, record.digest, record.updated_at = line_id, menu.digest, utcnow()
        session.execute(update(LineUser).where(LineUser.rich_menu == menu.name).values(rich_menu_id=None))
    return line_id


def _point_aliases(line: LineApi, rendered: list[RenderedMenu], records: dict) -> list[str]:
    """Every alias a tab switch names points at that menu's current id; returns the aliases set."""
    aliases, changed = line.rich_menu_aliases(), []
    wanted = {a["action"]["richMenuAliasId"] for m in rendered for a in m.body["areas"]
              if a["action"]["type"] == "richmenuswitch"}
    for alias in sorted(wanted):
        line_id = records[alias][0]
        if alias not in aliases:
            line.create_rich_menu_alias(alias, line_id)
        elif aliases[alias] != line_id:
            line.update_rich_menu_alias(alias, line_id)
        else:
            continue
        changed.append(alias)
    return changed


def _delete_stale(sessions, line: LineApi, defined: set[str], records: dict, on_line: dict, retired: list[str],
                  report: SyncReport) -> None:
    """Delete replaced menus, menus no longer defined (and their aliases), and orphans of ours."""
    stale = {name: line_id for name, (line_id, _) in records.items() if name not in defined}
    current = {line_id for name, (line_id, _) in records.items() if name in defined}
    ours = {line_id for line_id, name in on_line.items() if name.startswith(NAME_PREFIX)}
    orphans = ours - current - set(retired) - set(stale.values())
    doomed = (set(retired) | set(stale.values()) | orphans) - current
    for alias, line_id in line.rich_menu_aliases().items():
        if line_id in doomed:
            line.delete_rich_menu_alias(alias)
    for line_id in sorted(doomed & set(on_line)):
        line.delete_rich_menu(line_id)
    with transaction(sessions) as session:
        session.execute(delete(RichMenuRecord).where(RichMenuRecord.name.in_(stale)))
        session.execute(update(LineUser).where(LineUser.rich_menu.in_(stale)).values(rich_menu=None, rich_menu_id=None))
    report.deleted = sorted(stale) + [f"{on_line[i]} (orphan)" for i in sorted(orphans)]
