"""Keep signed links out of logs: the development server's request lines lose their query's signature."""
from __future__ import annotations

import logging
import re

_SIGNATURE = re.compile(r"([?&]s=)[^&\s\"]+")


def redact(line: str) -> str:
    """A log line with every signed link's `s=` value replaced by '…'."""
    return _SIGNATURE.sub(r"\1…", line)


class RedactSignatures(logging.Filter):
    """A logging filter for werkzeug's request lines (`flask run`); gunicorn logs paths without queries."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args or ())
        return True
