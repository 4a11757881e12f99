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


def test_R5_sqlite_upgrades_to_head_matching_the_models(tmp_path):
    _upgrade_downgrade(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
def test_R5_postgres_upgrades_to_head_matching_the_models(postgres_url):
    _upgrade_downgrade(postgres_url)


def _packets_become_patients(url: str) -> None:
    """0008_patients: every packet that existed becomes its own patient; nobody is merged."""
    from sqlalchemy import text

    app = make_test_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO clinic (id, slug, name, emergency_number, open_start, require_totp,"
                " retention_days, timezone, created_at) VALUES (1, 'c', 'C', '911', false, false,"
                " 90, 'UTC', '2026-01-01 00:00:00')"))
            for appointment_id, name in ((1, 'Ann Invited'), (2, 'Bo Unopened'),
                                         (3, 'Ann Invited')):
                conn.execute(text(
                    "INSERT INTO appointment (id, clinic_id, patient_name, date_of_birth,"
                    " scheduled_for, doctor, status, created_at) VALUES (:id, 1, :name,"
                    " '1970-01-02', '2026-12-01 10:00:00', 'Dr', 'scheduled',"
                    " '2026-01-01 00:00:00')"), {"id": appointment_id, "name": name})
            packet = (
                "INSERT INTO packet (id, clinic_id, appointment_id, status, version,"
                " patient_name, date_of_birth, doctor, reason, hopes, reason_prompts,"
                " history_note, closing_words, steps_saved, flag_level, created_at, updated_at)"
                " VALUES (:id, 1, :appointment, 'draft', 1, :name, :dob, '', '', '', '[]', '',"
                " '', '[]', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')")
            conn.execute(text(packet), {"id": 5, "appointment": 1, "name": "", "dob": None})
            conn.execute(text(packet), {"id": 6, "appointment": 3, "name": "Ann Invited",
                                        "dob": "1970-01-02"})
            conn.execute(text(packet), {"id": 9, "appointment": None, "name": "Cy Self",
                                        "dob": None})
            conn.execute(text(
                "INSERT INTO symptom_entry (packet_id, recorded_at, pain, areas, where_text,"
                " qualities, worse_with, helped_with, numbness, spasms, headache, digestive,"
                " note, created_at, updated_at) VALUES (9, '2026-11-01 09:00:00', 5, '[]', '',"
                " '[]', '[]', '[]', false, false, false, false, '', '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00')"))
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            patients = conn.execute(text(
                "SELECT id, name, date_of_birth, origin FROM patient ORDER BY id")).all()
            packets = dict(conn.execute(text("SELECT id, patient_id FROM packet")).all())
            appointments = dict(conn.execute(text(
                "SELECT id, patient_id FROM appointment")).all())
            entry_patient = conn.execute(text("SELECT patient_id FROM symptom_entry")).scalar()
        # Three packets, three patients with the packets' ids; the unopened appointment its own.
        assert packets == {5: 5, 6: 6, 9: 9}
        assert appointments[1] == 5 and appointments[3] == 6
        assert appointments[2] not in (5, 6, 9)
        assert len(patients) == 4 and {p.origin for p in patients} == {"migrated"}
        by_id = {p.id: p for p in patients}
        # The name and date of birth come from the packet, else its appointment.
        assert by_id[5].name == "Ann Invited" and str(by_id[5].date_of_birth) == "1970-01-02"
        assert by_id[9].name == "Cy Self" and by_id[9].date_of_birth is None
        assert entry_patient == 9
        # New patients get new ids after the migrated ones (PostgreSQL's sequence moved on).
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO patient (clinic_id, name, origin, created_at)"
                              " VALUES (1, 'New', 'reception', '2026-01-02 00:00:00')"))
            assert conn.execute(text("SELECT MAX(id) FROM patient")).scalar() > max(by_id)
        downgrade(directory=MIGRATIONS, revision="0001")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM packet")).scalar() == 3
            assert conn.execute(text("SELECT COUNT(*) FROM symptom_entry")).scalar() == 1
        db.engine.dispose()


def test_sqlite_packets_become_patients(tmp_path):
    _packets_become_patients(f"sqlite:///{tmp_path / 'data.sqlite3'}")


@pytest.mark.postgres
def test_postgres_packets_become_patients():
    from tests.conftest import create_postgres_database, drop_postgres_database, postgres_available

    if not postgres_available():
        pytest.skip("no PostgreSQL")
    url = create_postgres_database("visitprep_mig")
    try:
        _packets_become_patients(url)
    finally:
        drop_postgres_database(url)
