"""Mail tests on real parts: an SMTP server on loopback (aiosmtpd), Redis, a worker process.

Every mail the SMTP server receives in any test is scanned for health data when the test
ends (the `smtp` fixture; SECURITY.md P8), whatever the test itself checked.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from email import policy
from email.parser import BytesParser

import pytest
import redis
from aiosmtpd.controller import Controller

from config import TestConfig
from extensions import db
from tests.conftest import empty_every_table, missing
from tests.mail.helpers import scan
from tests.servers import ROOT, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "test-mail-" + "s" * 40


class Mailbox:
    """What an SMTP server received; optionally slow, or refusing some recipients."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()
        self.rcpt_delay = 0.0
        self.in_rcpt = threading.Event()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        if self.rcpt_delay:
            self.in_rcpt.set()
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, count: int, timeout: float = 30, address: str | None = None) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address) if address else list(self.messages)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mails, got {len(found)}")


class SMTPServer:
    """aiosmtpd on a free loopback port; stop() and start() again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()
    with server.mailbox.lock:
        received = list(server.mailbox.messages)
    if received:
        scan(received)  # P8: no mail of any test carries health data


@pytest.fixture
def redis_queue():
    """A queue name of this test's own on the local Redis (skips, or fails in CI, without)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        missing(f"no Redis answers at {REDIS_URL}")
    name = f"visitprep-test-{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"huey.*{name}*"):
        client.delete(key)


def mail_settings(smtp: SMTPServer, queue: str | None) -> dict:
    settings = {
        "SECRET_KEY": SECRET, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port,
        "MAIL_USE_TLS": False, "MAIL_DEFAULT_SENDER": "Riverside via VisitPrep <prep@clinic.test>",
        "MAIL_RETRY_BASE_SECONDS": 1, "MAIL_RETRY_MAX_SECONDS": 2, "MAIL_CLAIM_LEASE_SECONDS": 3,
        "MAIL_TIMEOUT": 5, "PUBLIC_BASE_URL": "http://prep.clinic.test",
    }
    if queue:
        settings.update({"REDIS_URL": REDIS_URL, "JOBS_QUEUE": queue})
    return settings


@pytest.fixture
def mail_app(tmp_path, _shared_postgres, smtp, request):
    """The app (on a database a worker process can open too) sending to the SMTP fixture;
    with Redis when the test also asks for `redis_queue`."""
    from app import create_app
    from services.channels import backend_for

    queue = request.getfixturevalue("redis_queue") if "redis_queue" in request.fixturenames \
        else None
    url = _shared_postgres or f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    settings = mail_settings(smtp, queue)
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url, **settings)
    assert backend_for(app.config) == "smtp"
    app.config["TEST_DATABASE"] = url
    with app.app_context():
        if _shared_postgres is None:
            db.create_all()
        yield app
        db.session.remove()
        if _shared_postgres is not None:
            empty_every_table()
        db.engine.dispose()


class Worker:
    """`flask --app app mail worker` as a real process on the test's database and queue."""

    def __init__(self, app, smtp: SMTPServer, log_path) -> None:
        settings = mail_settings(smtp, app.config["JOBS_QUEUE"])
        self.env = {**os.environ, "VISITPREP_ENV": "development",
                    "DATABASE_URL": app.config["TEST_DATABASE"], "RATELIMIT_ENABLED": "false",
                    **{key: str(value) for key, value in settings.items()},
                    "MAIL_USE_TLS": "false"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, workers: int = 1) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "mail", "worker",
             "--workers", str(workers)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()


@pytest.fixture
def worker(mail_app, smtp, tmp_path):
    started = Worker(mail_app, smtp, tmp_path / "worker.log")
    yield started
    started.stop()
    if started.log_path.exists():
        # Shown by pytest when the test failed: what the worker did.
        print(started.log_path.read_text(errors="replace")[-4000:])
