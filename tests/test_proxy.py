"""SECURITY.md A9 without the real proxy: ProxyFix believes exactly TRUSTED_PROXIES hops.

(tests/test_nginx.py walks the same through a real nginx with TLS.)
"""

from __future__ import annotations

import pytest
from flask import g

from extensions import db
from models import AuditEvent
from tests.conftest import make_test_app
from tests.factories import make_clinic
from tests.helpers import csrf_from


def _failed_login(client, forwarded_for: str | None):
    g.pop("csrf_token", None)
    token = csrf_from(client.get("/reception/login").get_data(as_text=True))
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/reception/login", headers=headers, data={
        "csrf_token": token, "email": "nobody@example.org", "password": "wrong password!!"})


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7"),
                                                 (2, "198.51.100.2")])
def test_A9_audit_rows_get_the_client_address_the_trusted_proxies_saw(tmp_path, hops, expected):
    app = make_test_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", TRUSTED_PROXIES=hops)
    with app.app_context():
        db.create_all()
        make_clinic("riverside")
        client = app.test_client()
        # The client lies in the first entry; each trusted proxy appends what it saw.
        response = _failed_login(client, "198.51.100.2, 203.0.113.7")
        assert response.status_code == 200
        ips = db.session.scalars(db.select(AuditEvent.ip)).all()
        assert ips and set(ips) == {expected}


def test_A9_forwarded_https_makes_secure_urls(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'p.sqlite3'}", TRUSTED_PROXIES=1)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        seen = {}

        @app.get("/_scheme")
        def _scheme():
            from flask import request

            seen["scheme"] = request.scheme
            return "ok"

        client.get("/_scheme", headers={"X-Forwarded-Proto": "https"})
        assert seen["scheme"] == "https"


def test_A9_each_client_behind_the_proxy_has_its_own_limit(tmp_path):
    """Over real HTTP (gunicorn): 25 clients, as a proxy reports them, limited one by one."""
    import urllib.error
    import urllib.request

    from tests.servers import gunicorn

    env = {"VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'rl.sqlite3'}", "TRUSTED_PROXIES": "1",
           "RATELIMIT_ENABLED": "true", "RATELIMIT_DEFAULT": "3 per minute"}

    def status(base, client):
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{base}/", headers={"X-Forwarded-For": client})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with gunicorn(env, workers=1) as base:
        for n in range(25):
            codes = [status(base, f"203.0.113.{n}") for _ in range(4)]
            assert codes == [200, 200, 200, 429], n
