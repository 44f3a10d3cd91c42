"""Words: what the bot says uses the glossary's terms (domain/glossary.py), and its help means what it says."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from domain.glossary import ALL_HEALTHY, offending
from tests.support import texts

ROOT = Path(__file__).resolve().parent.parent
SPEAKING = ["bot", "notify", "handlers", "domain", "richmenus", "scheduler"]  # every package whose strings reach users


def user_facing_strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a module (f-string parts included), without docstrings and regex patterns."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and not node.value.startswith(("^", "(?"))]


def test_nothing_the_bot_says_uses_a_variant_the_glossary_forbids():
    found = [f"{path.relative_to(ROOT)}:{line}: {variant!r} (say {term!r})"
             for package in SPEAKING for path in sorted((ROOT / package).rglob("*.py"))
             if path.name != "glossary.py" and "migrations" not in path.parts
             for line, words in user_facing_strings(path) for variant, term in offending(words)]
    assert found == []


ALERT_BUTTONS = {"มาแล้ว", "ลา", "ติดต่อผู้ปกครองแล้ว"}  # the help says to tap these on an alert card


def quoted(help_text: str) -> list[str]:
    """The commands a help text tells people to type ("…")."""
    return re.findall(r'"([^"]+)"', help_text)


@pytest.mark.parametrize("who", ["Uteacher", "Uhead"])
def test_staff_can_type_every_command_their_help_names(who, chat, people, clock):
    from tests.support import at_local

    at_local(clock, "07:30")
    help_text = texts(chat.text(who, "ช่วยเหลือ"))
    assert f'"{ALL_HEALTHY}"' in help_text
    commands = [c for c in quoted(help_text) if c not in ALERT_BUTTONS]
    assert len(commands) > 15
    unknown = []
    for command in commands:
        answer = chat.text(who, command)
        if not answer or "ไม่เข้าใจ" in texts(answer):
            unknown.append(command)
        chat.text(who, "ยกเลิก")
    assert unknown == [], "the help names these but the bot does not know them"
