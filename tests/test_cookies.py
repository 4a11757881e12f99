"""Cookie flags (SECURITY.md P6): the patient's session cookie is Lax, HttpOnly, Secure in production."""

from __future__ import annotations

from tests.conftest import make_test_app
from tests.factories import make_clinic


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_patient_session_cookie_is_lax_and_httponly(app, client):
    make_clinic("riverside")
    cookies = _set_cookies(client.get("/c/riverside"))
    cookie = cookies["vp_session"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_cookies_are_secure_in_production(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", SESSION_COOKIE_SECURE=True)
    with app.app_context():
        response = app.test_client().get("/")
    assert "Secure" in _set_cookies(response)["vp_session"]
