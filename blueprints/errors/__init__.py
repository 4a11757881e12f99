"""Error pages: plain words, no traceback, SQL or config, and typed input kept where there was some.

Error handlers never touch the database (SECURITY.md R7): with the database down, the
page is drawn without the staff navigation or the clinic's name (both would load rows),
and a page that cannot be drawn at all falls back to a fixed one, still with our headers.

Typed input is shown back, and offered to send again, only for a request that was the
person's own (services/csrf_guard.py): a cross-site or token-less POST gets a plain page
with nothing of the request and no new token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from extensions import db
from services import csrf_guard

bp = Blueprint("errors", __name__)

#: Titles and advice per status; the body stays calm and says what to do next.
PAGES = {
    400: (_l("This page could not be used"), _l("Go back and try again.")),
    403: (_l("You can't open this page"), _l("If you think you should, ask your clinic.")),
    404: (_l("We can't find that page"), _l("Check the link, or go back to where you were.")),
    405: (_l("That didn't work"), _l("Go back and use the buttons on the page.")),
    409: (_l("This was changed somewhere else"), _l("Look at both versions below and save again.")),
    413: (_l("That was too much to send at once"), _l("Go back and shorten what you typed.")),
    429: (_l("Too many tries"), _l("Please wait a minute and try again.")),
    500: (_l("Something went wrong on our side"), _l("Nothing you did caused this. Please try again.")),
    503: (_l("We couldn't save that just now"), _l("Your answers are below. Please try again.")),
}


def _typed_values() -> list[tuple[str, str]]:
    """What the person typed in a POST, to show back and re-send (never the CSRF token)."""
    if request.method != "POST" or request.content_length and request.content_length > (
        current_app.config["MAX_CONTENT_LENGTH"]
    ):
        return []
    try:
        form = request.form
    except Exception:  # noqa: BLE001 - a broken body must not break the error page
        return []
    return [
        (key, value)
        for key, values in form.lists()
        for value in values
        if key not in {"csrf_token", "password", "new_password", "confirm_password", "code"}
    ]


#: Shown when even the error page cannot be drawn: no template, no database, no session.
FALLBACK = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>VisitPrep</title>"
    "</head><body><h1>Something went wrong on our side</h1>"
    "<p>Nothing you did caused this. Please try again in a minute.</p></body></html>"
)


def _resend_token() -> str | None:
    """The token for "Send it again": the request's own when it passed the check (it is
    still good for this session), a new one only for a same-origin request with our own
    expired token. Never one for a request that came without a valid token."""
    if g.get(csrf_guard.PASSED):
        return csrf_guard.submitted_token()
    if csrf_guard.store_down():
        # Nothing can be checked or made now; the request's own token (ours, from a
        # same-origin page) works again once the database is back.
        return csrf_guard.submitted_token() if csrf_guard.may_show_typed() else None
    if csrf_guard.may_show_typed():
        try:
            from flask_wtf.csrf import generate_csrf

            return generate_csrf()
        except Exception:  # noqa: BLE001 - no session store: no button, the text stays
            return None
    return None


def render_error(status: int, *, title: str | None = None, message: str | None = None,
                 plain: bool = False):
    default_title, default_message = PAGES.get(status, PAGES[500])
    staff = request.path.startswith(("/reception", "/admin"))
    show_typed = status in {400, 409, 503} and csrf_guard.may_show_typed()
    typed = _typed_values() if show_typed else []
    resend = request.path if request.method == "POST" and typed and status != 409 else None
    token = _resend_token() if resend else None
    try:
        return (
            render_template(
                "errors/error.html",
                status=status,
                title=title or str(default_title),
                message=message or str(default_message),
                typed=typed,
                resend_to=resend if token else None,
                resend_token=token,
                # Plain: no staff navigation, no clinic, no new token on the page.
                plain=plain,
                clinic=None,
                packet=None,
                layout="staff/_layout.html" if staff else "patient/_layout.html",
            ),
            status,
        )
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        current_app.logger.exception("The error page could not be drawn")
        return FALLBACK, status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    if csrf_guard.may_show_typed():
        # The person's own page, only out of date: give their words back to send again.
        return render_error(
            400,
            title=_("Please send that again"),
            message=_(
                "For your safety this page timed out. What you typed is kept below: "
                "press the button to send it again."
            ),
        )
    current_app.logger.warning("CSRF refusal: %s (origin: %s)", error.description,
                               g.get(csrf_guard.ORIGIN))
    return render_error(
        400,
        title=_("This page could not be used"),
        message=_("For your safety nothing was changed. Open VisitPrep again and use "
                  "the buttons on its pages."),
        plain=True,
    )


@bp.app_errorhandler(csrf_guard.SessionStoreDown)
def session_store_down(error: csrf_guard.SessionStoreDown):
    current_app.logger.error("Database error: the session store does not answer")
    return render_error(503, plain=True)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_error(error.code or 500)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(DBAPIError)
def database_error(error: Exception):
    _rollback()
    current_app.logger.error("Database error: %s", type(error).__name__)
    return render_error(503, plain=True)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    _rollback()
    current_app.logger.exception("Unhandled error")
    return render_error(500, plain=True)


def _rollback() -> None:
    """Give the connection back; a dead one may refuse even that, which is fine here."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the database is what failed
        current_app.logger.warning("Rollback failed after a database error")
