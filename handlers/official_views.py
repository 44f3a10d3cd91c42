"""Flex cards for the officials' queries: one bubble per unit, a summary first, "ถัดไป" when there is more."""
from __future__ import annotations

from datetime import date

from notify import quota
from bot.actions import OFFICIAL_ALERTS, OFFICIAL_HEALTH, OFFICIAL_VIEW
from bot.messages import GREY, bubble, postback, txt
from bot.messages import carousel as flex_carousel
from bot.media_routes import media_url
from domain import dashboards as q
from domain.expected import DayCounts
from domain.scope import LEVEL_LABEL, Scope, Unit
from domain.thai import thai_date

PAGE = 10  # unit bubbles per carousel: summary + 10 + "ถัดไป" ≤ LINE's 12
RED, GREEN = "#D32F2F", "#2E7D32"
TITLES = {"ov": "ภาพรวมวันนี้", "gap": "ศูนย์ที่ยังไม่บันทึก", "lunch": "อาหารกลางวันวันนี้", "kids": "ข้อมูลเด็ก",
          "tch": "ข้อมูลครู", "alr": "การแจ้งเตือนวันนี้"}
KIND_LABEL = {"checkin": "เช็คชื่อ", "lunch": "อาหาร", "activity": "กิจกรรม"}


ABBREVIATIONS = (("องค์การบริหารส่วนตำบล", "อบต."), ("องค์การบริหารส่วนจังหวัด", "อบจ."), ("เทศบาลตำบล", "ทต."),
                 ("เทศบาลเมือง", "ทม."), ("เทศบาลนคร", "ทน."), ("ศูนย์พัฒนาเด็กเล็ก", "ศพด."))


def short(name: str, limit: int = 20) -> str:
    """A unit's name as Thai officials abbreviate it (อบต., ทต., ศพด.), cut to a button label's length."""
    for full, abbr in ABBREVIATIONS:
        if name.startswith(full):
            name = abbr + name[len(full):]
            break
    return name[:limit]


def row(label: str, value: str, color: str | None = None) -> dict:
    """A label on the left, a value on the right."""
    right = txt(value, align="end", weight="bold", **({"color": color} if color else {}))
    return {"type": "box", "layout": "horizontal", "contents": [txt(label, color=GREY, flex=3), {**right, "flex": 2}]}


def drill(query: str, unit: Unit) -> dict:
    """The button that opens the same query for a unit one level down."""
    return postback("ดูรายละเอียด", OFFICIAL_VIEW, f"{TITLES[query]} {unit.name}"[:300], q=query, l=unit.level, u=unit.code)


def carousel(query: str, scope: Scope, day: date, summary: list[dict], cards: list[dict], page: int,
             quick: list[dict]) -> dict:
    """The Flex message: a summary bubble, one page of unit cards, and a "ถัดไป" bubble when more remain."""
    shown = cards[page * PAGE:(page + 1) * PAGE]
    pages = max((len(cards) + PAGE - 1) // PAGE, 1)
    where = f"{LEVEL_LABEL[scope.level]} {scope.unit.name}"
    head = f"{thai_date(day)} · หน้า {page + 1}/{pages}" if pages > 1 else thai_date(day)
    contents = [bubble(f"{TITLES[query]}", f"{where}\n{head}", summary)] + shown
    if (page + 1) * PAGE < len(cards):
        more = postback("ถัดไป", OFFICIAL_VIEW, f"{TITLES[query]} (หน้า {page + 2})", q=query, l=scope.level,
                        u=scope.unit.code, p=page + 1)
        contents.append(bubble("ยังมีต่อ", f"อีก {len(cards) - (page + 1) * PAGE} รายการ", [], [more]))
    return flex_carousel(f"{TITLES[query]} {where}", contents, quick)


def note_lines(day: date) -> list[dict]:
    """A line saying the day is not a school day, if so."""
    note = q.school_day_note(day)
    return [txt(note, color=RED)] if note else []


def pct(counts: DayCounts) -> str:
    return "-" if counts.percent is None else f"{counts.percent:g}%"


def counts_lines(c: DayCounts) -> list[dict]:
    return [row("มาแล้ว", f"{c.arrived}/{c.expected}  ({pct(c)})", GREEN if not c.missing else None),
            row("ลา", str(c.on_leave)), row("ยังไม่มา", str(c.missing), RED if c.missing else None)]


def sub(scope: Scope, unit: Unit) -> bool:
    """Whether a unit is below the scope (so it can be drilled into)."""
    return unit.level != scope.level


# ── one builder per query: (summary lines, unit cards) ──

def overview_cards(scope: Scope, day: date, rows) -> tuple[list, list]:
    all_ = sum((r.counts for r in rows), DayCounts())
    cards = [bubble(r.unit.name, LEVEL_LABEL[r.unit.level], counts_lines(r.counts),
                    [drill("ov", r.unit)] if sub(scope, r.unit) else []) for r in rows]
    return note_lines(day) + counts_lines(all_), cards


def gap_line(g: q.CentreGap) -> dict:
    since = "ยังไม่เคยบันทึก" if g.last is None else (
        "บันทึกวันนี้บางส่วน" if g.days_since == 0 else f"บันทึกล่าสุด {g.days_since} วันก่อน")
    return txt(f"• {g.name}\n  ขาด: {', '.join(KIND_LABEL[k] for k in g.missing)} · {since}", size="xs")


def gap_cards(scope: Scope, day: date, rows) -> tuple[list, list]:
    n_gaps = sum(len(g) for _, g in rows)
    cards = []
    for unit, gaps in rows:
        if not gaps:
            continue
        lines = [row("ยังไม่บันทึกครบ", f"{len(gaps)}/{len(unit.centre_ids)} ศูนย์", RED)]
        lines += [gap_line(g) for g in gaps[:8]] + ([txt(f"และอีก {len(gaps) - 8} ศูนย์", size="xs")]
                                                      if len(gaps) > 8 else [])
        cards.append(bubble(unit.name, LEVEL_LABEL[unit.level], lines, [drill("gap", unit)] if sub(scope, unit) else []))
    if q.school_day_note(day):
        return note_lines(day), []
    summary = [row("ยังไม่บันทึกครบ", f"{n_gaps}/{len(scope.centre_ids)} ศูนย์", RED if n_gaps else GREEN)]
    if not n_gaps:
        summary.append(txt("ทุกศูนย์บันทึกครบแล้วค่ะ 👍", color=GREEN))
    return summary, cards


def lunch_cards(scope: Scope, day: date, rows, cfg, now) -> tuple[list, list]:
    items = [i for _, lunches in rows for i in lunches]
    done = sum(i.menu is not None for i in items)
    cards = []
    for unit, lunches in rows:
        if unit.level == "centre":
            cards += [centre_lunch_card(i, cfg, now) for i in lunches]
            continue
        recorded = [i for i in lunches if i.menu is not None]
        lines = [row("บันทึกแล้ว", f"{len(recorded)}/{len(lunches)} ศูนย์")]
        lines += [txt(f"• {i.name}: {i.menu}"[:160], size="xs") for i in recorded[:6]]
        cards.append(bubble(unit.name, LEVEL_LABEL[unit.level], lines, [drill("lunch", unit)]))
    return note_lines(day) + [row("บันทึกแล้ว", f"{done}/{len(items)} ศูนย์")], cards


def centre_lunch_card(item: q.CentreLunch, cfg, now) -> dict:
    hero, buttons = None, []
    if item.photos:
        hero = {"type": "image", "url": media_url(cfg, item.photos[0], "preview", now), "size": "full",
                "aspectRatio": "4:3", "aspectMode": "cover"}
        buttons = [{"type": "uri", "label": "ดูรูปเต็ม", "uri": media_url(cfg, item.photos[0], "original", now)}]
    menu = item.menu if item.menu is not None else "ยังไม่บันทึกเมนูวันนี้"
    lines = [txt(menu, color=None if item.menu is not None else RED)]
    if len(item.photos) > 1:
        lines.append(txt(f"รูปถาดอาหาร {len(item.photos)} รูป", size="xs", color=GREY))
    return bubble(item.name, "ศูนย์", lines, buttons, hero)


def kids_lines(s: q.ChildStats) -> list[dict]:
    sexes = {k: sum(v[k] for v in s.by_age.values()) for k in ("M", "F")}
    lines = [row("เด็กทั้งหมด", f"{s.total} คน"), row("ชาย / หญิง", f"{sexes['M']} / {sexes['F']}")]
    lines += [row(f"อายุ {band}" if band[0].isdigit() else band, f"ช {v['M']} · ญ {v['F']}")
              for band in q.AGE_BANDS if (v := s.by_age.get(band))]
    lines += [row("มีโรคประจำตัว", str(s.chronic)), row("แพ้อาหาร/ยา", str(s.allergies))]
    if not s.measured:
        return lines + [txt("ยังไม่มีข้อมูลน้ำหนักส่วนสูง", size="xs", color=GREY)]
    lines += [{"type": "separator", "margin": "sm"}, row("ชั่งวัดแล้ว", f"{s.measured} คน"),
              row("สูงดีสมส่วน", str(s.good), GREEN)]
    lines += [row(name, str(n), RED if name in ("ผอม", "เตี้ย", "อ้วน") else None)
              for name, n in list(s.wfh.items()) + list(s.hfa.items()) if name not in ("สมส่วน", "ส่วนสูงตามเกณฑ์")]
    if s.over_60:
        lines.append(row("เกิน 60 เดือน*", str(s.over_60)))
        lines.append(txt("*ประเมินด้วยเกณฑ์อ้างอิง WHO 2007 (5–19 ปี)", size="xxs", color=GREY))
    return lines


def kids_cards(scope: Scope, day: date, rows) -> tuple[list, list]:
    cards = []
    for unit, stats in rows:
        buttons = [drill("kids", unit)] if sub(scope, unit) else []
        if unit.level == "centre" and (stats.chronic or stats.allergies):
            buttons.append(postback("เด็กที่ต้องดูแลพิเศษ", OFFICIAL_HEALTH, f"เด็กที่ต้องดูแลพิเศษ {unit.name}"[:300],
                                    u=unit.code))
        cards.append(bubble(unit.name, LEVEL_LABEL[unit.level], kids_lines(stats), buttons))
    total = q.ChildStats(total=sum(s.total for _, s in rows), chronic=sum(s.chronic for _, s in rows),
                         allergies=sum(s.allergies for _, s in rows))
    return [row("เด็กทั้งหมด", f"{total.total} คน"), row("มีโรคประจำตัว", str(total.chronic)),
            row("แพ้อาหาร/ยา", str(total.allergies))], cards


def last_text(last: date | None, day: date) -> str:
    if last is None:
        return "ยังไม่เคยบันทึก"
    return "วันนี้" if last == day else thai_date(last)


def record_text(t: q.TeacherLast) -> str:
    """A teacher's own record in a few words: position, training hours, COVID-19 doses."""
    return f"{t.position or 'ไม่ระบุตำแหน่ง'} · อบรม {t.training_hours:g} ชม. · วัคซีนโควิด {t.covid_doses} เข็ม"


def teacher_cards(scope: Scope, day: date, rows) -> tuple[list, list]:
    cards = []
    for unit, people in rows:
        quiet = sum(q.is_quiet(t, day) for t in people)
        lines = [row("ครู/หัวหน้าศูนย์", f"{len(people)} คน"), row("บันทึกวันนี้", str(sum(t.last == day for t in people))),
                 row(f"ไม่บันทึก ≥ {q.QUIET_DAYS} วัน", str(quiet), RED if quiet else None)]
        if unit.level == "centre":
            lines += [txt(f"• {t.name}: {last_text(t.last, day)}\n  {record_text(t)}", size="xs",
                          **({"color": RED} if q.is_quiet(t, day) else {})) for t in people[:15]]
        cards.append(bubble(unit.name, LEVEL_LABEL[unit.level], lines, [drill("tch", unit)] if sub(scope, unit) else []))
    everyone = [t for _, people in rows for t in people]
    quiet = sum(q.is_quiet(t, day) for t in everyone)
    return [row("ครูทั้งหมด", f"{len(everyone)} คน"),
            row(f"ไม่บันทึก ≥ {q.QUIET_DAYS} วัน", str(quiet), RED if quiet else None)], cards


def alert_cards(scope: Scope, day: date, rows) -> tuple[list, list]:
    cards = []
    for unit, c in rows:
        buttons = [drill("alr", unit)] if sub(scope, unit) and c.total else []
        if unit.level == "centre" and c.total:
            buttons.append(postback("ดูรายการแจ้งเตือน", OFFICIAL_ALERTS, f"รายการแจ้งเตือน {unit.name}"[:300], u=unit.code))
        cards.append(bubble(unit.name, LEVEL_LABEL[unit.level], alert_lines(c), buttons))
    all_ = q.AlertCounts(sum(c.total for _, c in rows), sum(c.urgent for _, c in rows),
                         sum(c.acknowledged for _, c in rows))
    summary = alert_lines(all_)
    if not all_.total:
        summary.append(txt("วันนี้ไม่มีการแจ้งเตือนค่ะ", color=GREEN))
    return summary, cards


def alert_lines(c: q.AlertCounts) -> list[dict]:
    return [row("แจ้งเตือน", str(c.total)), row("ด่วน", str(c.urgent), RED if c.urgent else None),
            row("รับทราบแล้ว", str(c.acknowledged)), row("ยังไม่รับทราบ", str(c.open), RED if c.open else None)]


def quota_lines(reading: dict | None, held: list[str]) -> list[dict]:
    """This month's LINE messages: used of the quota, and what the quota guard holds back (shown with alerts)."""
    if not reading:
        return []
    limit = reading.get("limit")
    lines = [{"type": "separator", "margin": "md"},
             row("ข้อความ LINE เดือนนี้", f"{reading['used']:,}" + (f"/{limit:,}" if limit else ""))]
    if held:
        lines.append(txt("งดส่ง: " + ", ".join(quota.LABEL[c] for c in held) + " (สำรองไว้แจ้งเตือนความปลอดภัย)",
                         color=RED, size="xs"))
    return lines
