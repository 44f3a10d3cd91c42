"""The van driver's chat (1:1): which van, who boarded (taps or a photo of cards), "ถึงศูนย์แล้ว" and
"รถว่างแล้ว" (with an optional photo of the empty cabin). The alerts themselves come from domain.van.van_overdue."""
from __future__ import annotations

from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import ImageMessageContent

from bot.actions import VAN_BOARD, VAN_LIST, VAN_PICK
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from bot.storage import store_photo, storage_for
from domain.attendance import REFUSED, check_cards
from domain.images import BadPhoto
from domain.names import label
from domain.thai import hhmm
from domain.van import (LEG_LABEL, MORNING, arrive, board, boardings, confirm_empty, trip_for, unchecked,
                        van_children, van_codes)
from handlers.actors import driver_row, is_recorder
from handlers.checkin import PAGE, PHOTO_ADVICE, number, paged_names, record_scan
from handlers.common import quick_for
from models import Child, Staff, VanTrip

VAN_TEXTS = r"^(ขึ้นรถ|ถึงศูนย์แล้ว|รถว่างแล้ว|เปลี่ยนรถ)$"
CONFIRM_EMPTY = "ตรวจแล้ว ว่างจริง"
NO_PHOTO = "ไม่ส่งรูป"
NOT_DRIVER = ("เมนูนี้สำหรับพนักงานขับรถของศูนย์ค่ะ ถ้าคุณเป็นคนขับรถหรือผู้ดูแลเด็กบนรถ "
              "ขอรหัสเชิญจากหัวหน้าศูนย์ แล้วพิมพ์รหัสในแชตนี้นะคะ")


def driving(ctx) -> bool:
    """Whether the sender is a van driver talking to the bot 1:1."""
    return ctx.chat_type == "user" and driver_row(ctx) is not None


def own_van(ctx, staff: Staff) -> str | None:
    """The driver's van: the one set on her record, else the centre's only van; None (after asking) otherwise."""
    codes = van_codes(ctx.session, staff.centre_id)
    if staff.van_code and staff.van_code in codes:
        return staff.van_code
    if len(codes) == 1:
        return codes[0]
    ask_van(ctx, codes)
    return None


def ask_van(ctx, codes: list[str]) -> None:
    """Ask which van the driver drives, one button per van code of the centre's roster."""
    if not codes:
        ctx.reply(text("ทะเบียนของศูนย์ยังไม่มีเด็กที่นั่งรถตู้ค่ะ กรุณาแจ้งหัวหน้าศูนย์ให้ระบุรถของเด็กในทะเบียนนะคะ",
                       [say("ช่วยเหลือ")]))
        return
    ctx.reply(text("คุณขับรถคันไหนคะ เลือกครั้งเดียว ระบบจะจำไว้ (เปลี่ยนได้โดยพิมพ์ \"เปลี่ยนรถ\")",
                   [postback(code, VAN_PICK, f"รถ {code}", v=code) for code in codes]))


def trip_now(ctx) -> tuple[Staff, VanTrip] | None:
    """The driver's record and her van's trip of the current leg (None when the van is still to be chosen)."""
    staff = driver_row(ctx)
    van = own_van(ctx, staff)
    if van is None:
        return None
    return staff, trip_for(ctx.session, staff.centre_id, van, ctx.user_id, ctx.now)


def local(ctx, moment) -> str:
    """A stored (UTC) moment as local HH:MM."""
    return hhmm(moment.astimezone(ctx.now.tzinfo))


def van_list(ctx, trip: VanTrip, page: int = 0, lead: str = "") -> dict:
    """The van's list: who is on board, who is still to board (tappable, paged), and the photo tip."""
    kids = van_children(ctx.session, trip.centre_id, trip.van_code, ctx.today)
    on_board = [b.child for b in boardings(ctx.session, trip)]
    waiting = [c for c in kids if c not in on_board]
    lines = [lead] if lead else []
    lines.append(f"🚐 รถ {trip.van_code} {LEG_LABEL[trip.leg]}: ขึ้นรถแล้ว {len(on_board)} คน "
                 f"(รายชื่อรถ {len(kids)} คน)")
    if on_board:
        lines.append("บนรถ: " + ", ".join(label(c) for c in on_board))
    if waiting:
        pages = (len(waiting) + PAGE - 1) // PAGE
        page = min(max(page, 0), pages - 1)
        lines.append(f"ยังไม่ขึ้น {len(waiting)} คน" + (f" (หน้า {page + 1}/{pages})" if pages > 1 else ""))
        lines += [f"• {c.display_name}" for c in waiting[page * PAGE:(page + 1) * PAGE]]
        lines.append("แตะชื่อเด็กที่ขึ้นรถ หรือถ่ายรูปบัตร QR ของเด็ก (หลายใบในรูปเดียวได้) ส่งมาแทนก็ได้ค่ะ")
    elif kids:
        lines.append("ขึ้นรถครบทุกคนแล้วค่ะ")
    next_step = say("ถึงศูนย์แล้ว") if trip.leg == MORNING else say("รถว่างแล้ว")
    return text("\n".join(lines), paged_names(waiting, page, VAN_BOARD, VAN_LIST, "ขึ้นรถ") + [next_step])


def other_van_note(child: Child, trip: VanTrip) -> str:
    """' (ปกตินั่งรถ X)' for a child who does not ride this van."""
    if child.rides_van and child.van_code == trip.van_code:
        return ""
    return f" (ปกตินั่งรถ {child.van_code})" if child.rides_van and child.van_code else " (ไม่อยู่ในรายชื่อรถ)"


def register(router: Router) -> None:
    """The driver's moves; before check-in, so a driver's photo is read as boarding, not as arrival."""

    @router.on(text=VAN_TEXTS, chat="group", when=lambda ctx: driver_row(ctx) is not None)
    def van_text_in_group(ctx):
        """A driver used a van command in a group: these work in the 1:1 chat only."""
        ctx.reply(text("เมนูรถตู้ใช้ในแชตส่วนตัวกับบอทนะคะ"))

    @router.on(message=ImageMessageContent, chat="group", when=lambda ctx: bool(driver_row(ctx)) and not is_recorder(ctx))
    def driver_photo_in_group(ctx):
        """A driver's photo in a group is not a check-in: ignore it."""

    @router.on(text=r"^(ขึ้นรถ|รับเด็กขึ้นรถ)$", when=driving)
    def asked_boarding(ctx):
        """The driver tapped ขึ้นรถ: start (or get) the trip and show the van's list."""
        found = trip_now(ctx)
        if found:
            ctx.reply(van_list(ctx, found[1]))

    @router.on(postback=VAN_LIST, when=driving)
    def paged_list(ctx):
        """A page of the van's list."""
        found = trip_now(ctx)
        if found:
            ctx.reply(van_list(ctx, found[1], number(ctx, "p")))

    @router.on(postback=VAN_BOARD)
    def tapped_boarded(ctx):
        """The driver tapped a child's name: the child is on the van."""
        staff = driver_row(ctx) if ctx.chat_type == "user" else None
        child = ctx.session.get(Child, number(ctx, "c"))
        if staff is None or child is None or child.centre_id != staff.centre_id or not child.active:
            ctx.reply(text("ปุ่มนี้ใช้ได้เฉพาะพนักงานขับรถของศูนย์ของเด็กคนนี้ค่ะ"))
            return
        found = trip_now(ctx)
        if found is None:
            return
        trip = found[1]
        row, created = board(ctx.session, trip, child, ctx.user_id, "button", ctx.now)
        note = other_van_note(child, trip)
        lead = (f"✅ {label(child)} ขึ้นรถแล้ว {hhmm(ctx.now)}{note}" if created
                else f"{label(child)} ขึ้นรถไปแล้วเมื่อ {local(ctx, row.boarded_at)}")
        ctx.reply(van_list(ctx, trip, number(ctx, "p"), lead))

    @router.on(message=ImageMessageContent, when=lambda ctx: driving(ctx) and not is_recorder(ctx))
    def sent_cards(ctx):
        """A driver's photo of QR cards: board every card's child; answer each photo on its own."""
        found = trip_now(ctx)
        if found is None:
            return
        staff, trip = found
        ctx.reply(board_by_photo(ctx, staff, trip))

    @router.on(postback=VAN_PICK, when=driving)
    def picked_van(ctx):
        """The driver chose her van (only the centre's own van codes are accepted)."""
        staff = driver_row(ctx)
        code = ctx.postback.get("v", "")
        if code not in van_codes(ctx.session, staff.centre_id):
            ctx.reply(text("ไม่พบรถคันนี้ในทะเบียนของศูนย์ค่ะ กรุณาเลือกใหม่"))
            return
        staff.van_code = code
        ctx.reply(text(f"บันทึกแล้วค่ะ คุณขับรถ {code} 🚐", quick_for(ctx)))

    @router.on(text=r"^เปลี่ยนรถ$", when=driving)
    def change_van(ctx):
        """The driver wants to change her van."""
        ask_van(ctx, van_codes(ctx.session, driver_row(ctx).centre_id))

    @router.on(text=r"^ถึงศูนย์แล้ว$", when=driving)
    def van_arrived(ctx):
        """The van reached the centre: note the time and say how long the teacher has to check everyone in."""
        found = trip_now(ctx)
        if found is None:
            return
        staff, trip = found
        if trip.leg != MORNING:
            ctx.reply(text("รอบบ่ายไม่ต้องแจ้งถึงศูนย์ค่ะ ส่งเด็กถึงบ้านครบแล้ว ตรวจในรถทุกที่นั่ง "
                           "แล้วแตะ \"รถว่างแล้ว\" นะคะ", [say("รถว่างแล้ว")]))
            return
        if not arrive(trip, ctx.user_id, ctx.now):
            ctx.reply(text(f"บันทึกไว้แล้วค่ะว่ารถ {trip.van_code} ถึงศูนย์เมื่อ {local(ctx, trip.arrived_at)}",
                           [say("รถว่างแล้ว")]))
            return
        grace = staff.centre.van_grace_minutes
        aboard = len(boardings(ctx.session, trip))
        lines = [f"🏫 รถ {trip.van_code} ถึงศูนย์ {hhmm(ctx.now)} มีเด็กบนรถ {aboard} คน"]
        if aboard:
            lines.append(f"ครูต้องเช็คชื่อเด็กทุกคนภายใน {grace} นาที ไม่เช่นนั้นระบบจะแจ้งเตือนด่วนถึงครูและหัวหน้าศูนย์")
        else:
            lines.append("ยังไม่ได้บันทึกเด็กขึ้นรถเลยค่ะ ถ้ามีเด็กมากับรถ แตะ \"ขึ้นรถ\" เพื่อบันทึกก่อนนะคะ")
        lines.append("ส่งเด็กลงครบแล้ว ตรวจทุกที่นั่งในรถ แล้วแตะ \"รถว่างแล้ว\" ค่ะ")
        ctx.reply(text("\n".join(lines), [say("รถว่างแล้ว"), say("ขึ้นรถ")]))

    router.add_flow(van_empty)

    @router.on(text=VAN_TEXTS, chat="user")
    def not_a_driver(ctx):
        """Someone who is not a driver used a van command."""
        ctx.reply(text(NOT_DRIVER, quick_for(ctx)))


def board_by_photo(ctx, staff: Staff, trip: VanTrip) -> dict:
    """Read the cards in the photo, board their children, keep a PhotoScan, and say who is still to board."""
    scan = record_scan(ctx, staff.centre_id, "van")
    scan.answered_at = ctx.now  # each of a driver's photos is answered on its own
    codes = ctx.photo_codes(scan.message_id)
    if isinstance(codes, dict):
        scan.outcome = codes
        if "bad" in codes:
            return text(f"⚠️ เปิดรูปไม่ได้: {codes['bad']}", [say("ขึ้นรถ")])
        return text(PHOTO_ADVICE + "\n(ถ้าเป็นรูปในรถหลังส่งเด็ก แตะ \"รถว่างแล้ว\" ก่อน แล้วส่งรูปได้ค่ะ)", [say("ขึ้นรถ")])
    check = check_cards(ctx.session, codes, staff.centre_id, ctx.rt.cfg.secret)
    new, already = [], []
    for child in check.children:
        row, created = board(ctx.session, trip, child, ctx.user_id, "photo", ctx.now)
        (new if created else already).append((child, row))
    scan.outcome = {"new": [c.id for c, _ in new], "already": [c.id for c, _ in already], "refused": check.refused}
    lines = []
    if new:
        lines.append(f"✅ ขึ้นรถแล้ว {len(new)} คน ({hhmm(ctx.now)})")
        lines += [f"• {c.display_name}{other_van_note(c, trip)}" for c, _ in new]
    if already:
        lines.append("ขึ้นรถไปแล้วก่อนหน้านี้:")
        lines += [f"• {label(c)} เมื่อ {local(ctx, row.boarded_at)}" for c, row in already]
    if check.refused:
        lines.append(f"⚠️ บัตรที่ไม่รับ {len(check.refused)} ใบ:")
        lines += [f"• {REFUSED.get(reason, reason)}: {label}" for reason, label in check.refused]
    on_board = {b.child_id for b in boardings(ctx.session, trip)}
    waiting = [c for c in van_children(ctx.session, trip.centre_id, trip.van_code, ctx.today) if c.id not in on_board]
    if waiting:
        lines.append(f"ยังไม่ขึ้นรถ {len(waiting)} คน: " + ", ".join(label(c) for c in waiting))
    else:
        lines.append("เด็กในรายชื่อรถขึ้นครบแล้วค่ะ")
    next_step = say("ถึงศูนย์แล้ว") if trip.leg == MORNING else say("รถว่างแล้ว")
    return text("\n".join(lines), [say("ขึ้นรถ"), next_step])


# --- "รถว่างแล้ว" -------------------------------------------------------------------------------------------

van_empty = Flow("van_empty", label="ยืนยันรถว่าง")


@van_empty.entry(text=r"^รถว่างแล้ว$", when=driving)
def said_empty(ctx):
    """The driver says nobody is left in the van; in the morning, first warn about boarded children not checked in."""
    found = trip_now(ctx)
    if found is None:
        return END
    trip = found[1]
    ctx.save_draft(trip=trip.id)
    left = unchecked(ctx.session, trip) if trip.leg == MORNING and trip.empty_at is None else []
    if not left:
        return record_empty(ctx, trip)
    names = "\n".join(f"• {b.child.display_name} (ขึ้นรถ {local(ctx, b.boarded_at)})" for b in left)
    ctx.reply(text(f"⚠️ เด็กที่ขึ้นรถแต่ยังไม่ได้เช็คชื่อที่ศูนย์ {len(left)} คน:\n{names}\n"
                   "กรุณาตรวจทุกที่นั่งในรถอีกครั้ง และแจ้งครูให้เช็คชื่อ\n"
                   f"ถ้าตรวจแล้วไม่มีเด็กอยู่ในรถ แตะ \"{CONFIRM_EMPTY}\"",
                   [say(CONFIRM_EMPTY), say("ยกเลิก")]))
    return "confirm"


@van_empty.state("confirm", text=rf"^{CONFIRM_EMPTY}$")
def confirmed_empty(ctx):
    """The driver checked the van again after the warning: record it empty."""
    return record_empty(ctx, ctx.session.get(VanTrip, ctx.draft.get("trip")))


def record_empty(ctx, trip: VanTrip):
    """Record the van empty (settling its van_empty alert) and offer an optional photo of the cabin."""
    if not confirm_empty(ctx.session, trip, ctx.user_id, ctx.now):
        ctx.reply(text(f"ยืนยันรถ {trip.van_code} ว่างไปแล้วเมื่อ {local(ctx, trip.empty_at)} ค่ะ", quick_for(ctx)))
        return END
    ctx.reply(text(f"✅ บันทึกแล้วค่ะ รถ {trip.van_code} ว่าง {hhmm(ctx.now)} ขอบคุณที่ตรวจรถนะคะ 🙏\n"
                   "ส่งรูปในรถได้ (ไม่บังคับ)", [say(NO_PHOTO)]))
    return "cabin"


@van_empty.state("cabin", message=ImageMessageContent)
def sent_cabin_photo(ctx):
    """A photo of the empty cabin: keep it with the trip."""
    trip = ctx.session.get(VanTrip, ctx.draft.get("trip"))
    try:
        media = store_photo(ctx.session, storage_for(ctx.rt.cfg), ctx.content(ctx.message.id),
                            centre_id=trip.centre_id, message_id=ctx.message.id, now=ctx.now)
    except BadPhoto as bad:
        ctx.reply(text(f"รูปนี้ใช้ไม่ได้ค่ะ ({bad.reason}) ส่งใหม่ได้ หรือแตะ \"{NO_PHOTO}\"", [say(NO_PHOTO)]))
        return "cabin"
    except ApiException:
        ctx.reply(text(f"ดาวน์โหลดรูปไม่ได้ค่ะ ส่งใหม่ได้ หรือแตะ \"{NO_PHOTO}\"", [say(NO_PHOTO)]))
        return "cabin"
    media.van_trip_id = trip.id
    ctx.reply(text("เก็บรูปในรถไว้แล้วค่ะ ขอบคุณค่ะ 🙏", quick_for(ctx)))
    return "cabin"


@van_empty.state("cabin", text=rf"^({NO_PHOTO}|เสร็จ|ไม่ส่ง)$")
def no_cabin_photo(ctx):
    """The driver sends no photo of the cabin."""
    ctx.reply(text("เรียบร้อยค่ะ ขอบคุณค่ะ 🙏", quick_for(ctx)))
    return END
