"""Migrations: one head; an empty database upgrades to it and back, on SQLite and PostgreSQL,
and the migrated schema is exactly what the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from config import BASE_DIR
from extensions import db
from tests.conftest import make_test_app

MIGRATIONS = str(BASE_DIR / "migrations")


def _schema_diff(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return compare_metadata(context, db.metadata)


def _upgrade_downgrade(url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
    assert _schema_diff(app) == []
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()


def test_there_is_one_head():
    app = make_test_app("sqlite://")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(MIGRATIONS)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_sqlite_upgrades_to_head_matching_the_models(tmp_path):
    _upgrade_downgrade(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
def test_postgres_upgrades_to_head_matching_the_models(postgres_url):
    _upgrade_downgrade(postgres_url)
