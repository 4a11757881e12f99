"""SECURITY S3 across processes: the login throttle holds with two gunicorn workers,
because it counts attempts in the database, not in a worker's memory."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from app import create_app
from config import TestConfig
from extensions import db
from tests.conftest import missing
from tests.factories import make_clinic, make_staff

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def attempt(base: str, email: str, password: str) -> tuple[int, str]:
    """One login in a fresh browser-like session (its own cookies, its own connection)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/reception/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    try:
        response = opener.open(f"{base}/reception/login", data=body.encode(), timeout=10)
        return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_throttle_holds_across_two_gunicorn_workers(tmp_path):
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists() and not shutil.which("gunicorn"):
        missing("gunicorn is not installed")
    url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", "Riverside", require_totp=False)
        make_staff(clinic, "desk@riverside.example", password="the right password")
        make_staff(clinic, "other@riverside.example", password="the right password")
        db.engine.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "k3Y-x9Qz7LmN2pR5tV8wB1cD4fG6hJ0kS3uY",
           "VISITPREP_ENV": "development", "RATELIMIT_ENABLED": "false",
           "VISITPREP_INSTANCE_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [str(gunicorn) if gunicorn.exists() else "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback http
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + server.stderr.read1().decode())
        for _ in range(5):
            status, _ = attempt(base, "desk@riverside.example", "a wrong password!")
            assert status == 200
        status, html = attempt(base, "desk@riverside.example", "the right password")
        assert status == 200 and "Too many tries" in html
        status, _ = attempt(base, "other@riverside.example", "the right password")
        assert status == 303
    finally:
        server.terminate()
        server.wait(timeout=10)
