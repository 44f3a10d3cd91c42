"""The quota guard: routine pushes give way, in a stated order, before safety alerts could run short.

LINE's monthly quota and this month's consumption are read by the clock (`GET /v2/bot/message/quota` and
`/quota/consumption`) and kept in a Setting. A safety reserve (10 % of the quota, at least 30 messages) is
never spent on routine messages. As the remainder shrinks, routine pushes stop in this order:

1. reminders to teachers   — stop when less than 3 × the reserve would remain after sending;
2. intraday roll-ups       — deferred when less than 2 × the reserve would remain (their news waits for the digest);
3. the daily digest        — dropped when less than the reserve would remain (parents can still ask the bot in
                             1:1, which is a free reply).
(A push to a group costs one message per member.)

Safety alerts, escalations and "sent home" notices always go. When the guard first engages in a month, the LAO
officials are told once (a safety push: it is about the safety budget).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages import text
from models import Official, Setting

READING_KEY = "line_quota_reading"
ORDER = ("reminder", "rollup", "digest")  # what gives way first → last
FACTOR = {"reminder": 3, "rollup": 2, "digest": 1}
LABEL = {"reminder": "การเตือนครู", "rollup": "สรุประหว่างวัน", "digest": "สรุปประจำวัน"}


def refresh(session: Session, found: dict, now: datetime) -> dict | None:
    """Keep what LINE said of the quota and consumption (`LineApi.quota()`); None when LINE did not answer."""
    if found.get("type") is None or found.get("totalUsage") is None:
        return None
    limit = found.get("value") if found.get("type") == "limited" else None
    reading = {"month": now.strftime("%Y-%m"), "limit": limit, "used": int(found["totalUsage"]),
               "at": now.isoformat()}
    state = session.get(Setting, READING_KEY) or Setting(key=READING_KEY, value={})
    state.value = reading
    session.add(state)
    return reading


def reading(session: Session, now: datetime) -> dict | None:
    """This month's last reading (None before the first one of the month)."""
    state = session.get(Setting, READING_KEY)
    value = state.value if state else None
    return value if value and value.get("month") == now.strftime("%Y-%m") else None


def reserve(limit: int) -> int:
    """Messages kept for safety alerts."""
    return max(30, limit // 10)


def remaining(session: Session, now: datetime) -> int | None:
    """Messages left this month (None = unlimited or not read yet)."""
    found = reading(session, now)
    if not found or found.get("limit") is None:
        return None
    return max(found["limit"] - found["used"], 0)


def allows(session: Session, category: str, cost: int, now: datetime) -> bool:
    """Whether a routine push of `category` costing `cost` messages may go now."""
    if outbox.quota_exhausted(session, now):
        return False
    left = remaining(session, now)
    if left is None:
        return True
    limit = reading(session, now)["limit"]
    return left - cost >= reserve(limit) * FACTOR[category]


def held_back(session: Session, now: datetime) -> list[str]:
    """The routine kinds the guard holds back right now (in the stated order)."""
    return [c for c in ORDER if not allows(session, c, 0, now)]


def notice(session: Session, now: datetime, held: list[str]) -> int:
    """Tell every LAO official which routine kinds (`held_back`) are held back; returns how many were told (the
    clock sends it once per month and stage)."""
    left = remaining(session, now)
    body = (f"⚠️ โควตาข้อความ LINE เดือนนี้เหลือ {left if left is not None else 0} ข้อความ\n"
            f"ระบบงดส่ง: {', '.join(LABEL[c] for c in held)} เพื่อสำรองไว้สำหรับแจ้งเตือนความปลอดภัยของเด็ก\n"
            "แจ้งเตือนเด็กไม่มาและรถรับส่งยังส่งตามปกติ หากต้องการส่งครบทุกอย่าง พิจารณาเพิ่มแพ็กเกจ LINE OA ค่ะ")
    officials = sorted(set(session.scalars(select(Official.line_user_id).where(
        Official.role == "lao", Official.active, Official.line_user_id.is_not(None)))))
    for uid in officials:
        outbox.queue_push(session, uid, [text(body)], key=f"quota_notice:{now:%Y-%m}:{held[-1]}:{uid}", now=now,
                          priority="safety")
    return len(officials)
