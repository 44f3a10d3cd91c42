"""Children's names as people read them in lists and on buttons: one label per child, unique in the centre.

A child is called by the nickname (else the first name). Where a centre has several children of that name, the
label adds what tells them apart, the shortest that does and fits LINE's 20-character quick-reply label:
"ขวัญ (กานดา)", then "ขวัญ (กานดา ส.)", then the initials "ขวัญ (ก. ส.)", and last the end of the child's code.
`narrow` reads the same words back when a teacher types them ("มา ขวัญ กานดา", "ขวัญ (ก. ส.)").
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, object_session

from models import Child

LABEL_MAX = 20  # LINE's limit for a quick-reply label
LEADING_VOWELS = "เแโใไ"  # written before the consonant they follow in speech


def initial(name: str) -> str:
    """'สมชาย' → 'ส.', 'เอกชัย' → 'อ.' (the first consonant, past a leading vowel)."""
    found = name.lstrip(LEADING_VOWELS)[:1] or name[:1]
    return f"{found}." if found else ""


def _ladder(child: Child) -> list[tuple[str, tuple]]:
    """The labels to try for a child with namesakes, each with the key that must be unique among them."""
    base = child.short_name
    first, last = child.first_name, child.last_name
    return [(f"{base} ({first})", (first,)),
            (f"{base} ({first} {initial(last)})", (first, initial(last))),
            (f"{base} ({initial(first)} {initial(last)})", (initial(first), initial(last)))]


def unique_labels(children: list[Child]) -> dict[int, str]:
    """One label per child (by id), unique among `children` and at most LABEL_MAX characters."""
    by_name: dict[str, list[Child]] = {}
    for child in children:
        by_name.setdefault(child.short_name, []).append(child)
    labels = {}
    for name, same in by_name.items():
        for child in same:
            labels[child.id] = name[:LABEL_MAX] if len(same) == 1 else _distinct(child, same)
    return labels


def _distinct(child: Child, namesakes: list[Child]) -> str:
    for level, (label, key) in enumerate(_ladder(child)):
        if len(label) <= LABEL_MAX and sum(_ladder(o)[level][1] == key for o in namesakes) == 1:
            return label
    tail = f" ({child.code[-4:]})"
    return child.short_name[:LABEL_MAX - len(tail)] + tail


def namesakes(session: Session, child: Child) -> list[Child]:
    """The active children of the child's centre called by the same name (the child included)."""
    name = child.short_name
    found = list(session.scalars(select(Child).where(
        Child.centre_id == child.centre_id, Child.active,
        or_(Child.nickname == name, and_(Child.nickname == "", Child.first_name == name)))))
    return found if child in found else [*found, child]


def label(child: Child) -> str:
    """The child's label: the nickname, or what tells namesakes in the centre apart (see the module doc)."""
    session = object_session(child)
    same = namesakes(session, child) if session is not None else [child]
    return unique_labels(same)[child.id]


def choice_label(child: Child) -> str:
    """The label with the first name when the label does not show it ("ภูผา (ภูริ)"): for choosing among
    children a typed first name could mean (falls back to the label past LABEL_MAX)."""
    plain = label(child)
    longer = f"{plain} ({child.first_name})"
    return plain if "(" in plain or child.first_name == plain or len(longer) > LABEL_MAX else longer


def narrow(candidates: list[Child], words: list[str]) -> tuple[list[Child], int]:
    """Narrow namesakes by the words after the name (first name, last name, initials, code end), as labels
    write them; returns (the candidates left, how many words were used)."""
    used = 0
    while len(candidates) > 1 and used < len(words):
        word = words[used]
        keep = [c for c in candidates if word in (c.first_name, c.last_name, initial(c.first_name),
                                                   initial(c.last_name), c.code, c.code[-4:])]
        if not keep:
            break
        candidates, used = keep, used + 1
    return candidates, used
