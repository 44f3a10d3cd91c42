"""Every regular expression the bot runs over user text, timed on 10,000-character adversarial texts.

    python bench/regex.py [--length 10000]

Collects the patterns of every route (commands, flow states, fallbacks, command patterns) and the
module-level patterns of handlers/ and domain/, then times `search` (as the router runs it) and `match`
on texts built to make a backtracking engine stumble: long runs of one character, of digits, of spaces,
of Thai words with spaces, and those followed by a character that makes the match fail at the very end.
Prints the slowest patterns; exit status 1 when any takes longer than --limit ms (default 50).
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def router_patterns() -> dict[str, re.Pattern]:
    """Patterns of every route in the wired router."""
    import handlers
    from bot.router import Router

    router = Router()
    handlers.register_all(router)
    routes = list(router.first) + list(router.routes)
    for flow in router.flows.values():
        routes += [r for rs in flow.states.values() for r in rs] + list(flow.fallbacks)
    found = {f"route {r.handler.__module__}.{r.handler.__name__}": r.match.text for r in routes if r.match.text}
    found.update({f"command pattern {p.pattern[:30]}": p for p, _ in router.command_patterns})
    return found


def module_patterns() -> dict[str, re.Pattern]:
    """Compiled patterns kept at module level in handlers/ and domain/."""
    found = {}
    for package in ("handlers", "domain"):
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{package}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    found[f"{package}.{info.name}.{name}"] = value
    return found


def adversarial(n: int) -> dict[str, str]:
    """Texts of about n characters that drive backtracking regexes into quadratic time."""
    return {"a*n": "ก" * n, "digits": "1" * n, "spaces": "ก" + " " * n + "ก", "words": "ภูผา " * (n // 5),
            "words+digits": "ภูผา 3" * (n // 6), "มา-words": "มา " * (n // 3) + "!",
            "มาแล้ว": "มาแล้ว " * (n // 7) + "x",
            "name+digits": "น้อง" + "ภ" * (n // 2) + "3" * (n // 2) + "x", "tabs-digits": ("1 " * (n // 2)) + "x",
            "ส่ง": "ส่ง" + " " * n + "x", "dots": "1." * (n // 2) + "x", "colon": "1:" * (n // 2) + "x"}


def timed(pattern: re.Pattern, text: str) -> float:
    start = time.perf_counter()
    pattern.search(text)
    pattern.match(text)
    return (time.perf_counter() - start) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/regex.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=50.0, help="ms per pattern and text")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    patterns = {**router_patterns(), **module_patterns()}
    texts = adversarial(args.length)
    rows = []
    for name, pattern in patterns.items():
        worst = max((timed(pattern, t), label) for label, t in texts.items())
        rows.append((worst[0], name, worst[1]))
    rows.sort(reverse=True)
    print(f"{len(patterns)} patterns × {len(texts)} texts of ~{args.length:,} characters (ms, search + match)")
    for ms, name, label in rows[:args.top]:
        print(f"{ms:9.1f}  {name:60s} worst on {label}")
    slow = [r for r in rows if r[0] > args.limit]
    print(f"over {args.limit:.0f} ms: {len(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
