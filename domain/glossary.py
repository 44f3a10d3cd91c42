"""The product's Thai words: one term for each thing users see, and the variants that must not reach them.

Typed input may use any variant (handlers' patterns accept เช็กชื่อ as well as เช็คชื่อ); what the bot says uses
the term. tests/test_glossary.py holds every user-facing string of the bot to this table.
"""
from __future__ import annotations

CHECK_IN = "เช็คชื่อ"
ALL_HEALTHY = "สุขภาพปกติทุกคน"  # the button, the typed command and the help say the same words
QR_CARD = "บัตร QR"
CHAT = "แชต"
DIGEST = "สรุปประจำวัน"

TERMS = {  # term → variants that must not appear in what the bot says
    CHECK_IN: ("เช็กอิน", "เช็คอิน", "เช็กชื่อ", "เชคชื่อ", "เช็คเอาท์", "เช็กเอาต์", "เช็คเอาต์"),
    ALL_HEALTHY: ('"ปกติทุกคน"', "ตรวจแล้วปกติทุกคน"),
    QR_CARD: ("บัตรคิวอาร์", "คิวอาร์โค้ด"),
    CHAT: ("แชท",),
    DIGEST: ("สรุปรายวัน",),
    "อปท.": ("อ.ป.ท.",),
}


def offending(words: str) -> list[tuple[str, str]]:
    """The (variant, term) pairs found in a user-facing string."""
    return [(variant, term) for term, variants in TERMS.items() for variant in variants if variant in words]
