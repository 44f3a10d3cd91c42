"""The one LINE client: a thin wrapper over line-bot-sdk v3 that speaks in plain dicts."""
from __future__ import annotations

import json
from dataclasses import dataclass

import urllib3
from linebot.v3.messaging import (
    ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob, PushMessageRequest,
    ReplyMessageRequest, ShowLoadingAnimationRequest,
)

from bot.config import Config


@dataclass
class LineResult:
    """Outcome of one call: HTTP status (0 = no answer), LINE's message, and whether to retry."""

    status: int
    message: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status >= 500 or (self.status == 429 and not self.monthly_limit)

    @property
    def monthly_limit(self) -> bool:
        return self.status == 429 and "monthly limit" in self.message.lower()


class LineApi:
    """Calls to the Messaging API and data API; never raises for HTTP or network failures on sends."""

    def __init__(self, cfg: Config):
        self.timeout = cfg.LINE_TIMEOUT_SECONDS
        api = Configuration(host=cfg.line_api_host, access_token=cfg.LINE_CHANNEL_ACCESS_TOKEN)
        data = Configuration(host=cfg.line_data_host, access_token=cfg.LINE_CHANNEL_ACCESS_TOKEN)
        api.retries = data.retries = False
        self._api = MessagingApi(ApiClient(api))
        self._blob = MessagingApiBlob(ApiClient(data))

    def _send(self, call, *args, **kwargs) -> LineResult:
        try:
            response = call(*args, _request_timeout=self.timeout, **kwargs)
            return LineResult(response.status_code)
        except ApiException as exc:
            return LineResult(exc.status or 0, _error_message(exc.body))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            return LineResult(0, f"{type(exc).__name__}: {exc}")

    def reply(self, reply_token: str, messages: list[dict]) -> LineResult:
        """Reply with a token (free); 400 'Invalid reply token' when it is used up or expired."""
        body = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        return self._send(self._api.reply_message_with_http_info, body)

    def push(self, to: str, messages: list[dict], retry_key: str) -> LineResult:
        """Push (billed per recipient); a repeated retry key answers 409, which means delivered."""
        body = PushMessageRequest.from_dict({"to": to, "messages": messages})
        return self._send(self._api.push_message_with_http_info, body, x_line_retry_key=retry_key)

    def loading(self, chat_id: str, seconds: int = 20) -> LineResult:
        """Show the loading animation in a 1:1 chat."""
        body = ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds)
        return self._send(self._api.show_loading_animation_with_http_info, body)

    def content(self, message_id: str) -> bytes:
        """Download what a user sent (image etc.); raises ApiException when it is gone."""
        return self._blob.get_message_content(message_id, _request_timeout=self.timeout * 4)

    def profile(self, user_id: str) -> dict:
        """A user's public profile (displayName …); {} when LINE does not know them."""
        return self._read(self._api.get_profile, user_id)

    def group_summary(self, group_id: str) -> dict:
        """A group's name and picture; {} when unavailable."""
        return self._read(self._api.get_group_summary, group_id)

    def group_member_count(self, group_id: str) -> int | None:
        """How many users are in a group (what a push there costs)."""
        return self._read(self._api.get_group_member_count, group_id).get("count")

    def quota(self) -> dict:
        """This month's message quota and consumption."""
        limit = self._read(self._api.get_message_quota)
        used = self._read(self._api.get_message_quota_consumption)
        return {"type": limit.get("type"), "value": limit.get("value"), "totalUsage": used.get("totalUsage")}

    def _read(self, call, *args) -> dict:
        try:
            return call(*args, _request_timeout=self.timeout).to_dict()
        except (ApiException, urllib3.exceptions.HTTPError, OSError):
            return {}


def _error_message(body) -> str:
    try:
        return json.loads(body).get("message", "")
    except (TypeError, ValueError, AttributeError):
        return str(body or "")
