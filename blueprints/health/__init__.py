"""Health checks for the proxy, the process manager and monitoring.

- `/healthz/live`: the process answers (no database touched): restart it when this fails.
- `/healthz/ready`: the database, Redis when `REDIS_URL` is set, and migrations at head: send
  it traffic only when this is 200.
- `/healthz`: the app and the database, as before (kept for existing monitors).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from extensions import limiter
from services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report the app's and the database's state as JSON."""
    database = health.database()
    status = 200 if database == "ok" else 503
    return jsonify(app="ok" if status == 200 else "degraded", database=database), status


@bp.get("/healthz/live")
@limiter.exempt
def live():
    """Say the process is up, without touching anything behind it."""
    return jsonify(app="ok")


@bp.get("/healthz/ready")
@limiter.exempt
def ready():
    """Report whether every part this instance needs answers, and the schema is current."""
    checks = {
        "database": health.database(),
        "redis": health.redis(current_app.config.get("REDIS_URL")),
    }
    checks["migrations"] = health.migrations() if checks["database"] == "ok" else "unavailable"
    ok = (checks["database"] == "ok" and checks["redis"] in ("ok", "not configured")
          and checks["migrations"] == "at head")
    return jsonify(ready=ok, **checks), 200 if ok else 503
