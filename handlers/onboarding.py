"""Onboarding in 1:1: follow greeting, invite codes that bind roles, parent-link codes per child."""
from __future__ import annotations

from sqlalchemy import or_, select

from bot.actions import PARENT_CODE
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.audit import audit
from domain.invites import InviteError, create_invite, find_invite, looks_like_code, mark_used
from domain.names import choice_label, label
from handlers.actors import ROLE_LABEL, guardian, is_registered, staff_rows
from handlers.common import REGISTER_HELP, quick_for
from handlers.consent import first_questions
from models import Centre, Child, ChildGuardian, Guardian, Lao, District, Province, Official, Staff
from richmenus.link import want_menu

PARENT_CODE_DAYS = 14
REFUSAL = {"unknown": "รหัสไม่ถูกต้องค่ะ กรุณาตรวจสอบแล้วพิมพ์ใหม่อีกครั้ง",
           "used": "รหัสนี้ถูกใช้ไปแล้วค่ะ กรุณาขอรหัสใหม่จากผู้ดูแลหรือครู",
           "expired": "รหัสนี้หมดอายุแล้วค่ะ กรุณาขอรหัสใหม่จากผู้ดูแลหรือครู"}
SCOPE_NAME = {Centre: "ศูนย์", Lao: "", District: "อำเภอ", Province: "จังหวัด"}


def refusal(err: InviteError) -> str:
    """Thai answer for a code that cannot be used."""
    if err.reason == "limited":
        return f"ลองรหัสผิดหลายครั้งเกินไปค่ะ กรุณารอ {err.wait_minutes} นาทีแล้วลองใหม่"
    return REFUSAL[err.reason]


def register(router: Router) -> None:
    """Follow/unfollow, redeeming codes in 1:1, and the teacher's parent-code flow."""

    @router.on(event="follow")
    def followed(ctx):
        """Someone added the OA: greet and say how to register."""
        ctx.user.followed, ctx.user.unfollowed_at = True, None
        ctx.user.display_name = ctx.rt.line.profile(ctx.user_id).get("displayName", "") or ctx.user.display_name
        if is_registered(ctx):
            role = ROLE_LABEL.get(ctx.user.role, "")
            return ctx.reply(text(f"ยินดีต้อนรับกลับค่ะ คุณ{ctx.user.display_name} ({role})", quick_for(ctx)))
        ctx.reply(text("สวัสดีค่ะ ยินดีต้อนรับสู่ Smart Kids ศูนย์พัฒนาเด็กเล็ก 🙏\n" + REGISTER_HELP, quick_for(ctx)))

    @router.on(event="unfollow")
    def unfollowed(ctx):
        """The user blocked the OA: stop pushing to them."""
        ctx.user.followed, ctx.user.unfollowed_at = False, ctx.now
        audit(ctx.session, ctx.user_id, "unfollow", at=ctx.now)

    @router.on(chat="user", text=r".", when=lambda ctx: looks_like_code(ctx.text))
    def sent_code(ctx):
        """A code typed in 1:1: bind the user to a role, or link a parent to a child."""
        try:
            invite = find_invite(ctx.session, ctx.text, ctx.user_id, ctx.rt.cfg.secret, ctx.now)
        except InviteError as err:
            return ctx.reply(text(refusal(err), quick_for(ctx)))
        if invite.kind == "group":
            return ctx.reply(text("รหัสนี้เป็นรหัสเชื่อมกลุ่มค่ะ กรุณาพิมพ์ในกลุ่ม LINE ของผู้ปกครองที่มีบอทอยู่"))
        mark_used(invite, ctx.user_id, ctx.now)
        ctx.user.revoked_at = None  # a fresh invite gives access back after a revocation
        if not ctx.user.display_name:
            ctx.user.display_name = ctx.rt.line.profile(ctx.user_id).get("displayName", "")
        answer = link_parent(ctx, invite.scope_code) if invite.role == "parent" else bind_role(ctx, invite)
        want_menu(ctx.user)  # the worker links the role's rich menu after commit
        audit(ctx.session, ctx.user_id, "invite.redeem", f"{invite.role}:{invite.scope_code}", at=ctx.now)
        if invite.role != "parent":
            return ctx.reply(text(answer, quick_for(ctx)))
        child = ctx.session.scalar(select(Child).where(Child.code == invite.scope_code))
        ctx.reply(text(answer), *first_questions(child))  # consent is opt-in: asked at once, each purpose apart

    router.add_flow(parent_code)


def bind_role(ctx, invite) -> str:
    """Give the user the invite's role and scope, replacing an earlier staff/official role."""
    name = ctx.user.display_name or "ผู้ใช้ LINE"
    for row in staff_rows(ctx):
        row.active = False
    for row in ctx.session.scalars(select(Official).where(Official.line_user_id == ctx.user_id)):
        row.active = False
    if invite.role in ("teacher", "head", "driver"):
        centre = ctx.session.scalar(select(Centre).where(Centre.code == invite.scope_code))
        ctx.session.add(Staff(centre_id=centre.id, role=invite.role, name=name, line_user_id=ctx.user_id))
        place = centre.name
    else:
        ctx.session.add(Official(role=invite.role, scope_code=invite.scope_code, name=name, line_user_id=ctx.user_id))
        model = {"lao": Lao, "district": District, "province": Province}[invite.role]
        unit = ctx.session.scalar(select(model).where(model.code == invite.scope_code))
        place = f"{SCOPE_NAME[model]}{unit.name}"
    ctx.user.role, ctx.user.scope_code = invite.role, invite.scope_code
    ctx.session.flush()
    ctx.reload_actor()
    return f"ลงทะเบียนเรียบร้อยค่ะ คุณ{name} เป็น{ROLE_LABEL[invite.role]} {place}"


def link_parent(ctx, child_code: str) -> str:
    """Link the user (as a guardian) to the child; siblings reuse the same guardian record."""
    child = ctx.session.scalar(select(Child).where(Child.code == child_code))
    person = guardian(ctx)
    if person is None:
        person = Guardian(name=ctx.user.display_name or "ผู้ปกครอง", line_user_id=ctx.user_id)
        ctx.session.add(person)
        ctx.session.flush()
    link = ctx.session.scalar(select(ChildGuardian).where(
        ChildGuardian.child_id == child.id, ChildGuardian.guardian_id == person.id))
    if link is None:
        ctx.session.add(ChildGuardian(child_id=child.id, guardian_id=person.id, relation="ผู้ปกครอง"))
        ctx.session.flush()
    if not ctx.user.role:
        ctx.user.role, ctx.user.scope_code = "parent", child.code
    ctx.reload_actor()
    names = ctx.session.scalars(select(Child.nickname).join(ChildGuardian).where(
        ChildGuardian.guardian_id == person.id).order_by(Child.code)).all()
    return (f"เชื่อมกับน้อง{label(child)} เรียบร้อยค่ะ\n"
            f"บุตรหลานที่เชื่อมแล้ว: {', '.join(names)}")


parent_code = Flow("parent.code", label="เชื่อมกับบุตรหลาน")


@parent_code.entry(chat="user", text=r"^รหัสผู้ปกครอง", when=lambda ctx: bool(staff_rows(ctx)))
def asked_parent_code(ctx):
    """A teacher asked for a parent-link code: find the child by the name given, or ask for it."""
    name = ctx.text.removeprefix("รหัสผู้ปกครอง").strip()
    return answer_parent_code(ctx, name) if name else ask_child_name(ctx)


@parent_code.state("awaiting_name", text=r".")
def got_child_name(ctx):
    """The teacher typed a child's name."""
    return answer_parent_code(ctx, ctx.text)


@parent_code.state("awaiting_name", postback=PARENT_CODE)
def picked_child(ctx):
    """The teacher tapped one child among several with the same name."""
    return give_code(ctx, ctx.postback.get("child", ""))


@parent_code.entry(chat="user", postback=PARENT_CODE, when=lambda ctx: bool(staff_rows(ctx)))
def tapped_child(ctx):
    """A parent-code button tapped outside the flow (e.g. an older message)."""
    return give_code(ctx, ctx.postback.get("child", ""))


def ask_child_name(ctx):
    """Ask which child the code is for."""
    ctx.reply(text("ขอรหัสผู้ปกครองให้เด็กคนไหนคะ พิมพ์ชื่อเล่นหรือชื่อจริง (พิมพ์ \"ยกเลิก\" เพื่อออก)"))
    return "awaiting_name"


def answer_parent_code(ctx, name: str):
    """One match: give the code; several: ask with buttons; none: ask again."""
    centre_ids = [s.centre_id for s in staff_rows(ctx)]
    like = name.strip()
    children = ctx.session.scalars(select(Child).where(
        Child.centre_id.in_(centre_ids), Child.active,
        or_(Child.nickname == like, Child.first_name == like, (Child.first_name + " " + Child.last_name) == like))
        .order_by(Child.code)).all()
    if len(children) == 1:
        return give_code(ctx, children[0].code)
    if not children:
        ctx.reply(text(f"ไม่พบเด็กชื่อ \"{like}\" ในศูนย์ของคุณค่ะ ลองพิมพ์ชื่อเล่นหรือชื่อจริงอีกครั้ง"))
        return "awaiting_name"
    buttons = [postback(choice_label(c), PARENT_CODE,
                        display=c.display_name[:300], child=c.code) for c in children[:13]]
    ctx.reply(text(f"มีเด็กชื่อ \"{like}\" {len(children)} คนค่ะ เลือกคนที่ต้องการ", buttons))
    return "awaiting_name"


def give_code(ctx, child_code: str):
    """Create a parent-link code for a child of the teacher's centre."""
    centre_ids = [s.centre_id for s in staff_rows(ctx)]
    child = ctx.session.scalar(select(Child).where(Child.code == child_code, Child.centre_id.in_(centre_ids)))
    if child is None:
        ctx.reply(text("ไม่พบเด็กคนนี้ในศูนย์ของคุณค่ะ"))
        return END
    code = create_invite(ctx.session, "parent", child.code, ctx.rt.cfg.secret, ctx.now,
                         days=PARENT_CODE_DAYS, created_by=ctx.user_id)
    ctx.reply(text(f"รหัสผู้ปกครองของน้อง{child.display_name}\n\n{code}\n\n"
                   f"ให้ผู้ปกครองเพิ่มเพื่อน LINE ของศูนย์ แล้วพิมพ์รหัสนี้ในแชต (ใช้ได้ครั้งเดียว ภายใน {PARENT_CODE_DAYS} วัน)",
                   [say("รหัสผู้ปกครอง")]))
    return END
