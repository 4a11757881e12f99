"""Small helpers for tests: the CSRF token of a client's session, parsing pages."""

from __future__ import annotations

import re

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _INPUT.search(html) or _META.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def csrf_token(client, path: str = "/") -> str:
    """A CSRF token valid for this client's session (every page carries one)."""
    return csrf_from(client.get(path).get_data(as_text=True))
