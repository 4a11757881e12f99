"""Cookies (SECURITY.md P6, P7, A10).

P6: the patient's cookie is SameSite=Lax, the staff cookie Strict, both HttpOnly, and in
production Secure with the `__Host-` prefix.
A10: every Set-Cookie of a patient journey and a staff journey is decoded: each value is a
bare random id, and no sentinel (token, code, password, name, answer) is in any of them.
P7: "Leave" ends the patient session on the server; idle and absolute limits hold.
"""

from __future__ import annotations

import base64
import re
import zlib
from datetime import timedelta

import pyotp
import pytest
from flask import g

from extensions import db
from models import StaffUser, WebSession
from services import web_session
from tests.auth.helpers import login, post_form
from tests.conftest import make_test_app
from tests.factories import make_clinic, make_staff
from tests.helpers import csrf_from

#: A cookie value: one random id, nothing else.
BARE_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")


class CookieJar:
    """Every Set-Cookie a client received."""

    def __init__(self, client):
        self.client = client
        self.headers: list[str] = []

    def __call__(self, method: str, path: str, **kw):
        g.pop("csrf_token", None)
        response = self.client.open(path, method=method, **kw)
        self.headers += response.headers.getlist("Set-Cookie")
        return response

    def form(self, path: str, data: dict, page: str | None = None):
        html = self("GET", page or path).get_data(as_text=True)
        return self("POST", path, data={**data, "csrf_token": csrf_from(html)})


def decoded_forms(value: str) -> list[str]:
    """The value as sent, and whatever base64 / zlib would make of its parts."""
    out = [value]
    for part in re.split(r"[.]", value.lstrip(".")):
        for candidate in (part, part + "=" * (-len(part) % 4)):
            try:
                raw = base64.urlsafe_b64decode(candidate)
            except Exception:  # noqa: BLE001, S112 - not base64: nothing to add
                continue
            out.append(raw.decode("latin-1"))
            try:
                out.append(zlib.decompress(raw).decode("latin-1"))
            except Exception:  # noqa: BLE001, S112
                continue
    return out


def assert_cookies_carry_ids_only(headers: list[str], sentinels: list[str]) -> int:
    checked = 0
    for header in headers:
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0]
        if not value:  # a deletion
            continue
        assert BARE_ID.match(value), f"{name} holds more than an id: {value[:60]}"
        for form in decoded_forms(value):
            for sentinel in sentinels:
                assert sentinel.lower() not in form.lower(), (name, sentinel)
        checked += 1
    return checked


def test_A10_patient_journey_cookies_carry_ids_only(app, client):
    clinic = make_clinic("riverside", open_start=True)
    jar = CookieJar(client)
    assert jar.form(f"/c/{clinic.slug}", {}).status_code == 303
    page = jar("GET", "/p/keep-link").get_data(as_text=True)
    token = re.search(r"/v/([A-Za-z0-9_\-]{40,})", page).group(1)
    code = re.search(r'id="secret-code">([A-Z0-9\-]+)<', page).group(1)
    name, answer = "Zebulon Quackenbush", "sentinel-answer-purple-walrus"
    jar.form("/p/visit", {"patient_name": name, "date_of_birth": "1980-06-15",
                          "reason": answer, "nav": "stay"})
    jar.form("/p/medications/add", {"name": "sentinel-med-Xylophonol"}, page="/p/medications")
    # A new link: a second token and code pass through the session on the way to the page.
    response = jar.form("/p/new-link", {}, page="/p/")
    page2 = jar("GET", "/p/keep-link").get_data(as_text=True)
    token2 = re.search(r"/v/([A-Za-z0-9_\-]{40,})", page2).group(1)
    assert response.status_code == 303 and token2 != token
    other = CookieJar(app.test_client())
    other("GET", f"/v/{token2}")
    sentinels = [token, code, code.replace("-", ""), token2, name, "Quackenbush", answer,
                 "Xylophonol", "packet_id", "link_id", "csrf"]
    assert assert_cookies_carry_ids_only(jar.headers + other.headers, sentinels) >= 2


def test_A10_staff_journey_cookies_carry_ids_only(app, client):
    clinic = make_clinic("riverside", require_totp=True)
    admin = make_staff(clinic, "admin@riverside.example", "admin")
    admin.totp_secret = pyotp.random_base32()
    admin.totp_enabled = True
    db.session.commit()
    jar = CookieJar(client)
    from tests.factories import DEFAULT_PASSWORD

    response = jar.form("/reception/login", {"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.location.endswith("/login/code")
    jar.form("/reception/login/code", {"code": pyotp.TOTP(admin.totp_secret).now()})
    # A new account with a one-time password, shown once after a redirect.
    response = jar.form("/admin/staff/new", {"email": "nia@riverside.example",
                                             "name": "Nia Sentinelname", "role": "reception"})
    page = jar("GET", response.location).get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    # An appointment: the invitation token, shown once; a flash with the patient's name.
    from datetime import date

    visit = (date.today() + timedelta(days=3)).isoformat()
    response = jar.form("/reception/appointments/new", {
        "patient_name": "Ottoline Sentinelpatient", "date_of_birth": "1979-04-12",
        "visit_date": visit, "visit_time": "10:30", "doctor": "Dr. Sentineldoc"})
    page = jar("GET", response.location).get_data(as_text=True)
    invitation = re.search(r'id="invitation-link">[^<]*/v/([^<]+)<', page).group(1)
    appointment_id = int(re.search(r"/appointments/(\d+)", response.location).group(1))
    jar.form(f"/reception/appointments/{appointment_id}/unlock", {}, page=response.location)
    jar("GET", "/reception/appointments")
    # The newcomer's first login: one-time password, a new password, two-step set-up.
    newcomer = CookieJar(app.test_client())
    newcomer.form("/reception/login", {"email": "nia@riverside.example", "password": password})
    chosen = "sentinel new passphrase"
    newcomer.form("/reception/login/new-password",
                  {"new_password": chosen, "confirm_password": chosen})
    newcomer("GET", "/reception/login/two-step-setup")
    user = db.session.scalar(db.select(StaffUser).filter_by(email="nia@riverside.example"))
    newcomer.form("/reception/login/two-step-setup", {"code": pyotp.TOTP(user.totp_secret).now()})
    sentinels = [password, invitation, "Ottoline", "Sentinelpatient", "Sentineldoc",
                 "Sentinelname", chosen, DEFAULT_PASSWORD, user.totp_secret, admin.totp_secret,
                 "staff_pending", "_flashes"]
    assert assert_cookies_carry_ids_only(jar.headers + newcomer.headers, sentinels) >= 4


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_P6_patient_cookie_is_lax_and_staff_cookie_strict(app, client):
    clinic = make_clinic("riverside", require_totp=False)
    staff = make_staff(clinic, "desk@riverside.example")
    patient = _set_cookies(client.get("/c/riverside"))["vp_session"]
    assert "HttpOnly" in patient and "SameSite=Lax" in patient and "Secure" not in patient
    response = login(client, staff.email)
    cookie = _set_cookies(response)["vp_staff"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


def test_P6_A10_production_cookies_are_secure_with_the_host_prefix(tmp_path, monkeypatch):
    from app import create_app
    from config import load_config

    monkeypatch.setenv("SECRET_KEY", "p" + "roduction-key-0123456789abcdefghij")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://prep.example")
    # No mail thread: it would outlive the test, its minute tick logging into a closed stream.
    monkeypatch.setenv("JOBS_EMBEDDED", "0")
    app = create_app(load_config("production"))
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", require_totp=False)
        staff = make_staff(clinic, "desk@riverside.example")
        client = app.test_client()
        base = "https://prep.example"
        patient = _set_cookies(client.get("/c/riverside", base_url=base))
        assert set(patient) == {"__Host-vp_session"}
        cookie = patient["__Host-vp_session"]
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
        html = client.get("/reception/login", base_url=base).get_data(as_text=True)
        from tests.factories import DEFAULT_PASSWORD

        response = client.post("/reception/login", base_url=base, headers={"Origin": base},
                               data={"csrf_token": csrf_from(html), "email": staff.email,
                                     "password": DEFAULT_PASSWORD})
        cookies = _set_cookies(response)
        assert "__Host-vp_staff" in cookies, response.get_data(as_text=True)[:300]
        assert "Secure" in cookies["__Host-vp_staff"] and "Domain" not in cookies["__Host-vp_staff"]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        db.engine.dispose()


# P7 ---------------------------------------------------------------------------------------


def _start(client, clinic):
    response = post_form(client, f"/c/{clinic.slug}", {})
    assert response.status_code == 303
    client.get("/p/keep-link")
    return client.get_cookie("vp_session").value


def test_P7_a_cookie_copied_before_leave_opens_nothing(app, client):
    clinic = make_clinic("riverside", open_start=True)
    copied = _start(client, clinic)
    assert client.get("/p/").status_code == 200
    response = post_form(client, "/p/leave", {}, page="/p/")
    assert response.status_code == 200 and "Riverside" in response.get_data(as_text=True)
    thief = app.test_client()
    thief.set_cookie("vp_session", copied)
    response = thief.get("/p/")
    assert response.status_code == 403
    assert "link" in response.get_data(as_text=True).lower()  # the page rendered
    assert db.session.scalar(db.select(db.func.count(WebSession.id)).where(
        WebSession.sid_hash == web_session._hash(copied))) == 0


@pytest.mark.parametrize(("limit", "step"), [("PATIENT_IDLE_TIMEOUT", "idle"),
                                             ("PATIENT_ABSOLUTE_TIMEOUT", "absolute")])
def test_P7_patient_sessions_have_idle_and_absolute_limits(app, client, monkeypatch, limit, step):
    clinic = make_clinic("riverside", open_start=True)
    _start(client, clinic)
    real_now = web_session.now
    start = real_now()
    if step == "idle":
        # Busy just inside the idle limit: it holds; then one step past it: it ends.
        seen = start + app.config[limit] - timedelta(minutes=1)
        monkeypatch.setattr(web_session, "now", lambda: seen)
        assert client.get("/p/").status_code == 200
        later = seen + app.config[limit] + timedelta(minutes=1)
    else:
        # Busy every hour all day: still ends at the absolute limit.
        for hour in range(1, int(app.config[limit].total_seconds() // 3600)):
            at = start + timedelta(hours=hour)
            monkeypatch.setattr(web_session, "now", lambda at=at: at)
            assert client.get("/p/").status_code == 200, hour
        later = start + app.config[limit] + timedelta(minutes=1)
    monkeypatch.setattr(web_session, "now", lambda: later)
    assert client.get("/p/").status_code == 403


def test_expired_sessions_are_purged(app, client, monkeypatch):
    clinic = make_clinic("riverside", open_start=True)
    _start(client, clinic)
    assert web_session.end_expired() == 0
    later = web_session.now() + app.config["PATIENT_ABSOLUTE_TIMEOUT"] + timedelta(minutes=1)
    assert web_session.end_expired(later) >= 1


def test_cookies_are_secure_when_configured(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", SESSION_COOKIE_SECURE=True)
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/")
        assert "Secure" in _set_cookies(response)["vp_session"]
        db.engine.dispose()
