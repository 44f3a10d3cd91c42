"""Parents' satisfaction survey: a head or an official opens a round for their scope and sees the results;
linked guardians get the first question in 1:1 and answer by tapping 5..1, then one free-text comment.

Opening a round pushes one message per guardian (billed, routine): the quota guard (notify.quota, category
"survey") decides first, and a round that would eat into the safety reserve is not sent.
"""
from __future__ import annotations

from datetime import timedelta

from notify import quota
from bot.actions import SURVEY_OPEN, SURVEY_SCORE, SURVEY_START
from bot.messages import postback, say, text
from bot.router import END, Flow, Router
from domain.scope import LEVEL_LABEL
from domain.survey import (QUESTIONS, ROUND_DAYS, SCALE, answered, latest_round, open_round, open_round_for,
                           recipients, results)
from domain.thai import thai_date
from handlers.actors import bound_centre_id, guardian
from handlers.officials import own_scope
from models import SurveyAnswer, SurveyRound

ASK = "แบบสอบถาม"
SKIP = "ไม่มีความเห็นเพิ่มเติม"
flow = Flow("survey.answer", timeout=timedelta(hours=12))


def score_buttons(step: int, **start) -> list[dict]:
    """The 5..1 buttons for question `step` (the first question's buttons also carry the round and centre)."""
    action = SURVEY_START if start else SURVEY_SCORE
    return [postback(f"{v} {SCALE[v]}", action, f"{v} {SCALE[v]}", v=v, **start) for v in SCALE]


def score_of(p: dict) -> int:
    """The tapped score, 1..5 (a forged value is clamped)."""
    return max(1, min(5, int(p["v"]))) if p.get("v", "").isdigit() else 3


def question(step: int, **start) -> dict:
    """Question `step` (0-based) with its buttons."""
    return text(f"ข้อ {step + 1}/{len(QUESTIONS) + 1} ความพึงพอใจ: {QUESTIONS[step][1]}\n(5 = มากที่สุด, 1 = น้อยที่สุด)",
                score_buttons(step, **start))


def invitation(round_: SurveyRound, centre_id: int) -> list[dict]:
    """The 1:1 message that opens a guardian's answer: why, then the first question with its buttons."""
    intro = text(f"ศูนย์ขอความเห็นจากผู้ปกครองค่ะ 🙏 แบบสอบถามความพึงพอใจ {len(QUESTIONS)} ข้อ และความเห็นเพิ่มเติม 1 ข้อ "
                 f"ตอบได้ถึง {thai_date(round_.closes_on)} (ตอบได้ครั้งเดียว)")
    return [intro, question(0, r=round_.id, c=centre_id)]


@flow.entry(chat="user", postback=SURVEY_START)
def tapped_first_score(ctx):
    """A guardian tapped a score for question 1: check the round is theirs and open, keep it, ask question 2."""
    person, p = guardian(ctx), ctx.postback
    round_ = ctx.session.get(SurveyRound, int(p["r"])) if p.get("r", "").isdigit() else None
    centre_id = int(p["c"]) if p.get("c", "").isdigit() else 0
    if person is None or round_ is None or open_round_for(ctx.session, person.id, centre_id, ctx.today) != round_:
        ctx.reply(text("แบบสอบถามนี้ปิดแล้ว หรือคุณตอบไปแล้วค่ะ ขอบคุณค่ะ 🙏"))
        return END
    ctx.save_draft(r=round_.id, c=centre_id, scores={QUESTIONS[0][0]: score_of(p)})
    ctx.reply(question(1))
    return "score"


@flow.state("score", postback=SURVEY_SCORE)
def tapped_score(ctx):
    """A score for the next question; after the last one, ask for a comment."""
    scores = dict(ctx.draft["scores"])  # a copy: the JSON column sees a new value
    scores[QUESTIONS[len(scores)][0]] = score_of(ctx.postback)
    ctx.save_draft(scores=scores)
    if len(scores) < len(QUESTIONS):
        ctx.reply(question(len(scores)))
        return "score"
    ctx.reply(text(f"ข้อ {len(QUESTIONS) + 1}/{len(QUESTIONS) + 1} มีอะไรอยากบอกศูนย์เพิ่มเติมไหมคะ พิมพ์มาได้เลย",
                   [say(SKIP)]))
    return "comment"


@flow.state("comment", text=r".")
def wrote_comment(ctx):
    """The free-text comment (or "ไม่มีความเห็นเพิ่มเติม"): save the answer once and thank the guardian."""
    person, d = guardian(ctx), ctx.draft
    if person and not answered(ctx.session, d["r"], person.id):
        ctx.session.add(SurveyAnswer(round_id=d["r"], guardian_id=person.id, centre_id=d["c"], scores=d["scores"],
                                     comment="" if ctx.text == SKIP else ctx.text.strip()[:2000], answered_at=ctx.now))
    ctx.reply(text("ขอบคุณที่ตอบแบบสอบถามค่ะ ความเห็นของคุณจะช่วยให้ศูนย์ดูแลเด็กได้ดียิ่งขึ้น 🙏"))
    return END


@flow.fallback()
def said_something_else(ctx):
    """Anything else mid-survey: say how to go on or stop."""
    ctx.reply(text("กรุณาแตะปุ่มคะแนนด้านล่างคำถามค่ะ หรือพิมพ์ \"ยกเลิก\" เพื่อหยุดตอบ (ตอบใหม่ได้ภายหลัง)",
                   [say("ยกเลิก")]))
    return ctx.conversation.state


def register(router: Router) -> None:
    """The guardian's answer flow; the results and "open a round" for heads and officials; the group's pointer."""
    router.add_flow(flow)

    @router.on(chat="group", text=f"^{ASK}$", when=lambda ctx: bound_centre_id(ctx) is not None)
    def asked_survey_in_group(ctx):
        """In a parent group: the survey is answered in 1:1, so point there (a free reply)."""
        ctx.reply(text("ผู้ปกครองตอบแบบสอบถามได้ในแชตส่วนตัวกับบอทค่ะ เปิดแชตกับบอท (เพิ่มเพื่อน) "
                       f"แล้วพิมพ์ \"{ASK}\" (ต้องเชื่อมกับบุตรหลานด้วยรหัสผู้ปกครองก่อน)"))

    @router.on(chat="user", text=f"^{ASK}$", when=lambda ctx: guardian(ctx) is not None)
    def guardian_asked_survey(ctx):
        """A guardian typed แบบสอบถาม in 1:1: the open round for their child's centre, if any."""
        person = guardian(ctx)
        for r in recipients(ctx.session, _guardian_centres(ctx, person)):
            if r.guardian_id == person.id and (found := open_round_for(ctx.session, person.id, r.centre_id, ctx.today)):
                return ctx.reply(*invitation(found, r.centre_id))
        ctx.reply(text("ตอนนี้ไม่มีแบบสอบถามที่เปิดอยู่ หรือคุณตอบไปแล้วค่ะ ขอบคุณค่ะ 🙏"))

    @router.on(chat="user", text=f"^{ASK}$")
    def asked_results(ctx):
        """A head or an official asked: the latest round's results for their scope, and "open a new round"."""
        scope = own_scope(ctx)
        if scope:
            ctx.reply(text(results_text(ctx, scope), [postback("เปิดแบบสอบถามรอบใหม่", SURVEY_OPEN), say("ผลประเมิน")]))

    @router.on(chat="user", postback=SURVEY_OPEN)
    def tapped_open_round(ctx):
        """Open a round for the asker's whole scope and send the first question to every linked guardian."""
        scope = own_scope(ctx)
        if not scope:
            return
        people = recipients(ctx.session, scope.centre_ids)
        if not quota.allows(ctx.session, "survey", len(people), ctx.now):
            return ctx.reply(text("ขออภัยค่ะ โควตาข้อความ LINE เดือนนี้เหลือน้อย จึงยังส่งแบบสอบถามไม่ได้ "
                                  "(สำรองไว้สำหรับแจ้งเตือนความปลอดภัยของเด็ก)"))
        round_ = open_round(ctx.session, scope.level, scope.unit.code, ctx.user_id, ctx.now, ctx.today)
        for r in people:
            ctx.push(r.line_user_id, *invitation(round_, r.centre_id), key=f"survey:{round_.id}:{r.guardian_id}")
        ctx.reply(text(f"เปิดแบบสอบถามแล้วค่ะ ({LEVEL_LABEL[scope.level]} {scope.unit.name}) ส่งถึงผู้ปกครองที่เชื่อม LINE "
                       f"{len(people)} คน ตอบได้ {ROUND_DAYS} วัน ถึง {thai_date(round_.closes_on)}\n"
                       f"พิมพ์ \"{ASK}\" เพื่อดูผลได้ตลอดค่ะ"))


def _guardian_centres(ctx, person) -> list[int]:
    from sqlalchemy import select

    from models import Child, ChildGuardian

    return list(ctx.session.scalars(select(Child.centre_id).join(ChildGuardian).where(
        ChildGuardian.guardian_id == person.id, Child.active).distinct()))


def results_text(ctx, scope) -> str:
    """The latest round for the scope: answers, response rate (÷ children), mean per question, per unit, comments."""
    round_ = latest_round(ctx.session, scope.level, scope.unit.code, scope.centre_ids)
    where = f"{LEVEL_LABEL[scope.level]} {scope.unit.name}"
    if round_ is None:
        return f"{where} ยังไม่เคยเปิดแบบสอบถามค่ะ แตะ \"เปิดแบบสอบถามรอบใหม่\" เพื่อส่งถึงผู้ปกครองทุกคนที่เชื่อม LINE"
    res = results(ctx.session, round_.id, scope.centre_ids)
    rate = "-" if res.rate is None else f"{res.rate:g}%"
    lines = [f"ผลแบบสอบถามความพึงพอใจ · {where}", f"รอบเปิด {thai_date(round_.opened_at.date())} ถึง "
             f"{thai_date(round_.closes_on)}", f"ตอบแล้ว {res.answers} คน จากเด็ก {res.children} คน ({rate})"]
    lines += [f"• {label}: {res.means[key]:.2f}/5" for key, label in QUESTIONS if key in res.means]
    for unit in scope.units[:10]:
        sub = results(ctx.session, round_.id, unit.centre_ids)
        lines.append(f"  {unit.name}: {sub.answers} คน ({'-' if sub.rate is None else f'{sub.rate:g}%'})")
    if res.comments:
        lines += ["ความเห็นล่าสุด:"] + [f"“{c[:200]}”" for c in res.comments[-3:]]
    return "\n".join(lines)
