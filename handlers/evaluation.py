"""Officials (and heads) see the month's evaluation: groups and stars across their scope, drill-down to a
centre and its 20 indicators. Scope checks go through handlers.officials (domain.scope.narrow)."""
from __future__ import annotations

from collections import Counter
from datetime import date

from bot.actions import EVALUATION, EVALUATION_CENTRE
from bot.messages import GREY, bubble, carousel, postback, say, text, txt
from bot.router import Router
from domain.evaluation import GROUPS, CentreResult, Rating, ratings, snapshots
from domain.indicators import DEFINITIONS
from domain.scope import LEVEL_LABEL, Scope
from domain.thai import thai_month
from handlers.official_views import GREEN, PAGE, RED, row, short
from handlers.officials import MENU, own_scope, page_of, parse_month, recent_months, requested_scope

ASK = "ผลประเมิน"
AMBER = "#EF6C00"
GROUP_COLOUR = {1: GREEN, 2: AMBER, 3: RED}


def register(router: Router) -> None:
    """The evaluation dashboard (rich-menu text or postback) and one centre's indicators."""

    @router.on(chat="user", text=f"^{ASK}$")
    def asked_evaluation(ctx):
        """An official tapped ผลประเมิน: groups and stars of this month so far, for their whole scope."""
        scope = own_scope(ctx)
        if scope:
            answer(ctx, scope, ctx.today.replace(day=1), 0)

    @router.on(chat="user", postback=EVALUATION)
    def tapped_evaluation(ctx):
        """Drill down, page or change month: the unit named must lie inside the asker's scope."""
        p = ctx.postback
        scope = requested_scope(ctx, p.get("l", ""), p.get("u", ""))
        month = parse_month(p.get("m", "")) or ctx.today.replace(day=1)
        if scope:
            answer(ctx, scope, month, page_of(p))

    @router.on(chat="user", postback=EVALUATION_CENTRE)
    def tapped_centre_indicators(ctx):
        """One centre's 20 indicators: value, done, current, and the reason for its stars."""
        scope = requested_scope(ctx, "centre", ctx.postback.get("u", ""))
        month = parse_month(ctx.postback.get("m", "")) or ctx.today.replace(day=1)
        if scope:
            result = snapshots(ctx.session, scope.centre_ids, month, ctx.now, ctx.today)[0]
            ctx.reply(text(indicator_text(result, month), month_quick(ctx.today, scope)))


def stars_text(n: int) -> str:
    """'★★★☆☆'."""
    return "★" * n + "☆" * (5 - n)


def answer(ctx, scope: Scope, month: date, page: int) -> None:
    """Reply with the summary bubble and one card per unit below the scope (a centre: its own card)."""
    ctx.reply(evaluation_carousel(ctx.session, scope, month, ctx.now, ctx.today, page))


def evaluation_carousel(session, scope: Scope, month: date, now, today: date, page: int) -> dict:
    """The Flex carousel of the scope's month: summary, one page of unit cards, "ถัดไป" when more remain."""
    results = {r.centre_id: r for r in ratings(session, scope.centre_ids, month, now, today)}
    units = scope.units or (scope.unit,)
    cards = [unit_card(u, [results[c] for c in u.centre_ids], month) for u in units]
    shown = cards[page * PAGE:(page + 1) * PAGE]
    head = f"{LEVEL_LABEL[scope.level]} {scope.unit.name}\n{thai_month(month)}"
    contents = [bubble(ASK, head, summary_lines(list(results.values())))] + shown
    if (page + 1) * PAGE < len(cards):
        more = postback("ถัดไป", EVALUATION, f"{ASK} (หน้า {page + 2})", l=scope.level, u=scope.unit.code,
                        m=month.strftime("%Y-%m"), p=page + 1)
        contents.append(bubble("ยังมีต่อ", f"อีก {len(cards) - (page + 1) * PAGE} รายการ", [], [more]))
    return carousel(f"{ASK} {scope.unit.name} {thai_month(month)}", contents, month_quick(today, scope))


def summary_lines(results: list[Rating]) -> list[dict]:
    """Centres per group and per star count."""
    groups, stars = Counter(r.group for r in results), Counter(r.stars for r in results)
    lines = [row(f"กลุ่ม {g}", f"{groups[g]} ศูนย์", GROUP_COLOUR[g] if groups[g] and g > 1 else None) for g in GROUPS]
    lines += [txt(f"กลุ่ม 1 {GROUPS[1]} · 2 {GROUPS[2]} · 3 {GROUPS[3]}", size="xxs", color=GREY),
              {"type": "separator", "margin": "md"}]
    lines += [row(stars_text(n), f"{stars[n]} ศูนย์") for n in range(5, 0, -1) if stars[n]]
    return lines


def unit_card(unit, results: list[Rating], month: date) -> dict:
    """A unit's card: for a centre its stars, group and reason; above that its groups and average stars."""
    m = month.strftime("%Y-%m")
    if unit.level == "centre":
        r = results[0]
        lines = [txt(stars_text(r.stars), size="lg", color=AMBER),
                 row("กลุ่ม", str(r.group), GROUP_COLOUR[r.group]), txt(r.why, size="xs")]
        button = postback("ดูตัวชี้วัด", EVALUATION_CENTRE, f"ตัวชี้วัด {unit.name}"[:300], u=unit.code, m=m)
        return bubble(unit.name, LEVEL_LABEL[unit.level], lines, [button])
    groups = Counter(r.group for r in results)
    mean = sum(r.stars for r in results) / len(results)
    lines = [row("ดาวเฉลี่ย", f"{mean:.1f}")] + [row(f"กลุ่ม {g}", f"{groups[g]} ศูนย์") for g in GROUPS]
    button = postback("ดูรายละเอียด", EVALUATION, f"{ASK} {unit.name}"[:300], l=unit.level, u=unit.code, m=m)
    return bubble(unit.name, LEVEL_LABEL[unit.level], lines, [button])


def indicator_text(r: CentreResult, month: date) -> str:
    """The 20 indicators of one centre as lines: ✅ done and current, ⚠️ not current, ❌ not done, ➖ not applicable."""
    lines = [f"{r.centre_name} · {thai_month(month)}", f"{r.why()}", ""]
    for d in DEFINITIONS:
        mark = r.marks[d.code]
        sign = "➖" if mark.value is None else "❌" if not mark.done else "⚠️" if not mark.current else "✅"
        value = "ไม่ประเมิน" if mark.value is None else f"{mark.value:g}% (เกณฑ์ {d.target:g}%)"
        lines.append(f"{sign} {d.code} {d.name}: {value}")
    lines.append("\n✅ ครบและเป็นปัจจุบัน ⚠️ ครบแต่ไม่เป็นปัจจุบัน ❌ ยังไม่ครบ ➖ ไม่เกี่ยวกับศูนย์นี้เดือนนี้")
    return "\n".join(lines)


def month_quick(today: date, scope: Scope) -> list[dict]:
    """Quick replies: this month and the two before for the same unit, then the usual menu."""
    months = [postback(short(thai_month(m)), EVALUATION, f"{ASK} {thai_month(m)}", l=scope.level, u=scope.unit.code,
                       m=m.strftime("%Y-%m")) for m in recent_months(today)]
    return months + [say(ASK)] + MENU[:8]
