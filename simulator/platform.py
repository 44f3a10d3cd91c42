"""The fake LINE platform's state: people, groups, chats, tokens, content, billing, failures.

What people do becomes signed webhook events delivered to the bot; what the bot does arrives
through `simulator.server` and is handled by the `BotApi` methods. In memory, guarded by one lock.
"""
import copy
import secrets
import threading
import time
from collections import defaultdict

import requests

from simulator import events
from simulator.bot_api import BotApi
from simulator.richmenus import RichMenus


class LinePlatform(BotApi):
    """One LINE channel (a bot) and the people and groups around it."""

    def __init__(self, channel_secret: str, access_token: str, *, deliver=None, webhook_url: str | None = None,
                 spec=None, reply_token_ttl: float = 60.0, content_ttl: float = 3600.0,
                 monthly_limit: int | None = 300, clock=time.time, bot_user_id: str | None = None,
                 timeout_delay: float = 3.0, local_http_media: bool = False, latency: float = 0.0):
        self.channel_secret, self.access_token = channel_secret, access_token
        self.deliver, self.webhook_url, self.spec = deliver, webhook_url, spec
        self.reply_token_ttl, self.content_ttl, self.monthly_limit = reply_token_ttl, content_ttl, monthly_limit
        self.clock, self.timeout_delay = clock, timeout_delay
        self.latency = latency  # seconds every Messaging API call waits before it is answered (a slow LINE; 0: off)
        self.local_http_media = local_http_media  # accept http://127.0.0.1 / localhost image URLs (local demo)
        self.bot_user_id = bot_user_id or "U" + secrets.token_hex(16)
        self.lock = threading.RLock()
        self.users: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}
        self.richmenus = RichMenus()
        self.billable: dict[str, int] = defaultdict(int)
        self.calls: list[dict] = []
        self.deliveries: list[dict] = []
        self.down: int | str | None = None
        self.loading: dict[str, float] = {}
        self._entries: list[dict] = []
        self._tokens: dict[str, dict] = {}
        self._contents: dict[str, tuple[bytes, str, float]] = {}
        self._retry_keys: dict[str, tuple[str, float]] = {}

    # people and groups
    def add_user(self, user_id, display_name, picture_url=None, language="th", following=True,
                 role_hint=None) -> None:
        """Register a LINE user; `following=False` for someone who has not added the OA yet."""
        with self.lock:
            self.users[user_id] = {"userId": user_id, "displayName": display_name, "pictureUrl": picture_url,
                                   "language": language, "following": following, "blocked": False,
                                   "role_hint": role_hint}

    def add_group(self, group_id, name, member_ids: list[str], extra_members: int = 0) -> None:
        """Register a group the bot is in; it bills len(member_ids) + extra_members per push."""
        with self.lock:
            self.groups[group_id] = {"groupId": group_id, "groupName": name, "members": list(member_ids),
                                     "extra_members": extra_members, "bot_in": True}

    def member_count(self, group_id: str) -> int:
        """Members of the group, the bot excluded (what a push to it costs)."""
        group = self.groups[group_id]
        return len(group["members"]) + group["extra_members"]

    # what a person does
    def text(self, user_id, text, group_id=None) -> dict:
        """The user sends a text message."""
        return self._message(user_id, group_id, events.text_message(text))

    def image(self, user_id, data: bytes, group_id=None, image_set: tuple[str, int, int] | None = None) -> dict:
        """The user sends a photo; `image_set` = (set id, index from 1, total) for several at once."""
        message = events.image_message(image_set)
        with self.lock:
            self._contents[message["id"]] = (bytes(data), _content_type(data), self.clock())
        return self._message(user_id, group_id, message)

    def location(self, user_id, latitude, longitude, address="", title=None, group_id=None) -> dict:
        """The user shares a location."""
        return self._message(user_id, group_id, events.location_message(latitude, longitude, address, title))

    def sticker(self, user_id, package_id="446", sticker_id="1988", group_id=None) -> dict:
        """The user sends a sticker."""
        return self._message(user_id, group_id, events.sticker_message(package_id, sticker_id))

    def postback(self, user_id, data, params: dict | None = None, group_id=None, display_text=None) -> dict:
        """The user taps a postback action (its displayText, if any, shows as their message)."""
        postback = {"data": data, **({"params": params} if params else {})}
        shown = {"type": "postback", **postback, **({"displayText": display_text} if display_text else {})}
        return self._act("postback", user_id, group_id, shown, postback=postback)

    def follow(self, user_id) -> dict:
        """The user adds the OA as a friend (or unblocks it)."""
        with self.lock:
            user = self.users[user_id]
            unblocked, user["following"], user["blocked"] = user["blocked"], True, False
        return self._act("follow", user_id, None, {"type": "follow"}, follow={"isUnblocked": unblocked})

    def unfollow(self, user_id) -> dict:
        """The user blocks the OA."""
        with self.lock:
            self.users[user_id].update(following=False, blocked=True)
        return self._act("unfollow", user_id, None, {"type": "unfollow"}, reply=False)

    def join(self, group_id) -> dict:
        """Someone adds the bot to the group."""
        with self.lock:
            self.groups[group_id]["bot_in"] = True
        return self._act("join", None, group_id, {"type": "join"})

    def leave(self, group_id) -> dict:
        """Someone removes the bot from the group."""
        with self.lock:
            self.groups[group_id]["bot_in"] = False
        return self._act("leave", None, group_id, {"type": "leave"}, reply=False)

    def member_joined(self, group_id, user_ids) -> dict:
        """Users join the group."""
        with self.lock:
            members = self.groups[group_id]["members"]
            members.extend(uid for uid in user_ids if uid not in members)
        return self._act("memberJoined", None, group_id, {"type": "memberJoined", "userIds": list(user_ids)},
                         joined=events.members(user_ids))

    def member_left(self, group_id, user_ids) -> dict:
        """Users leave the group."""
        with self.lock:
            group = self.groups[group_id]
            group["members"] = [uid for uid in group["members"] if uid not in user_ids]
        return self._act("memberLeft", None, group_id, {"type": "memberLeft", "userIds": list(user_ids)},
                         reply=False, left=events.members(user_ids))

    def redeliver(self, event: dict) -> int | None:
        """Send the same event again, marked as a redelivery and signed anew."""
        again = copy.deepcopy(event)
        again["deliveryContext"] = {"isRedelivery": True}
        return self._deliver([again])

    def webhook_body(self, *evs) -> tuple[bytes, dict]:
        """The signed webhook request carrying these events: raw body and headers."""
        return events.webhook_body(self.channel_secret, self.bot_user_id, list(evs))

    def _message(self, user_id, group_id, message: dict) -> dict:
        return self._act("message", user_id, group_id, message, message=message)

    def _act(self, kind, user_id, group_id, shown: dict, reply=True, **fields) -> dict:
        """Build one event, log what the person did in the chat, deliver it."""
        with self.lock:
            if user_id is not None and user_id not in self.users:
                raise KeyError(f"unknown user {user_id}")
            if group_id is not None and group_id not in self.groups:
                raise KeyError(f"unknown group {group_id}")
            chat_id, now = group_id or user_id, self.clock()
            token = None
            if reply:
                token = events.new_token()
                self._tokens[token] = {"chat": chat_id, "at": now, "used": False, "expired": False}
            event = events.event(kind, events.source(user_id, group_id), now, token, **fields)
            self._log(chat_id, "user", user_id, shown["type"], [shown])
        self._deliver([event])
        return event

    def _deliver(self, evs: list[dict]) -> int | None:
        """POST the signed events to the bot (outside the lock: the bot may call back at once)."""
        body, headers = self.webhook_body(*evs)
        status, error = None, None
        try:
            if self.deliver is not None:
                status = self.deliver(body, headers)
            elif self.webhook_url:
                status = requests.post(self.webhook_url, data=body, headers=headers, timeout=10).status_code
        except requests.RequestException as exc:
            error = str(exc)
        with self.lock:
            self.deliveries.append({"events": [e["webhookEventId"] for e in evs], "status": status,
                                    "error": error, "at": self.clock()})
        return status

    # inspection
    def _log(self, chat_id, who, user_id, kind, messages) -> None:
        self._entries.append({"seq": len(self._entries) + 1, "chat_id": chat_id, "from": who, "user_id": user_id,
                              "kind": kind, "messages": copy.deepcopy(messages), "at": self.clock()})

    def entries(self, after: int = 0) -> list[dict]:
        """Every chat entry with seq > after, in order (for the page's polling)."""
        with self.lock:
            return copy.deepcopy(self._entries[after:])

    def transcript(self, chat_id) -> list[dict]:
        """What happened in one chat, in order: person actions and bot replies/pushes."""
        with self.lock:
            return [copy.deepcopy(e) for e in self._entries if e["chat_id"] == chat_id]

    def bot_messages(self, chat_id=None) -> list[dict]:
        """The message objects the bot sent (to that chat), in order."""
        with self.lock:
            return [copy.deepcopy(m) for e in self._entries if e["from"] == "bot"
                    and (chat_id is None or e["chat_id"] == chat_id) for m in e["messages"]]

    def sent_content(self, message_id: str) -> tuple[bytes, str] | None:
        """The bytes and type of an image a person sent, ignoring expiry (for the page)."""
        with self.lock:
            found = self._contents.get(message_id)
            return (found[0], found[1]) if found else None

    def total_billable(self) -> int:
        """Messages billed this month, all chats together."""
        with self.lock:
            return sum(self.billable.values())

    def reset_calls(self) -> None:
        """Forget the recorded API calls."""
        with self.lock:
            self.calls.clear()

    # failure injection
    def set_down(self, mode: int | str | None) -> None:
        """500/503: every API call answers that; "timeout": each call first sleeps `timeout_delay`
        seconds and is then processed (as a real timeout may have been); None: healthy."""
        with self.lock:
            self.down = mode

    def expire_reply_tokens(self) -> None:
        """Every reply token issued so far is expired from now on."""
        with self.lock:
            for token in self._tokens.values():
                token["expired"] = True


def _content_type(data: bytes) -> str:
    """The image type from its magic bytes (LINE serves what the user sent)."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "image/jpeg"
