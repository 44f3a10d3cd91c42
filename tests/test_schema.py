"""Tests for simulator.schema: the LINE request validator (spec walker and documented limits)."""
import copy

import pytest

from simulator.schema import MessagingSpec, find_spec, limit_errors, load_spec, request_errors

PUSH, REPLY, RICH_MENU = "/v2/bot/message/push", "/v2/bot/message/reply", "/v2/bot/richmenu"


@pytest.fixture(scope="module")
def spec() -> MessagingSpec:
    found = load_spec()
    if found is None:
        pytest.skip("../shared/line-openapi/messaging-api.yml not found: spec validation tests need the shared folder")
    return found


def push(*messages) -> dict:
    return {"to": "U" + "0" * 32, "messages": list(messages)}


def text(value="hi", **extra) -> dict:
    return {"type": "text", "text": value, **extra}


def bubble(*components) -> dict:
    body = list(components) or [{"type": "text", "text": "Hello"}]
    return {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": body}}


def flex(contents) -> dict:
    return {"type": "flex", "altText": "A card", "contents": contents}


def postback(data="action=answer&q=1", label="Answer") -> dict:
    return {"type": "postback", "label": label, "data": data, "displayText": label}


def quick_reply(n: int) -> dict:
    return text("Pick one", quickReply={"items": [{"type": "action", "action": postback(label=f"Option {i}")}
                                                  for i in range(n)]})


def rich_menu(width=2500, height=843, areas=1) -> dict:
    cell = width // max(areas, 1)
    return {"size": {"width": width, "height": height}, "selected": True, "name": "main", "chatBarText": "Menu",
            "areas": [{"bounds": {"x": i * cell, "y": 0, "width": cell, "height": height},
                       "action": {"type": "postback", "label": f"Area {i}", "data": f"area={i}"}}
                      for i in range(areas)]}


IMAGE = {"type": "image", "originalContentUrl": "https://example.com/a.png",
         "previewImageUrl": "https://example.com/p.png"}
HERO_BUBBLE = {**bubble(), "hero": {"type": "image", "url": "https://example.com/hero.png", "size": "full"},
               "footer": {"type": "box", "layout": "vertical",
                          "contents": [{"type": "button", "action": postback(), "style": "primary"}]}}
VALID = {
    "text": push(text()),
    "image": push(IMAGE),
    "bubble": push(flex(HERO_BUBBLE)),
    "carousel": push(flex({"type": "carousel", "contents": [bubble() for _ in range(12)]})),
    "quick reply": push(quick_reply(13)),
    "postback button": push(flex(bubble({"type": "button", "action": postback("x" * 300)}))),
}


# --- valid bodies -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", VALID)
def test_valid_bodies_pass_the_limits(name):
    assert limit_errors("POST", PUSH, VALID[name]) == []


@pytest.mark.parametrize("name", VALID)
def test_valid_bodies_pass_the_spec(spec, name):
    assert request_errors("POST", PUSH, VALID[name], spec) == []


def test_valid_reply_body_passes(spec):
    assert request_errors("POST", REPLY, {"replyToken": "t" * 32, "messages": [text()]}, spec) == []


def test_valid_rich_menu_passes(spec):
    assert request_errors("POST", RICH_MENU, rich_menu(areas=6), spec) == []
    assert request_errors("POST", "/v2/bot/richmenu/validate", rich_menu(1200, 405, areas=2), spec) == []


# --- spec walker: required fields, types, discriminators ----------------------------------------------------

def test_text_message_without_text_fails(spec):
    errors = spec.request_errors("POST", PUSH, push({"type": "text"}))
    assert errors == ["messages[0]: missing required 'text'"]


def test_unknown_message_type_fails(spec):
    errors = spec.request_errors("POST", PUSH, push({"type": "foo", "text": "hi"}))
    assert errors == ["messages[0]: unknown type 'foo' for Message"]


def test_message_without_type_fails(spec):
    assert spec.request_errors("POST", PUSH, push({"text": "hi"})) == ["messages[0]: missing required 'type'"]


def test_wrong_type_fails(spec):
    assert spec.request_errors("POST", PUSH, push(text(5))) == ["messages[0].text: expected string, got integer"]


def test_flex_box_with_unknown_layout_fails(spec):
    body = push(flex(bubble()))
    body["messages"][0]["contents"]["body"]["layout"] = "diagonal"
    errors = spec.request_errors("POST", PUSH, body)
    assert len(errors) == 1
    assert errors[0].startswith("messages[0].contents.body.layout: 'diagonal' is not one of")


def test_unknown_flex_component_and_action_types_fail(spec):
    body = push(flex(bubble({"type": "marquee"}, {"type": "button", "action": {"type": "teleport"}})))
    assert spec.request_errors("POST", PUSH, body) == [
        "messages[0].contents.body.contents[0]: unknown type 'marquee' for FlexComponent",
        "messages[0].contents.body.contents[1].action: unknown type 'teleport' for Action",
    ]


def test_subtype_pins_its_discriminator_value(spec):
    body = push(flex({"type": "carousel", "contents": [{"type": "carousel", "contents": []}]}))
    errors = spec.request_errors("POST", PUSH, body)
    assert errors == ["messages[0].contents.contents[0].type: 'carousel' is not one of ['bubble']"]


def test_required_inside_nested_flex_box_is_reported_with_its_path(spec):
    body = push(flex(bubble({"type": "text", "text": "a"}, {"type": "box", "layout": "vertical"})))
    assert spec.request_errors("POST", PUSH, body) == [
        "messages[0].contents.body.contents[1]: missing required 'contents'"]


def test_unknown_properties_are_tolerated(spec):
    assert spec.request_errors("POST", PUSH, push(text(futureField=True))) == []


def test_spec_counts_messages_and_quick_reply_items(spec):
    assert spec.request_errors("POST", PUSH, push(*[text()] * 6)) == ["messages: 6 items, at most 5 allowed"]
    assert spec.request_errors("POST", PUSH, push(quick_reply(14))) == [
        "messages[0].quickReply.items: 14 items, at most 13 allowed"]


def test_templated_path_matches(spec):
    assert spec.request_errors("POST", "/v2/bot/richmenu/alias/menu-b", {"richMenuId": "richmenu-1"}) == []
    assert spec.request_errors("POST", "/v2/bot/richmenu/alias/menu-b", {}) == ["body: missing required 'richMenuId'"]


def test_literal_path_wins_over_template(spec):
    errors = spec.request_errors("POST", "/v2/bot/richmenu/alias", {"richMenuId": "richmenu-1"})
    assert errors == ["body: missing required 'richMenuAliasId'"]


def test_pattern_is_checked(spec):
    body = {"richMenuAliasId": "Not Valid!", "richMenuId": "richmenu-1"}
    errors = spec.request_errors("POST", "/v2/bot/richmenu/alias", body)
    assert errors == ["richMenuAliasId: does not match ^[a-z0-9_-]{1,32}$"]


def test_unknown_path_and_method_report_one_error(spec):
    assert spec.request_errors("POST", "/v2/bot/message/teleport", {}) == [
        "unknown path /v2/bot/message/teleport (not in the Messaging API spec)"]
    assert spec.request_errors("PUT", PUSH, push(text())) == [
        "unknown operation PUT /v2/bot/message/push (not in the Messaging API spec)"]


def test_spec_is_cached():
    path = find_spec()
    if path is None:
        pytest.skip("../shared/line-openapi/messaging-api.yml not found: spec validation tests need the shared folder")
    assert load_spec() is load_spec(path)


# --- documented limits (no spec needed) ---------------------------------------------------------------------

def test_six_messages_fail():
    assert limit_errors("POST", PUSH, push(*[text()] * 6)) == ["messages: 6 items, at most 5 allowed"]


def test_zero_messages_fail():
    assert limit_errors("POST", PUSH, push()) == ["messages: 0 items, at least 1 required"]


def test_text_length_counts_utf16_units():
    assert limit_errors("POST", PUSH, push(text("a" * 5000))) == []
    assert limit_errors("POST", PUSH, push(text("😀" * 2501))) == [
        "messages[0].text: 5002 characters, at most 5000 allowed"]
    assert limit_errors("POST", PUSH, push(text(""))) == ["messages[0].text: must not be empty"]


def test_fourteen_quick_reply_items_fail():
    assert limit_errors("POST", PUSH, push(quick_reply(14))) == [
        "messages[0].quickReply.items: 14 items, at most 13 allowed"]


def test_quick_reply_label_limits():
    body = push(quick_reply(1))
    action = body["messages"][0]["quickReply"]["items"][0]["action"]
    action["label"] = "x" * 21
    assert limit_errors("POST", PUSH, body) == [
        "messages[0].quickReply.items[0].action.label: 21 characters, at most 20 allowed"]
    del action["label"]
    assert limit_errors("POST", PUSH, body) == ["messages[0].quickReply.items[0].action: missing required 'label'"]


def test_thirteen_bubbles_fail():
    body = push(flex({"type": "carousel", "contents": [bubble() for _ in range(13)]}))
    assert limit_errors("POST", PUSH, body) == ["messages[0].contents.contents: 13 items, at most 12 allowed"]


def test_flex_json_size_limits():
    big = bubble({"type": "text", "text": "x" * 31_000})
    errors = limit_errors("POST", PUSH, push(flex(big)))
    assert len(errors) == 1 and "bubble 0 JSON is" in errors[0] and "at most 30000" in errors[0]
    carousel = {"type": "carousel", "contents": [bubble({"type": "text", "text": "x" * 9_000}) for _ in range(6)]}
    errors = limit_errors("POST", PUSH, push(flex(carousel)))
    assert len(errors) == 1 and "carousel JSON is" in errors[0] and "at most 50000" in errors[0]


def test_flex_text_component_needs_text():
    body = push(flex(bubble({"type": "text", "text": "a"}, {"type": "text", "text": "b"}, {"type": "text"})))
    assert limit_errors("POST", PUSH, body) == ["messages[0].contents.body.contents[2]: missing required 'text'"]


def test_postback_data_over_300_fails():
    body = push(flex(bubble({"type": "button", "action": postback("x" * 301)})))
    assert limit_errors("POST", PUSH, body) == [
        "messages[0].contents.body.contents[0].action.data: 301 characters, at most 300 allowed"]


def test_display_text_over_300_fails():
    action = {**postback(), "displayText": "y" * 301}
    body = push(flex(bubble({"type": "button", "action": action})))
    assert limit_errors("POST", PUSH, body) == [
        "messages[0].contents.body.contents[0].action.displayText: 301 characters, at most 300 allowed"]


def test_label_limit_depends_on_container():
    flex_body = push(flex(bubble({"type": "button", "action": postback(label="x" * 40)})))
    assert limit_errors("POST", PUSH, flex_body) == []
    template = {"type": "template", "altText": "Pick", "template": {"type": "buttons", "text": "Pick",
                                                                     "actions": [postback(label="x" * 21)]}}
    assert limit_errors("POST", PUSH, push(template)) == [
        "messages[0].template.actions[0].label: 21 characters, at most 20 allowed"]


def test_http_image_url_fails():
    body = push({**IMAGE, "originalContentUrl": "http://example.com/a.png"})
    assert limit_errors("POST", PUSH, body) == ["messages[0].originalContentUrl: must be an https:// URL"]


def test_flex_image_url_is_checked():
    hero = copy.deepcopy(HERO_BUBBLE)
    hero["hero"]["url"] = "https://example.com/" + "a" * 2000
    assert limit_errors("POST", PUSH, push(flex(hero))) == [
        "messages[0].contents.hero.url: 2020 characters, at most 2000 allowed"]


def test_alt_text_over_1500_fails():
    body = push({**flex(bubble()), "altText": "a" * 1501})
    assert limit_errors("POST", PUSH, body) == ["messages[0].altText: 1501 characters, at most 1500 allowed"]


def test_reply_needs_reply_token_and_push_needs_to():
    assert limit_errors("POST", REPLY, {"messages": [text()]}) == ["body: missing required 'replyToken'"]
    assert limit_errors("POST", PUSH, {"messages": [text()]}) == ["body: missing required 'to'"]


def test_valid_rich_menu_passes_the_limits():
    assert limit_errors("POST", RICH_MENU, rich_menu(areas=20)) == []


def test_rich_menu_ratio_1_2_fails():
    menu = rich_menu(1200, 1000)
    assert limit_errors("POST", RICH_MENU, menu) == ["size: aspect ratio 1.20 below 1.45 (width / height)"]


def test_rich_menu_size_bounds():
    assert limit_errors("POST", RICH_MENU, rich_menu(2600, 843)) == ["size.width: 2600 outside 800-2500"]
    assert limit_errors("POST", RICH_MENU, rich_menu(800, 200)) == ["size.height: 200 below 250"]


def test_twenty_one_areas_fail():
    assert limit_errors("POST", RICH_MENU, rich_menu(areas=21)) == ["areas: 21 items, at most 20 allowed"]


def test_rich_menu_area_outside_image_and_long_chat_bar_text_fail():
    menu = rich_menu()
    menu["chatBarText"] = "x" * 15
    menu["areas"][0]["bounds"]["x"] = 10
    errors = limit_errors("POST", "/v2/bot/richmenu/validate", menu)
    assert errors[0] == "chatBarText: 15 characters, at most 14 allowed"
    assert errors[1].startswith("areas[0].bounds:") and "not inside the 2500x843 image" in errors[1]
    assert len(errors) == 2


def test_request_errors_combines_and_dedupes(spec):
    errors = request_errors("POST", PUSH, push(*[text()] * 6), spec)
    assert errors == ["messages: 6 items, at most 5 allowed"]
    assert request_errors("POST", PUSH, push({"type": "text"}), spec) == ["messages[0]: missing required 'text'"]


def test_request_errors_without_spec_checks_limits_only():
    assert request_errors("POST", PUSH, push({"type": "foo"})) == []
    assert request_errors("POST", PUSH, push(*[text()] * 6)) == ["messages: 6 items, at most 5 allowed"]
