"""Naming a child in a typed command: one child goes on, several get buttons, an unknown name gets the closest.

A child command is two routes: "<command> <name>" typed (the name picked with pick_child, whose buttons send the
command's action) and one of those buttons tapped (the child read with tapped_child). `child_command` registers
both for a one-shot command, `child_step` for a flow's "which child" step; both go on with `then(ctx, child)`.
"""
from __future__ import annotations

from typing import Callable

from bot.actions import Action
from bot.messages import say, text
from bot.router import END, Flow, Router
from domain.children import find_child
from handlers.actors import in_private, work_centre
from handlers.checkin import child_button, tapped_child
from models import Child

Picker = Callable[..., "Child | None"]  # (ctx, typed, action) → the one child, or None after asking


def pick_child(ctx, typed: str, action: Action, withdrawn: bool = False, **params) -> Child | None:
    """The one child `typed` names at the teacher's centre; otherwise reply with buttons (postback `action`, the
    child's id as `c` plus `params`) for the children it could mean, or the closest names, and return None."""
    found = find_child(ctx.session, work_centre(ctx).id, typed, withdrawn)
    if found.one:
        return found.one
    if found.children:
        ctx.reply(text(f"ชื่อ \"{typed}\" มี {len(found.children)} คนค่ะ เลือกคนที่ต้องการ",
                       [child_button(c, action, c.display_name, **params) for c in found.children[:12]]
                       + [say("ยกเลิก")]))
        return None
    where = "เด็กที่ย้ายออกแล้ว" if withdrawn else "ศูนย์นี้"
    if found.suggestions:
        ctx.reply(text(f"ไม่พบชื่อ \"{typed}\" ใน{where}ค่ะ หมายถึงคนไหนคะ: "
                       + ", ".join(c.short_name for c in found.suggestions),
                       [child_button(c, action, c.display_name, **params) for c in found.suggestions]
                       + [say("ยกเลิก")]))
    else:
        ctx.reply(text(f"ไม่พบชื่อ \"{typed}\" ใน{where}ค่ะ ลองพิมพ์ชื่อเล่นหรือชื่อจริงอีกครั้งนะคะ"))
    return None


def pick_withdrawn_child(ctx, typed: str, action: Action) -> Child | None:
    """pick_child among the children who left the centre."""
    return pick_child(ctx, typed, action, withdrawn=True)


def named(ctx) -> str:
    """The name after the command word ("บ้าน ภูผา" → "ภูผา")."""
    return ctx.text.split(maxsplit=1)[1]


def child_command(router: Router, action: Action, then: Callable, text: str | None = None,
                  pick: Picker = pick_child) -> None:
    """Register a teacher's one-shot child command in 1:1: "<command> <name>" (the pattern `text`, if given) and a
    tapped button of `action` both go on with `then(ctx, child)` once the child is known."""
    if text is not None:
        @router.on(text=text, when=in_private)
        def typed_name(ctx):
            """The teacher typed the command with a name: the one child it names, or buttons to pick from."""
            child = pick(ctx, named(ctx), action)
            if child:
                then(ctx, child)

    @router.on(postback=action, when=in_private)
    def tapped_name(ctx):
        """The teacher tapped which child."""
        child = tapped_child(ctx)
        if child:
            then(ctx, child)


def child_step(flow: Flow, state: str, action: Action, then: Callable, entry: str | None = None) -> None:
    """Register a flow's "which child" step in 1:1: a name typed in `state`, or a tapped button of `action`, goes on
    with `then(ctx, child)` (which returns the next state); a name that is not one child stays in `state`.
    With `entry` ("<command> <name>"), the command starts the flow, and so do its buttons (they stay in the chat
    after the flow ended); such a button that names no child of the teacher's centre then ends the flow."""
    @flow.state(state, postback=action)
    def tapped_name(ctx):
        """The teacher tapped which child."""
        child = tapped_child(ctx)
        return then(ctx, child) if child else (END if entry is not None else state)

    @flow.state(state, text=r".")
    def typed_name(ctx):
        """The teacher typed a name (another one, instead of a tap)."""
        child = pick_child(ctx, ctx.text, action)
        return then(ctx, child) if child else state

    if entry is not None:
        @flow.entry(text=entry, when=in_private)
        def typed_command(ctx):
            """The teacher typed the command with a name: the one child it names, or buttons to pick from."""
            child = pick_child(ctx, named(ctx), action)
            return then(ctx, child) if child else state

        flow.entry(postback=action, when=in_private)(tapped_name)
