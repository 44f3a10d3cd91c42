"""Validate LINE Messaging API request bodies: the official OpenAPI spec (when present) plus documented limits."""
from __future__ import annotations

import functools
import json
import pathlib
import re

import yaml

_JSON_TYPES = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
               dict: "object"}
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_NEEDS = {"/v2/bot/message/reply": "replyToken", "/v2/bot/message/push": "to", "/v2/bot/message/multicast": "to"}
_SENDS = {"reply", "push", "multicast", "broadcast", "narrowcast"}
_RICH_MENU_PATHS = {"/v2/bot/richmenu", "/v2/bot/richmenu/validate"}
_MEDIA_URL_KEYS = ("originalContentUrl", "previewImageUrl", "thumbnailImageUrl", "imageUrl", "iconUrl", "baseUrl")
_ALT_TEXT = ("flex", "template", "imagemap")
_KB = 1000  # LINE says "KB" without defining it; the stricter reading keeps us clear of the limit either way


def find_spec() -> pathlib.Path | None:
    """Return <repo root>/../shared/line-openapi/messaging-api.yml, or None in a clone without the shared folder."""
    path = pathlib.Path(__file__).resolve().parents[2] / "shared" / "line-openapi" / "messaging-api.yml"
    return path if path.is_file() else None


def _json_type(value) -> str:
    return next((name for cls, name in _JSON_TYPES.items() if isinstance(value, cls)), type(value).__name__)


def _is(value, kind: str) -> bool:
    return _json_type(value) in (("integer", "number") if kind == "number" else (kind,))


def _at(path: str, key) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key


def _count(where: str, n: int, low: int, high: int | None) -> list[str]:
    if n < low:
        return [f"{where or 'body'}: {n} items, at least {low} required"]
    return [f"{where or 'body'}: {n} items, at most {high} allowed"] if high is not None and n > high else []


def _clean(path: str) -> str:
    return path.split("?", 1)[0].rstrip("/") or "/"


@functools.lru_cache(maxsize=None)
def _parse(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class MessagingSpec:
    """The Messaging API OpenAPI document and a small validator for JSON request bodies against it."""

    def __init__(self, path):
        doc = _parse(str(pathlib.Path(path).resolve()))
        self.schemas = doc["components"]["schemas"]
        self._flat: dict = {}
        # Literal paths sort first, so /richmenu/alias/list wins over /richmenu/alias/{richMenuAliasId}.
        self.routes = sorted(
            ((re.compile("/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in p.split("/"))), p, ops)
             for p, ops in doc["paths"].items()), key=lambda route: route[1].count("{"))

    def request_errors(self, method: str, path: str, body) -> list[str]:
        """Validate body against the operation's application/json request schema; [] when valid."""
        path, method = _clean(path), method.lower()
        matches = [ops for regex, _, ops in self.routes if regex.fullmatch(path)]
        if not matches:
            return [f"unknown path {path} (not in the Messaging API spec)"]
        op = next((ops[method] for ops in matches if method in ops), None)
        if op is None:
            return [f"unknown operation {method.upper()} {path} (not in the Messaging API spec)"]
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        errors: list[str] = []
        if schema is not None:
            self._check(schema, body, "", errors)
        return errors

    def _flatten(self, schema: dict) -> dict:
        """Resolve $ref and merge allOf parts; a base's discriminator is not inherited by its subtypes."""
        name = None
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.schemas[name]
        key = name or id(schema)
        if key in self._flat:
            return self._flat[key]
        flat = {k: v for k, v in schema.items() if k not in ("allOf", "properties", "required")}
        props, required, tags = {}, list(schema.get("required", [])), {}
        for part in schema.get("allOf", []):
            sub = self._flatten(part)
            props.update(sub["properties"])
            required += sub["required"]
            flat.update({k: v for k, v in sub.items() if k not in flat and k not in ("discriminator", "x-name")})
            disc = sub.get("discriminator") or {}
            mine = [t for t, ref in disc.get("mapping", {}).items() if name and ref.endswith("/" + name)]
            if mine:  # a subtype pins the base's discriminator to its own tag(s)
                tags[disc["propertyName"]] = {"type": "string", "enum": mine}
        flat.update({"x-name": name, "properties": {**props, **schema.get("properties", {}), **tags},
                     "required": list(dict.fromkeys(required))})
        self._flat[key] = flat
        return flat

    def _check(self, schema: dict, value, path: str, errors: list[str]) -> None:
        s, where = self._flatten(schema), path or "body"
        if value is None and s.get("nullable"):
            return
        disc = s.get("discriminator")
        if disc and isinstance(value, dict):
            prop, mapping = disc["propertyName"], disc.get("mapping", {})
            if prop not in value:
                return errors.append(f"{where}: missing required '{prop}'")
            tag = value[prop]
            if not isinstance(tag, str) or tag not in mapping:
                return errors.append(f"{where}: unknown {prop} {tag!r} for {s['x-name']}")
            if self._flatten({"$ref": mapping[tag]}) is not s:
                return self._check({"$ref": mapping[tag]}, value, path, errors)
        kind = s.get("type") or ("object" if s["properties"] else None)
        if kind and not _is(value, kind):
            return errors.append(f"{where}: expected {kind}, got {_json_type(value)}")
        if "enum" in s and value not in s["enum"]:
            errors.append(f"{where}: {value!r} is not one of {s['enum']}")
        if isinstance(value, str):
            if len(value) < s.get("minLength", 0):
                errors.append(f"{where}: shorter than {s['minLength']} characters")
            if len(value) > s.get("maxLength", len(value)):
                errors.append(f"{where}: {len(value)} characters, at most {s['maxLength']} allowed")
            if "pattern" in s and not re.search(s["pattern"], value):
                errors.append(f"{where}: does not match {s['pattern']}")
            if s.get("format") == "uri" and not _URI.fullmatch(value):
                errors.append(f"{where}: not a URI: {value[:80]!r}")
        elif _is(value, "number") and not s.get("minimum", value) <= value <= s.get("maximum", value):
            errors.append(f"{where}: {value} outside [{s.get('minimum', '-inf')}, {s.get('maximum', 'inf')}]")
        elif isinstance(value, list):
            errors += _count(path, len(value), s.get("minItems", 0), s.get("maxItems"))
            for i, item in enumerate(value if "items" in s else []):
                self._check(s["items"], item, _at(path, i), errors)
        elif isinstance(value, dict):
            errors.extend(f"{where}: missing required '{k}'" for k in s["required"] if k not in value)
            extra = s.get("additionalProperties")
            for k, v in value.items():
                sub = s["properties"].get(k, extra if isinstance(extra, dict) else None)
                if sub is not None:
                    self._check(sub, v, _at(path, k), errors)


def load_spec(path=None) -> MessagingSpec | None:
    """Return the cached MessagingSpec for path (default: find_spec()), or None when there is no spec file."""
    path = path or find_spec()
    if path is None or not pathlib.Path(path).is_file():
        return None
    return _load(str(pathlib.Path(path).resolve()))


@functools.lru_cache(maxsize=None)
def _load(path: str) -> MessagingSpec:
    return MessagingSpec(path)


def _walk(value, path: str):
    """Yield (dict, path) for every object nested in value, value included."""
    if isinstance(value, dict):
        yield value, path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _walk(child, _at(path, key))


def _too_long(where: str, text, limit: int, utf16: bool = False) -> list[str]:
    if not isinstance(text, str):
        return []
    n = len(text.encode("utf-16-le")) // 2 if utf16 else len(text)
    return [f"{where}: {n} characters, at most {limit} allowed"] if n > limit else []


def _action_errors(action, where: str, label_max: int | None, label_required: bool = False) -> list[str]:
    # Source: developers.line.biz reference, "Action objects" (postback, message, uri), "Specifications of the label".
    if not isinstance(action, dict):
        return [f"{where}: expected object, got {_json_type(action)}"]
    errors = [f"{where}: missing required 'label'"] if label_required and not action.get("label") else []
    errors += _too_long(_at(where, "label"), action.get("label"), label_max) if label_max else []
    kind = action.get("type")
    needed = {"postback": ("data",), "message": ("text",), "uri": ("uri",),
              "richmenuswitch": ("richMenuAliasId", "data")}.get(kind, ())
    errors += [f"{where}: missing required '{key}'" for key in needed if key not in action]
    for key in ("data", "displayText", "text", "fillInText"):
        errors += _too_long(_at(where, key), action.get(key), 300)
    if kind == "uri":
        uri = action.get("uri")
        errors += _too_long(_at(where, "uri"), uri, 1000)
        if isinstance(uri, str) and not re.match(r"(https?|line|tel):", uri, re.I):
            errors.append(f"{where}.uri: scheme must be http, https, line or tel")
    return errors


def _url_errors(where: str, url) -> list[str]:
    ok = isinstance(url, str) and url.lower().startswith("https://")
    return ([] if ok else [f"{where}: must be an https:// URL"]) + _too_long(where, url, 2000)


def _flex_errors(container, where: str) -> list[str]:
    # Source: reference "Flex Message": bubble JSON <= 30 KB, carousel JSON <= 50 KB, max 12 bubbles;
    # a text component needs `text` unless it has `contents` (spans).
    if not isinstance(container, dict):
        return []
    carousel = container.get("type") == "carousel"
    bubbles = container.get("contents") if carousel else [container]
    if not isinstance(bubbles, list):
        return [f"{where}: missing required 'contents'"]
    errors = _count(_at(where, "contents"), len(bubbles), 1, 12) if carousel else []
    sized = [("carousel", container, 50)] if carousel else []
    for name, value, kb in sized + [(f"bubble {i}", bubble, 30) for i, bubble in enumerate(bubbles)]:
        if (size := len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())) > kb * _KB:
            errors.append(f"{where}: {name} JSON is {size} bytes, at most {kb * _KB} allowed")
    for obj, path in _walk(container, where):
        if obj.get("type") == "text" and "text" not in obj and "contents" not in obj:
            errors.append(f"{path}: missing required 'text'")
    return errors


def _message_errors(message, where: str) -> list[str]:
    # Sources: reference "Message objects" (text <= 5000 UTF-16 units, altText <= 1500, media URLs HTTPS and
    # <= 2000 characters) and "Common properties for messages" (quick reply: <= 13 items, action required).
    if not isinstance(message, dict):
        return [f"{where}: expected object, got {_json_type(message)}"]
    kind, errors = message.get("type"), []
    for key, limit, wanted in (("text", 5000, kind in ("text", "textV2")), ("altText", 1500, kind in _ALT_TEXT)):
        if wanted and key not in message:
            errors.append(f"{where}: missing required '{key}'")
        elif wanted and message[key] == "":
            errors.append(f"{_at(where, key)}: must not be empty")
        errors += _too_long(_at(where, key), message.get(key), limit, utf16=key == "text") if wanted else []
    if kind == "flex":
        errors += _flex_errors(message.get("contents"), _at(where, "contents"))
    template = message.get("template") if isinstance(message.get("template"), dict) else {}
    label_max = {"flex": 40, "template": 12 if template.get("type") == "image_carousel" else 20}.get(kind)
    body = {k: v for k, v in message.items() if k != "quickReply"}
    for obj, path in _walk(body, where):
        flex_media = obj.get("type") in ("image", "icon", "video")  # flex components; video also has previewUrl
        keys = [k for k in _MEDIA_URL_KEYS + (("url", "previewUrl") if flex_media else ()) if k in obj]
        errors += [e for key in keys for e in _url_errors(_at(path, key), obj[key])]
        if kind != "imagemap":
            for key in ("action", "defaultAction"):
                if key in obj:
                    errors += _action_errors(obj[key], _at(path, key), label_max)
            actions = obj.get("actions") if isinstance(obj.get("actions"), list) else []
            errors += [e for i, a in enumerate(actions) for e in _action_errors(a, f"{path}.actions[{i}]", label_max)]
    quick = message.get("quickReply")
    if isinstance(quick, dict):
        items = quick.get("items")
        if not isinstance(items, list):
            return errors + [f"{where}.quickReply: missing required 'items'"]
        errors += _count(f"{where}.quickReply.items", len(items), 1, 13)
        for i, item in enumerate(items):
            path = f"{where}.quickReply.items[{i}]"
            if not isinstance(item, dict) or "action" not in item:
                errors.append(f"{path}: missing required 'action'")
                continue
            errors += _action_errors(item["action"], f"{path}.action", 20, label_required=True)
            errors += _url_errors(f"{path}.imageUrl", item["imageUrl"]) if "imageUrl" in item else []
    return errors


def _rich_menu_errors(menu: dict) -> list[str]:
    # Source: reference "Rich menu object": width 800-2500 px, height >= 250 px, width/height >= 1.45,
    # chatBarText <= 14, name <= 300, 1-20 areas; every field is required; areas must lie inside the image.
    errors = [f"body: missing required '{k}'" for k in ("size", "selected", "name", "chatBarText", "areas")
              if k not in menu]
    errors += _too_long("chatBarText", menu.get("chatBarText"), 14) + _too_long("name", menu.get("name"), 300)
    size = menu.get("size") if isinstance(menu.get("size"), dict) else {}
    width, height = size.get("width"), size.get("height")
    if not (_is(width, "integer") and _is(height, "integer")):
        return errors + ["size: width and height must be integers"]
    if not 800 <= width <= 2500:
        errors.append(f"size.width: {width} outside 800-2500")
    if height < 250:
        errors.append(f"size.height: {height} below 250")
    elif width / height < 1.45:
        errors.append(f"size: aspect ratio {width / height:.2f} below 1.45 (width / height)")
    areas = menu.get("areas") if isinstance(menu.get("areas"), list) else []
    errors += _count("areas", len(areas), 1, 20) if "areas" in menu else []
    for i, area in enumerate(areas):
        b = area.get("bounds") if isinstance(area, dict) else None
        if not isinstance(b, dict) or not all(_is(b.get(k), "integer") for k in ("x", "y", "width", "height")):
            errors.append(f"areas[{i}].bounds: needs integer x, y, width and height")
            continue
        if b["x"] < 0 or b["y"] < 0 or b["x"] + b["width"] > width or b["y"] + b["height"] > height:
            errors.append(f"areas[{i}].bounds: {b} is not inside the {width}x{height} image")
        errors += _action_errors(area.get("action"), f"areas[{i}].action", 20)
    return errors


def limit_errors(method: str, path: str, body) -> list[str]:
    """Check documented LINE limits the OpenAPI spec leaves out (LINE answers 400 to these); no spec needed."""
    path = _clean(path)
    sends = path.startswith("/v2/bot/message/") and path.rsplit("/", 1)[-1] in _SENDS
    if method.upper() != "POST" or not (sends or path in _RICH_MENU_PATHS or isinstance(body, dict)):
        return []
    if not isinstance(body, dict):
        return [f"body: expected object, got {_json_type(body)}"]
    if path in _RICH_MENU_PATHS:
        return _rich_menu_errors(body)
    errors = []
    if path in _NEEDS and not body.get(_NEEDS[path]):
        errors.append(f"body: missing required '{_NEEDS[path]}'")
    if sends or "messages" in body:
        messages = body.get("messages")
        if not isinstance(messages, list):
            return errors + ["body: missing required 'messages'" if messages is None else "messages: expected array"]
        errors += _count("messages", len(messages), 1, 5)
        for i, message in enumerate(messages):
            errors += _message_errors(message, f"messages[{i}]")
    return errors


def request_errors(method: str, path: str, body, spec: MessagingSpec | None = None) -> list[str]:
    """Everything LINE would reject in this request: limit_errors plus, when a spec is given, spec errors."""
    errors = limit_errors(method, path, body) + (spec.request_errors(method, path, body) if spec else [])
    return list(dict.fromkeys(errors))
