"""Who is talking, as handlers ask it: views of the event's Actor (domain.identity, resolved once per event)."""
from __future__ import annotations

from sqlalchemy import select

from models import Centre, Guardian, LineGroup, Official, Staff

ROLE_LABEL = {"teacher": "ครู", "head": "หัวหน้าศูนย์", "driver": "พนักงานขับรถ", "parent": "ผู้ปกครอง",
              "lao": "ผู้บริหาร อปท.", "district": "เจ้าหน้าที่อำเภอ", "province": "เจ้าหน้าที่จังหวัด"}


def staff_rows(ctx) -> list[Staff]:
    """Active staff records of the sender (one per centre they work at)."""
    return list(ctx.actor.staff)


def staff_at(ctx, centre_id: int, roles=("teacher", "head")) -> Staff | None:
    """The sender's staff record at one centre, if they hold one of `roles` there."""
    return next((s for s in staff_rows(ctx) if s.centre_id == centre_id and s.role in roles), None)


def official(ctx) -> Official | None:
    """The sender's active official record, if any."""
    return ctx.actor.official


def guardian(ctx) -> Guardian | None:
    """The guardian record linked to the sender's LINE account, if any."""
    return ctx.actor.guardian


def is_registered(ctx) -> bool:
    """Whether the sender has any role yet."""
    return ctx.actor.registered


def is_staff(ctx) -> bool:
    """Whether the sender is a teacher or head somewhere."""
    return any(s.role in ("teacher", "head") for s in staff_rows(ctx))


def driver_row(ctx) -> Staff | None:
    """The sender's active van-driver record, if any."""
    return next((s for s in staff_rows(ctx) if s.role == "driver"), None)


def bound_centre_id(ctx) -> int | None:
    """In a group: the centre this group is bound to (None when unbound or in 1:1)."""
    if ctx.chat_type != "group":
        return None
    return ctx.session.scalar(select(LineGroup.centre_id).where(
        LineGroup.group_id == ctx.chat_id, LineGroup.left_at.is_(None)))


def shares_to_parents(ctx, centre_id: int) -> bool:
    """Whether the bot's reply here is seen by the centre's parents (its bound group): then it is shared."""
    return bound_centre_id(ctx) == centre_id


def work_centre(ctx) -> Centre | None:
    """The centre a teacher or head is recording for: the bound group's centre (if she works there), else her own."""
    if ctx.chat_type == "group":
        centre_id = bound_centre_id(ctx)
        return ctx.session.get(Centre, centre_id) if centre_id and staff_at(ctx, centre_id) else None
    row = next((s for s in staff_rows(ctx) if s.role in ("teacher", "head")), None)
    return row.centre if row else None


def is_recorder(ctx) -> bool:
    """Whether the sender records for a centre in this chat (teacher or head; in a group, of that group's centre)."""
    return work_centre(ctx) is not None


def in_private(ctx) -> bool:
    """A teacher or head in 1:1 with the bot."""
    return ctx.chat_type == "user" and is_recorder(ctx)
