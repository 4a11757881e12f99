"""Health: /healthz (app and database), /healthz/live (the process) and /healthz/ready."""

from __future__ import annotations

from flask_migrate import upgrade

from config import BASE_DIR
from extensions import db
from tests.conftest import make_test_app

MIGRATIONS = str(BASE_DIR / "migrations")


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"app": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-dir' / 'no.sqlite3'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_live_answers_without_a_database(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-dir' / 'no.sqlite3'}")
    response = app.test_client().get("/healthz/live")
    assert response.status_code == 200
    assert response.get_json() == {"app": "ok"}


def _migrated_app(tmp_path, **overrides):
    app = make_test_app(f"sqlite:///{tmp_path / 'migrated.sqlite3'}", **overrides)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return app


def test_ready_when_migrated_to_head_without_redis(tmp_path):
    response = _migrated_app(tmp_path).test_client().get("/healthz/ready")
    assert response.status_code == 200
    assert response.get_json() == {"ready": True, "database": "ok",
                                   "redis": "not configured", "migrations": "at head"}


def test_not_ready_when_the_schema_was_never_migrated(client):
    # The test database is made with create_all: it has no alembic revision.
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"


def test_not_ready_when_the_database_is_at_another_revision(tmp_path):
    from sqlalchemy import text

    app = _migrated_app(tmp_path)
    with app.app_context():
        with db.engine.begin() as conn:  # as if the code were upgraded but not the database
            conn.execute(text("UPDATE alembic_version SET version_num = 'an_older_one'"))
        db.engine.dispose()
    response = app.test_client().get("/healthz/ready")
    assert response.status_code == 503
    assert response.get_json() == {"ready": False, "database": "ok",
                                   "redis": "not configured", "migrations": "behind"}


def test_ready_checks_redis_when_configured(tmp_path):
    import redis

    from tests.conftest import missing

    good = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(good, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing(f"no Redis answers at {good}")
    up = _migrated_app(tmp_path, REDIS_URL=good).test_client().get("/healthz/ready")
    assert up.status_code == 200 and up.get_json()["redis"] == "ok"
    down = _migrated_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0").test_client()
    response = down.get("/healthz/ready")
    assert response.status_code == 503
    assert response.get_json() == {"ready": False, "database": "ok", "redis": "unavailable",
                                   "migrations": "at head"}


def test_ready_is_503_when_the_database_does_not_answer(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-dir' / 'no.sqlite3'}")
    response = app.test_client().get("/healthz/ready")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
