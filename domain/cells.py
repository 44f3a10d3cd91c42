"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is exported with a leading quote.

One rule for every XLSX and CSV export (OWASP "CSV injection"): a text cell starting with = + - @ tab or carriage
return gets a leading "'". A child named `=HYPERLINK(...)` then shows as text. The roster import takes the quote off
again, so an exported file re-imports unchanged. (PyPI `defusedcsv` does the same for CSV writers only.)
"""
from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """The value to write into a spreadsheet cell (numbers and dates unchanged)."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(TRIGGERS):
        return "'" + value
    return value


def restore(text: str) -> str:
    """A cell's text as it was before `defuse`."""
    return text[1:] if text.startswith("'") and defuse(text[1:]) != text[1:] else text
