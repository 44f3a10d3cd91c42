"""QR cards in chat: the centre's printable sheets (a signed link), one child's card (an image), re-issuing a card."""
from __future__ import annotations

from bot.actions import CARD_REISSUE, CARD_REISSUE_YES, CARD_SHOW, Action
from bot.card_routes import card_path, sheet_path
from bot.messages import image, postback, say, text
from bot.router import Router
from bot.signed import signed_url
from domain.attendance import match_names
from domain.audit import audit
from domain.names import label
from handlers.actors import is_recorder, work_centre
from handlers.checkin import child_button, number, tapped_child
from handlers.child_pick import child_command

CARD_WORDS = r"^(บัตร ?QR|บัตรคิวอาร์|พิมพ์บัตร|บัตร|ออกบัตรใหม่|บัตร\s+\S.*|ออกบัตรใหม่\s+\S.*)$"


def register(router: Router) -> None:
    """บัตร QR, บัตร <name>, ออกบัตรใหม่ <name> — in 1:1 only: a card checks a child in, so it never reaches a group."""

    @router.on(chat="group", text=CARD_WORDS, when=is_recorder)
    @router.on(chat="group", postback=CARD_SHOW, when=is_recorder)
    @router.on(chat="group", postback=CARD_REISSUE, when=is_recorder)
    @router.on(chat="group", postback=CARD_REISSUE_YES, when=is_recorder)
    def asked_cards_in_group(ctx):
        """A teacher asked for cards in the parent group: cards are sent in her 1:1 chat only."""
        audit(ctx.session, ctx.user_id, "card.refused_in_group", ctx.chat_id, at=ctx.now)
        ctx.reply(text("บัตร QR ใช้เช็คชื่อเด็กได้ จึงส่งในกลุ่มไม่ได้ค่ะ 🙏\n"
                       "กรุณาพิมพ์ \"บัตร QR\" หรือ \"บัตร ชื่อเด็ก\" ในแชตส่วนตัวกับบอทนะคะ"))

    @router.on(chat="user", text=r"^(บัตร ?QR|บัตรคิวอาร์|พิมพ์บัตร)$", when=is_recorder)
    def asked_cards(ctx):
        """The teacher asked for her centre's cards: a link to the A4 sheets to print."""
        centre = work_centre(ctx)
        url = signed_url(ctx.rt.cfg, sheet_path(centre), ctx.now)
        audit(ctx.session, ctx.user_id, "view.cards", centre.code, at=ctx.now)
        ctx.reply(text(f"บัตร QR ของเด็กทุกคนใน{centre.name} (PDF ขนาด A4 พร้อมพิมพ์)\n{url}\n"
                       f"ลิงก์ใช้ได้ {ctx.rt.cfg.LINK_HOURS} ชั่วโมง • พิมพ์แล้วเคลือบพลาสติก ตัดตามเส้น\n"
                       "ขอบัตรรายคน พิมพ์ \"บัตร ชื่อเด็ก\" • บัตรหาย พิมพ์ \"ออกบัตรใหม่ ชื่อเด็ก\"",
                       [say("บัตรรายคน", "บัตร"), say("ออกบัตรใหม่")]))

    @router.on(chat="user", text=r"^(บัตร|ออกบัตรใหม่)$", when=is_recorder)
    def asked_without_name(ctx):
        """บัตร / ออกบัตรใหม่ without a name: say how to name the child."""
        ctx.reply(text(f"พิมพ์ \"{ctx.text} ตามด้วยชื่อเล่นหรือชื่อจริงของเด็ก\" เช่น \"{ctx.text} ภูผา\" ค่ะ"))

    child_command(router, CARD_SHOW, show_card, text=r"^บัตร\s+\S", pick=one_child)  # "บัตร ภูผา"
    child_command(router, CARD_REISSUE, confirm_reissue, text=r"^ออกบัตรใหม่\s+\S", pick=one_child)  # asks first

    @router.on(chat="user", postback=CARD_REISSUE_YES, when=is_recorder)
    def confirmed_reissue(ctx):
        """Re-issue: the old card is revoked at once; the new card is sent."""
        child = tapped_child(ctx)
        if child is None:
            return
        if number(ctx, "v") != child.qr_version:
            return ctx.reply(text(f"บัตรของ {label(child)} ถูกออกใหม่ไปแล้วค่ะ"))
        child.qr_version += 1
        audit(ctx.session, ctx.user_id, "card.reissue", child.code, at=ctx.now, version=child.qr_version)
        send_card(ctx, child, f"ออกบัตรใหม่ให้ {child.display_name} แล้วค่ะ บัตรเดิมใช้เช็คชื่อไม่ได้แล้ว")


def one_child(ctx, words: str, action: Action):
    """The one child named; otherwise ask (several) or say not found."""
    matched, ambiguous, _ = match_names(ctx.session, work_centre(ctx).id, words)
    if len(matched) == 1 and not ambiguous:
        return matched[0]
    if ambiguous:
        ctx.reply(text("มีเด็กชื่อนี้หลายคนค่ะ เลือกคนที่ต้องการ", [
            child_button(c, action, c.display_name) for c in ambiguous[0][:13]]))
    else:
        ctx.reply(text(f"ไม่พบเด็กชื่อ \"{words}\" ในศูนย์นี้ค่ะ"))
    return None


def show_card(ctx, child) -> None:
    """The child's card as an image."""
    send_card(ctx, child, f"บัตร QR ของ {child.display_name}")


def confirm_reissue(ctx, child) -> None:
    """Ask before revoking a card."""
    ctx.reply(text(f"ออกบัตรใหม่ให้ {child.display_name} ไหมคะ บัตรเดิมจะใช้เช็คชื่อไม่ได้อีก",
                   [postback("ยืนยัน ออกบัตรใหม่", CARD_REISSUE_YES, "ยืนยัน ออกบัตรใหม่", c=child.id,
                             v=child.qr_version), say("ยกเลิก")]))


def send_card(ctx, child, caption: str) -> None:
    """The card as an image message (signed link), with a caption."""
    url = signed_url(ctx.rt.cfg, card_path(child), ctx.now)
    audit(ctx.session, ctx.user_id, "view.card", child.code, at=ctx.now, version=child.qr_version)
    ctx.reply(text(caption), image(url, url))
