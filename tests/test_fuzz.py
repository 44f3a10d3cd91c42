"""Schema-driven fuzz of POST /callback: bodies drawn from LINE's webhook spec (and bent out of it), all signed.

Hypothesis builds events from ../shared/line-openapi/webhook.yml, following its discriminators so every
event kind and message kind is drawn, then sometimes swaps a field for a value of the wrong type or nests
brackets thousands deep. Every body must get 200 or 400 (never 500), and the worker must then settle every
stored event (done or dead-lettered) without getting stuck.
"""
from __future__ import annotations

import json
import os
import pathlib
from datetime import timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from bot import create_app
from bot.worker import run_once
from models import InboxEvent
from simulator.events import signature
from tests.support import SECRET, TOKEN

SPEC = pathlib.Path(__file__).resolve().parents[2] / "shared" / "line-openapi" / "webhook.yml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))  # per database: 2,000 bodies in all
USERS = [f"U{n:032x}" for n in range(3)]


def load_schemas() -> dict:
    if not SPEC.is_file():
        pytest.skip(f"LINE's webhook spec is not at {SPEC} (the shared folder is absent)")
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]


class SchemaStrategies:
    """Hypothesis strategies for the spec's schemas: $ref, allOf, discriminator mappings, enums, types."""

    def __init__(self, schemas: dict):
        self.schemas, self.cache = schemas, {}

    def named(self, name: str) -> st.SearchStrategy:
        if name not in self.cache:
            self.cache[name] = st.deferred(lambda: self.build(self.schemas[name], name))
        return self.cache[name]

    def build(self, schema: dict, name: str | None = None) -> st.SearchStrategy:
        if "$ref" in schema:
            return self.named(schema["$ref"].rsplit("/", 1)[-1])
        mapping = (schema.get("discriminator") or {}).get("mapping")
        if mapping:  # a base type: draw one of its subtypes, tagged
            prop = schema["discriminator"]["propertyName"]
            return st.one_of([self.named(ref.rsplit("/", 1)[-1]).map(lambda v, t=tag: {**v, prop: t})
                              for tag, ref in sorted(mapping.items())])
        if "allOf" in schema:
            props, required = dict(schema.get("properties", {})), list(schema.get("required", []))
            for part in schema["allOf"]:
                flat = self.flat(part)
                props.update(flat.get("properties", {}))
                required += flat.get("required", [])
            return self.obj(props, required)
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type", "object" if "properties" in schema else None)
        if kind == "object":
            return self.obj(schema.get("properties", {}), schema.get("required", []))
        if kind == "array":
            return st.lists(self.build(schema.get("items", {})), max_size=3)
        if kind == "integer":
            if (schema.get("format") == "int64") or "timestamp" in (name or ""):
                return st.integers(0, 4_102_444_800_000)
            return st.integers(-10, 10**6)
        if kind == "number":
            return st.floats(-1e6, 1e6, allow_nan=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "string":
            return st.one_of(st.sampled_from(USERS + ["ช่วยเหลือ", "ยกเลิก", "มา ภูผา", "ภูผา 38.2", ""]),
                             st.text(max_size=40))
        return st.none()

    def flat(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        out = {"properties": dict(schema.get("properties", {})), "required": list(schema.get("required", []))}
        for part in schema.get("allOf", []):
            sub = self.flat(part)
            out["properties"].update(sub["properties"])
            out["required"] += sub["required"]
        return out

    def obj(self, props: dict, required: list[str]) -> st.SearchStrategy:
        optional = [k for k in props if k not in required]
        return st.fixed_dictionaries({k: self.build(props[k], k) for k in required if k in props},
                                     optional={k: self.build(props[k], k) for k in optional})


WRONG = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5), st.booleans(),
                  st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@st.composite
def bent(draw, events: st.SearchStrategy) -> dict:
    """An event as the spec draws it, or (one in three) with a top-level or `source` field of a wrong type."""
    event = json.loads(json.dumps(draw(events)))
    if draw(st.integers(0, 2)) == 0:
        target = event["source"] if isinstance(event.get("source"), dict) and draw(st.booleans()) else event
        target[draw(st.sampled_from(sorted(target) or ["type"]))] = draw(WRONG)
    return event


def bodies(schemas: dict) -> st.SearchStrategy:
    events = bent(SchemaStrategies(schemas).named("Event"))
    good = st.builds(lambda evs: json.dumps({"destination": "U" + "0" * 32, "events": evs}).encode(),
                     st.lists(events, max_size=2))
    deep = st.integers(5_000, 8_000).map(lambda n: b'{"events": ' + b"[" * n + b"]" * n + b"}")
    junk = st.one_of(st.binary(max_size=64), WRONG.map(lambda v: json.dumps({"events": v}).encode()))
    return st.one_of(good, good, good, deep, junk)


def pending(rt) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "pending"))


def test_line_fuzzed_bodies_never_get_500_and_the_worker_settles_them_all(tmp_path, line, db_url):
    schemas = load_schemas()
    app = create_app({"DATABASE_URL": db_url, "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                      "LINE_API_BASE_URL": line.url, "LINE_TIMEOUT_SECONDS": 1.0, "MEDIA_DIR": str(tmp_path / "m"),
                      "PUBLIC_BASE_URL": "https://smartkids.example"})
    client, statuses = app.test_client(), {}
    for uid in USERS:
        line.add_user(uid, "ผู้ใช้")

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(bodies(schemas))
    def post(body: bytes):
        status = client.post("/callback", data=body, headers={"x-line-signature": signature(SECRET, body)}).status_code
        statuses[status] = statuses.get(status, 0) + 1
        assert status in (200, 400), body[:300]

    post()
    assert sum(statuses.values()) >= EXAMPLES and statuses.get(200, 0) >= EXAMPLES // 10, statuses
    rt, start = app.extensions["smartkids"], app.extensions["smartkids"].clock()
    for n in range(1, 41):  # a chat's events go one after another, retries back off 2 s, 4 s: move the clock on
        run_once(rt)
        rt.clock = lambda later=start + timedelta(seconds=30 * n): later
        if pending(rt) == 0:
            break
    assert pending(rt) == 0, "every stored event is done or dead-lettered"
    rt.engine.dispose()
