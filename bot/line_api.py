"""The one LINE client: a thin wrapper over line-bot-sdk v3 that speaks in plain dicts."""
from __future__ import annotations

import json
from dataclasses import dataclass

import urllib3
from linebot.v3.messaging import (
    ApiClient, ApiException, Configuration, CreateRichMenuAliasRequest, MessagingApi, MessagingApiBlob,
    PushMessageRequest, ReplyMessageRequest, RichMenuBulkLinkRequest, RichMenuRequest, ShowLoadingAnimationRequest,
    UpdateRichMenuAliasRequest,
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


class LineError(Exception):
    """A management call (rich menus) that LINE refused or could not answer."""

    def __init__(self, result: LineResult):
        super().__init__(f"LINE {result.status}: {result.message}")
        self.result = result


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

    # Rich menus (operator tooling: these raise LineError instead of returning a result)
    def rich_menus(self) -> list[dict]:
        """Every rich menu of the channel."""
        return self._manage(self._api.get_rich_menu_list).to_dict()["richmenus"]

    def create_rich_menu(self, body: dict) -> str:
        """Create a rich menu from its JSON object; returns its id (it needs an image before use)."""
        return self._manage(self._api.create_rich_menu, RichMenuRequest.from_dict(body)).rich_menu_id

    def upload_rich_menu_image(self, menu_id: str, data: bytes, content_type: str) -> None:
        """Attach the (only) image of a rich menu, through the data host."""
        self._manage(self._blob.set_rich_menu_image, menu_id, data, _headers={"Content-Type": content_type})

    def delete_rich_menu(self, menu_id: str) -> None:
        """Delete a rich menu (LINE drops its links; users fall back to the default menu)."""
        self._manage(self._api.delete_rich_menu, menu_id)

    def default_rich_menu(self) -> str | None:
        """The default rich menu's id, or None."""
        try:
            return self._manage(self._api.get_default_rich_menu_id).rich_menu_id
        except LineError as exc:
            if exc.result.status == 404:
                return None
            raise

    def set_default_rich_menu(self, menu_id: str) -> None:
        """Show this menu to every user who has no menu of their own."""
        self._manage(self._api.set_default_rich_menu, menu_id)

    def rich_menu_aliases(self) -> dict[str, str]:
        """Alias id -> rich menu id."""
        aliases = self._manage(self._api.get_rich_menu_alias_list).aliases or []
        return {a.rich_menu_alias_id: a.rich_menu_id for a in aliases}

    def create_rich_menu_alias(self, alias_id: str, menu_id: str) -> None:
        """Create an alias (what richmenuswitch actions name) for a menu."""
        body = CreateRichMenuAliasRequest(richMenuAliasId=alias_id, richMenuId=menu_id)
        self._manage(self._api.create_rich_menu_alias, body)

    def update_rich_menu_alias(self, alias_id: str, menu_id: str) -> None:
        """Point an existing alias at another menu."""
        self._manage(self._api.update_rich_menu_alias, alias_id, UpdateRichMenuAliasRequest(richMenuId=menu_id))

    def delete_rich_menu_alias(self, alias_id: str) -> None:
        """Delete an alias."""
        self._manage(self._api.delete_rich_menu_alias, alias_id)

    def link_rich_menu(self, menu_id: str, user_ids: list[str]) -> LineResult:
        """Link a menu to users: one user directly, several (<= 500) in one bulk request."""
        if len(user_ids) == 1:
            return self._send(self._api.link_rich_menu_id_to_user_with_http_info, user_ids[0], menu_id)
        body = RichMenuBulkLinkRequest(richMenuId=menu_id, userIds=user_ids)
        return self._send(self._api.link_rich_menu_id_to_users_with_http_info, body)

    def unlink_rich_menu(self, user_id: str) -> LineResult:
        """Take a user's own rich menu away (they see the default menu again)."""
        return self._send(self._api.unlink_rich_menu_id_from_user_with_http_info, user_id)

    def _manage(self, call, *args, **kwargs):
        try:
            return call(*args, _request_timeout=self.timeout * 4, **kwargs)
        except ApiException as exc:
            raise LineError(LineResult(exc.status or 0, _error_message(exc.body))) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise LineError(LineResult(0, f"{type(exc).__name__}: {exc}")) from None

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
