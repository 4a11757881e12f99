"""SECURITY S3 across processes: the login throttle holds with two gunicorn workers,
because it counts attempts in the database, not in a worker's memory."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from app import create_app
from config import TestConfig
from extensions import db
from tests.factories import make_clinic, make_staff
from tests.servers import gunicorn


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
    url = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", "Riverside", require_totp=False)
        make_staff(clinic, "desk@riverside.example", password="the right password")
        make_staff(clinic, "other@riverside.example", password="the right password")
        db.engine.dispose()
    env = {"DATABASE_URL": url, "VISITPREP_ENV": "development", "RATELIMIT_ENABLED": "false",
           "VISITPREP_INSTANCE_DIR": str(tmp_path)}
    with gunicorn(env, workers=2) as base:
        for _ in range(5):
            status, _ = attempt(base, "desk@riverside.example", "a wrong password!")
            assert status == 200
        status, html = attempt(base, "desk@riverside.example", "the right password")
        assert status == 200 and "Too many tries" in html
        status, _ = attempt(base, "other@riverside.example", "the right password")
        assert status == 303
