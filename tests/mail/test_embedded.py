"""`make run` with nothing else installed: no Redis, no MAIL_SERVER. Mail is sent from a
thread of the app into the developer outbox, which a page shows."""

from __future__ import annotations

import time

from app import create_app
from config import TestConfig
from extensions import db
from models import OutboxMessage
from services.channels import DevOutboxBackend
from tests.factories import make_clinic
from tests.patient.conftest import post_form, start_packet


def test_without_redis_or_a_mail_server_mail_lands_in_the_developer_outbox(tmp_path, capfd):
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.sqlite3'}",
                     JOBS_EMBEDDED=True, MAIL_DEV_OUTBOX=str(tmp_path / "dev-mail"),
                     PUBLIC_BASE_URL="http://127.0.0.1:5000")
    assert app.config["MAIL_BACKEND"] is DevOutboxBackend
    with app.app_context():
        db.create_all()
        clinic = make_clinic("demo", "Demo Clinic", open_start=True)
        client = app.test_client()
        start_packet(client, clinic)
        response = post_form(client, "/p/email", {"email": "newcomer@example.org"})
        assert response.status_code == 303
        deadline = time.monotonic() + 20
        while not list((tmp_path / "dev-mail").glob("*.eml")):
            assert time.monotonic() < deadline, "nothing reached the developer outbox"
            time.sleep(0.1)
        page = client.get("/dev/outbox").get_data(as_text=True)
        assert "newcomer@example.org" in page and "Your private link" in page
        assert "http://127.0.0.1:5000/v/" in page
        db.session.expire_all()
        assert db.session.scalar(db.select(OutboxMessage.status)) == "sent"
        app.extensions["jobs"].consumer.stop()
    assert "mail to newcomer@example.org" in capfd.readouterr().err
