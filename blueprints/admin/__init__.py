"""Clinic administration: staff, question bank, settings, audit log. Admin role only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from blueprints.admin import views  # noqa: E402,F401  (routes register on import)
