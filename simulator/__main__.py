"""Run the fake LINE platform with its web page: `python -m simulator --port 8000 --webhook-url URL ...`.

Point the bot at it with LINE_API_BASE_URL=http://HOST:PORT and the same secret and token.
"""
import argparse
import json
import os
import time

from simulator.platform import LinePlatform
from simulator.schema import load_spec
from simulator.server import serve

BUILT_IN_PERSONAS = {
    "users": [
        {"id": f"U{1:032x}", "name": "ครูสมศรี ใจดี", "role_hint": "ครูผู้ดูแลเด็ก (teacher)"},
        {"id": f"U{2:032x}", "name": "ครูวิไล หัวหน้าศูนย์", "role_hint": "หัวหน้าศูนย์ (head)"},
        {"id": f"U{3:032x}", "name": "แม่ของน้องภูริ", "role_hint": "ผู้ปกครอง (parent)"},
        {"id": f"U{4:032x}", "name": "ปลัด อบต.โนนสัง", "role_hint": "ผู้บริหาร อปท. (lao)"},
        {"id": f"U{5:032x}", "name": "พ่อของน้องใหม่", "role_hint": "ผู้ปกครองใหม่ ยังไม่เพิ่มเพื่อน",
         "following": False},
    ],
    "groups": [
        {"id": f"C{1:032x}", "name": "ผู้ปกครอง ศพด.บ้านโนนสัง",
         "members": [f"U{1:032x}", f"U{2:032x}", f"U{3:032x}"], "extra_members": 20},
    ],
}


def load_personas(platform: LinePlatform, personas: dict) -> None:
    """Register the users and groups of a personas document on the platform."""
    for user in personas.get("users", []):
        platform.add_user(user["id"], user["name"], user.get("picture_url"), user.get("language", "th"),
                          following=user.get("following", True), role_hint=user.get("role_hint"))
    for group in personas.get("groups", []):
        platform.add_group(group["id"], group["name"], group.get("members", []), group.get("extra_members", 0))


def _limit(value: str) -> int | None:
    return None if value.lower() in ("none", "unlimited") else int(value)


def parse_args(argv=None) -> argparse.Namespace:
    """The command line (secret and token default to LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN)."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description="Fake LINE platform + chat page")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:5000/callback",
                        help="the bot's webhook (where events are POSTed)")
    parser.add_argument("--channel-secret", default=os.environ.get("LINE_CHANNEL_SECRET"))
    parser.add_argument("--access-token", default=os.environ.get("LINE_CHANNEL_ACCESS_TOKEN"))
    parser.add_argument("--personas", help="JSON file: {users: [{id, name, role_hint}], groups: [...]}")
    parser.add_argument("--monthly-limit", type=_limit, default=300, help="messages per month, or 'none'")
    parser.add_argument("--reply-token-ttl", type=float, default=60.0)
    parser.add_argument("--quiet", action="store_true", help="no line per request, no start-up notes")
    parser.add_argument("--strict-https", action="store_true",
                        help="refuse http image URLs even on 127.0.0.1/localhost (as real LINE does)")
    args = parser.parse_args(argv)
    if not args.channel_secret or not args.access_token:
        parser.error("--channel-secret and --access-token are required (or set the LINE_* variables)")
    return args


def main(argv=None) -> None:
    """Start the simulator and serve until interrupted."""
    args = parse_args(argv)
    platform = LinePlatform(args.channel_secret, args.access_token, webhook_url=args.webhook_url,
                            spec=load_spec(), monthly_limit=args.monthly_limit,
                            reply_token_ttl=args.reply_token_ttl, local_http_media=not args.strict_https)
    if args.personas:
        with open(args.personas, encoding="utf-8") as f:
            load_personas(platform, json.load(f))
    else:
        load_personas(platform, BUILT_IN_PERSONAS)
    handle = serve(platform, args.host, args.port, quiet=args.quiet)
    print(f"LINE simulator on {handle.url}  (page: {handle.url}/)", flush=True)
    if args.quiet:
        return _serve_until_interrupted(handle)
    print(f"bot: LINE_API_BASE_URL={handle.url}  webhook -> {args.webhook_url}", flush=True)
    print("schema checks: " + ("official spec" if platform.spec else "documented limits only (no spec found)"),
          flush=True)
    if platform.local_http_media:
        print("image URLs on http://127.0.0.1 or localhost are accepted (real LINE needs https)", flush=True)
    _serve_until_interrupted(handle)


def _serve_until_interrupted(handle) -> None:
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        handle.shutdown()


if __name__ == "__main__":
    main()
