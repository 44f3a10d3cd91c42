"""Evaluation and parents' voice: monthly indicator snapshots, survey rounds and answers, complaints."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JsonType, UtcDateTime, utcnow


class Evaluation(Base):
    """One centre's indicators, group and stars for one month, as last computed (officials read this)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("centre_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    result: Mapped[dict] = mapped_column(JsonType)  # domain.evaluation.CentreResult.as_dict()
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SurveyRound(Base):
    """A satisfaction survey opened by a head (one centre) or an official (their scope)."""

    __tablename__ = "survey_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))  # centre | lao | district | province
    scope_code: Mapped[str] = mapped_column(String(16), index=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closes_on: Mapped[date] = mapped_column(Date)


class SurveyAnswer(Base):
    """One guardian's answer to a round: a 1–5 score per question and one free-text comment."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("round_id", "guardian_id"), Index("ix_survey_answers_centre", "centre_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"))
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    scores: Mapped[dict] = mapped_column(JsonType, default=dict)  # question key → 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Complaint(Base):
    """A guardian's feedback or complaint, to the centre head or straight to the LAO, with a tracking number."""

    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # "R6911-0001": พ.ศ. year, month, sequence
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    to_level: Mapped[str] = mapped_column(String(8))  # head | lao
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new")  # new | seen | done
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    handled_by: Mapped[str | None] = mapped_column(String(64))
