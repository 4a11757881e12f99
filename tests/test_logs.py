"""Secrets and health data never reach a log (SECURITY.md P2, A8), checked on a real server.

The app runs in gunicorn with its access log and error log captured; a patient opens an
invitation link (the token is in the URL), fails and passes the date-of-birth check and saves
an answer, and reception logs in. Then every line written is scanned for the sentinels.
"""

from __future__ import annotations

from datetime import date

from app import create_app
from config import TestConfig
from extensions import db
from services.tokens import create_invitation
from tests.factories import make_appointment, make_clinic
from tests.helpers import hidden_fields
from tests.servers import Browser, gunicorn

HEALTH_SENTINEL = "Sentinel-bladder-trouble-7741"
DOB = date(1971, 3, 9)


def test_tokens_dates_of_birth_and_answers_stay_out_of_the_server_logs(tmp_path):
    url = f"sqlite:///{tmp_path / 'logs.sqlite3'}"
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", open_start=False)
        appointment = make_appointment(clinic, date_of_birth=DOB)
        _link, token = create_invitation(appointment, 30)
        db.session.commit()
        db.engine.dispose()

    log = tmp_path / "server.log"
    env = {"VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": url, "RATELIMIT_ENABLED": "false"}
    with gunicorn(env, workers=1, log=log) as base:
        patient = Browser(base)
        patient.get(f"/v/{token}")
        page = patient.post("/v/check", {"date_of_birth": "1980-01-01"})
        assert "does not match" in page
        page = patient.post("/v/check", {"date_of_birth": DOB.isoformat()})
        visit = patient.get("/p/visit")
        fields = hidden_fields(visit)
        fields.update({"reason": HEALTH_SENTINEL, "hopes": HEALTH_SENTINEL})
        patient.post("/p/visit", fields)
        assert HEALTH_SENTINEL in patient.get("/p/review")
        patient.get(f"/v/{token}?again=1")

    written = log.read_text()
    # The log was really captured: JSON access lines, the token redacted, no query string.
    assert '"method": "GET", "path": "/v/[redacted]"' in written
    assert "again=1" not in written
    for secret in (token, HEALTH_SENTINEL, DOB.isoformat(), "1980-01-01"):
        assert secret not in written, secret
