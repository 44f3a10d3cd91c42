"""One-time codes: role invites, parent-link codes (role 'parent', scope = child code), group-link codes."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.keys import Keyring
from models import Centre, Child, District, Invite, InviteAttempt, Lao, Province
from models.identity import ROLES

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and retyped
CODE_RE = re.compile(r"^[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}$")
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(minutes=15)
SCOPE_MODEL = {"teacher": Centre, "head": Centre, "driver": Centre, "group": Centre, "lao": Lao,
               "district": District, "province": Province, "parent": Child}


class InviteError(Exception):
    """A code that cannot be used; `reason` is one of unknown, used, expired, limited."""

    def __init__(self, reason: str, invite: Invite | None = None, wait_minutes: int = 0):
        super().__init__(reason)
        self.reason, self.invite, self.wait_minutes = reason, invite, wait_minutes


def looks_like_code(text: str | None) -> bool:
    """Whether a message is shaped like a code (8 letters/digits, optional dash)."""
    return bool(text and CODE_RE.match(text.strip()))


def _digest(code: str, key: bytes) -> str:
    clean = re.sub(r"[-\s]", "", code).upper()
    return hmac.new(key, clean.encode(), hashlib.sha256).hexdigest()


def create_invite(session: Session, role: str, scope_code: str, keys: Keyring, now: datetime, *,
                  days: float = 7, created_by: str = "cli") -> str:
    """Store a new single-use code (only its hash is kept) and return it as 'ABCD-EFGH'."""
    if role not in ROLES + ("group",):
        raise ValueError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")
    model = SCOPE_MODEL[role]
    if session.scalar(select(model.id).where(model.code == scope_code)) is None:
        raise ValueError(f"unknown scope '{scope_code}' for role {role} (expected a {model.__tablename__} code)")
    code = "".join(secrets.choice(ALPHABET) for _ in range(8))
    session.add(Invite(code_hash=_digest(code, keys.derive("invite")), kind="group" if role == "group" else "role", role=role,
                       scope_code=scope_code, created_by=created_by, created_at=now,
                       expires_at=now + timedelta(days=days)))
    session.flush()
    return f"{code[:4]}-{code[4:]}"


def failures_wait(session: Session, line_user_id: str, now: datetime) -> int:
    """Minutes a user must wait before trying another code (0 when not rate-limited)."""
    since = now - FAILURE_WINDOW
    times = session.scalars(select(InviteAttempt.at).where(
        InviteAttempt.line_user_id == line_user_id, InviteAttempt.at > since).order_by(InviteAttempt.at)).all()
    if len(times) < MAX_FAILURES:
        return 0
    return max(1, int((times[-MAX_FAILURES] + FAILURE_WINDOW - now).total_seconds() // 60) + 1)


def find_invite(session: Session, code: str, line_user_id: str, keys: Keyring, now: datetime) -> Invite:
    """The usable invite for `code`, or InviteError; failed tries count toward the rate limit."""
    wait = failures_wait(session, line_user_id, now)
    if wait:
        raise InviteError("limited", wait_minutes=wait)
    hashes = [_digest(code, key) for key in keys.candidates("invite")]  # codes issued before a key rotation too
    invite = session.scalar(select(Invite).where(Invite.code_hash.in_(hashes)).with_for_update())
    reason = None if invite else "unknown"
    if invite and invite.used_at is not None:
        reason = "used"
    elif invite and invite.expires_at <= now:
        reason = "expired"
    if reason:
        session.add(InviteAttempt(line_user_id=line_user_id, at=now))
        raise InviteError(reason, invite)
    return invite


def mark_used(invite: Invite, line_user_id: str, now: datetime) -> None:
    """Spend an invite."""
    invite.used_at, invite.used_by = now, line_user_id

