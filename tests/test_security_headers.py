"""SECURITY A2: the headers on every response, error pages included; no inline script or style."""

from __future__ import annotations

import re

import pytest

from app import CSP
from tests.auth.helpers import login
from tests.test_routes import ACCESS, client_as, url_for_rule, world  # noqa: F401


def check_headers(response, path):
    assert response.headers["Content-Security-Policy"] == CSP, path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == "no-referrer", path
    if path.startswith("/static/"):
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    else:
        assert response.headers["Cache-Control"] == "no-store", path


def check_no_inline(html: str, path: str):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {path}"
    assert not re.search(r"\sstyle\s*=", html), f"style attribute on {path}"
    assert "<style" not in html, f"style element on {path}"
    assert not re.search(r"\son[a-z]+\s*=", html), f"event handler attribute on {path}"


@pytest.mark.parametrize("role", ["anonymous", "reception", "admin"])
def test_A2_every_get_route_has_the_headers_and_no_inline_code(app, world, role):  # noqa: F811
    client = client_as(app, role, world)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        path = url_for_rule(rule, world["values"])
        response = client.get(path)
        check_headers(response, path)
        if response.mimetype == "text/html":
            check_no_inline(response.get_data(as_text=True), path)


@pytest.mark.parametrize("path,method,status", [
    ("/reception/packets/999999", "GET", 404),
    ("/reception/logout", "GET", 405),
    ("/reception/logout", "POST", 400),
    ("/admin/", "GET", 404),
    ("/reception/packets/99999999999999", "GET", 404),
])
def test_A2_error_pages_have_the_headers(app, client, world, path, method, status):  # noqa: F811
    login(client, world["reception"].email)
    response = client.open(path, method=method)
    assert response.status_code == status
    check_headers(response, path)
    check_no_inline(response.get_data(as_text=True), path)


def test_login_step_pages_have_the_headers(app, client, world):  # noqa: F811
    from tests.auth.helpers import post_form
    from tests.factories import make_staff

    user = make_staff(world["reception"].clinic, "fresh@riverside.example",
                      must_change_password=True, password="one-time-pass-123")
    world["reception"].clinic.require_totp = True
    from extensions import db

    db.session.commit()
    post_form(client, "/reception/login", {"email": user.email, "password": "one-time-pass-123"},
              page="/")
    for path in ("/reception/login/new-password",):
        response = client.get(path)
        assert response.status_code == 200
        check_headers(response, path)
        check_no_inline(response.get_data(as_text=True), path)
    new = "a long new password ok"
    post_form(client, "/reception/login/new-password",
              {"new_password": new, "confirm_password": new})
    for path in ("/reception/login/two-step-setup", "/reception/login/totp-qr.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        check_headers(response, path)
    svg = client.get("/reception/login/totp-qr.svg").get_data(as_text=True)
    assert "<script" not in svg and "style=" not in svg
    assert ACCESS["auth.enrol_qr"] == "login_step"
