"""Staff login: passwords, throttle, TOTP, sessions held on the server (SECURITY S1-S7)."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from extensions import db
from models import AuditEvent, LoginAttempt, StaffSession, StaffUser
from services import staff_auth
from tests.auth.helpers import STAFF_COOKIE, current_code, login, post_form, staff_cookie
from tests.factories import DEFAULT_PASSWORD, make_clinic, make_staff
from tests.helpers import csrf_from


def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def test_login_opens_the_queue_and_sets_a_strict_cookie(client, receptionist):
    response = login(client, receptionist.email)
    assert response.status_code == 303
    assert response.location.endswith("/reception/")
    set_cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(STAFF_COOKIE)]
    assert len(set_cookie) == 1
    header = set_cookie[0]
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert "Secure" not in header  # not in testing; production sets it (test below)
    page = client.get("/reception/")
    assert page.status_code == 200
    assert "Two-step login is off for your clinic" in page.get_data(as_text=True)
    assert [e.outcome for e in actions("staff.login")] == ["success"]


def test_production_staff_cookie_is_secure(app, client, receptionist):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = login(client, receptionist.email)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(STAFF_COOKIE))
    assert "Secure" in header


def test_no_staff_cookie_means_the_login_page(client):
    response = client.get("/reception/")
    assert response.status_code == 303 and response.location.endswith("/reception/login")


@pytest.mark.parametrize(
    "email,password",
    [
        ("reception@riverside.example", "wrong password here"),
        ("nobody@riverside.example", DEFAULT_PASSWORD),
        ("RECEPTION@riverside.example", "x" * 10_000),
        ("<script>alert(1)</script>", "🙂" * 500),
        ("", ""),
    ],
)
def test_bad_logins_are_form_errors_with_the_email_kept(client, receptionist, email, password):
    response = post_form(client, "/reception/login", {"email": email, "password": password})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "field-error" in html
    assert "<script>alert(1)</script>" not in html
    assert staff_cookie(client) is None


def test_email_is_case_insensitive(client, receptionist):
    response = login(client, "  Reception@Riverside.Example ")
    assert response.status_code == 303


def test_disabled_account_cannot_log_in(client, receptionist):
    receptionist.is_active = False
    db.session.commit()
    response = login(client, receptionist.email)
    assert response.status_code == 200
    assert staff_cookie(client) is None


def test_sixth_try_is_refused_even_when_right_and_others_are_unaffected(app, client, clinic,
                                                                        receptionist, admin):
    for _ in range(5):
        assert login(client, receptionist.email, "not the password!").status_code == 200
    response = login(client, receptionist.email)
    assert response.status_code == 200
    assert "Too many tries" in response.get_data(as_text=True)
    assert staff_cookie(client) is None
    assert len(actions("staff.lockout")) == 1
    other = app.test_client()
    assert login(other, admin.email).status_code == 303


def test_throttle_lifts_after_the_window(client, receptionist, monkeypatch):
    for _ in range(5):
        login(client, receptionist.email, "not the password!")
    real_now = staff_auth.now()
    monkeypatch.setattr(staff_auth, "now", lambda: real_now + timedelta(minutes=2))
    assert login(client, receptionist.email).status_code == 303


def test_S2_password_hashes_are_argon2id(receptionist):
    assert receptionist.password_hash.startswith("$argon2id$")


def test_logout_is_post_only(client, receptionist):
    login(client, receptionist.email)
    assert client.get("/reception/logout").status_code == 405


def test_logout_without_csrf_is_refused(client, receptionist):
    login(client, receptionist.email)
    assert client.post("/reception/logout").status_code == 400
    assert client.get("/reception/").status_code == 200


def test_S6_logout_ends_the_session_on_the_server_and_a_replayed_cookie_is_refused(
    app, client, receptionist
):
    login(client, receptionist.email)
    old = staff_cookie(client)
    response = post_form(client, "/reception/logout", {}, page="/reception/")
    assert response.status_code == 303
    row = db.session.scalar(db.select(StaffSession))
    db.session.refresh(row)
    assert row.end_reason == "logout"
    thief = app.test_client()
    thief.set_cookie(STAFF_COOKIE, old)
    response = thief.get("/reception/")
    assert response.status_code == 303 and response.location.endswith("/reception/login")
    assert actions("staff.logout")


def test_session_id_changes_at_login(app, client, receptionist):
    login(client, receptionist.email)
    first = staff_cookie(client)
    login(client, receptionist.email)  # already logged in: the form still makes a new session
    second = staff_cookie(client)
    assert first and second and first != second
    assert db.session.scalar(db.select(StaffSession).filter_by(
        token_hash=staff_auth._hash(first))).ended_at is not None
    # Only a hash of the cookie is stored.
    hashes = db.session.scalars(db.select(StaffSession.token_hash)).all()
    assert second not in hashes and first not in hashes


def test_a_cookie_planted_before_login_is_not_adopted(app, client, receptionist):
    client.set_cookie(STAFF_COOKIE, "attacker-chosen-value")
    login(client, receptionist.email)
    assert staff_cookie(client) != "attacker-chosen-value"


def test_disabling_the_account_ends_its_session(app, client, receptionist):
    from services.clinics import end_sessions

    login(client, receptionist.email)
    receptionist.is_active = False
    end_sessions(receptionist, "disabled")
    db.session.commit()
    assert client.get("/reception/").status_code == 303


def test_a_disabled_user_with_an_open_session_is_refused(app, client, receptionist):
    login(client, receptionist.email)
    receptionist.is_active = False
    db.session.commit()
    assert client.get("/reception/").status_code == 303


@pytest.mark.parametrize(
    "step,expected",
    [(timedelta(minutes=14), 200), (timedelta(minutes=16), 303)],
)
def test_S7_idle_timeout(client, receptionist, monkeypatch, step, expected):
    login(client, receptionist.email)
    real_now = staff_auth.now()
    monkeypatch.setattr(staff_auth, "now", lambda: real_now + step)
    response = client.get("/reception/")
    assert response.status_code == expected
    if expected == 303:
        assert "logged out after a while" in client.get(response.location).get_data(as_text=True)


def test_S7_absolute_timeout_even_when_active(client, receptionist, monkeypatch):
    login(client, receptionist.email)
    start = staff_auth.now()
    # Active every 10 minutes for 11 h 50 min: still in.
    for minutes in range(10, 12 * 60, 10):
        monkeypatch.setattr(staff_auth, "now", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/reception/").status_code == 200, minutes
    monkeypatch.setattr(staff_auth, "now", lambda: start + timedelta(hours=12, minutes=1))
    response = client.get("/reception/")
    assert response.status_code == 303 and response.location.endswith("/reception/login")
    assert db.session.scalar(db.select(StaffSession.end_reason)) == "expired"


# One-time password and TOTP -----------------------------------------------------------


@pytest.fixture
def totp_clinic(app):
    return make_clinic("secure", "Secure Clinic", require_totp=True)


def test_first_login_forces_a_new_password_then_totp_enrolment(app, client, totp_clinic):
    user = make_staff(totp_clinic, "new@secure.example", must_change_password=True,
                      password="one-time-pass-123")
    response = login(client, user.email, "one-time-pass-123")
    assert response.location.endswith("/reception/login/new-password")
    # Nothing else is reachable yet.
    assert client.get("/reception/").status_code == 303
    assert staff_cookie(client) is None

    response = post_form(client, "/reception/login/new-password",
                         {"new_password": "short", "confirm_password": "short"})
    assert response.status_code == 200 and "at least 12" in response.get_data(as_text=True)
    new = "river stones and quiet maps"
    response = post_form(client, "/reception/login/new-password",
                         {"new_password": new, "confirm_password": new})
    assert response.location.endswith("/reception/login/two-step-setup")

    page = client.get("/reception/login/two-step-setup").get_data(as_text=True)
    db.session.refresh(user)
    secret = user.totp_secret
    assert secret and " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in page
    qr = client.get("/reception/login/totp-qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data and b"http" not in qr.data.replace(b"http://www.w3.org", b"")
    # Reloading the page keeps the same secret (the app may already have it).
    client.get("/reception/login/two-step-setup")
    db.session.refresh(user)
    assert user.totp_secret == secret

    response = post_form(client, "/reception/login/two-step-setup",
                         {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303 and response.location.endswith("/reception/")
    assert client.get("/reception/").status_code == 200
    db.session.refresh(user)
    assert user.totp_enabled and not user.must_change_password

    # Next login asks for a code; the code just used is refused (it works once).
    client.delete_cookie(STAFF_COOKIE)
    response = login(client, user.email, new)
    assert response.location.endswith("/reception/login/code")
    used = pyotp.TOTP(secret).at(user.totp_last_step * 30)
    response = post_form(client, "/reception/login/code", {"code": used})
    assert response.status_code == 200 and "did not work" in response.get_data(as_text=True)


def test_the_one_time_password_cannot_be_kept(client, totp_clinic):
    user = make_staff(totp_clinic, "keep@secure.example", must_change_password=True,
                      password="one-time-pass-123")
    login(client, user.email, "one-time-pass-123")
    response = post_form(client, "/reception/login/new-password",
                         {"new_password": "one-time-pass-123", "confirm_password": "one-time-pass-123"})
    assert response.status_code == 200 and "different" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "password,ok",
    [
        ("x" * 11, False),
        ("eleven char", False),
        ("🙂🌈🌧🍀" * 32, True),  # 128 characters of emoji
        ("🙂🌈🌧🍀" * 32 + "x", False),  # 129
        ("x" * 10_000, False),
        ("password1234", False),
        ("1qaz2wsx3edc", False),  # breached list (data/breached-passwords.txt.gz)
        ("1QAZ2wsx3EDC", False),
        ("Ünïcödé wörds ok", True),
        ("二〇二六年の春の庭で", False),  # 10 chars: too short
        ("二〇二六年の春の庭で歩いた日", True),
    ],
)
def test_S1_new_password_rules(client, totp_clinic, password, ok):
    user = make_staff(totp_clinic, "rules@secure.example", must_change_password=True,
                      password="one-time-pass-123")
    login(client, user.email, "one-time-pass-123")
    response = post_form(client, "/reception/login/new-password",
                         {"new_password": password, "confirm_password": password})
    if ok:
        assert response.status_code == 303
        assert login(client.application.test_client(), user.email, password).status_code == 303
    else:
        assert response.status_code == 200
        assert "field-error" in response.get_data(as_text=True)


def test_S1_the_breached_list_is_real_and_checked_offline():
    from services.passwords import breached_passwords, is_breached

    listed = breached_passwords()
    assert len(listed) >= 100_000
    long_ones = sorted(p for p in listed if len(p) >= 12)
    assert len(long_ones) > 40_000
    assert all(is_breached(p.upper()) for p in long_ones[:: len(long_ones) // 50])
    assert not is_breached("quiet harbor lantern 1987")


def test_128_char_emoji_password_logs_in(app, client, totp_clinic):
    password = "🙂🌈🌧🍀" * 32
    user = make_staff(totp_clinic, "emoji@secure.example", password=password)
    staff_auth.new_totp_secret(user)
    user.totp_enabled = True
    db.session.commit()
    response = login(client, user.email, password, totp_secret=user.totp_secret)
    assert response.status_code == 303 and response.location.endswith("/reception/")


def test_wrong_totp_codes_count_toward_the_throttle(client, totp_clinic):
    user = make_staff(totp_clinic, "codes@secure.example")
    staff_auth.new_totp_secret(user)
    user.totp_enabled = True
    db.session.commit()
    login(client, user.email)
    for _ in range(5):
        post_form(client, "/reception/login/code", {"code": "000000"})
    response = post_form(client, "/reception/login/code",
                         {"code": current_code(user.totp_secret)})
    assert "Too many tries" in response.get_data(as_text=True)
    assert staff_cookie(client) is None


def test_code_page_without_a_password_step_goes_to_login(client):
    assert client.get("/reception/login/code").status_code == 303
    assert client.get("/reception/login/totp-qr.svg").status_code == 303
    assert client.get("/reception/login/two-step-setup").status_code == 303


def test_S4_verify_totp_accepts_a_code_once_and_the_neighbouring_step(app, totp_clinic):
    user = make_staff(totp_clinic, "once@secure.example")
    secret = staff_auth.new_totp_secret(user)
    db.session.commit()
    previous = pyotp.TOTP(secret).at(staff_auth.now().timestamp() - 30)
    assert staff_auth.verify_totp(user, previous)
    assert not staff_auth.verify_totp(user, previous)
    assert staff_auth.verify_totp(user, pyotp.TOTP(secret).now())
    assert not staff_auth.verify_totp(user, pyotp.TOTP(secret).now())
    old = pyotp.TOTP(secret).at(staff_auth.now().timestamp() - 120)
    assert not staff_auth.verify_totp(user, old)


def test_changing_password_ends_other_sessions(app, client, receptionist):
    other_device = app.test_client()
    login(other_device, receptionist.email)
    login(client, receptionist.email)
    new = "a brand new long password"
    response = post_form(client, "/reception/account/password", {
        "current_password": DEFAULT_PASSWORD, "new_password": new, "confirm_password": new})
    assert response.status_code == 303
    assert client.get("/reception/").status_code == 200
    assert other_device.get("/reception/").status_code == 303
    assert login(app.test_client(), receptionist.email, new).status_code == 303


def test_attempts_and_audit_hold_no_password(client, receptionist):
    secret = "sentinel-password-7731"
    login(client, receptionist.email, secret)
    login(client, receptionist.email)
    for event in db.session.scalars(db.select(AuditEvent)):
        assert secret not in repr(event.detail) and DEFAULT_PASSWORD not in repr(event.detail)
    # The wrong try, the right password, and the finished login (which clears the count).
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id))) == 3


def test_S5_fresh_database_has_no_users(app):
    assert db.session.scalar(db.select(db.func.count(StaffUser.id))) == 0


def test_csrf_failure_on_login_keeps_the_email_but_not_the_password(client, receptionist):
    """Same origin, our own token out of date: the email comes back, the password never."""
    from tests.test_csrf import _expired_token

    client.get("/reception/login")
    token = _expired_token(client, client.application)
    response = client.post("/reception/login", headers={"Sec-Fetch-Site": "same-origin"},
                           data={"csrf_token": token, "email": "kept@example.com",
                                 "password": "secret-typed-pw"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "kept@example.com" in html and "secret-typed-pw" not in html
    assert csrf_from(html) != token


def test_tokenless_login_post_gets_nothing_back(client, receptionist):
    response = client.post("/reception/login", data={"email": "kept@example.com",
                                                     "password": "secret-typed-pw"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This page could not be used" in html
    assert "kept@example.com" not in html and "csrf_token" not in html


