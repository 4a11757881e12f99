"""Logging staff in through the real pages, for every staff test."""

from __future__ import annotations

import pyotp

from tests.factories import DEFAULT_PASSWORD
from tests.helpers import csrf_from

STAFF_COOKIE = "vp_staff"


def post_form(client, path: str, data: dict, page: str | None = None, **kw):
    """POST with the CSRF token taken from `page` (default: the same path)."""
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_from(html)}, **kw)


def current_code(secret: str, offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    import time

    return totp.at(int(time.time()) + offset * 30)


def login(client, email: str, password: str = DEFAULT_PASSWORD, totp_secret: str | None = None):
    """Log in as a staff member; returns the last response."""
    response = post_form(client, "/reception/login", {"email": email, "password": password},
                         page="/")
    if totp_secret and response.status_code == 303 and response.location.endswith("/login/code"):
        response = post_form(client, "/reception/login/code", {"code": current_code(totp_secret)})
    return response


def staff_cookie(client) -> str | None:
    cookie = client.get_cookie(STAFF_COOKIE)
    return cookie.value if cookie else None


def csrf_for(client, path: str = "/reception/") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))
