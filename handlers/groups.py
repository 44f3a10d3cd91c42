"""The centre's parent group: the bot joins, staff bind it with a group-link code, members come and go."""
from __future__ import annotations

from sqlalchemy import select

from bot.actions import GROUP_REBIND
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.audit import audit
from domain.invites import InviteError, create_invite, find_invite, looks_like_code, mark_used
from handlers.actors import ROLE_LABEL, staff_at, staff_rows
from handlers.onboarding import refusal
from handlers.today import ASK_AGAIN, PIN_NOTE
from models import Centre, Child, Invite, LineGroup

GROUP_CODE_DAYS = 1
ASK_CODE = ("สวัสดีค่ะ บอท Smart Kids พร้อมช่วยศูนย์แล้ว 🙏\nให้ครูของศูนย์พิมพ์ \"รหัสเชื่อมกลุ่ม\" ในกลุ่มนี้ "
            "(ขอรหัสได้ในแชตส่วนตัวกับบอท โดยพิมพ์ \"เชื่อมกลุ่มผู้ปกครอง\")")


def group_row(ctx) -> LineGroup:
    """The LineGroup for this chat, created on first sight."""
    row = ctx.session.scalar(select(LineGroup).where(LineGroup.group_id == ctx.chat_id))
    if row is None:
        row = LineGroup(group_id=ctx.chat_id, joined_at=ctx.now)
        ctx.session.add(row)
    return row


def register(router: Router) -> None:
    """Join/leave, member events, group codes in 1:1 and in the group."""

    @router.on(event="join")
    def bot_joined_group(ctx):
        """The bot was added to a group: remember it and ask for the group-link code."""
        row = group_row(ctx)
        row.left_at, row.joined_at = None, ctx.now
        row.name = ctx.rt.line.group_summary(ctx.chat_id).get("groupName", row.name or "")
        row.member_count = ctx.rt.line.group_member_count(ctx.chat_id)
        ctx.reply(text(ASK_CODE))

    @router.on(event="leave")
    def bot_left_group(ctx):
        """The bot was removed: unbind the group so nothing is sent there any more."""
        row = group_row(ctx)
        audit(ctx.session, "-", "group.left", ctx.chat_id, at=ctx.now, centre_id=row.centre_id)
        row.left_at, row.centre_id = ctx.now, None

    @router.on(event="memberJoined")
    def members_joined(ctx):
        """New members in the group: keep the count (pushes are billed per member) and greet them."""
        row = group_row(ctx)
        row.member_count = (row.member_count or 0) + len(ctx.event.joined.members)
        if row.centre_id:
            ctx.reply(text(f"ยินดีต้อนรับค่ะ กลุ่มนี้คือกลุ่มผู้ปกครองของ{row.centre.name}\n"
                           "ผู้ปกครองรับรหัสผู้ปกครองจากครู แล้วพิมพ์ในแชตส่วนตัวกับบอท เพื่อติดตามบุตรหลานได้ค่ะ"))

    @router.on(event="memberLeft")
    def members_left(ctx):
        """Members left the group: keep the count right."""
        row = group_row(ctx)
        row.member_count = max(0, (row.member_count or 0) - len(ctx.event.left.members))

    @router.on(chat="user", text=r"^(เชื่อมกลุ่มผู้ปกครอง|เชื่อมกลุ่ม|รหัสเชื่อมกลุ่ม)$")
    def asked_group_code(ctx):
        """A teacher asked for a group-link code for her centre."""
        rows = [s for s in staff_rows(ctx) if s.role in ("teacher", "head")]
        if not rows:
            return ctx.reply(text("รหัสเชื่อมกลุ่มมีไว้สำหรับครูของศูนย์ค่ะ"))
        centre = rows[0].centre
        code = create_invite(ctx.session, "group", centre.code, ctx.rt.cfg.secret, ctx.now,
                             days=GROUP_CODE_DAYS, created_by=ctx.user_id)
        ctx.reply(text(f"รหัสเชื่อมกลุ่มของ{centre.name}\n\n{code}\n\n1) เพิ่มบอทเข้ากลุ่ม LINE ผู้ปกครอง\n"
                       f"2) พิมพ์รหัสนี้ในกลุ่ม (ใช้ได้ครั้งเดียว ภายใน 24 ชั่วโมง)"))

    @router.on(chat="group", text=r".", when=lambda ctx: looks_like_code(ctx.text))
    def sent_group_code(ctx):
        """A code typed in a group: bind the group to the centre if a staff member of it sent it."""
        try:
            invite = find_invite(ctx.session, ctx.text, ctx.user_id or "-", ctx.rt.cfg.secret, ctx.now)
        except InviteError as err:
            return ctx.reply(text(refusal(err)))
        if invite.kind != "group":
            return burn_seen_code(ctx, invite)
        centre = ctx.session.scalar(select(Centre).where(Centre.code == invite.scope_code))
        if staff_at(ctx, centre.id) is None:
            return ctx.reply(text(f"เฉพาะครูของ{centre.name}เท่านั้นที่เชื่อมกลุ่มนี้ได้ค่ะ"))
        row = group_row(ctx)
        if row.centre_id == centre.id:
            mark_used(invite, ctx.user_id, ctx.now)
            return ctx.reply(text(f"กลุ่มนี้เชื่อมกับ{centre.name}อยู่แล้วค่ะ"))
        if row.centre_id is not None and staff_at(ctx, row.centre_id) is None:
            audit(ctx.session, ctx.user_id, "group.rebind_refused", ctx.chat_id, at=ctx.now, centre=centre.code)
            return ctx.reply(text(f"กลุ่มนี้เชื่อมกับ{row.centre.name}อยู่แล้วค่ะ ครูหรือหัวหน้าของ{row.centre.name}"
                                  "เท่านั้นที่ย้ายกลุ่มนี้ได้"))
        if row.centre_id is not None:
            ctx.save_draft(code_invite=invite.id, centre_id=centre.id)
            ctx.set_state(rebind, "confirm")
            return ctx.reply(text(f"กลุ่มนี้เชื่อมกับ{row.centre.name}อยู่แล้วค่ะ ต้องการย้ายมาที่{centre.name}หรือไม่",
                                  [postback("ย้ายกลุ่ม", GROUP_REBIND), say("ยกเลิก")]))
        bind(ctx, row, centre, invite)

    router.add_flow(rebind)


def burn_seen_code(ctx, invite: Invite) -> None:
    """A role or parent code typed in a group: everyone saw it, so it is spent at once, unused, and its issuer told."""
    mark_used(invite, f"burned:{ctx.chat_id}"[:64], ctx.now)
    audit(ctx.session, ctx.user_id or "-", "invite.burned", f"{invite.role}:{invite.scope_code}", at=ctx.now,
          group=ctx.chat_id, issuer=invite.created_by)
    if invite.created_by and invite.created_by != "cli":  # a teacher's code: tell her; the operator reads the audit
        child = ctx.session.scalar(select(Child).where(Child.code == invite.scope_code))
        whose = f"ของ {child.short_name}" if invite.role == "parent" and child else f"({invite.scope_code})"
        ctx.push(invite.created_by, text(f"รหัส{ROLE_LABEL.get(invite.role, '')}{whose}ที่คุณออกให้ "
                                         "ถูกพิมพ์ในกลุ่ม LINE ระบบจึงยกเลิกรหัสนี้แล้วค่ะ ไม่มีใครลงทะเบียนด้วยรหัสนี้\n"
                                         "กรุณาออกรหัสใหม่ และแนะนำให้พิมพ์ในแชตส่วนตัวกับบอทเท่านั้นนะคะ"),
                 key=f"invite-burned:{invite.id}")
    ctx.reply(text("รหัสนี้ถูกยกเลิกแล้วค่ะ เพราะพิมพ์ในกลุ่มซึ่งทุกคนเห็น (เพื่อความปลอดภัยของข้อมูลเด็ก)\n"
                   "กรุณาขอรหัสใหม่จากผู้ออกรหัส แล้วพิมพ์ในแชตส่วนตัวกับบอทนะคะ"))


rebind = Flow("group.rebind", label="เปลี่ยนศูนย์ของกลุ่ม")


@rebind.state("confirm", postback=GROUP_REBIND)
def confirmed_rebind(ctx):
    """The same staff member confirmed moving the group to her centre."""
    invite = ctx.session.get(Invite, ctx.draft.get("code_invite"))
    centre = ctx.session.get(Centre, ctx.draft.get("centre_id"))
    if invite is None or invite.used_at or staff_at(ctx, centre.id) is None:
        ctx.reply(text("รหัสนี้ใช้ไม่ได้แล้วค่ะ กรุณาขอรหัสเชื่อมกลุ่มใหม่"))
        return END
    bind(ctx, group_row(ctx), centre, invite)
    return END


@rebind.fallback(text=r".")
def ignored_rebind(ctx):
    """Anything else while a move waits: remind how to confirm."""
    ctx.reply(text("กด \"ย้ายกลุ่ม\" เพื่อยืนยัน หรือพิมพ์ \"ยกเลิก\" ค่ะ",
                   [postback("ย้ายกลุ่ม", GROUP_REBIND), say("ยกเลิก")]))
    return "confirm"


def bind(ctx, row: LineGroup, centre: Centre, invite) -> None:
    """Bind the group to the centre, spend the code, log it, and say so in the group."""
    audit(ctx.session, ctx.user_id, "group.bind", ctx.chat_id, at=ctx.now, centre=centre.code,
          previous=row.centre_id)
    mark_used(invite, ctx.user_id, ctx.now)
    row.centre_id, row.bound_by, row.bound_at = centre.id, ctx.user_id, ctx.now
    ctx.session.flush()
    ctx.reply(text(f"เชื่อมกลุ่มนี้กับ{centre.name}เรียบร้อยค่ะ ✅\nผู้ปกครองจะเห็นการมาถึง อาหาร และกิจกรรมของเด็กในกลุ่มนี้"),
              text(PIN_NOTE, [ASK_AGAIN]))
