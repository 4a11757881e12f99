"""CSRF: the origin check and the token check on every POST, and what a refusal may show.

Flask-WTF's own check runs here, after our origin check (its strict Referer check is
off: with `Referrer-Policy: no-referrer` a browser sends no Referer, so under HTTPS it
refused every POST). The origin check uses what every current browser sends with a
POST: `Origin`, and `Sec-Fetch-Site`. A request that says it came from another site is
refused before anything else looks at it.

A refusal page may give the typed input back, with a new token, only when the request
is the person's own: it came from our origin *and* carried a token we made (only out of
date, or for a session that has ended). A cross-site or token-less POST gets a plain page
with nothing of the request in it and no new token, so it cannot be replayed in one click.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    ServiceUnavailable,
)

from extensions import csrf

#: g keys: the request passed both checks / the verdict on where it came from.
PASSED, ORIGIN = "csrf_passed", "csrf_origin"


class SessionStoreDown(ServiceUnavailable):
    """The database holding the sessions does not answer, so no token can be checked."""


def store_down() -> bool:
    return bool(getattr(session, "store_down", False))


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def our_origins() -> set[str]:
    """The origin patients and staff use: PUBLIC_BASE_URL when set, else this request's own
    (scheme and host as the proxy reported them, through ProxyFix)."""
    public = current_app.config.get("PUBLIC_BASE_URL")
    if public:
        return {_origin_of(public)} - {None}
    return {_origin_of(request.host_url)} - {None}


def origin_verdict() -> str:
    """same, cross, or unknown (a client that sends neither header, e.g. curl).

    With `Referrer-Policy: no-referrer` a browser sends `Origin: null` even on its own
    page's POST, so a null origin is decided by `Sec-Fetch-Site`.
    """
    origin = (request.headers.get("Origin") or "").strip().lower()
    if origin and origin != "null":
        return "same" if origin in our_origins() else "cross"
    site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    if site == "same-origin":
        return "same"
    if site in {"cross-site", "same-site", "none"}:
        return "cross"
    return "unknown"


def _is_exempt() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return True
    dest = f"{view.__module__}.{view.__name__}"
    return dest in csrf._exempt_views or request.blueprint in csrf._exempt_blueprints


def submitted_token() -> str | None:
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    try:
        token = request.form.get(field)
    except Exception:  # noqa: BLE001 - a broken body has no token
        token = None
    if not token:
        for header in current_app.config.get("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"]):
            token = request.headers.get(header)
            if token:
                break
    return token or None


def token_was_ours() -> bool:
    """The submitted token carries our signature (it may be out of date or for an ended
    session). Anyone can get such a token for their own session, so this alone proves
    nothing: it counts only together with a same-origin request."""
    token = submitted_token()
    if not token or len(token) > 500:
        return False
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="wtf-csrf-token")
    try:
        serializer.loads(token)
    except BadData:
        return False
    return True


def may_show_typed() -> bool:
    """May an error page show the typed values back and offer to send them again?"""
    if g.get(PASSED):
        return True
    return g.get(ORIGIN) == "same" and token_was_ours()


#: Pages that need no session: they answer even while the session store is down.
NO_SESSION_ENDPOINTS = {"static", "health.healthz"}


def read_body() -> None:
    """Read a POST's form once, before anything looks at it: a body over the limit (chunked
    ones too) is a 413, and one that cannot be read (a broken chunked encoding) a 400,
    instead of a half-read form or a 500 from deeper down."""
    if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
        return
    environ = request.environ
    if request.content_length is None and environ.get("wsgi.input_terminated"):
        # A chunked body has no length to check up front, and Werkzeug would cut it at the
        # limit without a word: read it here, one byte past the limit at most.
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 1024 * 1024
        try:
            data = environ["wsgi.input"].read(limit + 1)
        except Exception as exc:  # noqa: BLE001 - a broken chunked encoding
            raise BadRequest("The request body could not be read.") from exc
        if len(data) > limit:
            raise RequestEntityTooLarge()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
    try:
        request.form  # noqa: B018 - parsing it is the point
    except HTTPException:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the server's reader raised
        raise BadRequest("The request body could not be read.") from exc


def check() -> None:
    """The before-request hook: the body, the session store, the origin, then Flask-WTF's
    token."""
    g.pop(PASSED, None)
    read_body()
    verdict = origin_verdict()
    setattr(g, ORIGIN, verdict)
    if store_down() and request.endpoint not in NO_SESSION_ENDPOINTS:
        # Without the session nobody is known: say the database is down, not "bad link".
        raise SessionStoreDown()
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.method not in current_app.config.get(
        "WTF_CSRF_METHODS", {"POST", "PUT", "PATCH", "DELETE"}
    ):
        return
    if _is_exempt():
        return
    if verdict == "cross":
        raise CSRFError("The request came from another site.")
    csrf.protect()
    setattr(g, PASSED, True)


def init_app(app: Flask) -> None:
    """Run our check instead of Flask-WTF's default one (which would run first)."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["WTF_CSRF_SSL_STRICT"] = False
    csrf.init_app(app)
    app.before_request(check)
