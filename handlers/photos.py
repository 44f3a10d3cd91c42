"""Photos teachers send: where they belong (centre, group), taking them in (one imageSet = one post),
consent reminders, and the fallback for a photo sent with no flow active (asks what it is)."""
from __future__ import annotations

from dataclasses import dataclass

from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import ImageMessageContent
from sqlalchemy import select

from bot.messages import postback, text
from bot.router import Router
from bot.storage import store_photo, storage_for
from domain.images import BadPhoto
from handlers.actors import staff_at, staff_rows
from models import Centre, Child, Consent, LineGroup, Media

STAFF = ("teacher", "head")
PENDING = "photo_sets"  # draft key of photos sent with no flow active, until the teacher says what they are
MAX_FILED = 30  # photo ids a button can carry within LINE's 300-character postback data


def group_centre_id(ctx) -> int | None:
    """The centre this group chat is bound to (None in 1:1 or an unbound group)."""
    if ctx.chat_type != "group":
        return None
    return ctx.session.scalar(select(LineGroup.centre_id).where(LineGroup.group_id == ctx.chat_id,
                                                                LineGroup.left_at.is_(None)))


def work_centre(ctx) -> Centre | None:
    """The centre a teacher or head is working for here: the group's centre in a group, else her own."""
    if ctx.chat_type == "group":
        centre_id = group_centre_id(ctx)
        staff = staff_at(ctx, centre_id) if centre_id else None
    else:
        staff = next((s for s in staff_rows(ctx) if s.role in STAFF), None)
    return staff.centre if staff else None


def is_working_staff(ctx) -> bool:
    """Whether the sender is staff of the centre this chat works for."""
    return work_centre(ctx) is not None


def shares_to_parents(ctx, centre_id: int) -> bool:
    """Whether the bot's reply here is seen by the centre's parents (its bound group): then it is shared."""
    return group_centre_id(ctx) == centre_id


def is_other_command(ctx, flow) -> bool:
    """Whether this text starts another flow or is a command of its own (so a flow must not eat it)."""
    return any(route.flow is not flow and route.match(ctx) for route in ctx.rt.router.routes)


@dataclass
class Intake:
    """What taking in one photo gave: the media ids collected so far, whether its set is complete, an error."""

    ids: list[int]
    done: bool
    error: str | None = None


def take_photo(ctx, centre_id: int, bucket: str = "media") -> Intake:
    """Download and store the photo of this event at once (LINE content expires) and add it to the draft.

    Photos of one imageSet arrive as separate events; `done` is True when every photo of the set is in
    (in any order), so the set is answered once.
    """
    message = ctx.message
    held = dict(ctx.draft.get(bucket) or {})
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
    ctx.save_draft(**{bucket: {"ids": ids, "sets": sets}})
    return Intake(ids, done, error)


def first_set_id(ctx, bucket: str = "media") -> str | None:
    """The imageSet id of the photos in the draft, if they came as a set."""
    return next(iter((ctx.draft.get(bucket) or {}).get("sets", {})), None)


def refused_children(session, centre_id: int) -> list[Child]:
    """Children of the centre whose guardian refused photo sharing."""
    return list(session.scalars(select(Child).join(Consent, Consent.child_id == Child.id).where(
        Child.centre_id == centre_id, Child.active, Consent.kind == "photo", Consent.granted.is_(False))
        .order_by(Child.code)))


def consent_reminder(ctx, centre_id: int) -> str:
    """Remind the teacher which children must not appear in shared photos.

    In 1:1 the names come back as text to put in the reply. In a group everyone would read them, so the
    names go to her 1:1 chat (one push a day at most) and the group only hears that there are some.
    """
    refused = refused_children(ctx.session, centre_id)
    if not refused:
        return ""
    names = "\n".join(f"• {c.display_name}" for c in refused)
    body = f"📷 เด็กที่ผู้ปกครองไม่อนุญาตให้เผยแพร่รูป:\n{names}\nกรุณาเลือกรูปที่ไม่เห็นหน้าเด็กเหล่านี้นะคะ"
    if ctx.chat_type == "user":
        return body
    ctx.push(ctx.user_id, text(body), key=f"consent-reminder:{ctx.user_id}:{centre_id}:{ctx.today}")
    return f"📷 มีเด็ก {len(refused)} คนที่ผู้ปกครองไม่อนุญาตให้เผยแพร่รูป (รายชื่อส่งให้ครูในแชตส่วนตัวแล้ว)"


def owned_media(ctx, centre_id: int, raw_ids: str) -> list[Media]:
    """Unfiled, unpurged photos of this centre named in a button's data (anything else is ignored)."""
    try:
        wanted = [int(i) for i in (raw_ids or "").split(".") if i]
    except ValueError:
        return []
    return list(ctx.session.scalars(select(Media).where(
        Media.id.in_(wanted), Media.centre_id == centre_id, Media.lunch_id.is_(None),
        Media.activity_id.is_(None), Media.purged_at.is_(None)).order_by(Media.id)))


def drafted_media(ctx, centre_id: int, bucket: str = "media") -> list[Media]:
    """The unfiled photos collected in the flow's draft."""
    ids = (ctx.draft.get(bucket) or {}).get("ids", [])
    return owned_media(ctx, centre_id, ".".join(map(str, ids)))


def answer_saved(ctx, shared: bool, news: list[dict], what: str) -> None:
    """In the parent group the news itself is the answer (parents see it); in 1:1 say it waits for the roll-up."""
    if shared:
        ctx.reply(*news)
    else:
        ctx.reply(text(f"บันทึก{what}แล้วค่ะ ✅ ผู้ปกครองจะเห็นในสรุปประจำวัน"), *news)


def register_photo_fallback(router: Router) -> None:
    """A photo from staff with no flow active and no QR in it: keep it and ask what it is.

    Register LAST among photo routes (after check-in), so a photo of QR cards reaches check-in first.
    """

    @router.on(message=ImageMessageContent, when=is_working_staff)
    def sent_unexplained_photo(ctx):
        """A teacher sent a photo (or a set) out of any flow: store it now, answer once per set with choices."""
        centre = work_centre(ctx)
        got = take_photo(ctx, centre.id, bucket=PENDING)
        if not got.done:
            return
        ids = ".".join(str(i) for i in got.ids[:MAX_FILED])
        ctx.conversation.draft = {k: v for k, v in ctx.draft.items() if k != PENDING}  # now kept by the buttons
        if not got.ids:
            return ctx.reply(text(got.error))
        note = f"\n{got.error}" if got.error else ""
        ctx.reply(text(f"ได้รับรูป {len(got.ids)} รูปค่ะ เป็นรูปอะไรคะ{note}", [
            postback("รูปอาหารกลางวัน", "photo.file", to="lunch", m=ids),
            postback("รูปกิจกรรม", "photo.file", to="activity", m=ids),
            postback("เช็คชื่อ (บัตร QR)", "photo.checkin", m=ids)]))

    @router.on(postback="photo.checkin")
    def filed_as_cards(ctx):
        """"Check-in cards" tapped and check-in did not take the photo: its QR could not be read."""
        ctx.reply(text("อ่านบัตร QR ในรูปนี้ไม่ได้ค่ะ กรุณาถ่ายใหม่ให้เห็นบัตรชัด ๆ ไม่เอียง ไม่มีแสงสะท้อน "
                       "แล้วส่งอีกครั้งนะคะ"))
