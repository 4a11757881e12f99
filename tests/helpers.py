"""Small helpers for tests: the CSRF token of a client's session, parsing pages."""

from __future__ import annotations

import re

_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TAG = re.compile(r"<input[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def csrf_from(html: str) -> str:
    match = _INPUT.search(html) or _META.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def csrf_token(client, path: str = "/") -> str:
    """A CSRF token valid for this client's session (every page carries one)."""
    return csrf_from(client.get(path).get_data(as_text=True))


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, version, fingerprint), first one wins."""
    out: dict[str, str] = {}
    for tag in _TAG.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            out.setdefault(attrs["name"], attrs.get("value", "").replace("&#34;", '"'))
    return out
