"""Shared fixtures: an app on a fresh database per test, a client, a CLI runner.

The database is SQLite by default (a new file per test). Set TEST_DATABASE_URL to a
PostgreSQL URL to run the whole suite there: one database is made for the run and
every table is emptied after each test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

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


#: Memory-backed storage, where the machine has it, for the tests' files.
MEMORY = Path("/dev/shm")  # noqa: S108 - a private folder is made in it (mkdtemp: mode 0700)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """The tests' files (their SQLite databases above all) in memory-backed storage: the
    app commits with `synchronous=FULL`, and a sync to disk for each of the suite's many
    thousand commits was a quarter of its time. The engine and its settings are the
    same. pytest-xdist gives each worker a folder inside; `--basetemp` still decides."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    if MEMORY.is_dir() and os.access(MEMORY, os.W_OK):
        config.option.basetemp = config.visitprep_basetemp = tempfile.mkdtemp(
            prefix="visitprep-tests-", dir=MEMORY)


def pytest_collection_modifyitems(items):
    """The tests marked slow first (a stable sort: the rest keep their order), so that
    pytest-xdist does not end the run with one worker busy on a long one, the rest idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_unconfigure(config):
    folder = getattr(config, "visitprep_basetemp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)  # memory, not disk: nothing is kept


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
        # A test's commit need not wait for the disk (it is thrown away after the run);
        # what a commit makes visible, and when, is the same.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'ALTER DATABASE "{make_url(dbname).database}" '
                              "SET synchronous_commit TO off"))
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
            empty_every_table()
        db.engine.dispose()


#: Every sequence back to its start, so ids come out the same in every test.
RESTART_SEQUENCES = "SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"


def empty_every_table() -> None:
    """PostgreSQL: delete every row, children first, and restart the ids. (A TRUNCATE of
    every table did the same in 100 ms a test, this in about 15: its tables are tiny.)"""
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        conn.execute(text(RESTART_SEQUENCES))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
