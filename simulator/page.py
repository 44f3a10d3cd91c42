"""The simulator web page and its JSON API (/sim/api/...): a person chats with the bot as any persona.

The page polls /sim/api/state for new chat entries; its actions become webhook events through the
same LinePlatform methods the tests use.
"""
import uuid

import fontpkg_sarabun
from flask import Blueprint, Response, abort, current_app, jsonify, request, send_from_directory

bp = Blueprint("sim_page", __name__)


def _platform():
    return current_app.extensions["line_platform"]


@bp.get("/")
def index():
    """The chat page."""
    return current_app.send_static_file("index.html")


@bp.get("/sim/fonts/<name>")
def font(name):
    """The Sarabun Thai font (OFL, from the fontpkg-sarabun package): no CDN on this machine."""
    return send_from_directory(fontpkg_sarabun.ROOT / "files", name, max_age=86400)


@bp.get("/sim/api/state")
def state():
    """People, chats, billing, and chat entries after `?after=seq`."""
    platform = _platform()
    after = request.args.get("after", 0, type=int)
    with platform.lock:
        users = [{**{k: u[k] for k in ("userId", "displayName", "pictureUrl", "following", "role_hint")},
                  "richMenuId": (platform.richmenus.effective(u["userId"]) or {}).get("richMenuId")}
                 for u in platform.users.values()]
        groups = [{"groupId": g["groupId"], "groupName": g["groupName"], "members": g["members"],
                   "memberCount": platform.member_count(g["groupId"]), "botIn": g["bot_in"]}
                  for g in platform.groups.values()]
        now = platform.clock()
        loading = [chat for chat, until in platform.loading.items() if until > now]
        billing = {"perChat": dict(platform.billable), "total": platform.total_billable(),
                   "quota": platform.quota()}
        delivery = platform.deliveries[-1] if platform.deliveries else None
        notes = dict(platform.notes)
    return jsonify({"users": users, "groups": groups, "entries": platform.entries(after), "loading": loading,
                    "billing": billing, "lastDelivery": delivery, "notes": notes})


@bp.post("/sim/api/notes")
def set_notes():
    """What the page shows above the people ({"title", "lines": [...], "clockOffset": seconds}): the demo's facts."""
    platform = _platform()
    with platform.lock:
        platform.notes = request.get_json(force=True) or {}
    return jsonify(platform.notes)


@bp.post("/sim/api/act")
def act():
    """Do what a person does: {"action": "text"|"location"|"sticker"|"postback"|"follow"|..., ...}."""
    platform, body = _platform(), request.get_json(force=True)
    user, group = body.get("user"), body.get("group") or None
    actions = {
        "text": lambda: platform.text(user, body["text"], group_id=group),
        "location": lambda: platform.location(user, float(body["latitude"]), float(body["longitude"]),
                                              body.get("address", ""), body.get("title"), group_id=group),
        "sticker": lambda: platform.sticker(user, body.get("packageId", "446"), body.get("stickerId", "1988"),
                                            group_id=group),
        "postback": lambda: platform.postback(user, body["data"], body.get("params"), group_id=group,
                                              display_text=body.get("displayText")),
        "follow": lambda: platform.follow(user),
        "unfollow": lambda: platform.unfollow(user),
        "join": lambda: platform.join(group),
        "leave": lambda: platform.leave(group),
        "member_joined": lambda: platform.member_joined(group, [user]),
        "member_left": lambda: platform.member_left(group, [user]),
    }
    if body.get("action") not in actions:
        abort(400)
    try:
        event = actions[body["action"]]()
    except KeyError as exc:
        return jsonify({"error": f"unknown {exc}"}), 400
    return jsonify({"event": event, "delivery": platform.deliveries[-1] if platform.deliveries else None})


@bp.post("/sim/api/images")
def images():
    """Send the uploaded photos (form fields user, group; files `photo`), several as one imageSet."""
    platform = _platform()
    user, group = request.form["user"], request.form.get("group") or None
    files = [f.read() for f in request.files.getlist("photo")]
    set_id = uuid.uuid4().hex.upper() if len(files) > 1 else None
    sent = [platform.image(user, data, group_id=group, image_set=(set_id, i, len(files)) if set_id else None)
            for i, data in enumerate(files, start=1)]
    return jsonify({"events": sent})


@bp.get("/sim/api/content/<message_id>")
def content(message_id):
    """An image a persona sent (shown in their bubble; never expires for the page)."""
    found = _platform().sent_content(message_id)
    if found is None:
        abort(404)
    return Response(found[0], content_type=found[1])


@bp.get("/sim/api/richmenu/<user_id>")
def richmenu(user_id):
    """The rich menu this user sees (their link, else the default), or null."""
    platform = _platform()
    with platform.lock:
        return jsonify(platform.richmenus.effective(user_id))


@bp.get("/sim/api/richmenu/alias/<alias_id>")
def richmenu_alias(alias_id):
    """The menu an alias points to (for richmenuswitch actions), or null."""
    platform = _platform()
    with platform.lock:
        menu_id = platform.richmenus.aliases.get(alias_id)
        return jsonify(platform.richmenus.menus.get(menu_id) if menu_id else None)


@bp.get("/sim/api/richmenu-image/<menu_id>")
def richmenu_image(menu_id):
    """A rich menu's image."""
    platform = _platform()
    with platform.lock:
        found = platform.richmenus.images.get(menu_id)
    if found is None:
        abort(404)
    return Response(found[0], content_type=found[1])
