"""Lunch: the teacher sends the menu and tray photo(s) in either order; allergies are flagged before saving.

Working inside the centre's parent group, the bot's answer there is what parents see (shared at once);
in 1:1 the lunch waits for the daily roll-up (shared_at stays empty).
"""
from __future__ import annotations

import re

from linebot.v3.webhooks import ImageMessageContent, TextMessageContent
from sqlalchemy import select

from bot.actions import LUNCH_CONFIRM, LUNCH_EDIT, LUNCH_SAVE, PHOTO_FILE, PHOTO_CLEAR, PHOTO_WITHHOLD
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from bot.storage import discard, storage_for
from domain.allergens import dish_conflicts, parse_menu
from domain.audit import audit
from notify.parent_news import lunch_messages, photos_of
from handlers.actors import is_recorder, shares_to_parents, work_centre
from handlers.photos import (answer_saved, drafted_media, filed_media, is_other_command,
                             photo_gate, settle_photos, take_photo)
from models import Child, Lunch

START = r"^(อาหารกลางวัน|บันทึกอาหาร(กลางวัน)?|บันทึกเมนู|ส่งเมนู)$"
MENU_LEAD = re.compile(r"^(เมนู|อาหารกลางวัน)")
SAVE_NOW = postback("บันทึกเลย", LUNCH_SAVE)
CONFIRM = [postback("บันทึกต่อ", LUNCH_CONFIRM), postback("แก้เมนู", LUNCH_EDIT), say("ยกเลิก")]

flow = Flow("lunch.record", label="บันทึกอาหารกลางวัน")


def sent_menu_inline(ctx) -> bool:
    """'เมนู ข้าวสวย ไข่เจียว' / 'อาหารกลางวัน: …' from staff: the menu itself, not just the command."""
    return bool(MENU_LEAD.match(ctx.text or "")) and bool(parse_menu(ctx.text)) and is_recorder(ctx)


def todays_lunch(ctx, centre_id: int) -> Lunch | None:
    """The centre's lunch record of today, if any."""
    return ctx.session.scalar(select(Lunch).where(Lunch.centre_id == centre_id, Lunch.day == ctx.today))


@flow.entry(text=START, when=is_recorder)
def start(ctx):
    """The teacher wants to record lunch: ask for the menu and photo(s), in either order."""
    lunch = todays_lunch(ctx, work_centre(ctx).id)
    ask = "ส่งเมนูอาหารกลางวันวันนี้ (พิมพ์หลายรายการได้ ขึ้นบรรทัดใหม่หรือคั่นด้วย ,) และรูปถาดอาหาร ส่งอย่างไหนก่อนก็ได้ค่ะ"
    if lunch is not None:
        shown = ", ".join(lunch.dishes) or "-"
        count = sum(m.purged_at is None for m in photos_of(ctx.session, lunch_id=lunch.id))
        ask = (f"วันนี้บันทึกไว้แล้ว: {shown} (รูป {count} รูป)\n"
               "ส่งเมนูใหม่หรือรูปใหม่เพื่อแทนที่ได้เลยค่ะ (ส่งเฉพาะส่วนที่ต้องการแก้)")
    ctx.reply(text(ask, [say("ยกเลิก")]))
    return "collect"


@flow.entry(text=r".", when=sent_menu_inline)
def sent_menu_first(ctx):
    """The teacher typed the menu straight away ('เมนู …')."""
    return got_menu(ctx)


@flow.entry(postback=PHOTO_FILE, when=lambda ctx: ctx.postback.get("to") == "lunch" and is_recorder(ctx))
def filed_photos(ctx):
    """Photos sent earlier were marked as lunch: add them to today's lunch, or ask for the menu first."""
    centre = work_centre(ctx)
    photos = filed_media(ctx)
    if not photos:
        return END
    lunch = todays_lunch(ctx, centre.id)
    ctx.save_draft(media={"ids": [m.id for m in photos], "sets": {}}, add_photos=True)
    if lunch is not None and lunch.dishes:
        return save(ctx)
    ctx.reply(text(f"ได้รูปอาหาร {len(photos)} รูปแล้วค่ะ พิมพ์เมนูอาหารกลางวันวันนี้ได้เลย", [SAVE_NOW, say("ยกเลิก")]))
    return "collect"


@flow.state("collect", message=ImageMessageContent)
@flow.state("confirm", message=ImageMessageContent)
def got_photo(ctx):
    """A tray photo (or one of a set): keep it; answer once the set is complete."""
    state = ctx.conversation.state
    got = take_photo(ctx, work_centre(ctx).id)
    if not got.done:
        return state
    if got.error and not got.ids:
        ctx.reply(text(got.error, [say("ยกเลิก")]))
        return state
    if got.error:
        ctx.reply(text(got.error))
    if state == "confirm":
        ctx.reply(text("ได้รูปแล้วค่ะ กด \"บันทึกต่อ\" เพื่อใช้เมนูนี้ หรือ \"แก้เมนู\"", CONFIRM))
        return state
    return next_step(ctx)


def is_menu_here(ctx) -> bool:
    """In 1:1 any text is the menu; in a group (parents chat there too) only the first one or 'เมนู …'."""
    if ctx.text == "แก้เมนู" or is_other_command(ctx, flow):
        return False
    return ctx.chat_type == "user" or not ctx.draft.get("menu") or bool(MENU_LEAD.match(ctx.text))


@flow.state("collect", message=TextMessageContent, when=is_menu_here)
@flow.state("confirm", message=TextMessageContent, when=is_menu_here)
def got_menu(ctx):
    """The menu text: split into dishes, check allergies, then save or ask for the rest."""
    dishes = parse_menu(ctx.text)
    if not dishes:
        ctx.reply(text("ยังไม่เห็นชื่ออาหารค่ะ พิมพ์เมนู เช่น \"ข้าวสวย, ต้มจืดเต้าหู้, กล้วยน้ำว้า\"", [say("ยกเลิก")]))
        return "collect"
    ctx.save_draft(menu=ctx.text, dishes=dishes, confirmed=False)
    warning = allergy_warning(ctx, dishes)
    if warning:
        ctx.reply(text(warning, CONFIRM))
        return "confirm"
    ctx.save_draft(confirmed=True)
    return next_step(ctx)


@flow.state("confirm", postback=LUNCH_CONFIRM)
def accepted_menu(ctx):
    """The teacher saw the allergy warning and keeps the menu (she will serve those children something else)."""
    ctx.save_draft(confirmed=True)
    audit(ctx.session, ctx.user_id, "lunch.allergy_ack", str(work_centre(ctx).code), at=ctx.now,
          dishes=ctx.draft.get("dishes"))
    return next_step(ctx)


@flow.state("confirm", postback=LUNCH_EDIT)
@flow.state("confirm", text=r"^แก้เมนู$")
def edit_menu(ctx):
    """The teacher wants to change the menu after the warning."""
    ctx.save_draft(menu=None, dishes=None, confirmed=False)
    ctx.reply(text("พิมพ์เมนูใหม่ได้เลยค่ะ", [say("ยกเลิก")]))
    return "collect"


@flow.state("collect", postback=LUNCH_SAVE)
def save_now(ctx):
    """'บันทึกเลย': save what was sent so far (menu only, or photos only)."""
    if not ctx.draft.get("dishes") and not (ctx.draft.get("media") or {}).get("ids"):
        ctx.reply(text("ยังไม่มีเมนูหรือรูปให้บันทึกค่ะ", [say("ยกเลิก")]))
        return "collect"
    return save(ctx)


@flow.fallback(when=lambda ctx: ctx.chat_type == "user" and ctx.event_type == "message" and ctx.text is None)
def lost(ctx):
    """A sticker or the like in 1:1 while recording lunch: say what is expected."""
    ctx.reply(text("กำลังบันทึกอาหารกลางวันค่ะ ส่งเมนูหรือรูปถาดอาหาร หรือกด \"บันทึกเลย\"", [SAVE_NOW, say("ยกเลิก")]))
    return ctx.conversation.state


def allergy_warning(ctx, dishes: list[str]) -> str:
    """A warning naming the children who may be allergic to a dish ('' when none); names stay private in a group."""
    centre_id = work_centre(ctx).id
    children = {c.id: c for c in ctx.session.scalars(select(Child).where(
        Child.centre_id == centre_id, Child.active, Child.allergies != ""))}
    conflicts = dish_conflicts(dishes, [(c.id, c.allergies) for c in children.values()])
    if not conflicts:
        return ""
    lines = [f"• {c.dish} — {c.allergen}: {children[c.child_id].display_name}" for c in conflicts]
    private = "⚠️ เมนูนี้อาจมีอาหารที่เด็กแพ้ค่ะ\n" + "\n".join(lines) + "\nเตรียมอาหารทดแทนให้เด็กเหล่านี้ก่อนบันทึกนะคะ"
    if ctx.chat_type == "user":
        return private
    ctx.push(ctx.user_id, text(private), key=f"lunch-allergy:{ctx.event_key}")
    allergens = ", ".join(dict.fromkeys(c.allergen for c in conflicts))
    kids = len({c.child_id for c in conflicts})
    return f"⚠️ เมนูนี้มี {allergens} ซึ่งเด็ก {kids} คนแพ้ค่ะ (รายชื่อส่งให้ครูในแชตส่วนตัวแล้ว) บันทึกต่อหรือแก้เมนูคะ"


def next_step(ctx):
    """Save when a checked menu and photos are both in; otherwise ask for what is missing."""
    draft = ctx.draft
    photos = len((draft.get("media") or {}).get("ids", []))
    if draft.get("confirmed") and photos:
        return save(ctx)
    if draft.get("confirmed"):
        ctx.reply(text(f"ได้เมนูแล้วค่ะ ({', '.join(draft['dishes'])})\nส่งรูปถาดอาหารได้เลย "
                       "หรือกด \"บันทึกเลย\" ถ้าไม่มีรูป", [SAVE_NOW, say("ยกเลิก")]))
    else:
        ctx.reply(text(f"ได้รูปอาหาร {photos} รูปแล้วค่ะ พิมพ์เมนูอาหารกลางวันได้เลย "
                       "หรือกด \"บันทึกเลย\" เพื่อบันทึกเฉพาะรูป", [SAVE_NOW, say("ยกเลิก")]))
    return "collect"


@flow.state("consent", postback=PHOTO_CLEAR)
@flow.state("consent", postback=PHOTO_WITHHOLD)
def answered_photo_gate(ctx):
    """The teacher confirmed no child without photo consent is in the tray photos, or chose not to share them."""
    ctx.save_draft(cleared=ctx.postback.get("a") == PHOTO_CLEAR.name)
    return save(ctx)


def save(ctx):
    """Write today's lunch (a new menu replaces the menu; new photos replace the photos) and show it; photos wait
    for the consent check first."""
    centre = work_centre(ctx)
    waiting = photo_gate(ctx, centre.id, drafted_media(ctx, centre.id))
    if waiting:
        return waiting
    draft = ctx.draft
    lunch = todays_lunch(ctx, centre.id)
    if lunch is None:
        lunch = Lunch(centre_id=centre.id, day=ctx.today, recorded_by=ctx.user_id, recorded_at=ctx.now, dishes=[])
        ctx.session.add(lunch)
        ctx.session.flush()
    if draft.get("dishes") and draft.get("confirmed"):
        lunch.menu_text, lunch.dishes = draft["menu"], draft["dishes"]
    photos = settle_photos(ctx, centre.code, drafted_media(ctx, centre.id))
    if photos and not draft.get("add_photos"):
        storage = storage_for(ctx.rt.cfg)
        for old in photos_of(ctx.session, lunch_id=lunch.id):
            discard(storage, old, ctx.now)
            old.lunch_id = None
    for media in photos:
        media.lunch_id = lunch.id
    shared = shares_to_parents(ctx, centre.id)
    lunch.updated_at, lunch.shared_at = ctx.now, ctx.now if shared else None
    ctx.session.flush()
    audit(ctx.session, ctx.user_id, "lunch.record", centre.code, at=ctx.now, lunch=lunch.id, photos=len(photos))
    answer_saved(ctx, shared, lunch_messages(ctx.session, ctx.rt.cfg, lunch, ctx.now), "อาหารกลางวัน")
    return END


def register(router: Router) -> None:
    """Recording lunch (a flow)."""
    router.add_flow(flow)

