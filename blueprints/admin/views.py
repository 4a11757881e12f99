"""Views of clinic administration."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from blueprints.admin import bp


@bp.before_request
def require_admin():
    """Default deny: a logged-in admin of the clinic, nobody else."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"), 303)
    if not current_user.is_admin:
        abort(404)
    return None


@bp.get("/")
def index():
    """Show the administration home."""
    return render_template("admin/index.html")
