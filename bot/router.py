"""Router and flows as tables: entries, states, fallbacks and a timeout, with state in the database.

Dispatch order, stated once: the always-routes ("ยกเลิก"); the active (unexpired) flow's state handlers, then its fallbacks; then the
entry routes in registration order (an entry re-enters, ending any active flow); then the default.
A command (a rich-menu button's text, or a typed command pattern such as a teacher's "มา ภูผา") ends any active
flow first, so it is never read as flow input.
A flow handler returns the next state name, or END to finish the flow (its draft is then discarded); returning
nothing is a bug: it is logged and the flow ends. A flow that timed out is dropped with a note to the user.
A postback whose action no route takes (a stale or forged button) reaches the default like any unknown input.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable
from urllib.parse import parse_qsl

from bot.actions import Action

log = logging.getLogger(__name__)


class _End:
    """The flow is finished (distinct from None, which a handler returns only by mistake)."""

    def __repr__(self) -> str:
        return "END"


END = _End()
TIMED_OUT = "หมายเหตุ: รายการที่ทำค้างไว้ ({}) หมดเวลาแล้ว ข้อมูลที่ยังไม่ได้บันทึกถูกยกเลิกค่ะ"
Handler = Callable[["Ctx"], "str | None"]  # noqa: F821


def parse_postback(data: str) -> dict:
    """Decode postback data made by Action.data (bot.actions): {"a": <wire name>, <field>: <value>, …}."""
    return dict(parse_qsl(data or "", keep_blank_values=True))


@dataclass
class Match:
    """What a route listens for; every given condition must hold."""

    text: re.Pattern | None = None
    postback: Action | None = None
    message: type | None = None
    event: str | None = None
    chat: str | None = None  # "user" | "group"
    when: Callable | None = None

    def __call__(self, ctx) -> bool:
        if self.chat and ctx.chat_type != self.chat:
            return False
        if self.event and ctx.event_type != self.event:
            return False
        if self.message and not isinstance(ctx.message, self.message):
            return False
        if self.text and not (ctx.text is not None and self.text.search(ctx.text)):
            return False
        if self.postback and ctx.postback.get("a") != self.postback.name:
            return False
        return self.when(ctx) if self.when else True


def _match(text=None, postback=None, message=None, event=None, chat=None, when=None) -> Match:
    if postback is not None and not isinstance(postback, Action):
        raise TypeError(f"postback={postback!r}: routes take a named action from bot.actions")
    pattern = re.compile(text) if isinstance(text, str) else text
    if event is None and (text is not None or message is not None):
        event = "message"
    if event is None and postback is not None:
        event = "postback"
    return Match(pattern, postback, message, event, chat, when)


@dataclass
class Route:
    """A condition and the handler it calls; `flow` is the flow an entry starts (or None)."""

    match: Match
    handler: Handler
    flow: "Flow | None" = None


@dataclass
class Flow:
    """A multi-step conversation: entries, states → handlers, fallbacks, a timeout."""

    name: str
    timeout: timedelta = timedelta(minutes=30)
    label: str = ""  # what the user was doing, in Thai, for the timeout note
    entries: list[Route] = field(default_factory=list)
    states: dict[str, list[Route]] = field(default_factory=dict)
    fallbacks: list[Route] = field(default_factory=list)

    def entry(self, **conditions):
        """Register a handler that starts this flow."""
        return self._add(lambda h: self.entries.append(Route(_match(**conditions), h, self)))

    def state(self, name: str, **conditions):
        """Register a handler for input while the flow is in state `name`."""
        return self._add(lambda h: self.states.setdefault(name, []).append(Route(_match(**conditions), h, self)))

    def fallback(self, **conditions):
        """Register a handler for anything the current state did not take."""
        return self._add(lambda h: self.fallbacks.append(Route(_match(**conditions), h, self)))

    @staticmethod
    def _add(register):
        def decorator(handler):
            register(handler)
            return handler
        return decorator


class Router:
    """Holds flows and one-shot routes in priority order and dispatches a Ctx to one handler."""

    def __init__(self):
        self.flows: dict[str, Flow] = {}
        self.routes: list[Route] = []
        self.first: list[Route] = []
        self.default: Handler | None = None
        self.commands: set[str] = set()
        self.command_patterns: list[tuple[re.Pattern, Callable | None]] = []
        self.answers: dict[str, Callable] = {}

    def add_commands(self, texts) -> None:
        """Texts that always mean a fresh command (rich-menu buttons): they end any active flow."""
        self.commands.update(texts)

    def add_command_pattern(self, pattern: str, when: Callable | None = None) -> None:
        """Typed commands that always mean a fresh command for whoever `when` accepts (e.g. a teacher's
        "มา ภูผา"): they end any active flow instead of being read as its input."""
        self.command_patterns.append((re.compile(pattern), when))

    def is_command(self, ctx) -> bool:
        """Whether the event is a command that ends any active flow."""
        if ctx.text is None:
            return False
        return ctx.text in self.commands or any(p.search(ctx.text) and (when is None or when(ctx))
                                                for p, when in self.command_patterns)

    def actions(self) -> set[Action]:
        """Every postback action some route takes (a button whose action is not here is dead)."""
        routes = self.first + self.routes + [r for f in self.flows.values()
                                             for r in [*f.entries, *f.fallbacks, *sum(f.states.values(), [])]]
        return {r.match.postback for r in routes if r.match.postback}

    def provide_answer(self, name: str, builder: Callable) -> None:
        """Offer a handler's message builder to the clock (which imports no handler), e.g. a photo set's answer."""
        self.answers[name] = builder

    def add_flow(self, flow: Flow) -> Flow:
        """Add a flow; its entries join the route list at this point of the priority order."""
        self.flows[flow.name] = flow
        self.routes.extend(flow.entries)
        return flow

    def on(self, **conditions):
        """Register a one-shot handler (no flow state)."""
        def decorator(handler):
            self.routes.append(Route(_match(**conditions), handler, None))
            return handler
        return decorator

    def always(self, **conditions):
        """Register a handler that wins over any flow state (e.g. cancel)."""
        def decorator(handler):
            self.first.append(Route(_match(**conditions), handler, None))
            return handler
        return decorator

    def otherwise(self, handler: Handler) -> Handler:
        """Register the handler for anything nothing else took."""
        self.default = handler
        return handler

    def dispatch(self, ctx) -> None:
        """Run exactly one handler for the event in ctx and store the conversation's next state."""
        conv = ctx.conversation
        for route in self.first:
            if route.match(ctx):
                return self._run(ctx, route)
        flow = self.flows.get(conv.flow or "")
        if flow and ctx.flow_expired():
            ctx.end_flow()
            ctx.note(TIMED_OUT.format(flow.label or "ที่ยังไม่เสร็จ"))
            flow = None
        elif flow and self.is_command(ctx):
            ctx.end_flow()
            flow = None
        if flow:
            for route in flow.states.get(conv.state or "", []) + flow.fallbacks:
                if route.match(ctx):
                    return self._run(ctx, route)
        for route in self.routes:
            if route.match(ctx):
                return self._run(ctx, route)
        if self.default:
            self.default(ctx)

    @staticmethod
    def _run(ctx, route: Route) -> None:
        if route.flow and route in route.flow.entries:
            ctx.end_flow()  # entering a flow (again) starts from a clean draft; one-shot routes leave it be
        next_state = route.handler(ctx)
        if route.flow is not None:
            if next_state is None:
                log.error("flow handler %s returned no state; the flow ends", route.handler.__qualname__)
            if next_state is END or next_state is None:
                ctx.end_flow()
            else:
                ctx.set_state(route.flow, next_state)
