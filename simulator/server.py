"""The fake LINE HTTP server: the Messaging API the bot calls, plus the simulator page, in one Flask app.

Every /v2/ call passes the same gate, in LINE's order: the platform's `latency` (off by default; benchmarks
set e.g. 0.08 for a LINE answering in 80 ms), failure injection, bearer token, JSON body, schema check
(simulator.schema); then it is routed, and recorded in `platform.calls`.
"""
import json
import threading
import time
import uuid

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import NotFound
from werkzeug.serving import WSGIRequestHandler, make_server

from simulator import line_api, page, richmenu_api
from simulator.errors import ApiError
from simulator.schema import request_errors

AUTH_FAILED = "Authentication failed. Confirm that the access token in the authorization header is valid."
DOWN_MESSAGES = {500: "Internal server error", 503: "Service unavailable"}


def create_sim_app(platform) -> Flask:
    """The Flask app serving LINE's API paths and the simulator page for this platform."""
    app = Flask(__name__, static_folder="static", static_url_path="/sim/static")
    app.extensions["line_platform"] = platform
    app.register_blueprint(line_api.bp)
    app.register_blueprint(richmenu_api.bp)
    app.register_blueprint(page.bp)
    app.before_request(_gate)
    app.after_request(_record)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(NotFound, _not_found)
    return app


def _api_error(error: ApiError) -> Response:
    response = jsonify(error.body())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _not_found(error):
    if request.path.startswith("/v2/"):
        return _api_error(ApiError(404, "Not found"))
    return error


def _gate():
    """Refuse what LINE would refuse before any endpoint runs."""
    if not request.path.startswith("/v2/"):
        return None
    platform = current_app.extensions["line_platform"]
    g.request_id = str(uuid.uuid4())
    if platform.latency:
        time.sleep(platform.latency)
    if platform.down == "timeout":
        time.sleep(platform.timeout_delay)
    elif platform.down is not None:
        raise ApiError(int(platform.down), DOWN_MESSAGES.get(int(platform.down), "Server error"))
    if request.headers.get("Authorization") != f"Bearer {platform.access_token}":
        raise ApiError(401, AUTH_FAILED)
    g.body = None
    if request.mimetype == "application/json" or (request.method == "POST" and request.get_data()
                                                  and not request.path.endswith("/content")):
        try:
            g.body = json.loads(request.get_data() or b"null")
        except ValueError:
            raise ApiError(400, "The request body could not be parsed as JSON") from None
    if request.url_rule is None:
        return None
    checked = _https_for_loopback(g.body) if platform.local_http_media else g.body
    errors = request_errors(request.method, request.path, checked, platform.spec)
    if errors:
        raise ApiError(400, f"The request body has {len(errors)} error(s)", [_detail(e) for e in errors])
    return None


LOOPBACK = ("http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/")


def _https_for_loopback(value):
    """A copy of a body in which loopback http URLs read as https (a local bot has no TLS; real LINE needs it)."""
    if isinstance(value, dict):
        return {k: _https_for_loopback(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_https_for_loopback(v) for v in value]
    if isinstance(value, str) and value.startswith(LOOPBACK):
        return "https://" + value[len("http://"):]
    return value


def _detail(error: str) -> dict:
    """'messages[0].text: too long' -> {"property": "messages[0].text", "message": "too long"}."""
    where, sep, message = error.partition(": ")
    return {"message": message, "property": where} if sep else {"message": error}


def _record(response: Response) -> Response:
    """Remember every API call, answer with LINE's request id header."""
    if request.path.startswith("/v2/"):
        platform = current_app.extensions["line_platform"]
        response.headers.setdefault("x-line-request-id", g.get("request_id") or str(uuid.uuid4()))
        body = g.get("body")
        if body is None and request.get_data():
            body = request.get_data()
        with platform.lock:
            platform.calls.append({"method": request.method, "path": request.path, "status": response.status_code,
                                   "body": body, "headers": dict(request.headers)})
    return response


class ServerHandle:
    """A running simulator server: its base `url`, and `shutdown()`."""

    def __init__(self, server, thread: threading.Thread):
        self._server, self._thread = server, thread
        self.host, self.port = server.host, server.port
        self.url = f"http://{server.host}:{server.port}"

    def shutdown(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.shutdown()
        self._thread.join(timeout=5)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def serve(platform, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> ServerHandle:
    """Run the simulator app for real on host:port (0 = a free port) in a daemon thread."""
    server = make_server(host, port, create_sim_app(platform), threaded=True,
                         request_handler=_QuietHandler if quiet else None)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="line-simulator",
                              daemon=True)
    thread.start()
    return ServerHandle(server, thread)
