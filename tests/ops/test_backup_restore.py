"""The backups docs/deploy.md tells a clinic to take restore into a fresh database, packets
and all, and the restored database is ready to serve (migrations at head)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import BASE_DIR
from extensions import db
from models import Packet
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    missing,
    postgres_available,
)
from tests.factories import make_appointment, make_clinic, make_packet

WORDS = "Backup-sentinel: my knees ache when it rains"


def _fill(url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        upgrade(directory=str(BASE_DIR / "migrations"))
        clinic = make_clinic("riverside", "Riverside Clinic")
        for name in ("Kim Restore", "Lou Restore"):
            make_packet(clinic, make_appointment(clinic, patient_name=name), status="submitted",
                        reason=WORDS)
        db.engine.dispose()


def _assert_restored(url: str) -> None:
    app = make_test_app(url)
    with app.app_context():
        packets = db.session.scalars(db.select(Packet).order_by(Packet.patient_name)).all()
        assert [(p.patient_name, p.reason, p.status) for p in packets] == [
            ("Kim Restore", WORDS, "submitted"), ("Lou Restore", WORDS, "submitted")]
        db.session.remove()
        response = app.test_client().get("/healthz/ready")
        assert response.status_code == 200, response.get_json()
        db.engine.dispose()


def _libpq(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.postgres
def test_pg_dump_restores_into_a_fresh_database(tmp_path):
    if not postgres_available():
        missing("no PostgreSQL server for the backup test")
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            missing(f"{tool} is not installed (postgresql-client)")
    live = create_postgres_database("visitprep_backup")
    fresh = create_postgres_database("visitprep_restore")
    try:
        _fill(live)
        dump = tmp_path / "visitprep.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
                        _libpq(live)], check=True, timeout=120)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                        f"--dbname={_libpq(fresh)}", str(dump)], check=True, timeout=120)
        _assert_restored(fresh)
    finally:
        drop_postgres_database(live)
        drop_postgres_database(fresh)


def test_sqlite_backup_restores_into_a_fresh_file(tmp_path):
    if not shutil.which("sqlite3"):
        missing("the sqlite3 command is not installed")
    live = tmp_path / "visitprep.sqlite3"
    _fill(f"sqlite:///{live}")
    backup, restored = tmp_path / "backup.sqlite3", tmp_path / "restored.sqlite3"
    # .backup is safe while the app runs (WAL); .restore writes the copy into a new file.
    subprocess.run(["sqlite3", str(live), f".backup '{backup}'"], check=True, timeout=60)
    subprocess.run(["sqlite3", str(restored), f".restore '{backup}'"], check=True, timeout=60)
    _assert_restored(f"sqlite:///{restored}")
