"""SECURITY.md R7: error handlers never touch the database.

The database is stopped mid-journey (SQLite: the file is taken away and a directory put in
its place; PostgreSQL: the database stops taking connections and its connections are
ended). Then every page a patient and a staff member can reach, the login page too,
answers our 503 page with our headers, and a typed answer or note is shown back with a
button to send it again; once the database is back, that button saves it.
"""

from __future__ import annotations

import html
import os
import shutil

import pytest
from flask import g
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from extensions import db
from models import Medication, StaffNote
from tests.auth.helpers import login
from tests.conftest import (
    POSTGRES_ADMIN_URL,
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    postgres_available,
)
from tests.factories import make_clinic, make_packet, make_staff
from tests.helpers import hidden_fields
from tests.test_security_headers import check_headers, check_no_inline

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


class SQLiteOutage:
    def __init__(self, tmp_path):
        self.path = tmp_path / "down.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.aside = tmp_path / "aside"

    def stop(self):
        db.engine.dispose()
        self.aside.mkdir()
        for suffix in ("", "-wal", "-shm"):
            source = f"{self.path}{suffix}"
            if os.path.exists(source):
                shutil.move(source, self.aside / os.path.basename(source))
        os.mkdir(self.path)  # where the file was: SQLite cannot open a directory

    def start(self):
        os.rmdir(self.path)
        for name in os.listdir(self.aside):
            shutil.move(self.aside / name, self.path.parent / name)
        self.aside.rmdir()
        db.engine.dispose()

    def close(self):
        pass


class PostgresOutage:
    def __init__(self, tmp_path):
        self.url = create_postgres_database("visitprep_down")
        self.name = make_url(self.url).database
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def stop(self):
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": self.name})

    def start(self):
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))
        # A real server gets a new app context (and session) per request; this test's
        # app context spans the whole journey, so its session lets go of the dead one.
        db.session().invalidate()
        db.session.remove()
        db.engine.dispose()

    def close(self):
        self.admin.dispose()
        drop_postgres_database(self.url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outage(request, tmp_path):
    if request.param == "postgres" and not postgres_available():
        pytest.skip("no PostgreSQL server here")
    made = (SQLiteOutage if request.param == "sqlite" else PostgresOutage)(tmp_path)
    app = make_test_app(made.url)
    with app.app_context():
        db.create_all()
        yield app, made
        db.session().invalidate()
        db.session.remove()
        db.engine.dispose()
    made.close()


def _post(client, path, page, data):
    g.pop("csrf_token", None)
    fields = hidden_fields(client.get(page).get_data(as_text=True))
    return fields, lambda: client.post(path, headers=SAME_ORIGIN, data={**fields, **data})


def assert_503(response, path):
    assert response.status_code == 503, (path, response.status_code)
    body = response.get_data(as_text=True)
    assert "couldn&#39;t save that just now" in body or "couldn't save that just now" in body
    check_headers(response, path)
    check_no_inline(body, path)
    return body


def test_R7_patient_database_stopped_mid_journey(outage):
    app, made = outage
    make_clinic("riverside", open_start=True)
    client = app.test_client()
    _fields, start = _post(client, "/c/riverside", "/c/riverside", {})
    assert start().status_code == 303
    client.get("/p/keep-link")
    _fields, send = _post(client, "/p/medications/add", "/p/medications",
                          {"name": "Duloxetine <60 mg>"})
    made.stop()
    try:
        body = assert_503(send(), "/p/medications/add")
        assert "Duloxetine &lt;60 mg&gt;" in body and "Send it again" in body
        resend = {k: html.unescape(v) for k, v in hidden_fields(body).items()}
        for path in ("/p/", "/p/visit", "/p/medications", "/p/review", "/c/riverside",
                     "/reception/login"):
            assert_503(client.get(path), path)
    finally:
        made.start()
    g.pop("csrf_token", None)
    response = client.post("/p/medications/add", headers=SAME_ORIGIN, data=resend)
    assert response.status_code == 303
    assert db.session.scalar(db.select(Medication.name)) == "Duloxetine <60 mg>"


def test_R7_staff_database_stopped_mid_journey(outage):
    app, made = outage
    clinic = make_clinic("riverside", require_totp=False)
    staff = make_staff(clinic, "admin@riverside.example", "admin")
    packet = make_packet(clinic, status="submitted")
    db.session.commit()
    packet_id = packet.id
    client = app.test_client()
    assert login(client, staff.email).status_code == 303
    path = f"/reception/packets/{packet_id}/notes"
    _fields, send = _post(client, path, f"/reception/packets/{packet_id}",
                          {"body": "Called back <about> the flag"})
    urls = [rule.rule.replace("<int:packet_id>", str(packet_id))
            .replace("<int:user_id>", str(staff.id))
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.rule.startswith(("/reception", "/admin"))
            and ("<" not in rule.rule or set(rule.arguments) <= {"packet_id", "user_id"})]
    assert len(urls) >= 12
    made.stop()
    try:
        body = assert_503(send(), path)
        assert "Called back &lt;about&gt; the flag" in body and "Send it again" in body
        resend = {k: html.unescape(v) for k, v in hidden_fields(body).items()}
        for url in urls:
            response = client.get(url)
            if response.status_code == 303:  # the half-way login steps: back to the login
                assert response.location.endswith("/reception/login"), url
                continue
            assert_503(response, url)
    finally:
        made.start()
    g.pop("csrf_token", None)
    assert client.post(path, headers=SAME_ORIGIN, data=resend).status_code == 303
    assert db.session.scalar(db.select(StaffNote.body)) == "Called back <about> the flag"
