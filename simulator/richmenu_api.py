"""Rich menu endpoints (paths as in ../line-openapi/messaging-api.yml): menus, images, default,
per-user links and aliases."""
from flask import Blueprint, Response, current_app, jsonify, request

from simulator.errors import ApiError
from simulator.line_api import json_body

bp = Blueprint("richmenu_api", __name__)


def _menus():
    """The platform's lock and rich menu store."""
    platform = current_app.extensions["line_platform"]
    return platform.lock, platform.richmenus


def _required(body: dict, *keys: str) -> list:
    """The values of required string fields, or 400."""
    missing = [k for k in keys if not isinstance(body.get(k), str)]
    if missing:
        raise ApiError(400, f"The request body has {len(missing)} error(s)",
                       [{"message": "must be specified", "property": k} for k in missing])
    return [body[k] for k in keys]


@bp.post("/v2/bot/richmenu")
def create():
    """Create a menu."""
    lock, menus = _menus()
    with lock:
        return jsonify({"richMenuId": menus.create(json_body())})


@bp.get("/v2/bot/richmenu/list")
def menu_list():
    """Every menu."""
    lock, menus = _menus()
    with lock:
        return jsonify({"richmenus": list(menus.menus.values())})


@bp.get("/v2/bot/richmenu/<menu_id>")
def get(menu_id):
    """One menu."""
    lock, menus = _menus()
    with lock:
        return jsonify(menus.get(menu_id))


@bp.delete("/v2/bot/richmenu/<menu_id>")
def delete(menu_id):
    """Delete a menu."""
    lock, menus = _menus()
    with lock:
        menus.delete(menu_id)
    return jsonify({})


@bp.post("/v2/bot/richmenu/<menu_id>/content")
def upload(menu_id):
    """Attach the menu's image."""
    lock, menus = _menus()
    with lock:
        menus.upload(menu_id, request.get_data(), request.mimetype)
    return jsonify({})


@bp.get("/v2/bot/richmenu/<menu_id>/content")
def image(menu_id):
    """Download the menu's image."""
    lock, menus = _menus()
    with lock:
        data, content_type = menus.image(menu_id)
    return Response(data, content_type=content_type)


@bp.post("/v2/bot/user/all/richmenu/<menu_id>")
def set_default(menu_id):
    """Make a menu the default."""
    lock, menus = _menus()
    with lock:
        menus.set_default(menu_id)
    return jsonify({})


@bp.get("/v2/bot/user/all/richmenu")
def get_default():
    """The default menu's id."""
    lock, menus = _menus()
    with lock:
        if menus.default is None:
            return jsonify({"message": "no default richmenu"}), 404
        return jsonify({"richMenuId": menus.default})


@bp.delete("/v2/bot/user/all/richmenu")
def cancel_default():
    """Remove the default menu."""
    lock, menus = _menus()
    with lock:
        menus.set_default(None)
    return jsonify({})


@bp.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
def link(user_id, menu_id):
    """Link a menu to a user."""
    lock, menus = _menus()
    with lock:
        menus.link(user_id, menu_id)
    return jsonify({})


@bp.post("/v2/bot/richmenu/bulk/link")
def bulk_link():
    """Link a menu to up to 500 users (LINE answers 202 and links them asynchronously; here at once)."""
    lock, menus = _menus()
    body = json_body()
    (menu_id,) = _required(body, "richMenuId")
    with lock:
        for user_id in body.get("userIds") or []:
            menus.link(user_id, menu_id)
    return jsonify({}), 202


@bp.get("/v2/bot/user/<user_id>/richmenu")
def linked(user_id):
    """The menu linked to a user."""
    lock, menus = _menus()
    with lock:
        return jsonify({"richMenuId": menus.linked(user_id)})


@bp.delete("/v2/bot/user/<user_id>/richmenu")
def unlink(user_id):
    """Unlink a user's menu."""
    lock, menus = _menus()
    with lock:
        menus.unlink(user_id)
    return jsonify({})


@bp.post("/v2/bot/richmenu/alias")
def create_alias():
    """Create an alias."""
    lock, menus = _menus()
    alias_id, menu_id = _required(json_body(), "richMenuAliasId", "richMenuId")
    with lock:
        menus.create_alias(alias_id, menu_id)
    return jsonify({})


@bp.get("/v2/bot/richmenu/alias/list")
def alias_list():
    """Every alias."""
    lock, menus = _menus()
    with lock:
        return jsonify({"aliases": menus.alias_list()})


@bp.get("/v2/bot/richmenu/alias/<alias_id>")
def get_alias(alias_id):
    """One alias."""
    lock, menus = _menus()
    with lock:
        return jsonify(menus.alias(alias_id))


@bp.post("/v2/bot/richmenu/alias/<alias_id>")
def update_alias(alias_id):
    """Point an alias at another menu."""
    lock, menus = _menus()
    (menu_id,) = _required(json_body(), "richMenuId")
    with lock:
        menus.update_alias(alias_id, menu_id)
    return jsonify({})


@bp.delete("/v2/bot/richmenu/alias/<alias_id>")
def delete_alias(alias_id):
    """Delete an alias."""
    lock, menus = _menus()
    with lock:
        menus.delete_alias(alias_id)
    return jsonify({})
