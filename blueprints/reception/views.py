"""Views of the reception workspace."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from blueprints.reception import bp


@bp.before_request
def require_staff():
    """Default deny: every reception page needs a logged-in staff member."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"), 303)
    return None


@bp.get("/")
def queue():
    """Show the review queue."""
    return render_template("reception/queue.html")
