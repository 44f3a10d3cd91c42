"""The webhook envelope LINE sends (webhook.yml CallbackRequest/Event): checked at the door, before storing.

Only what the inbox and the worker rely on is checked: `events` is a list of objects, each with a string
`type`, an integer millisecond `timestamp` in a sane range, and, when present, a `source` object whose ids
are strings and string `webhookEventId` / `replyToken`. LINE never sends anything else, so anything else is
refused with 400 instead of being stored where it could make the worker fail over and over.
"""
from __future__ import annotations

import json

MAX_BODY_BYTES = 1024 * 1024  # LINE documents no webhook body limit; a batch of 5,000-char texts is far below this
MAX_EVENTS = 1000
MAX_TIMESTAMP_MS = 4_102_444_800_000  # 2100-01-01: beyond it a timestamp is garbage, not a clock
_SOURCE_IDS = ("userId", "groupId", "roomId")
_LONGEST = {"type": 32, "webhookEventId": 64, "replyToken": 128, "mode": 32}  # the inbox's and outbox's columns
_ID_LENGTH = 64  # LINE's ids are 33 characters; the chat id column holds 64
_OPTIONAL_OBJECTS = ("message", "postback", "deliveryContext", "joined", "left", "beacon", "link", "things",
                     "unsend", "videoPlayComplete", "follow", "membership", "module", "activated", "deactivated")


class BadEnvelope(ValueError):
    """The body is not a webhook request LINE could have sent."""


def parse_events(body: bytes) -> list[dict]:
    """The events of a signed webhook body; BadEnvelope when it is not LINE's envelope."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: thousands of nested brackets
        raise BadEnvelope(f"not JSON: {type(exc).__name__}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        raise BadEnvelope("events must be a list")
    events = without_nul(doc["events"]) if b"\\u0000" in body else doc["events"]
    if len(events) > MAX_EVENTS:
        raise BadEnvelope(f"more than {MAX_EVENTS} events")
    for n, event in enumerate(events):
        problem = event_problem(event)
        if problem:
            raise BadEnvelope(f"events[{n}]: {problem}")
    return events


def without_nul(value):
    """The same JSON value with every NUL character in its strings replaced by U+FFFD (PostgreSQL's JSONB
    cannot hold NUL; a person's text keeps its place). Iterative: the nesting depth does not matter."""
    def fix(v):
        return v.replace("\x00", "\ufffd") if isinstance(v, str) else v

    root = [fix(value)]
    stack = [root]
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in list(pairs):
            if isinstance(child, (dict, list)):
                stack.append(child)
            elif isinstance(child, str):
                node[key] = fix(child)
        if isinstance(node, dict):
            for key in [k for k in node if "\x00" in k]:
                node[fix(key)] = node.pop(key)
    return root[0]


def event_problem(event) -> str | None:
    """Why one event object cannot be LINE's, or None when its envelope is sound."""
    if not isinstance(event, dict):
        return "not an object"
    if not isinstance(event.get("type"), str) or not event["type"]:
        return "type must be a non-empty string"
    if any(len(event[key]) > limit for key, limit in _LONGEST.items() if isinstance(event.get(key), str)):
        return "a field is longer than LINE ever sends"
    stamp = event.get("timestamp")
    if type(stamp) is not int or not 0 <= stamp <= MAX_TIMESTAMP_MS:
        return "timestamp must be an integer of milliseconds"
    for key in _LONGEST:
        if key in event and not isinstance(event[key], str):
            return f"{key} must be a string"
    for key in _OPTIONAL_OBJECTS:
        if key in event and not isinstance(event[key], dict):
            return f"{key} must be an object"
    source = event.get("source")
    if source is None:
        return None
    if not isinstance(source, dict) or not isinstance(source.get("type"), str):
        return "source must be an object with a type"
    if any(key in source and (not isinstance(source[key], str) or len(source[key]) > _ID_LENGTH)
           for key in _SOURCE_IDS):
        return "source ids must be strings of a LINE id's length"
    return None
