"""Staff in 1:1: the head invites a teacher or driver ("เชิญครู" → a one-time code) and closes a person's access
("ปิดสิทธิ์ สมศรี", confirmed); a closed account gets a polite refusal to every message; each staff member keeps
her own record ("ข้อมูลของฉัน": position, qualification, training hours, COVID-19 doses) and portfolio ("ผลงาน":
a photo and a caption).
"""
from __future__ import annotations

from datetime import date

from linebot.v3.webhooks import ImageMessageContent
from sqlalchemy import select

from bot.actions import STAFF_FIELD, STAFF_OFF, STAFF_OFF_PICK
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.invites import create_invite, looks_like_code
from domain.staff import FIELDS, add_covid_dose, deactivate, is_deactivated, set_field
from domain.thai import thai_date
from domain.thaidates import DateProblem, past_day
from handlers.actors import ROLE_LABEL, staff_rows, work_centre
from handlers.checkin import number
from handlers.photos import take_photo
from models import PortfolioItem, Staff

INVITE_ROLE = {"เชิญครู": "teacher", "เชิญพนักงานขับรถ": "driver", "เชิญคนขับรถ": "driver"}
CLOSED = ("ขออภัยค่ะ สิทธิ์การใช้งาน Smart Kids ของบัญชีนี้ถูกปิดโดยหัวหน้าศูนย์แล้ว "
          "หากเป็นความผิดพลาด กรุณาติดต่อหัวหน้าศูนย์เพื่อขอรหัสเชิญใหม่ค่ะ")
CANCEL = say("ยกเลิก")


def is_head(ctx) -> bool:
    """The head of a centre, in 1:1."""
    return ctx.chat_type == "user" and any(s.role == "head" for s in staff_rows(ctx))


def my_staff(ctx) -> Staff | None:
    """The sender's own active staff record (teacher, head or driver)."""
    rows = staff_rows(ctx)
    return rows[0] if rows else None


def closed_account(ctx) -> bool:
    """A message or tap from someone whose access was closed (a new invite code still goes through)."""
    return (ctx.event_type in ("message", "postback") and ctx.chat_type == "user" and bool(ctx.user_id)
            and not looks_like_code(ctx.text) and is_deactivated(ctx.session, ctx.user_id))


def record_text(staff: Staff) -> str:
    """A staff member's own record as she reads it."""
    doses = ", ".join(f"เข็ม {d['n']} ({thai_date(date.fromisoformat(d['on']))})"
                      for d in staff.covid_doses or []) or "-"
    return (f"ข้อมูลของ {staff.name} ({ROLE_LABEL.get(staff.role, staff.role)} {staff.centre.name})\n"
            f"ตำแหน่ง: {staff.position or '-'}\nวุฒิการศึกษา: {staff.qualification or '-'}\n"
            f"ชั่วโมงอบรม: {staff.training_hours:g} ชั่วโมง\nวัคซีนโควิด-19: {doses}")


def record_buttons() -> list[dict]:
    """One button per field of the own record, and the portfolio."""
    return [postback(label, STAFF_FIELD, f"แก้{label}", f=field) for field, label in FIELDS.items()] + \
        [say("เพิ่มผลงาน"), say("ผลงานของฉัน")]


# --- own record ------------------------------------------------------------------------------------------

profile = Flow("staff.profile")


@profile.entry(postback=STAFF_FIELD, when=lambda ctx: ctx.chat_type == "user" and bool(my_staff(ctx)))
def picked_field(ctx):
    """A field of the own record tapped: ask its new value."""
    field = ctx.postback.get("f", "")
    if field not in FIELDS:
        return END
    ctx.save_draft(f=field)
    ask = {"position": "พิมพ์ตำแหน่ง เช่น \"ครูผู้ดูแลเด็ก\"",
           "qualification": "พิมพ์วุฒิการศึกษา เช่น \"ป.ตรี การศึกษาปฐมวัย\"",
           "training_hours": "พิมพ์จำนวนชั่วโมงอบรมทั้งหมด เช่น \"24\" (หรือ \"+6\" เพื่อเพิ่ม)",
           "covid_doses": "พิมพ์วันที่ได้รับวัคซีนโควิด-19 เข็มถัดไป เช่น \"12/7/2564\""}[field]
    ctx.reply(text(ask + "ค่ะ", [CANCEL]))
    return "value"


@profile.state("value", text=r".")
def got_value(ctx):
    """The new value typed: check and save it, then show the record."""
    staff, field = my_staff(ctx), ctx.draft["f"]
    typed = ctx.text.strip()
    if field == "covid_doses":
        try:
            on = past_day(typed, ctx.today)
        except DateProblem as problem:
            ctx.reply(text(problem.reason, [CANCEL]))
            return "value"
        add_covid_dose(ctx.session, staff, on, ctx.user_id, ctx.now)
    elif field == "training_hours":
        try:
            hours = float(typed.removeprefix("+").replace(",", "."))
        except ValueError:
            ctx.reply(text("พิมพ์เป็นตัวเลขชั่วโมง เช่น \"24\" หรือ \"+6\" ค่ะ", [CANCEL]))
            return "value"
        set_field(ctx.session, staff, field, staff.training_hours + hours if typed.startswith("+") else hours,
                  ctx.user_id, ctx.now)
    else:
        set_field(ctx.session, staff, field, typed[:200], ctx.user_id, ctx.now)
    ctx.reply(text("บันทึกแล้วค่ะ\n" + record_text(staff), record_buttons()))
    return END


# --- portfolio -------------------------------------------------------------------------------------------

portfolio = Flow("staff.portfolio")


@portfolio.entry(text=r"^(เพิ่มผลงาน|ผลงาน)$", when=lambda ctx: ctx.chat_type == "user" and bool(my_staff(ctx)))
def asked_portfolio(ctx):
    """Add to the portfolio: ask for the photo(s)."""
    ctx.reply(text("ส่งรูปผลงานได้เลยค่ะ (หลายรูปพร้อมกันได้)", [CANCEL]))
    return "photo"


@portfolio.state("photo", message=ImageMessageContent)
@portfolio.state("caption", message=ImageMessageContent)
def got_photo(ctx):
    """A portfolio photo: keep it, then ask the caption once the set is in."""
    intake = take_photo(ctx, my_staff(ctx).centre_id)
    if intake.error:
        ctx.reply(text(intake.error, [CANCEL]))
    elif intake.done:
        ctx.reply(text(f"ได้รูป {len(intake.ids)} รูปแล้วค่ะ พิมพ์คำบรรยายผลงาน เช่น \"อบรมการปฐมพยาบาล 12 ก.ค.\"",
                       [CANCEL]))
    return "caption" if intake.ids else "photo"


@portfolio.state("caption", text=r".")
def got_caption(ctx):
    """The caption: the portfolio items are saved."""
    staff = my_staff(ctx)
    ids = (ctx.draft.get("media") or {}).get("ids", [])
    ctx.session.add_all([PortfolioItem(staff_id=staff.id, media_id=i, caption=ctx.text[:500], created_at=ctx.now)
                         for i in ids])
    ctx.reply(text(f"บันทึกผลงาน {len(ids)} รูปแล้วค่ะ", [say("ผลงานของฉัน"), say("ข้อมูลของฉัน")]))
    return END


@portfolio.state("photo", text=r".")
def photo_expected(ctx):
    """Text while a photo is expected: say what to send."""
    ctx.reply(text("ส่งรูปผลงานก่อนนะคะ แล้วจึงพิมพ์คำบรรยาย", [CANCEL]))
    return "photo"


def register(router: Router) -> None:
    """Refusing closed accounts, invites, closing access, the own record and portfolio."""

    @router.always(when=closed_account)
    def refused_closed(ctx):
        """Anything from a closed account: a polite refusal, nothing else."""
        ctx.end_flow()
        ctx.reply(text(CLOSED))

    router.add_flow(profile)
    router.add_flow(portfolio)

    @router.on(text=r"^(เชิญครู|เชิญพนักงานขับรถ|เชิญคนขับรถ)$", chat="user", when=lambda ctx: bool(staff_rows(ctx)))
    def asked_invite(ctx):
        """The head invites a teacher or driver: a one-time code to pass on."""
        if not is_head(ctx):
            return ctx.reply(text("การเชิญครูและพนักงานขับรถทำได้เฉพาะหัวหน้าศูนย์ค่ะ"))
        centre, role = work_centre(ctx), INVITE_ROLE[ctx.text]
        code = create_invite(ctx.session, role, centre.code, ctx.rt.cfg.secret, ctx.now,
                             days=ctx.rt.cfg.INVITE_DAYS, created_by=ctx.user_id)
        ctx.reply(text(f"รหัสเชิญ{ROLE_LABEL[role]} {centre.name}\n\n{code}\n\nให้ผู้ที่ได้รับเชิญเพิ่มเพื่อน LINE "
                       f"ของศูนย์ แล้วพิมพ์รหัสนี้ในแชต (ใช้ได้ครั้งเดียว ภายใน {ctx.rt.cfg.INVITE_DAYS:g} วัน)",
                       [say("เชิญครู"), say("เชิญพนักงานขับรถ")]))

    @router.on(text=r"^ปิดสิทธิ์(?:\s+(?P<name>\S.*))?$", when=is_head)
    def asked_deactivate(ctx):
        """"ปิดสิทธิ์ สมศรี": find the person at the head's centre and ask to confirm."""
        typed = ctx.text.removeprefix("ปิดสิทธิ์").strip()
        people = [s for s in ctx.session.scalars(select(Staff).where(
            Staff.centre_id == work_centre(ctx).id, Staff.active, Staff.line_user_id != ctx.user_id))
            if typed and typed in s.name]
        if len(people) == 1:
            return ctx.reply(text(f"ปิดสิทธิ์ของ {people[0].name} ({ROLE_LABEL[people[0].role]}) ไหมคะ "
                                  "จากนี้บัญชีนี้จะใช้งานระบบไม่ได้ และเมนูจะถูกนำออก",
                                  [postback("ยืนยัน ปิดสิทธิ์", STAFF_OFF, "ยืนยัน ปิดสิทธิ์", s=people[0].id), CANCEL]))
        options = people or list(ctx.session.scalars(select(Staff).where(
            Staff.centre_id == work_centre(ctx).id, Staff.active, Staff.line_user_id != ctx.user_id)))
        lead = f"ชื่อ \"{typed}\" มีหลายคนค่ะ" if people else f"ไม่พบเจ้าหน้าที่ชื่อ \"{typed}\" ค่ะ" if typed else ""
        ctx.reply(text(f"{lead} เลือกคนที่ต้องการปิดสิทธิ์".strip(),
                       [postback(s.name, STAFF_OFF_PICK, f"ปิดสิทธิ์ {s.name}", s=s.id) for s in options[:12]] + [CANCEL]
                       if options else [CANCEL]))

    @router.on(postback=STAFF_OFF_PICK, when=is_head)
    def picked_deactivate(ctx):
        """The head tapped whom to close: ask to confirm."""
        staff = ctx.session.get(Staff, number(ctx, "s"))
        if staff and staff.centre_id == work_centre(ctx).id and staff.active:
            ctx.reply(text(f"ปิดสิทธิ์ของ {staff.name} ไหมคะ",
                           [postback("ยืนยัน ปิดสิทธิ์", STAFF_OFF, "ยืนยัน ปิดสิทธิ์", s=staff.id), CANCEL]))

    @router.on(postback=STAFF_OFF, when=is_head)
    def confirmed_deactivate(ctx):
        """Confirmed: access closed, menu taken away."""
        staff = ctx.session.get(Staff, number(ctx, "s"))
        if staff is None or staff.centre_id != work_centre(ctx).id or staff.line_user_id == ctx.user_id:
            return ctx.reply(text("ปุ่มนี้ใช้ไม่ได้ค่ะ"))
        if not staff.active:
            return ctx.reply(text(f"สิทธิ์ของ {staff.name} ถูกปิดไปแล้วค่ะ"))
        deactivate(ctx.session, staff, ctx.user_id, ctx.now)
        ctx.reply(text(f"ปิดสิทธิ์ของ {staff.name} แล้วค่ะ ถ้าต้องการให้กลับมาใช้งาน พิมพ์ \"เชิญครู\" เพื่อออกรหัสใหม่"))

    @router.on(chat="user", text=r"^(ข้อมูลของฉัน|ประวัติครู|ข้อมูลครูของฉัน|ประวัติของฉัน)$",
               when=lambda ctx: bool(my_staff(ctx)))
    def asked_own_record(ctx):
        """A staff member's own record, with buttons to change each field."""
        ctx.reply(text(record_text(my_staff(ctx)), record_buttons()))

    @router.on(chat="user", text=r"^ผลงานของฉัน$", when=lambda ctx: bool(my_staff(ctx)))
    def asked_portfolio_list(ctx):
        """The own portfolio: captions and days."""
        items = list(ctx.session.scalars(select(PortfolioItem).where(PortfolioItem.staff_id == my_staff(ctx).id)
                                         .order_by(PortfolioItem.created_at)))
        lines = [f"• {thai_date(i.created_at.date())}: {i.caption}" for i in items]
        ctx.reply(text("ผลงานของฉัน\n" + ("\n".join(lines) if lines else "ยังไม่มีผลงาน"), [say("เพิ่มผลงาน")]))
