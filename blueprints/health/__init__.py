"""`/healthz`: is the app up, and does the database answer."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report the app's and the database's state as JSON."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(app="ok" if status == 200 else "degraded", database=database), status
