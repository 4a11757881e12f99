"""Staff login, two-step codes and logout."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/reception")

from blueprints.auth import views  # noqa: E402,F401  (routes register on import)
