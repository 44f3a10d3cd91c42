"""What the bot can ask of the platform: the behaviour behind each Messaging API endpoint.

Billing follows LINE's rules (https://developers.line.biz/en/docs/messaging-api/pricing/ and
https://developers.line.biz/en/tips/2026/05/28/how-to-count-messages/): reply messages are free; a
push or multicast counts once per recipient who actually receives it, however many message objects
the request holds; a push to a group counts once per member; a blocked user or an unknown id in a
multicast is not counted. Over the monthly limit the request is refused with 429 and nothing is sent.
"""
import copy
import re

from simulator import events
from simulator.errors import ApiError

RETRY_KEY = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
RETRY_KEY_LIFETIME = 24 * 3600
QUOTABLE = {"text", "textV2", "sticker"}


def _sent(messages: list[dict]) -> list[dict]:
    """The sentMessages array of a reply or push response."""
    return [{"id": events.new_message_id(), **({"quoteToken": events.new_quote_token()}
                                                if m.get("type") in QUOTABLE else {})} for m in messages]


class BotApi:
    """Mixed into LinePlatform; every method runs under its lock and raises ApiError like LINE."""

    def reply(self, body: dict) -> dict:
        """Send messages with a reply token: single use, valid `reply_token_ttl` seconds, free."""
        with self.lock:
            token = self._tokens.get(body.get("replyToken"))
            if (token is None or token["used"] or token["expired"]
                    or self.clock() - token["at"] > self.reply_token_ttl):
                raise ApiError(400, "Invalid reply token")
            token["used"] = True
            self.loading.pop(token["chat"], None)
            self._log(token["chat"], "bot", None, "reply", body["messages"])
            return {"sentMessages": _sent(body["messages"])}

    def push(self, body: dict, retry_key: str | None, request_id: str) -> dict:
        """Send messages to a user or a group at any time; billed per recipient."""
        with self.lock:
            self._check_retry_key(retry_key)
            to = body.get("to")
            if to in self.groups and self.groups[to]["bot_in"]:
                cost, shown = self.member_count(to), True
            elif to in self.users:
                shown = self.users[to]["following"]
                cost = 1 if shown else 0
            else:
                raise ApiError(400, "Failed to send messages")
            self._charge({to: cost})
            if shown:
                self.loading.pop(to, None)
                self._log(to, "bot", None, "push", body["messages"])
            self._accept_retry_key(retry_key, request_id)
            return {"sentMessages": _sent(body["messages"])}

    def multicast(self, body: dict, retry_key: str | None, request_id: str) -> dict:
        """Send the same messages to several users; billed per user who receives them."""
        with self.lock:
            self._check_retry_key(retry_key)
            receivers = [uid for uid in dict.fromkeys(body.get("to", []))
                         if uid in self.users and self.users[uid]["following"]]
            self._charge({uid: 1 for uid in receivers})
            for uid in receivers:
                self._log(uid, "bot", None, "multicast", body["messages"])
            self._accept_retry_key(retry_key, request_id)
            return {}

    def _check_retry_key(self, key: str | None) -> None:
        if key is None:
            return
        if not RETRY_KEY.match(key):
            raise ApiError(400, "The value of the X-Line-Retry-Key header is invalid")
        accepted = self._retry_keys.get(key)
        if accepted and self.clock() - accepted[1] < RETRY_KEY_LIFETIME:
            raise ApiError(409, "The retry key is already accepted",
                           headers={"x-line-accepted-request-id": accepted[0]})

    def _accept_retry_key(self, key: str | None, request_id: str) -> None:
        if key is not None:
            self._retry_keys[key] = (request_id, self.clock())

    def _charge(self, costs: dict[str, int]) -> None:
        """Bill the costs, or refuse the whole request with 429 when it would pass the limit."""
        total = sum(costs.values())
        if self.monthly_limit is not None and total and sum(self.billable.values()) + total > self.monthly_limit:
            raise ApiError(429, "You have reached your monthly limit.")
        for chat_id, cost in costs.items():
            self.billable[chat_id] += cost

    def content(self, message_id: str) -> tuple[bytes, str]:
        """The bytes a user sent, until they expire after `content_ttl` seconds."""
        with self.lock:
            found = self._contents.get(message_id)
            if found is None or self.clock() - found[2] > self.content_ttl:
                raise ApiError(404, "Not found")
            return found[0], found[1]

    def profile(self, user_id: str) -> dict:
        """A friend's profile; 404 for unknown users and users who do not follow the OA."""
        with self.lock:
            user = self.users.get(user_id)
            if user is None or not user["following"]:
                raise ApiError(404, "Not found")
            return _profile(user, "language")

    def group_summary(self, group_id: str) -> dict:
        """The group's id and name."""
        return {k: v for k, v in self._group(group_id).items() if k in ("groupId", "groupName")}

    def group_member_count(self, group_id: str) -> dict:
        """How many members the group has, the bot excluded."""
        with self.lock:
            self._group(group_id)
            return {"count": self.member_count(group_id)}

    def group_member(self, group_id: str, user_id: str) -> dict:
        """The profile of one member of the group."""
        with self.lock:
            if user_id not in self._group(group_id)["members"] or user_id not in self.users:
                raise ApiError(404, "Not found")
            return _profile(self.users[user_id])

    def _group(self, group_id: str) -> dict:
        with self.lock:
            group = self.groups.get(group_id)
            if group is None or not group["bot_in"]:
                raise ApiError(404, "Not found")
            return copy.deepcopy(group)

    def start_loading(self, body: dict) -> None:
        """Show the loading animation: 1:1 chats with a friend only, 5-60 s in steps of 5."""
        with self.lock:
            chat_id, seconds = body.get("chatId"), body.get("loadingSeconds", 20)
            user = self.users.get(chat_id)
            if user is None or not user["following"]:
                raise ApiError(400, "Invalid chatId")
            if seconds % 5 or not 5 <= seconds <= 60:
                raise ApiError(400, "loadingSeconds must be a multiple of 5 between 5 and 60")
            self.loading[chat_id] = self.clock() + seconds

    def quota(self) -> dict:
        """The monthly message limit."""
        return {"type": "none"} if self.monthly_limit is None else {"type": "limited", "value": self.monthly_limit}

    def consumption(self) -> dict:
        """Messages billed this month."""
        return {"totalUsage": self.total_billable()}


def _profile(user: dict, *extra: str) -> dict:
    keys = ("displayName", "userId", "pictureUrl", *extra)
    return {k: user[k] for k in keys if user.get(k) is not None}
