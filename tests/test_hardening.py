"""The lower findings of issue 14, each with its SECURITY.md line.

A11: links and canonical URLs come from PUBLIC_BASE_URL, never the Host header.
A6/A7: huge ids are 404s on SQLite and PostgreSQL; a broken chunked body is a 400 and an
over-limit chunked one a 413 (real HTTP, gunicorn).
A8: no query string (the queue search holds names) in the access log.
"""

from __future__ import annotations

import re
import socket

import pytest
from flask import g

from config import ConfigError, ProductionConfig
from extensions import db
from tests.auth.helpers import login, post_form
from tests.factories import make_appointment, make_clinic, make_packet, make_staff
from tests.servers import gunicorn

EVIL = "evil.example"


def test_A11_a_forged_host_header_changes_no_link(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://prep.example-clinic.org"
    clinic = make_clinic("riverside", open_start=True, require_totp=False)
    admin = make_staff(clinic, "admin@riverside.example", "admin")
    packet = make_packet(clinic, status="submitted")
    appointment = make_appointment(clinic)
    db.session.commit()
    def forged_get(who, path):
        """GET with a forged Host, sending `who`'s cookies by hand (a cookie-less client:
        the test client would match its cookies against the forged host)."""
        cookies = "; ".join(f"{name}={who.get_cookie(name).value}"
                            for name in ("vp_session", "vp_staff") if who.get_cookie(name))
        raw = app.test_client(use_cookies=False)
        return raw.get(path, headers={"Host": EVIL, "X-Forwarded-Host": EVIL, "Cookie": cookies})

    bodies = []
    # The patient's private link.
    g.pop("csrf_token", None)
    patient = app.test_client()
    post_form(patient, "/c/riverside", {})
    bodies.append(forged_get(patient, "/p/keep-link").get_data(as_text=True))
    # The FHIR Questionnaire and a packet's QuestionnaireResponse.
    bodies.append(forged_get(client, "/fhir/Questionnaire/visitprep")
                  .get_data(as_text=True))
    response = login(client, admin.email)
    assert response.status_code == 303 and response.location.endswith("/reception/"), (
        response.location)
    assert client.get(f"/reception/packets/{packet.id}/fhir.json").status_code == 200
    bodies.append(forged_get(client, f"/reception/packets/{packet.id}/fhir.json")
                  .get_data(as_text=True))
    # An invitation link and a new one-time password page.
    response = post_form(client, f"/reception/appointments/{appointment.id}/reissue", {},
                         page=f"/reception/appointments/{appointment.id}/link")
    bodies.append(forged_get(client, response.location).get_data(as_text=True))
    other = make_staff(clinic, "desk@riverside.example")
    response = post_form(client, f"/admin/staff/{other.id}/reset-password", {},
                         page="/admin/staff")
    bodies.append(forged_get(client, response.location).get_data(as_text=True))
    for n, body in enumerate(bodies):
        assert body and EVIL not in body
        assert "redirected automatically" not in body, n
    joined = "\n".join(bodies)
    assert re.search(r"https://prep\.example-clinic\.org/v/[A-Za-z0-9_-]{40,}", joined)
    assert "https://prep.example-clinic.org/fhir/Questionnaire/visitprep" in joined
    assert "https://prep.example-clinic.org/reception/login" in joined


def test_A11_production_refuses_to_start_without_an_https_public_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "strong-" + "Qz8xK2pL9m" * 4)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        ProductionConfig()
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://prep.example")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        ProductionConfig()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://prep.example")
    assert ProductionConfig().PUBLIC_BASE_URL == "https://prep.example"


HUGE = ["2147483648", "99999999999999999999", "9" * 40]


@pytest.mark.parametrize("huge", HUGE)
def test_A7_huge_ids_on_every_id_url_are_404(app, client, huge):
    """Every rule with an id, GET and POST, as an admin (SQLite here; the same test runs on
    PostgreSQL with TEST_DATABASE_URL)."""
    clinic = make_clinic("riverside", require_totp=False)
    admin = make_staff(clinic, "admin@riverside.example", "admin")
    assert login(client, admin.email).status_code == 303
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      client.get("/reception/").get_data(as_text=True)).group(1)
    tried = 0
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if "int" in type(rule._converters[a]).__name__.lower()]
        if not ints:
            continue
        path = rule.rule
        for arg in rule.arguments:
            value = huge if arg in ints else "topics"
            path = re.sub(rf"<[^>]*:?{arg}>", value, path)
        if "GET" in rule.methods:
            assert client.get(path).status_code == 404, path
        if "POST" in rule.methods:
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
        tried += 1
    assert tried >= 20


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(data)
        out = b""
        while chunk := sock.recv(65536):
            out += chunk
    return out


def test_A6_chunked_bodies_broken_is_400_over_the_limit_is_413(tmp_path):
    env = {"VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'chunk.sqlite3'}",
           "RATELIMIT_ENABLED": "false"}
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"])
    with app.app_context():
        db.create_all()
        make_clinic("riverside", open_start=True)
        db.engine.dispose()
    head = (b"POST /c/riverside HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n")
    with gunicorn(env, workers=1, log=tmp_path / "g.log") as base:
        port = int(base.rsplit(":", 1)[1])
        broken = _raw(port, head + b"zz\r\nabc\r\n0\r\n\r\n")
        assert broken.startswith(b"HTTP/1.1 400"), broken[:200]
        assert b"Content-Security-Policy" in broken
        chunk = b"a=" + b"x" * 65534
        over = _raw(port, head + b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n"
                                          for _ in range(24)) + b"0\r\n\r\n")
        assert over.startswith(b"HTTP/1.1 413"), over[:200]
        assert b"too much to send" in over
    assert "Traceback" not in (tmp_path / "g.log").read_text()


def test_A8_no_query_string_reaches_the_access_log(tmp_path):
    env = {"VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}", "RATELIMIT_ENABLED": "false"}
    import urllib.request

    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"])
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    log = tmp_path / "access.log"
    with gunicorn(env, workers=1, log=log) as base:
        for path in ("/reception/?name=Zebulon+Quackenbush&doctor=Dr.+Sentinel",
                     "/?q=Ottoline"):
            try:
                urllib.request.urlopen(base + path, timeout=10)  # noqa: S310 - loopback
            except Exception:  # noqa: BLE001, S110 - only the log line matters
                pass
    text = log.read_text()
    assert "/reception/" in text  # the line was written
    for sentinel in ("Zebulon", "Quackenbush", "Sentinel", "Ottoline"):
        assert sentinel not in text

