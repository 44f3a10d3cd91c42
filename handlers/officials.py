"""Officials and centre heads ask about their scope in 1:1: six dashboards, drill-down, paging, reports.

Every answer goes through domain.scope: the asker's scope is resolved from the database, and any unit
named in a postback (which can be forged) is accepted only if it lies inside that scope; a refusal is
audited. Views that name children write the audit log.
"""
from __future__ import annotations

from datetime import date, timedelta

from notify import quota
from bot.actions import OFFICIAL_ALERTS, OFFICIAL_HEALTH, OFFICIAL_REPORT, OFFICIAL_VIEW
from bot.messages import postback, say, text
from bot.router import Router
from bot.signed import signed_url
from domain import dashboards as q
from domain.alerts import KINDS as ALERT_KINDS, RESOLUTIONS
from domain.audit import audit
from domain.consent import has_consent
from domain.names import label
from domain.report_catalog import KINDS, WIDE
from domain.reports import report_path
from domain.scope import LEVEL_LABEL, LEVELS, Scope, narrow, scope_for_actor
from domain.thai import hhmm, thai_date, thai_month
from handlers import official_views as v
from handlers.common import quick_for
from handlers.official_menu import NUDGE, QUERIES

MENU = [say(label) for label in QUERIES] + [say("รายงาน")]
NOT_ALLOWED = "ขออภัยค่ะ เมนูนี้สำหรับผู้บริหาร อปท. เจ้าหน้าที่อำเภอ/จังหวัด และหัวหน้าศูนย์เท่านั้นนะคะ"
OUT_OF_SCOPE = "ขออภัยค่ะ หน่วยงานนี้อยู่นอกขอบเขตที่คุณดูแล จึงแสดงข้อมูลไม่ได้นะคะ"


def register(router: Router) -> None:
    """The six dashboards (text or postback), the two leaf lists, and the report picker."""

    @router.on(chat="user", text="^(" + "|".join(QUERIES) + ")$")
    def asked_dashboard(ctx):
        """An official (or head) tapped a dashboard on the rich menu: answer for their whole scope."""
        scope = own_scope(ctx)
        if scope:
            answer(ctx, QUERIES[ctx.text], scope, 0)

    @router.on(chat="user", postback=OFFICIAL_VIEW)
    def tapped_drill(ctx):
        """Drill down or page: the unit in the postback must lie inside the asker's scope."""
        p = ctx.postback
        scope = requested_scope(ctx, p.get("l", ""), p.get("u", ""))
        if scope and p.get("q") in v.TITLES:
            answer(ctx, p["q"], scope, page_of(p))

    @router.on(chat="user", postback=OFFICIAL_HEALTH)
    def tapped_health_list(ctx):
        """Names and conditions of one centre's children who need special care (audited per child)."""
        scope = requested_scope(ctx, "centre", ctx.postback.get("u", ""))
        if scope:
            found = q.children_health(ctx.session, scope.centre_ids[0])
            kids = [c for c in found if has_consent(ctx.session, c.id, "health")]  # the rest: a count only
            for child in kids:
                audit(ctx.session, ctx.user_id, "view.child.health", child.code, at=ctx.now, centre=scope.unit.code)
            lines = [f"• {c.short_name} {c.first_name} {c.last_name}"
                     + (f"\n  โรคประจำตัว: {c.chronic_conditions}" if c.chronic_conditions else "")
                     + (f"\n  แพ้: {c.allergies}" if c.allergies else "") for c in kids]
            if len(found) > len(kids):
                lines.append(f"อีก {len(found) - len(kids)} คน ผู้ปกครองยังไม่ยินยอมให้แสดงข้อมูลสุขภาพ "
                             "(ครูของศูนย์ดูแลอยู่)")
            body = "\n".join(lines) if lines else "ไม่มีเด็กที่มีโรคประจำตัวหรือแพ้อาหารค่ะ"
            ctx.reply(text(f"เด็กที่ต้องดูแลพิเศษ · {scope.unit.name}\n{body}", MENU))

    @router.on(chat="user", postback=OFFICIAL_ALERTS)
    def tapped_alert_list(ctx):
        """One centre's alerts today, with the child and who acknowledged (audited per child named)."""
        scope = requested_scope(ctx, "centre", ctx.postback.get("u", ""))
        if scope:
            ctx.reply(text(alert_list_text(ctx, scope), MENU))

    @router.on(chat="user", text=r"^รายงาน$")
    def asked_report(ctx):
        """An official asked for a report: which one?"""
        scope = own_scope(ctx)
        if scope:
            ctx.reply(text("ต้องการรายงานอะไรคะ", [postback(label, OFFICIAL_REPORT, label, k=k) for k, label in KINDS.items()]))

    @router.on(chat="user", postback=OFFICIAL_REPORT)
    def tapped_report(ctx):
        """The report picker: kind → month → unit (within scope) → signed links and the chart."""
        p = ctx.postback
        own = own_scope(ctx)
        if not own:
            return
        if p.get("k") not in KINDS:
            return ctx.reply(text("ต้องการรายงานอะไรคะ", [postback(lb, OFFICIAL_REPORT, lb, k=k) for k, lb in KINDS.items()]))
        if not p.get("m"):
            return ask_month(ctx, p["k"])
        scope = requested_scope(ctx, p.get("l", own.level), p.get("u", own.unit.code), own)
        month = parse_month(p["m"])
        if scope is None:
            return None
        if month is None:
            return ask_month(ctx, p["k"])
        if p.get("go") == "1" and (scope.level in ("lao", "centre") or p["k"] in WIDE):
            return send_report(ctx, p["k"], scope, month)
        ask_unit(ctx, p["k"], p["m"], scope, page_of(p))


def own_scope(ctx) -> Scope | None:
    """The asker's scope; anyone else gets a polite refusal (and None)."""
    scope = scope_for_actor(ctx.session, ctx.actor)
    if scope is None:
        ctx.reply(text(NOT_ALLOWED, quick_for(ctx)))
    return scope


def requested_scope(ctx, level: str, code: str, own: Scope | None = None) -> Scope | None:
    """The unit a postback names, if inside the asker's scope; otherwise refuse, audit, and None."""
    own = own or own_scope(ctx)
    if own is None:
        return None
    scope = narrow(ctx.session, own, level, code) if level in LEVELS else None
    if scope is None:
        audit(ctx.session, ctx.user_id, "officials.refused", f"{level}:{code}"[:128], at=ctx.now,
              scope=f"{own.level}:{own.unit.code}", postback=ctx.raw.get("postback", {}).get("data", "")[:300])
        ctx.reply(text(OUT_OF_SCOPE, MENU))
    return scope


def page_of(p: dict) -> int:
    """The page number in a postback (0 when absent or bad)."""
    return int(p["p"]) if p.get("p", "").isdigit() and int(p["p"]) < 1000 else 0


def answer(ctx, query: str, scope: Scope, page: int) -> None:
    """Run one dashboard query for the scope and reply with its carousel."""
    day, s = ctx.today, ctx.session
    if query == "ov":
        summary, cards = v.overview_cards(scope, day, q.overview(s, scope, day))
    elif query == "gap":
        summary, cards = v.gap_cards(scope, day, q.not_recorded(s, scope, day))
    elif query == "lunch":
        summary, cards = v.lunch_cards(scope, day, q.lunches(s, scope, day), ctx.rt.cfg, ctx.now)
    elif query == "kids":
        summary, cards = v.kids_cards(scope, day, q.children_stats(s, scope, day))
    elif query == "tch":
        summary, cards = v.teacher_cards(scope, day, q.teachers(s, scope, day))
    else:
        summary, cards = v.alert_cards(scope, day, q.alert_counts(s, scope, day))
        summary += v.quota_lines(quota.reading(s, ctx.now), quota.held_back(s, ctx.now))
    page = min(page, max((len(cards) - 1) // v.PAGE, 0))
    quick = [say("เตือนศูนย์เหล่านี้", NUDGE)] + MENU if query == "gap" and cards else MENU
    ctx.reply(v.carousel(query, scope, day, summary, cards, page, quick))


def alert_list_text(ctx, scope: Scope) -> str:
    """Today's alerts of one centre as text; each child named is audited."""
    items = q.alert_list(ctx.session, scope.centre_ids[0], ctx.today)
    if not items:
        return f"วันนี้ไม่มีการแจ้งเตือนที่{scope.unit.name}ค่ะ"
    lines = [f"การแจ้งเตือนวันนี้ · {scope.unit.name}"]
    for alert, child, acker in items:
        who = f"น้อง{label(child)}" if child else f"รถ {alert.van_code}"
        if child:
            audit(ctx.session, ctx.user_id, "view.child.alert", child.code, at=ctx.now, alert=alert.id)
        level = "ด่วน " if alert.level == "urgent" else ""
        ack = (f"รับทราบ {hhmm(alert.acknowledged_at.astimezone(ctx.now.tzinfo))} โดย {acker or '-'}"
               if alert.acknowledged_at else "ยังไม่มีผู้รับทราบ")
        result = f" · {RESOLUTIONS.get(alert.resolution, alert.resolution)}" if alert.resolution else ""
        escalated = (f"\n  ส่งต่อผู้ปกครอง/อปท. {hhmm(alert.escalated_at.astimezone(ctx.now.tzinfo))}"
                     if alert.escalated_at else "")
        lines.append(f"• {hhmm(alert.raised_at.astimezone(ctx.now.tzinfo))} {level}{ALERT_KINDS.get(alert.kind, alert.kind)} "
                     f"{who}\n  {ack}{result}{escalated}")
    return "\n".join(lines)


# ── reports ──

def recent_months(today: date, n: int = 3) -> list[date]:
    """The first days of this month and the n−1 before it."""
    months, y, m = [], today.year, today.month
    for _ in range(n):
        months.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months


def parse_month(value: str) -> date | None:
    """'2026-11' → date(2026, 11, 1); None when malformed."""
    try:
        y, m = value.split("-")
        return date(int(y), int(m), 1)
    except ValueError:
        return None


def ask_month(ctx, kind: str) -> None:
    """Ask which month (this month and the two before)."""
    quick = [postback(thai_month(m), OFFICIAL_REPORT, thai_month(m), k=kind, m=m.strftime("%Y-%m"))
             for m in recent_months(ctx.today)]
    ctx.reply(text(f"{KINDS[kind]} ของเดือนไหนคะ", quick))


def ask_unit(ctx, kind: str, month: str, scope: Scope, page: int) -> None:
    """Offer this unit's report (an LAO or a centre; any unit for the area-wide kinds) and the units below it, 11 at
    a time."""
    quick = []
    if scope.level in ("lao", "centre") or kind in WIDE:
        label = {"lao": "รายงานรวม อปท.", "centre": "รายงานศูนย์นี้"}.get(scope.level,
                                                                       f"รายงานรวม{LEVEL_LABEL[scope.level]}")
        quick.append(postback(label, OFFICIAL_REPORT, f"รายงาน{scope.unit.name}"[:300], k=kind, m=month,
                              l=scope.level, u=scope.unit.code, go="1"))
    units = list(scope.units)
    for unit in units[page * 11:(page + 1) * 11]:
        quick.append(postback(v.short(unit.name), OFFICIAL_REPORT, f"{LEVEL_LABEL[unit.level]} {unit.name}"[:300],
                              k=kind, m=month, l=unit.level, u=unit.code))
    if (page + 1) * 11 < len(units):
        quick.append(postback("ถัดไป", OFFICIAL_REPORT, "ถัดไป", k=kind, m=month, l=scope.level, u=scope.unit.code,
                              p=page + 1))
    ctx.reply(text(f"{KINDS[kind]} {thai_month(parse_month(month))}\nเลือกหน่วยงานค่ะ ({LEVEL_LABEL[scope.level]} "
                   f"{scope.unit.name})", quick))


def send_report(ctx, kind: str, scope: Scope, month: date, quick: list[dict] = MENU) -> None:
    """Reply with signed, expiring links to the XLSX and the PDF, and the attendance chart as an image."""
    cfg, now = ctx.rt.cfg, ctx.now
    links = {ext: signed_url(cfg, report_path(kind, scope.level, scope.unit.code, month, ext), now)
             for ext in ("xlsx", "pdf")}
    audit(ctx.session, ctx.user_id, "report.link", f"{kind}:{scope.level}:{scope.unit.code}", at=now,
          month=month.strftime("%Y-%m"))
    body = (f"{KINDS[kind]} · {scope.unit.name} · {thai_month(month)}\n"
            f"Excel: {links['xlsx']}\nPDF: {links['pdf']}\n(ลิงก์ใช้ได้ถึง {thai_date((now + timedelta(hours=cfg.LINK_HOURS)).date())})")
    messages = [text(body, quick)]
    if kind == "attendance":
        chart = signed_url(cfg, report_path("chart", scope.level, scope.unit.code, month, "png"), now)
        messages.insert(0, {"type": "image", "originalContentUrl": chart, "previewImageUrl": chart})
    ctx.reply(*messages)

