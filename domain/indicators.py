"""The 20 evaluation indicators as data, and the grouped queries that measure them for many centres at once.

`DEFINITIONS` is the one table of indicators (`flask --app bot evaluate --definitions` prints it). Each row
names the measure (a function in `MEASURES`) that returns, per centre id, the value (a percentage, or None
when the indicator does not apply to that centre this month) and the day of its latest record (None for a
state such as "guardians linked"). domain.evaluation turns values into done / current, the group and stars.

Standard items are those of the national early-childhood standard (มาตรฐานสถานพัฒนาเด็กปฐมวัยแห่งชาติ
พ.ศ. 2562): 1 = the centre's management, 2 = the caregivers' care and learning experiences, 3 = the child's
quality. I09 reads the vaccine doses against the versioned EPI schedule (domain.vaccines); I17 the staff
records teachers keep in the chat ("ข้อมูลของฉัน").
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from domain.expected import expected_counts
from domain.vaccines import children_overdue
from models import (Activity, Alert, Attendance, Centre, Child, ChildGuardian, Complaint, Consent, Guardian,
                    LineGroup, Lunch, Media, Measurement, Staff, SurveyAnswer, VanTrip)


@dataclass(frozen=True)
class Indicator:
    """One row of the definitions table."""

    code: str
    name: str  # Thai, as officials read it
    formula: str
    period: str
    source: str
    standard: str
    target: float  # done when value ≥ target (a percentage); a value of None (not applicable) is done
    fresh_days: int | None  # current when the latest record is within this many school days; None: a state


DAILY = "วันเรียนของเดือน"
STATE = "สถานะ ณ สิ้นเดือน"
DEFINITIONS: tuple[Indicator, ...] = (
    Indicator("I01", "เช็คชื่อเด็กทุกวันเรียน", "วันเรียนที่มีการเช็คชื่อ ÷ วันเรียนของเดือน × 100", DAILY,
              "attendance", "1.4 สภาพแวดล้อมเพื่อความปลอดภัย", 80, 3),
    Indicator("I02", "ตรวจสุขภาพเด็กประจำวัน", "เด็กที่มาและได้ตรวจสุขภาพ ÷ เด็กที่มาทั้งหมด × 100", DAILY,
              "attendance.health", "2.2 ส่งเสริมพัฒนาการด้านร่างกายและดูแลสุขภาพ", 80, 3),
    Indicator("I03", "บันทึกเมนูอาหารกลางวัน", "วันเรียนที่บันทึกเมนู ÷ วันเรียนของเดือน × 100", DAILY,
              "lunches", "1.5 การจัดการเพื่อส่งเสริมสุขภาพและการเรียนรู้", 80, 3),
    Indicator("I04", "รูปถาดอาหารกลางวัน", "มื้อที่มีรูปถาดอาหาร ÷ มื้อที่บันทึก × 100", DAILY,
              "lunches + media", "1.5 การจัดการเพื่อส่งเสริมสุขภาพและการเรียนรู้", 80, 3),
    Indicator("I05", "กิจกรรมพร้อมภาพถ่าย", "วันเรียนที่มีกิจกรรม ÷ วันเรียนของเดือน × 100", DAILY,
              "activities", "2.1 การดูแลและพัฒนาเด็กอย่างรอบด้าน", 60, 5),
    Indicator("I06", "กิจกรรมครบด้านพัฒนาการ", "ด้านพัฒนาการที่ติดป้ายในเดือน ÷ 4 ด้าน × 100", "เดือน",
              "activities.domain", "2.3 ส่งเสริมพัฒนาการด้านสติปัญญา ภาษาและการสื่อสาร", 75, None),
    Indicator("I07", "อัตราการมาเรียน", "เด็กที่มา ÷ เด็กที่คาดว่าจะมา (หักลา) ทุกวันเรียน × 100", DAILY,
              "attendance + absences", "1.1 การบริหารจัดการอย่างเป็นระบบ", 80, 3),
    Indicator("I08", "ชั่งน้ำหนักวัดส่วนสูงเดือนนี้", "เด็กที่ชั่งวัดในเดือน ÷ เด็กทั้งหมด × 100", "เดือน",
              "measurements", "3 คุณภาพเด็ก: การเจริญเติบโต", 80, None),
    Indicator("I09", "วัคซีนตามวัย", "เด็กที่ไม่มีวัคซีนค้าง ÷ เด็กทั้งหมด × 100", STATE,
              "vaccine_doses + domain.vaccines (EPI 2566)", "2.2 ส่งเสริมพัฒนาการด้านร่างกายและดูแลสุขภาพ", 80, None),
    Indicator("I10", "ข้อมูลเด็กครบถ้วน", "เด็กที่มีห้องเรียน ที่อยู่ วันเกิด ÷ เด็กทั้งหมด × 100", STATE,
              "children", "1.1 การบริหารจัดการอย่างเป็นระบบ", 90, None),
    Indicator("I11", "ผู้ปกครองเชื่อม LINE", "เด็กที่มีผู้ปกครองเชื่อม LINE ÷ เด็กทั้งหมด × 100", STATE,
              "child_guardians + guardians", "1.6 การมีส่วนร่วมของครอบครัวและชุมชน", 70, None),
    Indicator("I12", "กลุ่ม LINE ผู้ปกครอง", "มีกลุ่มผู้ปกครองที่เชื่อมกับศูนย์ = 100, ไม่มี = 0", STATE,
              "line_groups", "1.6 การมีส่วนร่วมของครอบครัวและชุมชน", 100, None),
    Indicator("I13", "ความยินยอมรูปภาพ (PDPA)", "เด็กที่ผู้ปกครองตอบเรื่องความยินยอมแล้ว ÷ เด็กทั้งหมด × 100", STATE,
              "consents", "1.1 การบริหารจัดการอย่างเป็นระบบ", 80, None),
    Indicator("I14", "ตรวจรถรับส่งว่างทุกเที่ยว", "เที่ยวรถที่ยืนยัน \"รถว่างแล้ว\" ÷ เที่ยวรถทั้งหมด × 100 "
              "(ไม่มีรถ = ไม่ประเมิน)", DAILY, "van_trips", "1.4 สภาพแวดล้อมเพื่อความปลอดภัย", 100, 3),
    Indicator("I15", "รับทราบการแจ้งเตือนทันเวลา", "การแจ้งเตือนที่รับทราบก่อนส่งต่อ ÷ การแจ้งเตือนทั้งหมด × 100 "
              "(ไม่มีการแจ้งเตือน = ไม่ประเมิน)", DAILY, "alerts", "1.4 สภาพแวดล้อมเพื่อความปลอดภัย", 90, None),
    Indicator("I16", "หัวหน้าศูนย์ลงทะเบียน", "มีหัวหน้าศูนย์ลงทะเบียนใน LINE = 100, ไม่มี = 0", STATE,
              "staff", "1.3 การบริหารจัดการบุคลากร", 100, None),
    Indicator("I17", "ข้อมูลบุคลากรครบถ้วน", "ครูและหัวหน้าศูนย์ที่มีตำแหน่ง วุฒิ และชั่วโมงอบรม ÷ ครูทั้งหมด × 100", STATE,
              "staff (position, qualification, training_hours)", "1.3 การบริหารจัดการบุคลากร", 90, None),
    Indicator("I18", "ครูบันทึกสม่ำเสมอ", "ครูที่บันทึกใน 5 วันเรียนล่าสุด ÷ ครูที่ลงทะเบียน × 100", DAILY,
              "attendance + lunches + activities", "1.3 การบริหารจัดการบุคลากร", 80, 5),
    Indicator("I19", "ผู้ปกครองตอบแบบสอบถาม", "คำตอบรอบล่าสุดใน 12 เดือน ÷ เด็กทั้งหมด × 100 "
              "(ยังไม่เปิดรอบ = ไม่ประเมิน)", "รอบสำรวจล่าสุด", "survey_answers", "1.6 การมีส่วนร่วมของครอบครัวและชุมชน",
              30, None),
    Indicator("I20", "ตอบเรื่องร้องเรียนภายใน 3 วัน", "เรื่องที่รับเรื่องแล้ว ÷ เรื่องที่แจ้งมาเกิน 3 วัน × 100 "
              "(ไม่มีเรื่อง = ไม่ประเมิน)", "เดือน", "complaints", "1.6 การมีส่วนร่วมของครอบครัวและชุมชน", 100, None),
)
BY_CODE = {d.code: d for d in DEFINITIONS}
LEARNING_DOMAINS = 4  # ร่างกาย อารมณ์-จิตใจ สังคม สติปัญญา (notify.parent_news.DOMAINS adds DSPM areas; any 4 count)


@dataclass
class Month:
    """What every measure needs: the centres, the period (first day .. last day evaluated), their school days."""

    session: object
    centre_ids: list[int]
    first: date
    last: date
    days: dict[int, list[date]]  # centre id → its school days in the period (closures applied)


Found = dict[int, tuple[float | None, date | None]]  # centre id → (value, latest record day)


def pct(part: float, whole: float) -> float | None:
    """part ÷ whole × 100, one decimal (None when whole is 0)."""
    return round(100 * part / whole, 1) if whole else None


def _in_period(model, m: Month):
    return model.centre_id.in_(m.centre_ids), model.day >= m.first, model.day <= m.last


def _active_children(m: Month) -> dict[int, int]:
    return dict(m.session.execute(select(Child.centre_id, func.count()).where(
        Child.centre_id.in_(m.centre_ids), Child.active).group_by(Child.centre_id)).all())


def _days_with(model, m: Month) -> Found:
    """Share of each centre's school days with at least one row of `model`, and the latest such day."""
    rows = m.session.execute(select(model.centre_id, model.day).where(*_in_period(model, m))
                             .group_by(model.centre_id, model.day)).all()
    seen = defaultdict(set)
    for cid, day in rows:
        seen[cid].add(day)
    return {c: (pct(len(seen[c] & set(m.days[c])), len(m.days[c])) if m.days[c] else None,
                max(seen[c], default=None)) for c in m.centre_ids}


def checkins(m: Month) -> Found:
    """I01: share of school days with at least one check-in."""
    return _days_with(Attendance, m)


def health_checks(m: Month) -> Found:
    """I02: share of arrivals with a health check."""
    rows = m.session.execute(select(Attendance.centre_id, func.count(), func.count(Attendance.health),
                                    func.max(Attendance.day).filter(Attendance.health.is_not(None)))
                             .where(*_in_period(Attendance, m)).group_by(Attendance.centre_id))
    got = {cid: (pct(checked, n), last) for cid, n, checked, last in rows}
    return {c: got.get(c, (None if not m.days[c] else 0.0, None)) for c in m.centre_ids}


def _lunches(m: Month) -> dict[int, list[tuple[date, int]]]:
    rows = m.session.execute(select(Lunch.centre_id, Lunch.day, func.count(Media.id))
                             .outerjoin(Media, Media.lunch_id == Lunch.id).where(*_in_period(Lunch, m))
                             .group_by(Lunch.centre_id, Lunch.day))
    found = defaultdict(list)
    for cid, day, photos in rows:
        found[cid].append((day, photos))
    return found


def lunch_menus(m: Month) -> Found:
    """I03: share of school days with a lunch recorded."""
    return _days_with(Lunch, m)


def lunch_photos(m: Month) -> Found:
    """I04: share of recorded lunches with a tray photo (none recorded: 0 on a month with school days)."""
    found = _lunches(m)
    out = {}
    for c in m.centre_ids:
        with_photo = [d for d, n in found[c] if n]
        value = pct(len(with_photo), len(found[c])) if found[c] else (0.0 if m.days[c] else None)
        out[c] = (value, max(with_photo, default=None))
    return out


def activities(m: Month) -> Found:
    """I05: share of school days with an activity post."""
    return _days_with(Activity, m)


def learning_domains(m: Month) -> Found:
    """I06: learning domains tagged on the month's activities, of 4."""
    rows = m.session.execute(select(Activity.centre_id, func.count(func.distinct(Activity.domain)))
                             .where(*_in_period(Activity, m), Activity.domain != "").group_by(Activity.centre_id))
    got = dict(rows.all())
    return {c: (pct(min(got.get(c, 0), LEARNING_DOMAINS), LEARNING_DOMAINS) if m.days[c] else None, None)
            for c in m.centre_ids}


def attendance_rate(m: Month) -> Found:
    """I07: arrivals of expected children over the month's school days."""
    expected, arrived, last = defaultdict(int), defaultdict(int), {}
    for day in sorted({d for days in m.days.values() for d in days}):
        for cid, counts in expected_counts(m.session, m.centre_ids, day).items():
            if day in m.days[cid]:
                expected[cid] += counts.expected
                arrived[cid] += min(counts.arrived, counts.expected)
                if counts.arrived:
                    last[cid] = day
    return {c: (pct(arrived[c], expected[c]), last.get(c)) for c in m.centre_ids}


def growth_measured(m: Month) -> Found:
    """I08: share of active children weighed and measured in the month."""
    rows = m.session.execute(select(Child.centre_id, func.count(func.distinct(Measurement.child_id)),
                                    func.max(Measurement.measured_on))
                             .join(Measurement, Measurement.child_id == Child.id)
                             .where(Child.centre_id.in_(m.centre_ids), Child.active, Measurement.measured_on >= m.first,
                                    Measurement.measured_on <= m.last).group_by(Child.centre_id))
    got = {cid: (n, last) for cid, n, last in rows}
    active = _active_children(m)
    return {c: (pct(got.get(c, (0, None))[0], active.get(c, 0)), got.get(c, (0, None))[1]) for c in m.centre_ids}


def vaccines_up_to_date(m: Month) -> Found:
    """I09: share of active children with no overdue EPI dose at the period's end (domain.vaccines' catch-up rule)."""
    overdue, active = children_overdue(m.session, m.centre_ids, m.last), _active_children(m)
    return {c: (pct(active.get(c, 0) - overdue.get(c, 0), active.get(c, 0)), None) for c in m.centre_ids}


def staff_records(m: Month) -> Found:
    """I17: share of active teachers and heads whose record has a position, a qualification and training hours."""
    rows = m.session.execute(select(Staff.centre_id, func.count(), func.count().filter(
        Staff.position != "", Staff.qualification != "", Staff.training_hours > 0))
        .where(Staff.centre_id.in_(m.centre_ids), Staff.active, Staff.role.in_(("teacher", "head")))
        .group_by(Staff.centre_id)).all()
    got = {cid: pct(complete, n) for cid, n, complete in rows}
    return {c: (got.get(c), None) for c in m.centre_ids}


def child_records(m: Month) -> Found:
    """I10: share of active children with a classroom and an address."""
    rows = m.session.execute(select(Child.centre_id, func.count().filter(Child.classroom_id.is_not(None),
                                                                         Child.address != ""))
                             .where(Child.centre_id.in_(m.centre_ids), Child.active).group_by(Child.centre_id))
    got, active = dict(rows.all()), _active_children(m)
    return {c: (pct(got.get(c, 0), active.get(c, 0)), None) for c in m.centre_ids}


def guardians_linked(m: Month) -> Found:
    """I11: share of active children with at least one guardian linked in LINE."""
    rows = m.session.execute(select(Child.centre_id, func.count(func.distinct(Child.id)))
                             .join(ChildGuardian, ChildGuardian.child_id == Child.id)
                             .join(Guardian, Guardian.id == ChildGuardian.guardian_id)
                             .where(Child.centre_id.in_(m.centre_ids), Child.active, Guardian.line_user_id.is_not(None))
                             .group_by(Child.centre_id))
    got, active = dict(rows.all()), _active_children(m)
    return {c: (pct(got.get(c, 0), active.get(c, 0)), None) for c in m.centre_ids}


def parent_group(m: Month) -> Found:
    """I12: the centre has a parent group bound to it."""
    bound = set(m.session.scalars(select(LineGroup.centre_id).where(LineGroup.centre_id.in_(m.centre_ids),
                                                                   LineGroup.left_at.is_(None))))
    return {c: (100.0 if c in bound else 0.0, None) for c in m.centre_ids}


def consents(m: Month) -> Found:
    """I13: share of active children whose photo consent is recorded (granted or refused)."""
    rows = m.session.execute(select(Child.centre_id, func.count(func.distinct(Child.id)))
                             .join(Consent, Consent.child_id == Child.id)
                             .where(Child.centre_id.in_(m.centre_ids), Child.active, Consent.kind == "photo")
                             .group_by(Child.centre_id))
    got, active = dict(rows.all()), _active_children(m)
    return {c: (pct(got.get(c, 0), active.get(c, 0)), None) for c in m.centre_ids}


def van_checks(m: Month) -> Found:
    """I14: share of van trips ended with "รถว่างแล้ว" (no trips: not applicable)."""
    rows = m.session.execute(select(VanTrip.centre_id, func.count(), func.count(VanTrip.empty_at),
                                    func.max(VanTrip.day).filter(VanTrip.empty_at.is_not(None)))
                             .where(*_in_period(VanTrip, m)).group_by(VanTrip.centre_id))
    got = {cid: (pct(empty, n), last) for cid, n, empty, last in rows}
    return {c: got.get(c, (None, None)) for c in m.centre_ids}


def alerts_in_time(m: Month) -> Found:
    """I15: share of alerts acknowledged within the centre's escalation minutes (no alerts: not applicable)."""
    minutes = dict(m.session.execute(select(Centre.id, Centre.escalate_minutes).where(Centre.id.in_(m.centre_ids))).all())
    rows = m.session.execute(select(Alert.centre_id, Alert.raised_at, Alert.acknowledged_at).where(*_in_period(Alert, m)))
    total, in_time = defaultdict(int), defaultdict(int)
    for cid, raised, acked in rows:
        total[cid] += 1
        in_time[cid] += acked is not None and acked - raised <= timedelta(minutes=minutes[cid])
    return {c: (pct(in_time[c], total[c]), None) for c in m.centre_ids}


def head_registered(m: Month) -> Found:
    """I16: an active head is registered in LINE."""
    heads = set(m.session.scalars(select(Staff.centre_id).where(Staff.centre_id.in_(m.centre_ids), Staff.active,
                                                               Staff.role == "head", Staff.line_user_id.is_not(None))))
    return {c: (100.0 if c in heads else 0.0, None) for c in m.centre_ids}


def teachers_recording(m: Month) -> Found:
    """I18: share of registered teachers and heads who recorded anything in the centre's last 5 school days."""
    staff = m.session.execute(select(Staff.centre_id, Staff.line_user_id).where(
        Staff.centre_id.in_(m.centre_ids), Staff.active, Staff.role.in_(("teacher", "head")),
        Staff.line_user_id.is_not(None))).all()
    last_by: dict[str, date] = {}
    for model, who in ((Attendance, Attendance.arrived_by), (Lunch, Lunch.recorded_by), (Activity, Activity.posted_by)):
        for uid, day in m.session.execute(select(who, func.max(model.day)).where(*_in_period(model, m)).group_by(who)):
            last_by[uid] = max(day, last_by.get(uid, day))
    people, recent = defaultdict(int), defaultdict(int)
    newest: dict[int, date] = {}
    for cid, uid in staff:
        people[cid] += 1
        since = m.days[cid][-5] if len(m.days[cid]) >= 5 else (m.days[cid] or [m.last])[0]
        day = last_by.get(uid)
        recent[cid] += day is not None and day >= since
        if day and (cid not in newest or day > newest[cid]):
            newest[cid] = day
    return {c: (pct(recent[c], people[c]) if people[c] else 0.0, newest.get(c)) for c in m.centre_ids}


def survey_response(m: Month) -> Found:
    """I19: answers to the latest round (opened within 12 months before the period end) ÷ active children."""
    from domain.survey import rounds_covering

    answered: dict[int, int] = {}
    covering = rounds_covering(m.session, m.centre_ids, m.last - timedelta(days=365), m.last)
    if covering:
        rows = m.session.execute(select(SurveyAnswer.round_id, SurveyAnswer.centre_id, func.count()).where(
            SurveyAnswer.round_id.in_(set(covering.values()))).group_by(SurveyAnswer.round_id, SurveyAnswer.centre_id))
        for round_id, cid, n in rows:
            if covering.get(cid) == round_id:
                answered[cid] = n
    active = _active_children(m)
    return {c: (pct(answered.get(c, 0), active.get(c, 0)) if c in covering else None, None) for c in m.centre_ids}


def complaints_answered(m: Month) -> Found:
    """I20: complaints of the month at least 3 days old that were taken up (no such complaint: not applicable)."""
    from datetime import datetime, time, timezone

    upto = datetime.combine(m.last - timedelta(days=3), time.max, timezone.utc)
    since = datetime.combine(m.first, time.min, timezone.utc)
    rows = m.session.execute(select(Complaint.centre_id, func.count(), func.count().filter(Complaint.status != "new"))
                             .where(Complaint.centre_id.in_(m.centre_ids), Complaint.created_at >= since,
                                    Complaint.created_at <= upto).group_by(Complaint.centre_id))
    got = {cid: pct(taken, n) for cid, n, taken in rows}
    return {c: (got.get(c), None) for c in m.centre_ids}


MEASURES = {"I01": checkins, "I02": health_checks, "I03": lunch_menus, "I04": lunch_photos, "I05": activities,
            "I06": learning_domains, "I07": attendance_rate, "I08": growth_measured, "I09": vaccines_up_to_date,
            "I10": child_records, "I11": guardians_linked, "I12": parent_group, "I13": consents, "I14": van_checks,
            "I15": alerts_in_time, "I16": head_registered, "I17": staff_records, "I18": teachers_recording,
            "I19": survey_response, "I20": complaints_answered}
