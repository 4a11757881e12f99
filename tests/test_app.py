"""The factory, configuration, security headers and database settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app import CSP, create_app
from config import ConfigError, ProductionConfig, TestConfig, is_strong_secret, load_config
from extensions import db


def test_factory_builds_a_testing_app(app):
    assert app.testing
    assert app.config["ENV_NAME"] == "testing"


def test_importing_the_app_touches_no_database(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'untouched.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    assert not (tmp_path / "untouched.sqlite3").exists()


@pytest.mark.parametrize("key", [None, "", "dev", "short-key", "a" * 64, "changeme" * 2])
def test_production_refuses_a_weak_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_starts_with_a_strong_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k3Y-" + "x9Qz7LmN2pR5tV8wB1cD4fG6hJ0kS3uY")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://prep.example")
    app = create_app(load_config("production"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["HSTS"] is True


def test_development_keeps_its_key_in_the_instance_folder(monkeypatch, tmp_path):
    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.development_secret_key()
    assert is_strong_secret(first)
    assert config.development_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_name_is_a_clear_error():
    with pytest.raises(ConfigError, match="VISITPREP_ENV"):
        load_config("staging")


def test_plain_postgres_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    assert load_config("development").SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/c/does-not-exist", "/healthz", "/reception/login"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_pages_link_versioned_static_files_cached_for_a_year(client):
    import re

    page = client.get("/c/nowhere-but-a-page").get_data(as_text=True)
    if "app.css" not in page:
        page = client.get("/reception/login").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=([0-9a-f]{12}))"', page)
    assert href, page[:2000]
    response = client.get(href.group(1))
    assert response.status_code == 200 and response.data.startswith(b"/*") or response.data
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The same file without its version is revalidated, never kept blindly.
    assert "immutable" not in client.get("/static/css/app.css").headers["Cache-Control"]


def test_R6_sqlite_runs_durable_and_checks_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_R6_an_idle_pooled_connection_that_died_is_replaced_not_an_error(app, monkeypatch):
    """The server ends the pooled connection (as a restart would); the next use still works."""
    import app as app_module

    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        if db.engine.dialect.name == "postgresql":
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        else:
            raw = conn.connection.dbapi_connection
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        other = create_engine(db.engine.url, poolclass=NullPool)  # not from the app's pool
        with other.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        other.dispose()
    else:
        raw.close()
    monkeypatch.setattr(app_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT 2")).scalar() == 2


def test_request_body_size_is_limited(client):
    response = client.post("/reception/logout", data={"x": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_unknown_page_is_a_plain_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert b"find that page" in response.data
    assert b"Traceback" not in response.data


def test_a_raising_view_shows_a_plain_500(app):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "went wrong" in body
