"""Builders for LINE message objects (plain dicts, as the Messaging API takes them)."""
from __future__ import annotations

from bot.actions import Action

MAX_TEXT = 5000
MAX_QUICK = 13
MAX_LABEL = 20
GREY = "#757575"


def postback(label: str, action: Action, display: str | None = None, **params) -> dict:
    """A postback button of a named action (bot.actions) with its payload fields; `display` is what the user's
    bubble shows (defaults to the label). A field the action does not declare raises ValueError."""
    return {"type": "postback", "label": label[:MAX_LABEL], "data": action.data(**params),
            "displayText": display or label}


def say(label: str, text: str | None = None) -> dict:
    """A message action: tapping it sends `text` (default: the label) as the user."""
    return {"type": "message", "label": label[:MAX_LABEL], "text": text or label}


def utf16_clip(body: str, limit: int) -> str:
    """`body` cut to at most `limit` UTF-16 code units (how LINE counts text: an emoji counts 2)."""
    units = body.encode("utf-16-le")
    if len(units) <= 2 * limit:
        return body
    return units[:2 * limit].decode("utf-16-le", errors="ignore")  # a half emoji at the cut is dropped


def text(body: str, quick: list[dict] | None = None) -> dict:
    """A text message, cut to LINE's limit, with optional quick-reply actions (at most 13)."""
    msg = {"type": "text", "text": utf16_clip(body, MAX_TEXT)}
    if quick:
        msg["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick[:MAX_QUICK]]}
    return msg


def image(url: str, preview_url: str | None = None) -> dict:
    """An image message (both URLs must be HTTPS for the real LINE)."""
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview_url or url}


def txt(body: str, **style) -> dict:
    """A wrapped Flex text (LINE refuses empty text, so a dash stands in)."""
    return {"type": "text", "text": body or "-", "wrap": True, "size": style.pop("size", "sm"), **style}


def bubble(title: str, subtitle: str, lines: list[dict], buttons: list[dict] = (), hero: dict | None = None) -> dict:
    """A bubble: title, subtitle, body lines, optional hero image and buttons."""
    body = [txt(title, weight="bold", size="md"), txt(subtitle, color=GREY, size="xs"),
            {"type": "separator", "margin": "md"}, *lines]
    card = {"type": "bubble", "size": "kilo", "body": {"type": "box", "layout": "vertical", "spacing": "sm",
                                                        "contents": body}}
    if hero:
        card["hero"] = hero
    if buttons:
        card["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm",
                          "contents": [{"type": "button", "style": "link", "height": "sm", "action": b}
                                       for b in buttons]}
    return card


def carousel(alt: str, bubbles: list[dict], quick: list[dict] | None = None) -> dict:
    """A Flex carousel message (at most 12 bubbles) with optional quick replies."""
    message = {"type": "flex", "altText": alt[:400], "contents": {"type": "carousel", "contents": bubbles[:12]}}
    if quick:
        message["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick[:MAX_QUICK]]}
    return message
