"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner.

The database is SQLite by default (a new file per test). Set TEST_DATABASE_URL to a
PostgreSQL URL to run the whole suite there: one database is made for the run and
every table is emptied after each test.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from config import TestConfig, normalise_database_url
from extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
#: Where PostgreSQL-only tests make their databases (trust auth on this machine).
POSTGRES_ADMIN_URL = normalise_database_url(
    os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
)


def missing(reason: str) -> None:
    """Skip for a missing part of the machine, but fail in CI, where nothing may be missing."""
    if IN_CI:
        pytest.fail(f"CI must have this: {reason}")
    pytest.skip(reason)


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def create_postgres_database(prefix: str = "visitprep_test", server_url: str | None = None) -> str:
    """Make an empty database on the server and return its URL."""
    server_url = server_url or POSTGRES_ADMIN_URL
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str, server_url: str | None = None) -> None:
    name = make_url(url).database
    engine = create_engine(server_url or POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for the session (skips, or fails in CI, without a server)."""
    if not postgres_available():
        missing(f"no PostgreSQL server answers at {POSTGRES_ADMIN_URL}")
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files, as `make install` builds them, for a run started without make."""
    from services.catalogues import compile_catalogue

    compile_catalogue("es")


def _suite_database_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url) if url else None


@pytest.fixture(scope="session")
def _shared_postgres():
    """With TEST_DATABASE_URL=postgresql://..., a fresh database on that server for the run."""
    url = _suite_database_url()
    if not url or not url.startswith("postgresql"):
        yield None
        return
    try:
        dbname = create_postgres_database("visitprep_suite", server_url=url)
    except Exception as exc:  # noqa: BLE001 - report any connection failure the same way
        missing(f"TEST_DATABASE_URL names PostgreSQL, but it does not answer: {exc}")
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=dbname)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield dbname
    drop_postgres_database(dbname, server_url=url)


def make_test_app(database_url: str, **overrides):
    config = TestConfig()
    return create_app(config, SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture
def app(tmp_path, _shared_postgres):
    """The app on an empty, migrated-equivalent schema, inside an app context."""
    url = _shared_postgres or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = make_test_app(url)
    with app.app_context():
        if _shared_postgres is None:
            db.create_all()
        yield app
        db.session.remove()
        if _shared_postgres is not None:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
