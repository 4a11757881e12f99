"""The patient's guided preparation: one step per page, saved on the server."""

from flask import Blueprint

bp = Blueprint("patient", __name__, url_prefix="/p")

from blueprints.patient import summary, views  # noqa: E402,F401  (routes register on import)
