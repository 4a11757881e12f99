"""Keep secret link tokens and query strings out of every log line (SECURITY.md P2, A8).

Query strings are cut from request lines: the staff queue's search carries patient and
doctor names in them."""

from __future__ import annotations

import logging
import re

#: /v/<token> (invitations and resume links) and anything that looks like ?token=...
_PATTERNS = (
    re.compile(r"(/v/)[A-Za-z0-9_\-]{16,}"),
    re.compile(r"((?:token|code)=)[^&\s\"]+", re.IGNORECASE),
    # "GET /reception/?name=Maria HTTP/1.1" -> "GET /reception/?[cut] HTTP/1.1"
    re.compile(r"((?:GET|POST|HEAD|PUT|PATCH|DELETE|OPTIONS) [^\s?\"]*\?)[^\s\"]*"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class TokenRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


#: The one instance every app adds to its loggers.
REDACT = TokenRedactingFilter()
