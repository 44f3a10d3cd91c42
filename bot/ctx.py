"""Ctx: what a handler gets — session, event, actor, conversation, clock, and queue-only messaging."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import Event, TextMessageContent
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages import text
from bot.prefetch import GONE, Prefetched, read_codes
from bot.router import parse_postback
from bot.storage import storage_for, store_photo
from bot.runtime import Runtime
from domain.identity import Actor, resolve
from models import Conversation, LineUser

MAX_PER_REQUEST = 5


@dataclass
class Ctx:
    """One event being handled; handlers only talk to the outbox, never to LINE."""

    rt: Runtime
    session: Session
    event: Event
    raw: dict
    conversation: Conversation
    user: LineUser | None
    now: datetime
    event_key: str
    prefetched: Prefetched = field(default_factory=Prefetched)
    _replies: list = field(default_factory=list)
    _pushes: int = 0
    _actor: Actor | None = None
    _notes: list = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        """Who is talking (staff, official, guardian records), read once per event."""
        if self._actor is None:
            self._actor = resolve(self.session, self.user_id)
        return self._actor

    def reload_actor(self) -> Actor:
        """Read the sender's records again after a handler changed them (registration, linking)."""
        self._actor = None
        return self.actor

    @property
    def event_type(self) -> str:
        return self.raw.get("type", "")

    @property
    def chat_type(self) -> str:
        kind = (self.raw.get("source") or {}).get("type", "user")
        return "group" if kind in ("group", "room") else "user"

    @property
    def chat_id(self) -> str:
        return self.conversation.chat_id

    @property
    def user_id(self) -> str | None:
        return (self.raw.get("source") or {}).get("userId")

    @property
    def message(self):
        return getattr(self.event, "message", None)

    @property
    def text(self) -> str | None:
        return self.message.text.strip() if isinstance(self.message, TextMessageContent) else None

    @property
    def postback(self) -> dict:
        return parse_postback(self.raw.get("postback", {}).get("data", "")) if self.event_type == "postback" else {}

    @property
    def today(self):
        return self.now.date()

    @property
    def draft(self) -> dict:
        return dict(self.conversation.draft or {})

    def save_draft(self, **values) -> None:
        """Merge values into the flow's draft (kept until the flow ends)."""
        self.conversation.draft = {**(self.conversation.draft or {}), **values}

    def set_state(self, flow, state: str) -> None:
        """Move the conversation to `state` of `flow` and restart its timeout."""
        self.conversation.flow, self.conversation.state = flow.name, state
        self.conversation.expires_at = self.now.astimezone(timezone.utc) + flow.timeout

    def end_flow(self) -> None:
        """Leave any flow and drop its draft."""
        conv = self.conversation
        conv.flow = conv.state = conv.expires_at = None
        conv.draft = {}

    def flow_expired(self) -> bool:
        """Whether the active flow's timeout has passed."""
        expires = self.conversation.expires_at
        return expires is not None and expires <= self.now

    def reply(self, *messages: dict) -> None:
        """Answer in this chat (free while the reply token lasts); sent after commit."""
        self._replies.extend(messages)

    def note(self, body: str) -> None:
        """Add a short text after whatever the handler answers (e.g. that an old flow timed out)."""
        self._notes.append(body)

    def push(self, to: str, *messages: dict, key: str | None = None, priority: str = "routine") -> None:
        """Queue a billed push; `key` names the logical message so a re-run sends it once."""
        self._pushes += 1
        outbox.queue_push(self.session, to, list(messages), key=key or f"{self.event_key}:push:{self._pushes}",
                          now=self.now, priority=priority)

    def content(self, message_id: str) -> bytes:
        """What the user sent: fetched before the transaction (phase 1) or, for an earlier message, from LINE now."""
        if message_id in self.prefetched.failed:
            raise self.prefetched.failed[message_id]
        if message_id in self.prefetched.content:
            return self.prefetched.content[message_id]
        return self.rt.line.content(message_id)

    def keep_photo(self, message_id: str, centre_id: int):
        """Store a sent photo and add its Media row (re-encoded in phase 1 when it had no card); BadPhoto or
        ApiException when it cannot be kept."""
        return store_photo(self.session, storage_for(self.rt.cfg), self.content(message_id), centre_id=centre_id,
                           message_id=message_id, now=self.now, prepared=self.prefetched.prepared.get(message_id))

    def photo_codes(self, message_id: str) -> list[str] | dict:
        """The QR texts in a sent photo (decoded in phase 1), or why there are none ({"bad": …} / {"none": True})."""
        if message_id not in self.prefetched.codes:
            try:
                self.prefetched.codes[message_id] = read_codes(self.content(message_id))
            except ApiException:
                self.prefetched.codes[message_id] = {"bad": GONE}
        return self.prefetched.codes[message_id]

    def flush(self) -> None:
        """Write the collected replies to the outbox: one reply, any overflow as pushes."""
        if self._notes:
            self._replies.append(text("\n".join(self._notes)))
            self._notes.clear()
        token = self.raw.get("replyToken")
        chunks = [self._replies[i:i + MAX_PER_REQUEST] for i in range(0, len(self._replies), MAX_PER_REQUEST)]
        deadline = outbox.reply_deadline(self.raw, self.rt.cfg.REPLY_TOKEN_MAX_AGE_SECONDS)
        for n, chunk in enumerate(chunks):
            if n == 0 and token:
                outbox.queue_reply(self.session, token, self.chat_id, chunk, key=f"{self.event_key}:reply",
                                   deadline=deadline, now=self.now)
            else:
                outbox.queue_push(self.session, self.chat_id, chunk, key=f"{self.event_key}:reply:{n}", now=self.now)
        self._replies.clear()
