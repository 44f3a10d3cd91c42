"""How well centres keep their daily records: the share of school days with a check-in, a lunch and an activity.

Used by the weekly summary to LAO executives (last 30 days) and the officials' nudge.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.evaluation import centre_days
from domain.indicators import Month, activities, checkins, lunch_menus
from domain.thai import thai_date
from models import Centre

KINDS = (("checkin", "เช็คชื่อ", checkins), ("lunch", "อาหาร", lunch_menus), ("activity", "กิจกรรม", activities))
WINDOW = 30


def recording_rates(session: Session, centre_ids, first: date, last: date) -> dict[int, dict[str, float | None]]:
    """Per centre: % of its school days from first to last with a check-in, a lunch and an activity."""
    ids = list(centre_ids)
    m = Month(session, ids, first, last, centre_days(session, ids, first, last))
    found = {key: measure(m) for key, _, measure in KINDS}
    return {c: {key: found[key][c][0] for key, _, _ in KINDS} for c in ids}


def weekly_text(session: Session, lao_name: str, centre_ids, today: date) -> str:
    """The LAO executive's weekly summary: each centre's recording rates over the last 30 days, weakest first."""
    first, last = today - timedelta(days=WINDOW), today - timedelta(days=1)
    rates = recording_rates(session, centre_ids, first, last)
    names = dict(session.execute(select(Centre.id, Centre.name).where(Centre.id.in_(list(centre_ids)))).all())
    mean = lambda r: sum(v or 0 for v in r.values()) / len(r)  # noqa: E731
    lines = [f"📊 สรุปการบันทึกข้อมูล 30 วัน ({thai_date(first)} – {thai_date(last)})", lao_name]
    for cid in sorted(rates, key=lambda c: (mean(rates[c]), names[c])):
        parts = [f"{label} {'-' if rates[cid][key] is None else f'{rates[cid][key]:g}%'}" for key, label, _ in KINDS]
        lines.append(f"• {names[cid]}: " + " · ".join(parts))
    lines.append("พิมพ์ \"แจ้งเตือนศูนย์ที่ยังไม่บันทึก\" เพื่อเตือนครูของศูนย์ที่ยังไม่บันทึกวันนี้ค่ะ")
    return "\n".join(lines)
