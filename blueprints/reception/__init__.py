"""The reception workspace: queue, summaries, invitations. Staff only, default deny."""

from flask import Blueprint

bp = Blueprint("reception", __name__, url_prefix="/reception")

from blueprints.reception import exports, views  # noqa: E402,F401  (routes register on import)
