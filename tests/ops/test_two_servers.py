"""The app keeps nothing between requests in a process: two gunicorn instances on different
ports, one PostgreSQL and one Redis, and every request of a patient's journey and of a
receptionist's session goes to the other server than the one before (real HTTP)."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import date

import pytest
from flask_migrate import upgrade

from config import BASE_DIR
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import Packet
from services.tokens import create_invitation
from tests.conftest import (
    create_postgres_database,
    drop_postgres_database,
    make_test_app,
    missing,
    postgres_available,
)
from tests.factories import make_appointment, make_clinic, make_staff
from tests.helpers import hidden_fields
from tests.servers import Browser, gunicorn

REDIS_URL = "redis://127.0.0.1:6379/15"
DOB = date(1968, 7, 21)
WORDS = "Two-servers-sentinel: the pain wakes me at 3 am"


class Alternating(Browser):
    """A browser whose every request (a GET, a form's GET, its POST) goes to the next server."""

    def __init__(self, bases: list[str]):
        super().__init__(bases[0])
        self._bases = itertools.cycle(bases)

    def get(self, path: str) -> str:
        self.base = next(self._bases)
        return super().get(path)

    def form(self, path: str, data: dict, page: str | None = None) -> str:
        """GET the form on one server, POST it (its hidden fields plus `data`) to the other."""
        fields = hidden_fields(self.get(page or path))
        self.base = next(self._bases)
        return self._post_fields(path, {**fields, **data})

    def _post_fields(self, path: str, fields: dict) -> str:
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=30) as response:  # noqa: S310
                return response.read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()


@pytest.fixture
def shared_backends(tmp_path):
    """A migrated PostgreSQL database and a Redis key prefix of this test's own."""
    import redis

    if not postgres_available():
        missing("no PostgreSQL server for the two-server test")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing(f"no Redis answers at {REDIS_URL}")
    url = create_postgres_database("visitprep_two")
    try:
        yield url, f"two-{uuid.uuid4().hex}"
    finally:
        drop_postgres_database(url)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_patient_and_a_receptionist_move_between_two_servers(shared_backends, tmp_path):
    url, prefix = shared_backends
    app = make_test_app(url)
    with app.app_context():
        upgrade(directory=str(BASE_DIR / "migrations"))
        clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
        make_staff(clinic, "desk@riverside.example", password="a long desk password")
        appointment = make_appointment(clinic, patient_name="Robin Two-Servers",
                                       date_of_birth=DOB)
        _link, token = create_invitation(appointment, 30)
        db.session.commit()
        db.engine.dispose()

    env = {"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
           "VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path)}
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with gunicorn(env, workers=1, log=logs[0]) as a, gunicorn(env, workers=1, log=logs[1]) as b:
        assert a != b
        patient = Alternating([a, b])
        assert "date of birth" in patient.get(f"/v/{token}").lower()
        page = patient.form("/v/check", {"date_of_birth": DOB.isoformat()}, page="/v/check")
        assert "/p/" in page or "Robin" in page or "visit" in page.lower()
        patient.form("/p/visit", {"reason": WORDS, "hopes": "A plan for sleep.", "nav": "next"})
        # Saved through one server, read back through the other (and the next POST goes to the
        # other server than the last one did).
        assert WORDS in patient.get("/p/visit")
        patient.form("/p/safety", {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS})
        review = patient.get("/p/review")
        assert WORDS in review, review[-3000:]
        done = patient.form("/p/review", {})
        assert "were sent" in done, done[-3000:]

        with app.app_context():
            packet = db.session.scalar(db.select(Packet))
            assert packet.status == "submitted" and packet.reason == WORDS
            packet_id = packet.id
            db.engine.dispose()

        desk = Alternating([b, a])
        page = desk.form("/reception/login", {"email": "desk@riverside.example",
                                              "password": "a long desk password"})
        assert "Robin Two-Servers" in page, page[-3000:]  # landed on the queue, logged in
        assert "Robin Two-Servers" in desk.get("/reception/")
        summary = desk.get(f"/reception/packets/{packet_id}")
        assert WORDS in summary
        assert "Robin Two-Servers" in desk.get("/reception/appointments")
        page = desk.form(f"/reception/packets/{packet_id}/review", {},
                         page=f"/reception/packets/{packet_id}")
        reviewed = desk.get("/reception/?view=reviewed")
        assert "Robin Two-Servers" in reviewed
        with app.app_context():
            assert db.session.get(Packet, packet_id).status == "reviewed"
            db.engine.dispose()

    # Both servers served both people: each log has the patient's and the desk's POSTs.
    for log in logs:
        written = log.read_text()
        posts = set(re.findall(r'"method": "POST", "path": "([^"]+)"', written))
        assert any(p.startswith("/p/") for p in posts), (log.name, posts)
        assert any(p.startswith("/reception/") for p in posts), (log.name, posts)
