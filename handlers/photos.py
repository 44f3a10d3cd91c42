"""Photos teachers send: where they belong (centre, group), taking them in (one imageSet = one post),
consent reminders, and the fallback for a photo sent with no flow active (asks what it is)."""
from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging.exceptions import ApiException
from sqlalchemy import select

from bot.actions import PHOTO_CHECKIN, PHOTO_CLEAR, PHOTO_FILE, PHOTO_WITHHOLD
from bot.messages import postback, say, text
from bot.router import Router
from bot.storage import discard, store_photo, storage_for
from domain.audit import audit
from domain.consent import without_consent
from domain.images import BadPhoto
from domain.names import label
from handlers.actors import work_centre
from models import Media

MAX_FILED = 30  # photo ids a button can carry within LINE's 300-character postback data


def is_other_command(ctx, flow) -> bool:
    """Whether this text starts another flow or is a command of its own (so a flow must not eat it)."""
    return any(route.flow is not flow and route.match(ctx) for route in ctx.rt.router.routes)


@dataclass
class Intake:
    """What taking in one photo gave: the media ids collected so far, whether its set is complete, an error."""

    ids: list[int]
    done: bool
    error: str | None = None


def take_photo(ctx, centre_id: int) -> Intake:
    """Download and store the photo of this event at once (LINE content expires) and add it to the draft.

    Photos of one imageSet arrive as separate events; `done` is True when every photo of the set is in
    (in any order), so the set is answered once.
    """
    message = ctx.message
    held = dict(ctx.draft.get("media") or {})
    ids, sets = list(held.get("ids", [])), dict(held.get("sets", {}))
    error = None
    try:
        data = ctx.content(message.id)
        ids.append(store_photo(ctx.session, storage_for(ctx.rt.cfg), data, centre_id=centre_id,
                               message_id=message.id, now=ctx.now).id)
    except BadPhoto as bad:
        error = f"รูปนี้ใช้ไม่ได้ค่ะ ({bad.reason}) กรุณาถ่ายหรือส่งใหม่"
    except ApiException as gone:
        if gone.status not in (400, 404, 410):
            raise
        error = "ดาวน์โหลดรูปไม่ได้แล้วค่ะ (หมดเวลา) กรุณาส่งรูปใหม่อีกครั้ง"
    done = True
    image_set = getattr(message, "image_set", None)
    if image_set is not None:
        seen = sorted(set(sets.get(image_set.id, {}).get("seen", [])) | {image_set.index})
        sets[image_set.id] = {"seen": seen, "total": image_set.total}
        done = len(seen) >= image_set.total
    ctx.save_draft(media={"ids": ids, "sets": sets})
    return Intake(ids, done, error)


def first_set_id(ctx) -> str | None:
    """The imageSet id of the photos in the draft, if they came as a set."""
    return next(iter((ctx.draft.get("media") or {}).get("sets", {})), None)


def consent_reminder(ctx, centre_id: int) -> str:
    """Remind the teacher which children must not appear in shared photos (no photo consent).

    In 1:1 the names come back as text to put in the reply. In a group everyone would read them, so the
    names go to her 1:1 chat (one push a day at most) and the group only hears that there are some.
    """
    missing = without_consent(ctx.session, centre_id, "photo")
    if not missing:
        return ""
    body = names_without_consent(missing)
    if ctx.chat_type == "user":
        return body
    names_to_teacher(ctx, centre_id, body)
    return f"📷 มีเด็ก {len(missing)} คนที่ผู้ปกครองยังไม่ยินยอมให้ส่งรูป (รายชื่อส่งให้ครูในแชตส่วนตัวแล้ว)"


def names_without_consent(missing: list) -> str:
    """The list of children who must not be in shared photos, for the teacher."""
    names = "\n".join(f"• {c.display_name}" for c in missing)
    return f"📷 เด็กที่ผู้ปกครองยังไม่ยินยอมให้ส่งรูป:\n{names}\nกรุณาถ่ายรูปที่ไม่มีเด็กเหล่านี้นะคะ"


def names_to_teacher(ctx, centre_id: int, body: str) -> None:
    """Working in the group, the teacher gets the names in her 1:1 chat: one push a day at most (LINE bills it)."""
    ctx.push(ctx.user_id, text(body), key=f"consent-reminder:{ctx.user_id}:{centre_id}:{ctx.today}")




def photo_gate(ctx, centre_id: int, photos: list[Media]) -> str | None:
    """Before photos are shared: when children of the centre have no photo consent and the teacher has not answered
    yet, ask her to confirm none of them is in the frame (names by nickname; in a group they go to her 1:1 chat)
    and return the state that waits for the answer; None when the photos may go on."""
    if not photos or "cleared" in ctx.draft:
        return None
    missing = without_consent(ctx.session, centre_id, "photo")
    if not missing:
        ctx.save_draft(cleared=True)
        return None
    names = ", ".join(label(c) for c in missing)
    ask = (f"ก่อนส่งรูป {len(photos)} รูปให้ผู้ปกครอง: ในรูปต้องไม่มีเด็กที่ผู้ปกครองยังไม่ยินยอม ({len(missing)} คน)")
    if ctx.chat_type == "user":
        ask += f"\n{names}"
    else:
        names_to_teacher(ctx, centre_id, names_without_consent(missing))
        ask += " รายชื่อส่งให้ครูในแชตส่วนตัวแล้ว"
    ctx.reply(text(ask + "\nยืนยันไหมคะ", [postback("ยืนยัน ไม่มีในรูป", PHOTO_CLEAR, "ยืนยัน ไม่มีเด็กเหล่านี้ในรูป"),
                                          postback("ไม่ส่งรูป", PHOTO_WITHHOLD, "ไม่ส่งรูป"), say("ยกเลิก")]))
    return "consent"


def settle_photos(ctx, centre_code: str, photos: list[Media]) -> list[Media]:
    """After the gate: cleared photos are marked shareable; withheld ones are deleted. Returns the photos kept."""
    cleared = ctx.draft.get("cleared", True)
    storage = None if cleared else storage_for(ctx.rt.cfg)
    for media in photos:
        if cleared:
            media.cleared_at, media.cleared_by = ctx.now, ctx.user_id
        else:
            discard(storage, media, ctx.now)
    if photos:
        audit(ctx.session, ctx.user_id, "photo.cleared" if cleared else "photo.withheld", centre_code, at=ctx.now,
              photos=[m.id for m in photos])
    return photos if cleared else []


def owned_media(ctx, centre_id: int, raw_ids: str) -> list[Media]:
    """Unfiled, unpurged photos of this centre named in a button's data (anything else is ignored)."""
    try:
        wanted = [int(i) for i in (raw_ids or "").split(".") if i]
    except ValueError:
        return []
    return list(ctx.session.scalars(select(Media).where(
        Media.id.in_(wanted), Media.centre_id == centre_id, Media.lunch_id.is_(None),
        Media.activity_id.is_(None), Media.purged_at.is_(None)).order_by(Media.id)))


def filed_media(ctx) -> list[Media]:
    """The photos a filing button names (unfiled, of the sender's centre); says so when none is left."""
    photos = owned_media(ctx, work_centre(ctx).id, ctx.postback.get("m", ""))
    if not photos:
        ctx.reply(text("ไม่พบรูปนี้แล้วค่ะ (อาจบันทึกไปแล้ว) ส่งรูปใหม่ได้เลยนะคะ"))
    return photos


def drafted_media(ctx, centre_id: int) -> list[Media]:
    """The unfiled photos collected in the flow's draft."""
    ids = (ctx.draft.get("media") or {}).get("ids", [])
    return owned_media(ctx, centre_id, ".".join(map(str, ids)))


def answer_saved(ctx, shared: bool, news: list[dict], what: str) -> None:
    """In the parent group the news itself is the answer (parents see it); in 1:1 say it waits for the roll-up."""
    if shared:
        ctx.reply(*news)
    else:
        ctx.reply(text(f"บันทึก{what}แล้วค่ะ ✅ ผู้ปกครองจะเห็นในสรุปประจำวัน"), *news)


def offer_filing(ctx, centre_id: int, message_ids: list[str], note: str = "") -> None:
    """Photos with no QR cards and no flow: keep them (LINE content expires) and ask what they are, once per set.

    Check-in calls this for a photo (set) in which it found no card; the buttons carry the photo ids.
    """
    kept = []
    for message_id in message_ids:
        media = ctx.session.scalar(select(Media).where(Media.message_id == message_id))
        if media is None:
            try:
                media = store_photo(ctx.session, storage_for(ctx.rt.cfg), ctx.content(message_id),
                                    centre_id=centre_id, message_id=message_id, now=ctx.now)
            except (BadPhoto, ApiException):
                continue
        kept.append(media.id)
    if not kept:
        return ctx.reply(text(note or "เปิดรูปไม่ได้ค่ะ กรุณาส่งรูปใหม่อีกครั้ง"))
    ids = ".".join(str(i) for i in kept[:MAX_FILED])
    ctx.reply(text(f"ได้รับรูป {len(kept)} รูปค่ะ เป็นรูปอะไรคะ" + (f"\n{note}" if note else ""), [
        postback("รูปอาหารกลางวัน", PHOTO_FILE, to="lunch", m=ids),
        postback("รูปกิจกรรม", PHOTO_FILE, to="activity", m=ids),
        postback("เช็คชื่อ (บัตร QR)", PHOTO_CHECKIN, m=ids)]))


def register(router: Router) -> None:
    """The "it was QR cards" button under a photo check-in could not read."""

    @router.on(postback=PHOTO_CHECKIN)
    def filed_as_cards(ctx):
        """"Check-in cards" tapped for a photo check-in found no card in: say how to photograph cards."""
        ctx.reply(text("อ่านบัตร QR ในรูปนี้ไม่ได้ค่ะ กรุณาถ่ายใหม่ให้เห็นบัตรชัด ๆ ไม่เอียง ไม่มีแสงสะท้อน "
                       "แล้วส่งอีกครั้งนะคะ"))
