"""The patient's guided preparation: one step per page, saved on the server."""

from flask import Blueprint

bp = Blueprint("patient", __name__, url_prefix="/p")

from blueprints.patient import (  # noqa: E402,F401  (routes register on import)
    common,
    lists,
    log,
    review,
    summary,
    views,
)
