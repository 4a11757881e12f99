"""Views of the staff login."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from blueprints.auth import bp
from extensions import login_manager


@login_manager.request_loader
def load_staff(request):
    """No staff session can be opened yet: every staff page asks to log in."""
    return None


@bp.get("/login")
def login():
    """Show the staff login form."""
    return render_template("auth/login.html")


@bp.post("/logout")
def logout():
    """End the staff session and go back to the login page."""
    return redirect(url_for("auth.login"), 303)
