"""Messaging API endpoints (paths as in ../line-openapi/messaging-api.yml): messages, content,
profiles, groups, loading animation, quota. Requests arrive already authenticated and checked."""
from flask import Blueprint, Response, current_app, g, jsonify, request

from simulator.errors import ApiError

bp = Blueprint("line_api", __name__)


def _platform():
    return current_app.extensions["line_platform"]


def json_body() -> dict:
    """The JSON object body; LINE answers 400 when there is none."""
    if not isinstance(g.get("body"), dict):
        raise ApiError(400, "The request body must be a JSON object")
    return g.body


@bp.post("/v2/bot/message/reply")
def reply():
    """Reply with a token from a webhook event."""
    return jsonify(_platform().reply(json_body()))


@bp.post("/v2/bot/message/push")
def push():
    """Push to a user or group."""
    return jsonify(_platform().push(json_body(), request.headers.get("X-Line-Retry-Key"), g.request_id))


@bp.post("/v2/bot/message/multicast")
def multicast():
    """Send to several users."""
    return jsonify(_platform().multicast(json_body(), request.headers.get("X-Line-Retry-Key"), g.request_id))


@bp.get("/v2/bot/message/<message_id>/content")
def content(message_id):
    """Download what a user sent."""
    data, content_type = _platform().content(message_id)
    return Response(data, content_type=content_type)


@bp.get("/v2/bot/profile/<user_id>")
def profile(user_id):
    """A friend's profile."""
    return jsonify(_platform().profile(user_id))


@bp.get("/v2/bot/group/<group_id>/summary")
def group_summary(group_id):
    """A group's name."""
    return jsonify(_platform().group_summary(group_id))


@bp.get("/v2/bot/group/<group_id>/members/count")
def group_member_count(group_id):
    """How many members a group has."""
    return jsonify(_platform().group_member_count(group_id))


@bp.get("/v2/bot/group/<group_id>/member/<user_id>")
def group_member(group_id, user_id):
    """One group member's profile."""
    return jsonify(_platform().group_member(group_id, user_id))


@bp.post("/v2/bot/chat/loading/start")
def loading_start():
    """Show the loading animation in a 1:1 chat."""
    _platform().start_loading(json_body())
    return jsonify({}), 202


@bp.get("/v2/bot/message/quota")
def quota():
    """The monthly limit."""
    return jsonify(_platform().quota())


@bp.get("/v2/bot/message/quota/consumption")
def quota_consumption():
    """This month's usage."""
    return jsonify(_platform().consumption())
