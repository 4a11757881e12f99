"""The patient's guided preparation: one step per page, saved on the server.

Who commits: a patient view validates its form, calls the one service that finishes the
patient's action (`services.packets.commit_step` ends a step's save; `services.rows` adds
or changes a list row; the other services say "saved" in their docstring) and redirects.
It never commits or rolls back itself (tests/patient/test_commit_rule.py).
"""

from flask import Blueprint

bp = Blueprint("patient", __name__, url_prefix="/p")

from blueprints.patient import (  # noqa: E402,F401  (routes register on import)
    access,
    conflicts,
    lists,
    log,
    review,
    steps,
    summary,
    views,
)
