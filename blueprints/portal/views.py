"""Views of the public entry pages."""

from __future__ import annotations

from flask import abort, render_template

from blueprints.portal import bp
from extensions import db
from models import Clinic


def clinic_or_404(slug: str) -> Clinic:
    clinic = db.session.scalar(db.select(Clinic).filter_by(slug=slug))
    if clinic is None:
        abort(404)
    return clinic


@bp.get("/")
def index():
    """Say what VisitPrep is; patients arrive through their clinic's link."""
    return render_template("portal/index.html")


@bp.get("/c/<slug>")
def start(slug: str):
    """Show a clinic's start page."""
    clinic = clinic_or_404(slug)
    return render_template("portal/start.html", clinic=clinic)
