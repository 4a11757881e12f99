"""Error pages: plain words, no traceback, SQL or config, and typed input kept where there was some."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from extensions import db

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


def render_error(status: int, *, title: str | None = None, message: str | None = None):
    default_title, default_message = PAGES.get(status, PAGES[500])
    staff = request.path.startswith(("/reception", "/admin"))
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or str(default_title),
            message=message or str(default_message),
            typed=_typed_values() if status in {400, 409, 503} else [],
            resend_to=request.path if request.method == "POST" else None,
            layout="staff/_layout.html" if staff else "patient/_layout.html",
        ),
        status,
    )


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return render_error(
        400,
        title=_("Please send that again"),
        message=_(
            "For your safety this page timed out. What you typed is kept below: "
            "press the button to send it again."
        ),
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_error(error.code or 500)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(DBAPIError)
def database_error(error: Exception):
    db.session.rollback()
    current_app.logger.error("Database error: %s", type(error).__name__)
    return render_error(503)


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    return render_error(500)
