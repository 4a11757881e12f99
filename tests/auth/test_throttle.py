"""SECURITY.md S3: growing waits per account and per address, at most 100 guesses an hour
per account, and an attacker cannot keep a real user out (a correct second factor or an
admin clears the account). Counted in the database (tests/auth/test_throttle_workers.py
runs it with two gunicorn workers)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from flask import g

from extensions import db
from models import AuditEvent, LoginAttempt
from services import staff_auth
from tests.auth.helpers import STAFF_COOKIE, login, post_form, staff_cookie
from tests.factories import DEFAULT_PASSWORD, make_staff
from tests.helpers import csrf_from

WRONG = "not the password!"


class Clock:
    def __init__(self, monkeypatch):
        self.at = staff_auth.now()
        monkeypatch.setattr(staff_auth, "now", lambda: self.at)

    def step(self, **kw):
        self.at += timedelta(**kw)


def _try(email, password=WRONG, ip="198.51.100.9", code=None):
    return staff_auth.check_password(email, password, ip=ip, code=code)


def test_S3_waits_grow_per_account(app, receptionist, monkeypatch):
    clock = Clock(monkeypatch)
    for _ in range(5):
        assert _try(receptionist.email).outcome == "wrong"
    waits = []
    for _ in range(6):
        state = _try(receptionist.email, DEFAULT_PASSWORD)
        assert state.outcome == "locked"  # refused even when right
        waits.append(state.wait)
        clock.step(seconds=state.wait.total_seconds() + 1)
        assert _try(receptionist.email).outcome == "wrong"
    minutes = [round(w.total_seconds() / 60) for w in waits]
    # Each round adds one more wrong password: 5, 6, 7... (a refused try is no guess).
    assert minutes == [1, 2, 4, 8, 15, 15]


def test_S3_at_most_100_guesses_an_hour_per_account(app, receptionist, monkeypatch):
    """An attacker tries every 10 seconds for an hour from many addresses: the passwords
    actually checked are counted, and stay at or under 100."""
    clock = Clock(monkeypatch)
    start = clock.at
    tries = 0
    while clock.at < start + timedelta(hours=1):
        _try(receptionist.email, ip=f"203.0.113.{tries % 250}")
        tries += 1
        clock.step(seconds=10)
    checked = db.session.scalar(db.select(db.func.count(LoginAttempt.id)).filter_by(
        email=receptionist.email, stage="password"))
    assert tries == 360
    assert checked <= 100
    assert checked <= 15  # the waits make it far fewer


def test_S3_a_correct_second_factor_clears_the_lock(app, client, clinic, monkeypatch):
    user = make_staff(clinic, "totp@riverside.example")
    secret = staff_auth.new_totp_secret(user)
    user.totp_enabled = True
    db.session.commit()
    attacker = app.test_client()
    for _ in range(8):
        login(attacker, user.email, WRONG)
    # The real user: the password alone waits...
    response = login(client, user.email)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Too many tries" in body and 'name="code"' in body
    # ...the password with a wrong code changes nothing an attacker could see...
    g.pop("csrf_token", None)
    response = post_form(client, "/reception/login",
                         {"email": user.email, "password": WRONG, "code": "123456"})
    assert "Too many tries" in response.get_data(as_text=True) and staff_cookie(client) is None
    # ...and with the right code it opens, and the account's count starts again.
    response = post_form(client, "/reception/login", {
        "email": user.email, "password": DEFAULT_PASSWORD,
        "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303 and response.location.endswith("/reception/")
    assert staff_cookie(client)
    assert staff_auth.throttle(user.email, None).waiting is False
    assert db.session.scalars(db.select(AuditEvent.action).filter_by(
        action="staff.login_unlock")).all()


def test_S3_an_admin_clears_the_lock(app, client, receptionist, admin):
    attacker = app.test_client()
    for _ in range(6):
        login(attacker, receptionist.email, WRONG)
    assert "Too many tries" in login(client, receptionist.email).get_data(as_text=True)
    admin_client = app.test_client()
    assert login(admin_client, admin.email).status_code == 303
    response = post_form(admin_client, f"/admin/staff/{receptionist.id}/clear-login",
                         {}, page="/admin/staff")
    assert response.status_code == 303
    assert login(client, receptionist.email).status_code == 303


def test_S3_waits_per_address_leave_other_addresses_alone(app, receptionist, monkeypatch):
    Clock(monkeypatch)
    for n in range(staff_auth.ADDRESS_FREE_TRIES):
        assert _try(f"nobody{n}@example.org", ip="192.0.2.66").outcome == "wrong"
    # The spraying address waits, even for a real account's right password...
    assert _try(receptionist.email, DEFAULT_PASSWORD, ip="192.0.2.66").outcome == "locked"
    # ...and the real user from their own address is not affected.
    assert _try(receptionist.email, DEFAULT_PASSWORD, ip="192.0.2.10").outcome == "ok"


def test_A8_an_unknown_account_email_is_not_kept(app, client, receptionist):
    typed = "my-password-typed-in-the-email-box@oops.example"
    g.pop("csrf_token", None)
    html = client.get("/reception/login").get_data(as_text=True)
    client.post("/reception/login", data={"csrf_token": csrf_from(html), "email": typed,
                                          "password": WRONG})
    events = db.session.scalars(db.select(AuditEvent)).all()
    attempts = db.session.scalars(db.select(LoginAttempt)).all()
    assert events and attempts
    for row in [*events, *attempts]:
        assert "my-password" not in repr(vars(row)), row
    assert {e.actor_label for e in events} == {"unknown account"}
    assert STAFF_COOKIE
