"""Leave and late notices in chat: a linked guardian for their own children, a teacher or head for a parent who
phoned; 1:1 only (leave reasons are health data), always confirmed with buttons before anything is saved.

The `absence` flow keeps its draft in the conversation: who reports ("guardian" | "staff"), kind, children,
first/last day, late time, note; it asks for whatever is missing, then shows the confirmation.
"""
from __future__ import annotations

import re
from datetime import date, time

from bot.actions import LEAVE_CANCEL, LEAVE_CHILD, LEAVE_DAY, LEAVE_EDIT, LEAVE_KIND, LEAVE_OK, LEAVE_REDO, LEAVE_TIME
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.absences import KIND_LABEL, cancel_absence, late_time, record_absence, upcoming
from domain.attendance import centre_children, match_names
from domain.calendar import centre_school_days, closures_between, holiday_name
from domain.names import label
from domain.thai import WEEKDAYS, day_list, short_day
from domain.thaidates import SPAN, TIME, DateProblem, find_days, find_time, span_text
from handlers.actors import bound_centre_id, is_recorder, staff_rows, work_centre
from handlers.checkin import child_button, number, same_name
from handlers.parents import my_children, name_of
from models import Absence, Child

KIND = re.compile(r"(?:แจ้ง)?(?P<kind>ลาป่วย|ลากิจ|มาสาย)|(?:^|\s)(?:แจ้ง)?ลา(?=\s|$)")
KIND_OF_WORD = {"ลาป่วย": "sick", "ลากิจ": "personal", "มาสาย": "late"}
CANCEL_LEAVE = r"^ยกเลิก(?:การ)?(?:แจ้ง)?(?:ลา|มาสาย)$"
PARTICLES = ("นะคะ", "นะครับ", "ค่ะ", "คะ", "ครับ", "จ้า", "จ้ะ", "นะ")
FILLERS = {"ขอ", "ให้", "ด้วย", "หน่อย", "วัน", "วันที่", "ของ", "ลูก", "น้อง", "ที่", "เนื่องจาก", "เพราะ", "จะ"}
LATE_TIMES = ("09:00", "10:00", "11:00")
PRIVATE = ("การแจ้งลาและมาสายทำในแชตส่วนตัวกับบอทนะคะ (เหตุผลการลาเป็นข้อมูลส่วนตัวของเด็ก) "
           "พิมพ์ \"แจ้งลา\" ในแชตส่วนตัวได้เลยค่ะ")
NOT_LINKED = ("การแจ้งลาทำได้เฉพาะผู้ปกครองที่เชื่อมกับบุตรหลานแล้ว และครูของศูนย์ค่ะ "
              "ผู้ปกครองขอรหัสผู้ปกครองจากครู แล้วพิมพ์รหัสในแชตนี้ก่อนนะคะ")


def may_report(ctx) -> bool:
    """A teacher/head or a linked guardian, in 1:1."""
    return ctx.chat_type == "user" and (is_recorder(ctx) or bool(my_children(ctx)))


def allowed_children(ctx) -> list[Child]:
    """The children the sender may report for: a teacher's centre, else a guardian's own."""
    if is_recorder(ctx):
        return centre_children(ctx.session, work_centre(ctx).id)
    return my_children(ctx)


def words_of(rest: str) -> list[str]:
    """The words left after the kind and the days, without polite particles and fillers."""
    out = []
    for word in rest.split():
        for particle in PARTICLES:
            word = word.removesuffix(particle)
        if word and word not in FILLERS:
            out.append(word)
    return out


# --- reading what was typed ------------------------------------------------------------------------------

def absorb(ctx, typed: str) -> tuple[str, str | None]:
    """Take a time and days from `typed` into the draft; (the words left, a Thai problem or None)."""
    try:
        at, rest = find_time(typed)
        span, rest = find_days(rest, ctx.today)
    except DateProblem as problem:
        return typed, problem.reason
    if at is not None:
        ctx.save_draft(late=f"{at:%H:%M}")
    if span is not None:
        ctx.save_draft(first=span[0].isoformat(), last=span[1].isoformat())
    return rest, None


def take_names(ctx, words: list[str]) -> list[str]:
    """Resolve child names from the words (staff: the centre's names; guardian: own children); the rest is a note."""
    if not words:
        return []
    if ctx.draft.get("who") == "staff":
        matched, ambiguous, unknown = match_names(ctx.session, work_centre(ctx).id, " ".join(words))
        ctx.save_draft(kids=list(dict.fromkeys(ctx.draft.get("kids", []) + [c.id for c in matched])),
                       pending=[[c.id for c in options] for options in ambiguous])
        return unknown
    own = my_children(ctx)
    kids, note = list(ctx.draft.get("kids", [])), []
    for word in words:
        name = word.removeprefix("น้อง") or word
        found = [c for c in own if name in (c.nickname, c.first_name)]
        if found:
            kids += [c.id for c in found if c.id not in kids]
        else:
            note.append(word)
    ctx.save_draft(kids=kids, note=" ".join(note)[:200])
    return []


# --- asking for what is missing ---------------------------------------------------------------------------

def children_of(ctx, ids) -> list[Child]:
    """The draft's children that the sender may still report for, in order."""
    allowed = {c.id: c for c in allowed_children(ctx)}
    return [allowed[i] for i in ids if i in allowed]


def draft_span(ctx) -> tuple[date, date] | None:
    """The draft's first and last day, if set."""
    d = ctx.draft
    return (date.fromisoformat(d["first"]), date.fromisoformat(d["last"])) if d.get("first") else None


def why_closed(ctx, centre_id: int, day: date) -> str:
    """Why `day` is no school day at a centre: the weekend, a holiday, or the head's closure."""
    if day.weekday() >= 5:
        return f"วัน{WEEKDAYS[day.weekday()]}"
    if holiday_name(day):
        return "วันหยุดราชการ (" + holiday_name(day).split(";")[0][:40] + ")"
    closure = closures_between(ctx.session, centre_id, day, day)
    return "วันปิดศูนย์" + (f" ({closure[0].reason})" if closure and closure[0].reason else "")


def covered_days(ctx, kids: list[Child], first: date, last: date) -> list[date]:
    """The school days of the span at any of the children's centres."""
    days = set()
    for centre_id in {c.centre_id for c in kids}:
        days.update(centre_school_days(ctx.session, centre_id, first, last))
    return sorted(days)


def ask(ctx, lead: str = "") -> str:
    """Ask for the first missing piece (kind, child, days, late time) or show the confirmation; the next state."""
    d = ctx.draft
    lines = [lead] if lead else []
    if not d.get("kind"):
        lines.append("ต้องการแจ้งเรื่องอะไรคะ")
        ctx.reply(text("\n".join(lines), [postback("ลาป่วย", LEAVE_KIND, k="sick"),
                                          postback("ลากิจ", LEAVE_KIND, k="personal"),
                                          postback("มาสาย", LEAVE_KIND, k="late"), say("ยกเลิก")]))
        return "kind"
    kids = children_of(ctx, d.get("kids", []))
    pending = d.get("pending") or []
    if pending or not kids:
        return ask_child(ctx, lines, kids, pending)
    span = draft_span(ctx)
    if span is None:
        lines.append(f"{KIND_LABEL[d['kind']]}วันไหนคะ แตะปุ่ม หรือพิมพ์วันที่ เช่น \"25 พ.ย.\" หรือ \"25-27 พ.ย.\"")
        ctx.reply(text("\n".join(lines), [postback("วันนี้", LEAVE_DAY, n=0), postback("พรุ่งนี้", LEAVE_DAY, n=1),
                                          say("ยกเลิก")]))
        return "days"
    if d["kind"] == "late" and not d.get("late"):
        lines.append("คาดว่าจะมาถึงศูนย์กี่โมงคะ แตะปุ่ม หรือพิมพ์ เช่น \"9 โมงครึ่ง\"")
        ctx.reply(text("\n".join(lines), [postback(t, LEAVE_TIME, t=t) for t in LATE_TIMES] + [say("ยกเลิก")]))
        return "time"
    days = covered_days(ctx, kids, *span)
    if not days:
        first, last = span
        why = why_closed(ctx, kids[0].centre_id, first) if first == last else "ไม่มีวันเปิดเรียนเลย"
        ctx.save_draft(first=None, last=None)
        return ask(ctx, f"{span_text(first, last)} {why} ศูนย์ไม่เปิดเรียน จึงไม่ต้องแจ้งค่ะ "
                        "ไม่ได้บันทึกอะไร")
    ctx.reply(text("\n".join(lines + [confirmation(ctx, kids, span, days)]),
                   [postback("ยืนยัน", LEAVE_OK), postback("แก้ไข", LEAVE_EDIT), say("ยกเลิก")]))
    return "confirm"


def ask_child(ctx, lines: list[str], kids: list[Child], pending: list[list[int]]) -> str:
    """Ask which child: one of the same-named children (staff), one of the guardian's children, or a typed name."""
    kind = KIND_LABEL[ctx.draft["kind"]]
    options = children_of(ctx, pending[0]) if pending else []
    if options:
        lines.append(f"{same_name(options)} {kind}คนไหนคะ")
        quick = [child_button(c, LEAVE_CHILD, c.display_name) for c in options[:12]]
    elif ctx.draft.get("who") == "guardian":
        own = my_children(ctx)
        if len(own) == 1:
            ctx.save_draft(kids=[own[0].id])
            return ask(ctx, "\n".join(lines))
        lines.append(f"{kind}ให้ใครคะ")
        quick = [postback(name_of(c), LEAVE_CHILD, c=c.id) for c in own[:11]] + [postback("ทุกคน", LEAVE_CHILD, c="all")]
    else:
        lines.append(f"{kind}ให้เด็กคนไหนคะ พิมพ์ชื่อเด็ก เช่น \"ภูผา\"")
        quick = []
    ctx.reply(text("\n".join(lines), quick + [say("ยกเลิก")]))
    return "child"


def confirmation(ctx, kids: list[Child], span: tuple[date, date], days: list[date]) -> str:
    """The summary the reporter confirms: children, kind, Buddhist-era days (and which are school days)."""
    d = ctx.draft
    first, last = span
    when = span_text(first, last)
    if len(days) < (last - first).days + 1:
        when += f"\n  วันเรียนที่ครอบคลุม {len(days)} วัน: {day_list(days, 10)}"
    lines = ["กรุณาตรวจสอบก่อนบันทึกค่ะ", "เด็ก: " + ", ".join(name_of(c) for c in kids),
             f"แจ้ง: {KIND_LABEL[d['kind']]}", f"วันที่: {when}"]
    if d["kind"] == "late":
        lines.append(f"จะมาถึงประมาณ: {d['late']} น.")
    if d.get("note"):
        lines.append(f"หมายเหตุ: {d['note']}")
    if d.get("who") == "staff":
        lines.append("(ครูบันทึกแทนผู้ปกครอง)")
    if d.get("unknown"):
        lines.append("❓ ไม่พบชื่อ: " + ", ".join(d["unknown"]))
    return "\n".join(lines)


# --- the flow ---------------------------------------------------------------------------------------------

flow = Flow("absence", label="แจ้งลา")


def looks_like_day(ctx) -> bool:
    """Typed text that names a day or a time (else it is some other question and goes its own way)."""
    return bool(ctx.text and (SPAN.search(ctx.text) or TIME.search(ctx.text) or re.search(r"\d", ctx.text)))


@flow.entry(text=KIND, when=may_report)
def typed_leave(ctx):
    """'ลาป่วย พรุ่งนี้', 'ภูผา ลากิจ 25-27 พ.ย.', 'มาสาย 9 โมง', 'แจ้งลา': fill in what was said, ask for the rest."""
    found = KIND.search(ctx.text)
    ctx.save_draft(who="staff" if is_recorder(ctx) else "guardian", kind=KIND_OF_WORD.get(found.group("kind")),
                   kids=[], note="")
    rest, problem = absorb(ctx, ctx.text[:found.start()] + " " + ctx.text[found.end():])
    if found.group("kind") and not problem and draft_span(ctx) is None:  # "ลาป่วย" with no day: today
        ctx.save_draft(first=ctx.today.isoformat(), last=ctx.today.isoformat())
    unknown = take_names(ctx, words_of(rest))
    ctx.save_draft(unknown=unknown)
    lead = "\n".join(([problem] if problem else []) + [f"❓ ไม่พบชื่อ \"{w}\" ในศูนย์นี้" for w in unknown
                                                       if not ctx.draft.get("kids")])
    return ask(ctx, lead)


@flow.state("kind", postback=LEAVE_KIND)
def tapped_kind(ctx):
    """Sick, personal or late."""
    kind = ctx.postback.get("k")
    if kind in KIND_LABEL:
        ctx.save_draft(kind=kind)
    return ask(ctx)


@flow.state("child", postback=LEAVE_CHILD)
def tapped_child_for_leave(ctx):
    """One child (or all of a guardian's children); ids outside the sender's children are refused."""
    allowed = allowed_children(ctx)
    if ctx.postback.get("c") == "all" and ctx.draft.get("who") == "guardian":
        chosen = allowed
    else:
        chosen = [c for c in allowed if c.id == number(ctx, "c")]
    if not chosen:
        ctx.reply(text("แจ้งลาได้เฉพาะเด็กที่อยู่ในความดูแลของคุณค่ะ"))
        return ask(ctx)
    pending = ctx.draft.get("pending") or []
    ctx.save_draft(kids=list(dict.fromkeys(ctx.draft.get("kids", []) + [c.id for c in chosen])), pending=pending[1:])
    return ask(ctx)


@flow.state("child", text=r".")
def typed_child_name(ctx):
    """A typed child's name (and maybe days)."""
    rest, problem = absorb(ctx, ctx.text)
    unknown = take_names(ctx, words_of(rest))
    lead = problem or ("❓ ไม่พบชื่อ \"" + "\", \"".join(unknown) + "\" ค่ะ" if unknown else "")
    return ask(ctx, lead)


@flow.state("days", postback=LEAVE_DAY)
def tapped_day(ctx):
    """วันนี้ (n=0) or พรุ่งนี้ (n=1)."""
    day = date.fromordinal(ctx.today.toordinal() + min(number(ctx, "n"), 1))
    ctx.save_draft(first=day.isoformat(), last=day.isoformat())
    return ask(ctx)


@flow.state("days", text=r".", when=looks_like_day)
@flow.state("time", text=r".", when=looks_like_day)
@flow.state("confirm", text=r".", when=looks_like_day)
def typed_days(ctx):
    """Typed days and/or a time ("25-27 พ.ย.", "พรุ่งนี้ 10 โมง"): the draft takes them."""
    _, problem = absorb(ctx, ctx.text)
    if problem is None and draft_span(ctx) is None and ctx.draft.get("kind") != "late":
        problem = "ยังไม่เข้าใจวันที่ค่ะ พิมพ์เช่น \"พรุ่งนี้\", \"25 พ.ย.\" หรือ \"25-27 พ.ย.\""
    return ask(ctx, problem or "")


@flow.state("time", postback=LEAVE_TIME)
def tapped_time(ctx):
    """09:00, 10:00 or 11:00."""
    if ctx.postback.get("t") in LATE_TIMES:
        ctx.save_draft(late=ctx.postback["t"])
    return ask(ctx)


@flow.state("confirm", postback=LEAVE_EDIT)
def tapped_edit(ctx):
    """What to change: the days, the kind, the child, the time."""
    quick = [postback("เปลี่ยนวันที่", LEAVE_REDO, f="days"), postback("เปลี่ยนประเภท", LEAVE_REDO, f="kind"),
             postback("เปลี่ยนเด็ก", LEAVE_REDO, f="kids")]
    if ctx.draft.get("kind") == "late":
        quick.append(postback("เปลี่ยนเวลา", LEAVE_REDO, f="late"))
    ctx.reply(text("ต้องการแก้ไขส่วนไหนคะ (หรือพิมพ์วันที่ใหม่ได้เลย)", quick + [say("ยกเลิก")]))
    return "confirm"


@flow.state("confirm", postback=LEAVE_REDO)
def tapped_redo(ctx):
    """Forget one part of the draft and ask for it again."""
    field = ctx.postback.get("f")
    if field == "days":
        ctx.save_draft(first=None, last=None)
    elif field in ("kind", "kids", "late"):
        ctx.save_draft(**{field: [] if field == "kids" else None}, pending=[])
    return ask(ctx)


@flow.state("confirm", postback=LEAVE_OK)
def confirmed(ctx):
    """Record the leave or late notice for each child, then say what was saved."""
    d = ctx.draft
    kids, span = children_of(ctx, d.get("kids", [])), draft_span(ctx)
    if not kids or span is None:
        return ask(ctx)
    staff = d.get("who") == "staff"
    note = ("ครูบันทึกแทนผู้ปกครอง" + (f": {d['note']}" if d.get("note") else "")) if staff else d.get("note", "")
    late = time.fromisoformat(d["late"]) if d["kind"] == "late" and d.get("late") else None
    for child in kids:
        record_absence(ctx.session, child, d["kind"], *span, by=ctx.user_id, now=ctx.now, late_until=late, note=note)
    what = KIND_LABEL[d["kind"]] + (f" (ประมาณ {d['late']} น.)" if late else "")
    names = ", ".join(name_of(c) for c in kids)
    wish = "\nขอให้หายป่วยเร็ว ๆ นะคะ 🙏" if d["kind"] == "sick" and not staff else ""
    ctx.reply(text(f"บันทึก{what}ของ{names}แล้วค่ะ ✅\nวันที่: {span_text(*span)}{wish}",
                   [say("ยกเลิกการลา")]))
    return END


def record_wording(absence: Absence) -> str:
    """'ภูผา ลาป่วย 25 พ.ย. 2569 – 27 พ.ย. 2569' or 'ขิง มาสาย 10:00 น. 25 พ.ย. 2569'."""
    at = f" {late_time(absence)} น." if late_time(absence) else ""
    return f"{label(absence.child)} {KIND_LABEL[absence.kind]}{at} {span_text(absence.first_day, absence.last_day)}"


def register(router: Router) -> None:
    """The absence flow (1:1), cancelling reported leave, and polite answers elsewhere."""
    router.add_command_pattern(r"^(?:แจ้ง)?(?:ลาป่วย|ลากิจ|มาสาย)", when=may_report)  # never a menu or caption
    router.add_flow(flow)

    @router.on(chat="user", text=CANCEL_LEAVE)
    def asked_cancel_leave(ctx):
        """'ยกเลิกการลา': the current and coming leave of the sender's children, as buttons to cancel."""
        if not may_report(ctx):
            return ctx.reply(text(NOT_LINKED))
        rows = upcoming(ctx.session, [c.id for c in allowed_children(ctx)], ctx.today)
        if not rows:
            return ctx.reply(text("ไม่มีการแจ้งลาหรือมาสายที่ยังไม่ถึงกำหนดค่ะ", [say("แจ้งลา")]))
        lines = ["แตะรายการที่ต้องการยกเลิกค่ะ"] + [f"{n}. {record_wording(r)}" for n, r in enumerate(rows, 1)]
        quick = [postback(f"{n}. {label(r.child)} {short_day(r.first_day)}", LEAVE_CANCEL,
                          f"ยกเลิก {record_wording(r)}", id=r.id) for n, r in enumerate(rows, 1)]
        ctx.reply(text("\n".join(lines), quick))

    @router.on(chat="user", postback=LEAVE_CANCEL)
    def tapped_cancel_leave(ctx):
        """Cancel one reported absence, if it is of the sender's children and not over yet."""
        row = ctx.session.get(Absence, number(ctx, "id"))
        allowed = {c.id for c in allowed_children(ctx)} if may_report(ctx) else set()
        if row is None or row.child_id not in allowed:
            return ctx.reply(text("ยกเลิกได้เฉพาะการแจ้งลาของเด็กที่อยู่ในความดูแลของคุณค่ะ"))
        if row.cancelled_at is not None or row.last_day < ctx.today:
            return ctx.reply(text("รายการนี้ยกเลิกไปแล้ว หรือผ่านไปแล้วค่ะ"))
        cancel_absence(ctx.session, row, ctx.user_id, ctx.now)
        ctx.reply(text(f"ยกเลิกแล้วค่ะ: {record_wording(row)}"))

    @router.on(chat="user", text=KIND)
    def leave_from_a_stranger(ctx):
        """Somebody who is neither staff nor a linked guardian tried to report leave."""
        ctx.reply(text(NOT_LINKED))

    @router.on(chat="group", text=KIND, when=lambda ctx: bound_centre_id(ctx) is not None or bool(staff_rows(ctx)))
    def leave_in_group(ctx):
        """Leave in a group: say it is recorded in private chat (the reason is the child's private data)."""
        ctx.reply(text(PRIVATE))

    @router.on(when=lambda ctx: ctx.postback.get("a", "").startswith("ab."))
    def stale_button(ctx):
        """A button of a finished or expired leave report."""
        ctx.reply(text("รายการนี้บันทึกไปแล้วหรือหมดเวลาแล้วค่ะ หากต้องการแจ้งลาใหม่ พิมพ์ \"แจ้งลา\" ได้เลย",
                       [say("แจ้งลา")]))
