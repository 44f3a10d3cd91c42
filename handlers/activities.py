"""Activity posts: photos (several at once = one post), a caption, an optional learning-domain tag.

In the centre's parent group the bot's answer is what parents see (shared at once); in 1:1 the post waits
for the daily roll-up. Before photos are sent, the teacher is reminded whose parents refused photo sharing.
"""
from __future__ import annotations

from linebot.v3.webhooks import ImageMessageContent, TextMessageContent

from bot.actions import ACTIVITY_DOMAIN, PHOTO_FILE, PHOTO_CLEAR, PHOTO_WITHHOLD
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.audit import audit
from notify.parent_news import DOMAINS, activity_messages
from handlers.actors import is_recorder, shares_to_parents, work_centre
from handlers.photos import (answer_saved, consent_reminder, drafted_media, filed_media,
                             first_set_id, is_other_command, photo_gate, settle_photos, take_photo)
from models import Activity

START = r"^(กิจกรรม|ส่งรูปกิจกรรม|บันทึกกิจกรรม|โพสต์กิจกรรม)$"
NO_TAG = "ไม่ระบุ"

flow = Flow("activity.post", label="โพสต์กิจกรรม")


def domain_buttons() -> list[dict]:
    """Quick replies for the learning-domain tag (4 domains, 5 DSPM areas, none)."""
    return [postback(code, ACTIVITY_DOMAIN, d=code) for code in DOMAINS] + [postback(NO_TAG, ACTIVITY_DOMAIN, d="")]


@flow.entry(text=START, when=is_recorder)
def start(ctx):
    """The teacher wants to post an activity: remind about consent, ask for the photos."""
    reminder = consent_reminder(ctx, work_centre(ctx).id)
    ask = "ส่งรูปกิจกรรมได้เลยค่ะ (เลือกหลายรูปพร้อมกันได้) แล้วพิมพ์คำบรรยายสั้น ๆ"
    ctx.reply(text(f"{reminder}\n\n{ask}" if reminder else ask, [say("ยกเลิก")]))
    return "collect"


@flow.entry(postback=PHOTO_FILE, when=lambda ctx: ctx.postback.get("to") == "activity" and is_recorder(ctx))
def filed_photos(ctx):
    """Photos sent earlier were marked as an activity: ask for the caption."""
    centre = work_centre(ctx)
    photos = filed_media(ctx)
    if not photos:
        return END
    ctx.save_draft(media={"ids": [m.id for m in photos], "sets": {}})
    reminder = consent_reminder(ctx, centre.id)
    ctx.reply(text((f"{reminder}\n\n" if reminder else "") +
                   f"ได้รูปกิจกรรม {len(photos)} รูปแล้วค่ะ พิมพ์คำบรรยายกิจกรรมได้เลย", [say("ยกเลิก")]))
    return "collect"


@flow.state("collect", message=ImageMessageContent)
@flow.state("domain", message=ImageMessageContent)
def got_photo(ctx):
    """A photo (or one of a set): keep it; answer once the set is complete."""
    state = ctx.conversation.state
    got = take_photo(ctx, work_centre(ctx).id)
    if not got.done:
        return state
    if got.error:
        ctx.reply(text(got.error))
    return next_step(ctx) if got.ids else state


def is_caption_here(ctx) -> bool:
    """Text that is the caption: in 1:1 anything but another command; in a group only before one is given."""
    if is_other_command(ctx, flow) or ctx.text == NO_TAG:
        return False
    return ctx.chat_type == "user" or not ctx.draft.get("caption")


@flow.state("collect", message=TextMessageContent, when=is_caption_here)
@flow.state("domain", message=TextMessageContent, when=is_caption_here)
def got_caption(ctx):
    """The caption: keep it, then ask for photos or the domain tag."""
    ctx.save_draft(caption=ctx.text[:1000])
    return next_step(ctx)


@flow.state("domain", postback=ACTIVITY_DOMAIN)
def got_domain(ctx):
    """The teacher picked a learning domain (or none): save the post."""
    code = ctx.postback.get("d", "")
    ctx.save_draft(domain=code if code in DOMAINS else "")
    return save(ctx)


@flow.state("domain", text=rf"^({'|'.join(DOMAINS)}|{NO_TAG})$")
def typed_domain(ctx):
    """The teacher typed a domain name instead of tapping."""
    ctx.save_draft(domain="" if ctx.text == NO_TAG else ctx.text)
    return save(ctx)


@flow.fallback(when=lambda ctx: ctx.chat_type == "user" and ctx.event_type == "message" and ctx.text is None)
def lost(ctx):
    """A sticker or the like in 1:1 while posting: say what is expected."""
    ctx.reply(text("กำลังบันทึกกิจกรรมค่ะ ส่งรูปและพิมพ์คำบรรยาย", [say("ยกเลิก")]))
    return ctx.conversation.state


def next_step(ctx):
    """Ask for what is missing; with photos and a caption, ask for the domain tag."""
    photos = len((ctx.draft.get("media") or {}).get("ids", []))
    if not photos:
        ctx.reply(text("ได้คำบรรยายแล้วค่ะ ส่งรูปกิจกรรมได้เลย (หลายรูปพร้อมกันได้)", [say("ยกเลิก")]))
        return "collect"
    if not ctx.draft.get("caption"):
        ctx.reply(text(f"ได้รูป {photos} รูปแล้วค่ะ พิมพ์คำบรรยายกิจกรรม เช่น \"ปั้นดินน้ำมันเป็นรูปสัตว์\"",
                       [say("ยกเลิก")]))
        return "collect"
    ctx.reply(text(f"รูป {photos} รูป: {ctx.draft['caption']}\nกิจกรรมนี้ส่งเสริมพัฒนาการด้านใดคะ "
                   "(ร่างกาย อารมณ์ สังคม สติปัญญา หรือ DSPM: GM FM RL EL PS)", domain_buttons()))
    return "domain"


@flow.state("consent", postback=PHOTO_CLEAR)
@flow.state("consent", postback=PHOTO_WITHHOLD)
def answered_photo_gate(ctx):
    """The teacher confirmed no child without photo consent is in the photos, or chose not to share them."""
    ctx.save_draft(cleared=ctx.postback.get("a") == PHOTO_CLEAR.name)
    return save(ctx)


def save(ctx):
    """Write the activity with its photos and show it (in the parent group that is the sharing); photos wait for
    the consent check first."""
    centre = work_centre(ctx)
    waiting = photo_gate(ctx, centre.id, drafted_media(ctx, centre.id))
    if waiting:
        return waiting
    draft = ctx.draft
    shared = shares_to_parents(ctx, centre.id)
    activity = Activity(centre_id=centre.id, day=ctx.today, caption=draft.get("caption", ""),
                        domain=draft.get("domain", ""), image_set_id=first_set_id(ctx), posted_by=ctx.user_id,
                        posted_at=ctx.now, shared_at=ctx.now if shared else None)
    ctx.session.add(activity)
    ctx.session.flush()
    photos = settle_photos(ctx, centre.code, drafted_media(ctx, centre.id))
    for media in photos:
        media.activity_id = activity.id
    ctx.session.flush()
    audit(ctx.session, ctx.user_id, "activity.post", centre.code, at=ctx.now, activity=activity.id,
          photos=len(photos))
    answer_saved(ctx, shared, activity_messages(ctx.session, ctx.rt.cfg, activity, ctx.now), "กิจกรรม")
    return END


def register(router: Router) -> None:
    """Posting activities (a flow)."""
    router.add_flow(flow)
