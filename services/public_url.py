"""Links and canonical URLs (SECURITY.md A11): from PUBLIC_BASE_URL, never the Host header.

A forged `Host` header must not put an attacker's address into a link a patient is sent or
a FHIR document a clinic stores. Production refuses to start without PUBLIC_BASE_URL;
development falls back to the loopback address `make run` serves on.
"""

from __future__ import annotations

from flask import current_app


def public_base() -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/")
    return f"http://127.0.0.1:{current_app.config.get('PORT', 5000)}"


def public_url(path: str) -> str:
    """The absolute address of a path of ours, as patients and staff reach it."""
    return public_base() + path
