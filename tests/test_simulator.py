"""The fake LINE platform, run for real on a local port and called over HTTP (and once through the SDK)."""
import io
import json
import time
import uuid

import pytest
import requests
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, PushMessageRequest, TextMessage
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (FollowEvent, ImageMessageContent, JoinEvent, LeaveEvent, LocationMessageContent,
                                 MemberJoinedEvent, MemberLeftEvent, MessageEvent, PostbackEvent,
                                 StickerMessageContent, TextMessageContent, UnfollowEvent)
from PIL import Image

from simulator.platform import LinePlatform
from simulator.schema import load_spec
from simulator.server import serve

SECRET, TOKEN = "test-channel-secret", "test-access-token"
TEACHER, HEAD, PARENT = "U" + "1" * 32, "U" + "2" * 32, "U" + "3" * 32
GROUP = "C" + "a" * 32
TEXT = [{"type": "text", "text": "สวัสดีค่ะ"}]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1_760_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def delivered():
    return []


@pytest.fixture
def platform(clock, delivered):
    def deliver(body, headers):
        delivered.append((body, headers))
        return 200

    line = LinePlatform(SECRET, TOKEN, deliver=deliver, clock=clock, monthly_limit=300, timeout_delay=0.5,
                        spec=load_spec())
    line.add_user(TEACHER, "ครูสมศรี")
    line.add_user(HEAD, "หัวหน้าศูนย์")
    line.add_user(PARENT, "แม่น้องภูริ")
    line.add_group(GROUP, "ผู้ปกครอง ศพด.บ้านโนน", [TEACHER, HEAD, PARENT], extra_members=20)
    return line


@pytest.fixture
def line_api(platform):
    handle = serve(platform)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    session.base = handle.url
    yield session
    session.close()
    handle.shutdown()


def call(session, method, path, **kwargs):
    """One request to the running simulator."""
    return session.request(method, session.base + path, timeout=5, **kwargs)


def png(width, height):
    """A PNG image of that pixel size."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#06c755").save(out, "PNG")
    return out.getvalue()


def parse(platform, event):
    """The event as the bot's SDK parses it from the signed webhook body."""
    body, headers = platform.webhook_body(event)
    parsed = WebhookParser(SECRET).parse(body.decode(), headers["x-line-signature"])
    assert len(parsed) == 1
    return parsed[0]


def test_webhook_signature_verifies_with_the_sdk_parser(platform):
    event = platform.text(TEACHER, "เช็คชื่อ")
    body, headers = platform.webhook_body(event)
    assert json.loads(body)["destination"] == platform.bot_user_id
    WebhookParser(SECRET).parse(body.decode(), headers["x-line-signature"])
    with pytest.raises(InvalidSignatureError):
        WebhookParser(SECRET).parse(body.decode().replace("เช็คชื่อ", "ลบข้อมูล"), headers["x-line-signature"])


@pytest.mark.parametrize("act, event_type, content_type", [
    (lambda p: p.text(TEACHER, "สวัสดี"), MessageEvent, TextMessageContent),
    (lambda p: p.text(PARENT, "ลูกมาถึงหรือยัง", group_id=GROUP), MessageEvent, TextMessageContent),
    (lambda p: p.image(TEACHER, png(10, 10), image_set=("SET1", 1, 2)), MessageEvent, ImageMessageContent),
    (lambda p: p.location(PARENT, 17.2, 102.4, "หนองบัวลำภู"), MessageEvent, LocationMessageContent),
    (lambda p: p.sticker(PARENT), MessageEvent, StickerMessageContent),
    (lambda p: p.postback(TEACHER, "health=ok", {"date": "2026-11-23"}), PostbackEvent, None),
    (lambda p: p.follow(PARENT), FollowEvent, None),
    (lambda p: p.unfollow(PARENT), UnfollowEvent, None),
    (lambda p: p.join(GROUP), JoinEvent, None),
    (lambda p: p.leave(GROUP), LeaveEvent, None),
    (lambda p: p.member_joined(GROUP, [HEAD]), MemberJoinedEvent, None),
    (lambda p: p.member_left(GROUP, [HEAD]), MemberLeftEvent, None),
])
def test_every_person_action_parses_to_its_typed_event(platform, delivered, act, event_type, content_type):
    event = act(platform)
    parsed = parse(platform, event)
    assert type(parsed) is event_type
    if content_type:
        assert type(parsed.message) is content_type
    assert len(event["webhookEventId"]) == 26 and event["deliveryContext"] == {"isRedelivery": False}
    assert delivered and json.loads(delivered[-1][0])["events"] == [event]


def test_image_event_carries_its_set_and_provider(platform):
    event = platform.image(TEACHER, png(10, 10), group_id=GROUP, image_set=("SET1", 2, 3))
    parsed = parse(platform, event)
    assert parsed.message.content_provider.type == "line"
    assert (parsed.message.image_set.id, parsed.message.image_set.index, parsed.message.image_set.total) == \
        ("SET1", 2, 3)
    assert parsed.source.group_id == GROUP and parsed.source.user_id == TEACHER


def test_every_event_gets_its_own_id_and_redelivery_keeps_it(platform, delivered):
    first, second = platform.text(TEACHER, "a"), platform.text(TEACHER, "a")
    assert first["webhookEventId"] != second["webhookEventId"]
    platform.redeliver(first)
    again = json.loads(delivered[-1][0])["events"][0]
    assert again["webhookEventId"] == first["webhookEventId"] and again["deliveryContext"]["isRedelivery"]


def test_teacher_gets_a_reply_once_per_token(platform, line_api):
    token = platform.text(TEACHER, "เช็คชื่อ")["replyToken"]
    first = call(line_api, "POST", "/v2/bot/message/reply", json={"replyToken": token, "messages": TEXT})
    assert first.status_code == 200 and first.json()["sentMessages"][0]["id"]
    second = call(line_api, "POST", "/v2/bot/message/reply", json={"replyToken": token, "messages": TEXT})
    assert second.status_code == 400 and second.json()["message"] == "Invalid reply token"
    assert [e["from"] for e in platform.transcript(TEACHER)] == ["user", "bot"]
    assert platform.bot_messages(TEACHER) == TEXT and platform.total_billable() == 0


def test_reply_token_expires_after_its_ttl_or_on_demand(platform, line_api, clock):
    late = platform.text(TEACHER, "a")["replyToken"]
    clock.now += 61
    assert call(line_api, "POST", "/v2/bot/message/reply",
                json={"replyToken": late, "messages": TEXT}).status_code == 400
    fresh = platform.text(TEACHER, "b")["replyToken"]
    platform.expire_reply_tokens()
    assert call(line_api, "POST", "/v2/bot/message/reply",
                json={"replyToken": fresh, "messages": TEXT}).status_code == 400
    assert platform.bot_messages() == []


def test_bot_push_retried_with_the_same_key_is_sent_and_billed_once(platform, line_api):
    key = str(uuid.uuid4())
    conf = Configuration(host=line_api.base, access_token=TOKEN)
    with ApiClient(conf) as client:
        sent = MessagingApi(client).push_message(PushMessageRequest(to=PARENT, messages=[TextMessage(text="มาถึงแล้ว")]),
                                                 x_line_retry_key=key)
    assert sent.sent_messages[0].id
    again = call(line_api, "POST", "/v2/bot/message/push", headers={"X-Line-Retry-Key": key},
                 json={"to": PARENT, "messages": TEXT})
    assert again.status_code == 409 and again.headers["x-line-accepted-request-id"]
    assert platform.billable[PARENT] == 1 and len(platform.bot_messages(PARENT)) == 1
    bad = call(line_api, "POST", "/v2/bot/message/push", headers={"X-Line-Retry-Key": "not-a-uuid"},
               json={"to": PARENT, "messages": TEXT})
    assert bad.status_code == 400


def test_group_push_is_billed_once_per_member_not_per_message(platform, line_api):
    response = call(line_api, "POST", "/v2/bot/message/push", json={"to": GROUP, "messages": TEXT * 3})
    assert response.status_code == 200
    assert platform.billable[GROUP] == 23 and platform.total_billable() == 23
    assert platform.transcript(GROUP)[-1]["kind"] == "push"


def test_push_past_the_monthly_limit_is_refused_and_sends_nothing(platform, line_api):
    platform.monthly_limit = 30
    assert call(line_api, "POST", "/v2/bot/message/push", json={"to": GROUP, "messages": TEXT}).status_code == 200
    refused = call(line_api, "POST", "/v2/bot/message/push", json={"to": GROUP, "messages": TEXT})
    assert refused.status_code == 429 and refused.json() == {"message": "You have reached your monthly limit."}
    assert platform.total_billable() == 23 and len(platform.bot_messages(GROUP)) == 1


def test_push_to_a_parent_who_blocked_the_oa_is_accepted_but_neither_shown_nor_billed(platform, line_api):
    platform.unfollow(PARENT)
    assert call(line_api, "POST", "/v2/bot/message/push", json={"to": PARENT, "messages": TEXT}).status_code == 200
    assert platform.bot_messages(PARENT) == [] and platform.total_billable() == 0
    unknown = call(line_api, "POST", "/v2/bot/message/push", json={"to": "U" + "f" * 32, "messages": TEXT})
    assert unknown.status_code == 400


def test_multicast_is_billed_per_user(platform, line_api):
    response = call(line_api, "POST", "/v2/bot/message/multicast",
                    json={"to": [TEACHER, HEAD, "U" + "f" * 32], "messages": TEXT})
    assert response.status_code == 200 and platform.total_billable() == 2


def test_quota_endpoints_report_limit_and_usage(platform, line_api):
    call(line_api, "POST", "/v2/bot/message/push", json={"to": TEACHER, "messages": TEXT})
    assert call(line_api, "GET", "/v2/bot/message/quota").json() == {"type": "limited", "value": 300}
    assert call(line_api, "GET", "/v2/bot/message/quota/consumption").json() == {"totalUsage": 1}
    platform.monthly_limit = None
    assert call(line_api, "GET", "/v2/bot/message/quota").json() == {"type": "none"}


def test_bot_downloads_a_teacher_photo_until_it_expires(platform, line_api, clock):
    photo = png(40, 30)
    message_id = platform.image(TEACHER, photo)["message"]["id"]
    got = call(line_api, "GET", f"/v2/bot/message/{message_id}/content")
    assert got.status_code == 200 and got.content == photo and got.headers["Content-Type"] == "image/png"
    clock.now += 3601
    assert call(line_api, "GET", f"/v2/bot/message/{message_id}/content").status_code == 404
    assert call(line_api, "GET", "/v2/bot/message/123/content").status_code == 404


def test_loading_animation_works_in_a_user_chat_only(line_api):
    ok = call(line_api, "POST", "/v2/bot/chat/loading/start", json={"chatId": TEACHER, "loadingSeconds": 10})
    assert ok.status_code == 202
    group = call(line_api, "POST", "/v2/bot/chat/loading/start", json={"chatId": GROUP, "loadingSeconds": 10})
    assert group.status_code == 400


def test_profiles_and_group_facts(line_api):
    assert call(line_api, "GET", f"/v2/bot/profile/{TEACHER}").json()["displayName"] == "ครูสมศรี"
    assert call(line_api, "GET", f"/v2/bot/group/{GROUP}/summary").json() == \
        {"groupId": GROUP, "groupName": "ผู้ปกครอง ศพด.บ้านโนน"}
    assert call(line_api, "GET", f"/v2/bot/group/{GROUP}/members/count").json() == {"count": 23}
    assert call(line_api, "GET", f"/v2/bot/group/{GROUP}/member/{PARENT}").json()["userId"] == PARENT
    assert call(line_api, "GET", f"/v2/bot/profile/U{'f' * 32}").status_code == 404
    assert call(line_api, "GET", f"/v2/bot/group/C{'f' * 32}/summary").status_code == 404


def test_rich_menu_image_must_match_the_menu_size(platform, line_api):
    menu = {"size": {"width": 2500, "height": 843}, "selected": False, "name": "teacher", "chatBarText": "เมนู",
            "areas": [{"bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
                       "action": {"type": "postback", "data": "menu=checkin"}}]}
    menu_id = call(line_api, "POST", "/v2/bot/richmenu", json=menu).json()["richMenuId"]
    early = call(line_api, "POST", f"/v2/bot/user/{TEACHER}/richmenu/{menu_id}")
    assert early.status_code == 400
    wrong = call(line_api, "POST", f"/v2/bot/richmenu/{menu_id}/content", data=png(1200, 405),
                 headers={"Content-Type": "image/png"})
    assert wrong.status_code == 400
    image = png(2500, 843)
    assert call(line_api, "POST", f"/v2/bot/richmenu/{menu_id}/content", data=image,
                headers={"Content-Type": "image/png"}).status_code == 200
    assert call(line_api, "GET", f"/v2/bot/richmenu/{menu_id}/content").content == image
    assert call(line_api, "POST", f"/v2/bot/user/{TEACHER}/richmenu/{menu_id}").status_code == 200
    assert call(line_api, "GET", f"/v2/bot/user/{TEACHER}/richmenu").json() == {"richMenuId": menu_id}
    assert call(line_api, "POST", "/v2/bot/richmenu/alias",
                json={"richMenuAliasId": "teacher-main", "richMenuId": menu_id}).status_code == 200
    assert call(line_api, "GET", "/v2/bot/richmenu/alias/list").json()["aliases"][0]["richMenuId"] == menu_id
    assert [m["richMenuId"] for m in call(line_api, "GET", "/v2/bot/richmenu/list").json()["richmenus"]] == [menu_id]
    assert call(line_api, "DELETE", f"/v2/bot/richmenu/{menu_id}").status_code == 200
    assert platform.richmenus.effective(TEACHER) is None


def test_rich_menu_of_an_invalid_size_is_refused(line_api):
    menu = {"size": {"width": 500, "height": 500}, "selected": False, "name": "x", "chatBarText": "x",
            "areas": [{"bounds": {"x": 0, "y": 0, "width": 10, "height": 10}, "action": {"type": "message",
                                                                                     "text": "x"}}]}
    assert call(line_api, "POST", "/v2/bot/richmenu", json=menu).status_code == 400


def test_invalid_message_is_refused_with_details_like_line(line_api, platform):
    token = platform.text(TEACHER, "a")["replyToken"]
    response = call(line_api, "POST", "/v2/bot/message/reply",
                    json={"replyToken": token, "messages": [{"type": "text"}]})
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("The request body has") and body["details"][0]["property"]
    assert call(line_api, "POST", "/v2/bot/message/push", data="{not json",
                headers={"Content-Type": "application/json"}).status_code == 400
    assert platform.bot_messages() == []


def test_line_down_with_503_then_healthy_again(platform, line_api):
    platform.set_down(503)
    assert call(line_api, "POST", "/v2/bot/message/push", json={"to": TEACHER, "messages": TEXT}).status_code == 503
    platform.set_down(None)
    assert call(line_api, "POST", "/v2/bot/message/push", json={"to": TEACHER, "messages": TEXT}).status_code == 200
    assert platform.billable[TEACHER] == 1


def test_line_timing_out_still_processes_the_late_request(platform, line_api):
    platform.set_down("timeout")
    with pytest.raises(requests.Timeout):
        line_api.post(line_api.base + "/v2/bot/message/push", json={"to": TEACHER, "messages": TEXT}, timeout=0.1)
    platform.set_down(None)
    for _ in range(50):
        if platform.bot_messages(TEACHER):
            break
        time.sleep(0.05)
    assert platform.bot_messages(TEACHER) == TEXT


def test_call_without_the_access_token_is_unauthorised(line_api):
    response = requests.get(line_api.base + "/v2/bot/message/quota", timeout=5,
                            headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401 and response.json()["message"].startswith("Authentication failed")


def test_unexpected_api_call_is_404_and_recorded(platform, line_api):
    platform.reset_calls()
    assert call(line_api, "GET", "/v2/bot/followers/ids").status_code == 404
    assert [(c["method"], c["path"], c["status"]) for c in platform.calls] == [("GET", "/v2/bot/followers/ids", 404)]


def test_simulator_page_has_the_test_ids(line_api):
    page = requests.get(line_api.base + "/", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    for test_id in ("composer", "send", "bubble-user", "bubble-bot"):
        assert f'"{test_id}"' in page.text or f"'{test_id}'" in page.text


def test_person_on_the_page_sends_text_and_photos_as_one_image_set(platform, line_api, delivered):
    page = line_api.base + "/sim/api"
    sent = requests.post(page + "/act", json={"action": "text", "user": PARENT, "group": GROUP, "text": "ขอบคุณค่ะ"},
                         timeout=5)
    assert sent.status_code == 200 and sent.json()["delivery"]["status"] == 200
    photos = [("photo", ("a.png", png(20, 20), "image/png")), ("photo", ("b.png", png(30, 30), "image/png"))]
    requests.post(page + "/images", data={"user": TEACHER, "group": ""}, files=photos, timeout=5)
    events = [json.loads(body)["events"][0] for body, _ in delivered[-2:]]
    assert [e["message"]["imageSet"]["index"] for e in events] == [1, 2]
    assert events[0]["message"]["imageSet"]["id"] == events[1]["message"]["imageSet"]["id"]
    state = requests.get(page + "/state", params={"after": 0}, timeout=5).json()
    assert [e["kind"] for e in state["entries"]] == ["text", "image", "image"]
    assert state["groups"][0]["memberCount"] == 23 and state["billing"]["quota"]["value"] == 300
    assert requests.get(page + f"/content/{events[0]['message']['id']}", timeout=5).content == png(20, 20)


def test_command_line_starts_with_the_built_in_personas():
    from simulator.__main__ import BUILT_IN_PERSONAS, load_personas, parse_args

    args = parse_args(["--channel-secret", "s", "--access-token", "t", "--monthly-limit", "none"])
    assert args.monthly_limit is None and args.port == 8000
    line = LinePlatform(args.channel_secret, args.access_token, monthly_limit=args.monthly_limit)
    load_personas(line, BUILT_IN_PERSONAS)
    assert len(line.users) == 5 and [u["following"] for u in line.users.values()].count(False) == 1
    group_id = BUILT_IN_PERSONAS["groups"][0]["id"]
    assert line.member_count(group_id) == 23


def test_demo_facts_stay_on_the_page_however_far_the_terminal_scrolls(line_api):
    page = line_api.base + "/sim/api"
    facts = {"title": "เดโม Smart Kids", "lines": ["รหัสเชิญ ABCD-EFGH"], "clockOffset": 3600}
    assert requests.post(page + "/notes", json=facts, timeout=5).status_code == 200
    assert requests.get(page + "/state", params={"after": 0}, timeout=5).json()["notes"] == facts
    assert 'data-testid="notes"' in requests.get(line_api.base + "/", timeout=5).text
