"""What the health checks look at: the database, Redis when configured, the schema's revision.

Each check answers a short word for the JSON and never raises: a broken part is "unavailable".
"""

from __future__ import annotations

import functools

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from config import BASE_DIR
from extensions import db

MIGRATIONS_DIR = BASE_DIR / "migrations"


def database() -> str:
    """ "ok" when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        db.session.rollback()
        return "unavailable"


def redis(url: str | None) -> str:
    """ "ok" when Redis answers PING, "not configured" without REDIS_URL."""
    if not url:
        return "not configured"
    import redis as redis_lib

    try:
        client = redis_lib.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return "unavailable"


@functools.cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of migrations/ (read from disk once per process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def migrations() -> str:
    """ "at head" when the database's revision is the code's, else "behind" or "unavailable"."""
    try:
        with db.engine.connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return "unavailable"
    return "at head" if current == code_heads() else "behind"
