"""What parents are shown of a lunch or an activity: LINE messages (a text, then the photos by signed link).

Shared by the teacher's group replies, the parent's 1:1 answers and the lead's daily roll-up, so everyone sees
the same thing. Each function returns at most 2 messages (a text + one image or one image carousel), so a
lunch and an activity together stay inside the roll-up's budget of 5.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.media_routes import media_url
from bot.messages import carousel, image, text
from domain.thai import thai_date
from models import Activity, Centre, Lunch, Media

MAX_BUBBLES = 10
EXPIRED = "รูปหมดอายุแล้ว"
DOMAINS = {"ร่างกาย": "ด้านร่างกาย", "อารมณ์": "ด้านอารมณ์-จิตใจ", "สังคม": "ด้านสังคม",
           "สติปัญญา": "ด้านสติปัญญา", "GM": "GM กล้ามเนื้อมัดใหญ่", "FM": "FM กล้ามเนื้อมัดเล็กและสติปัญญา",
           "RL": "RL ความเข้าใจภาษา", "EL": "EL การใช้ภาษา", "PS": "PS การช่วยเหลือตัวเองและสังคม"}


def photos_of(session: Session, *, lunch_id: int | None = None, activity_id: int | None = None) -> list[Media]:
    """A lunch's or an activity's photos, in the order they were sent (purged ones included)."""
    column, value = (Media.lunch_id, lunch_id) if lunch_id is not None else (Media.activity_id, activity_id)
    return list(session.scalars(select(Media).where(column == value).order_by(Media.id)))


def photo_messages(cfg: Config, photos: list[Media], now: datetime, alt: str) -> list[dict]:
    """One image message, or one flex carousel of up to 10 photos (tap opens the full size); [] for none.
    Only photos the teacher cleared for photo consent (domain.consent) are ever shown to parents."""
    live = [m for m in photos if m.purged_at is None and m.cleared_at is not None]
    if not live:
        return []
    if len(live) == 1:
        return [image(media_url(cfg, live[0].key, "original", now), media_url(cfg, live[0].key, "preview", now))]
    bubbles = [{"type": "bubble", "size": "kilo", "hero": {
        "type": "image", "url": media_url(cfg, m.key, "preview", now), "size": "full", "aspectMode": "cover",
        "aspectRatio": "1:1", "action": {"type": "uri", "uri": media_url(cfg, m.key, "original", now)}}}
        for m in live[:MAX_BUBBLES]]
    return [carousel(alt, bubbles)]


def _photo_note(photos: list[Media]) -> str:
    """A line about photos the text should carry: expired ones, or more than the carousel shows."""
    live = sum(m.purged_at is None and m.cleared_at is not None for m in photos)
    if photos and not live:
        return f"\n({EXPIRED})"
    return f"\n(รูปทั้งหมด {live} รูป แสดง {MAX_BUBBLES} รูปแรก)" if live > MAX_BUBBLES else ""


def lunch_messages(session: Session, cfg: Config, lunch: Lunch, now: datetime) -> list[dict]:
    """Today's lunch for parents: the dishes, then the tray photo(s)."""
    photos = photos_of(session, lunch_id=lunch.id)
    dishes = "\n".join(f"• {d}" for d in lunch.dishes) or "(ยังไม่ได้ระบุเมนู)"
    body = f"🍱 อาหารกลางวัน {thai_date(lunch.day)}\n{dishes}{_photo_note(photos)}"
    return [text(body)] + photo_messages(cfg, photos, now, f"รูปอาหารกลางวัน {thai_date(lunch.day)}")


def activity_messages(session: Session, cfg: Config, activity: Activity, now: datetime) -> list[dict]:
    """An activity for parents: caption and learning domain, then the photos."""
    photos = photos_of(session, activity_id=activity.id)
    tag = f"\nพัฒนาการ: {DOMAINS.get(activity.domain, activity.domain)}" if activity.domain else ""
    body = f"🎨 กิจกรรม {thai_date(activity.day)}\n{activity.caption or '(ไม่มีคำบรรยาย)'}{tag}{_photo_note(photos)}"
    return [text(body)] + photo_messages(cfg, photos, now, f"รูปกิจกรรม: {activity.caption}"[:100])


def unshared_lunch(session: Session, cfg: Config, centre: Centre, day: date, now: datetime) -> tuple[list, list]:
    """The roll-up's lunch section: the day's lunch if parents have not seen it yet (≤ 2 messages)."""
    lunch = session.scalar(select(Lunch).where(Lunch.centre_id == centre.id, Lunch.day == day,
                                               Lunch.shared_at.is_(None)))
    return (lunch_messages(session, cfg, lunch, now), [lunch]) if lunch else ([], [])


def unshared_activities(session: Session, cfg: Config, centre: Centre, day: date, now: datetime) -> tuple[list, list]:
    """The roll-up's activity section: every unseen activity of the day in ≤ 2 messages (captions, one carousel)."""
    found = list(session.scalars(select(Activity).where(
        Activity.centre_id == centre.id, Activity.day == day, Activity.shared_at.is_(None)).order_by(Activity.id)))
    if len(found) <= 1:
        return (activity_messages(session, cfg, found[0], now), found) if found else ([], [])
    lines = [f"• {a.caption or '(ไม่มีคำบรรยาย)'}" + (f" ({a.domain})" if a.domain else "") for a in found]
    photos = [m for a in found for m in photos_of(session, activity_id=a.id)]
    body = f"🎨 กิจกรรม {thai_date(day)} ({len(found)} กิจกรรม)\n" + "\n".join(lines) + _photo_note(photos)
    return [text(body)] + photo_messages(cfg, photos, now, f"รูปกิจกรรม {thai_date(day)}"), found
