"""SECURITY.md A1: a CSRF token and a same-origin request on every POST, and a refusal that
cannot be replayed.

Every POST route in app.url_map is tried without a token, with another person's token, and
from another site (by `Origin` and by `Sec-Fetch-Site`) while the victim is logged in: each
is a plain 400 page that holds nothing of the request (no hidden fields, no "Send it again",
no fresh token). Only a same-origin request with our own out-of-date token gets its typed
words back, ready to send again.
"""

from __future__ import annotations

import re
import time

import pytest
from flask import g
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from config import TestConfig
from extensions import db
from models import Medication
from tests.auth.helpers import login
from tests.helpers import csrf_from, hidden_fields
from tests.patient.conftest import clinic, post_form, started  # noqa: F401
from tests.test_routes import client_as, url_for_rule, world  # noqa: F401

TYPED = "my typed words <b>kept</b>"

#: RFC 8058 one-click unsubscribe: mail programs POST without cookie or token. The signed
#: token in the URL is the authority, and it can only stop reminders (tests/mail).
NO_TOKEN_BY_DESIGN = {"portal.unsubscribe"}


def _post_rules():
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted(
        (rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in NO_TOKEN_BY_DESIGN
    )


def test_the_one_click_unsubscribe_needs_a_valid_signed_token(client):
    assert client.post("/r/forged/stop", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def assert_plain_refusal(response, label: str) -> None:
    """A 400 page that rendered, with nothing of the request in it and nothing to resend."""
    assert response.status_code == 400, label
    body = response.get_data(as_text=True)
    assert "This page could not be used" in body, label  # the page rendered
    assert "my typed words" not in body, label
    assert hidden_fields(body) == {}, label
    assert "Send it again" not in body and "<form" not in body, label
    assert 'name="csrf-token"' not in body and "csrf_token" not in body, label


def _foreign_token(app) -> str:
    """A token that is valid, but for another person's session."""
    other = app.test_client()
    g.pop("csrf_token", None)
    token = csrf_from(other.get("/").get_data(as_text=True))
    g.pop("csrf_token", None)
    return token


ATTACKS = {
    "no_token": ("none", {}),
    "cross_site_origin": (None, {"Origin": "https://evil.example"}),
    "null_origin": (None, {"Origin": "null", "Sec-Fetch-Site": "same-site"}),
    "cross_site_fetch": (None, {"Sec-Fetch-Site": "cross-site"}),
    "foreign_token": ("foreign", {}),
}


@pytest.mark.parametrize("role", ["anonymous", "patient", "admin"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_A1_every_post_route_refuses_plainly(app, world, role, attack):  # noqa: F811
    client = client_as(app, role, world)
    g.pop("csrf_token", None)
    own = csrf_from(client.get("/").get_data(as_text=True))
    token_kind, headers = ATTACKS[attack]
    token = own if token_kind is None else (
        _foreign_token(app) if token_kind == "foreign" else None)
    count = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in NO_TOKEN_BY_DESIGN:
            continue
        data = {"reason": TYPED, "role": "admin", "status": "reviewed", "body": TYPED}
        if token:
            data["csrf_token"] = token
        g.pop("csrf_token", None)
        response = client.post(url_for_rule(rule, world["values"]), data=data, headers=headers)
        assert_plain_refusal(response, f"{role} {attack} {rule.rule}")
        count += 1
    assert count >= 40  # every POST route of the app, not a handful


def _expired_token(client, app, hours: float = 13) -> str:
    """Our own token for this client's session, signed `hours` ago (past the time limit)."""
    with client.session_transaction() as session:
        secret = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    real = time.time
    try:
        time.time = lambda: real() - hours * 3600
        return serializer.dumps(secret)
    finally:
        time.time = real


def test_A1_time_limit_is_the_patient_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == int(
        app.config["PATIENT_ABSOLUTE_TIMEOUT"].total_seconds())


@pytest.mark.parametrize("origin_header", [
    {"Origin": "http://localhost"}, {"Sec-Fetch-Site": "same-origin"}])
def test_A1_same_origin_expired_token_keeps_the_typed_words(client, started, origin_header):  # noqa: F811
    g.pop("csrf_token", None)
    client.get("/p/medications")
    token = _expired_token(client, client.application)
    response = client.post("/p/medications/add", headers=origin_header,
                           data={"csrf_token": token, "name": "Duloxetine <60mg>"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Please send that again" in body
    assert "Duloxetine &lt;60mg&gt;" in body
    fields = hidden_fields(body)
    assert fields["name"] == "Duloxetine <60mg>".replace("<", "&lt;").replace(">", "&gt;")
    assert fields["csrf_token"] != token
    assert db.session.scalar(db.select(db.func.count(Medication.id))) == 0
    # Pressing "Send it again" saves it.
    response = client.post("/p/medications/add", headers=origin_header, data={
        "csrf_token": fields["csrf_token"], "name": "Duloxetine <60mg>"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(Medication.name)) == "Duloxetine <60mg>"


def test_A1_cross_site_expired_token_is_refused_plainly(client, started):  # noqa: F811
    g.pop("csrf_token", None)
    client.get("/p/medications")
    token = _expired_token(client, client.application)
    response = client.post("/p/medications/add", headers={"Sec-Fetch-Site": "cross-site"},
                           data={"csrf_token": token, "reason": TYPED})
    assert_plain_refusal(response, "cross-site expired")


def test_A1_a_client_without_origin_headers_still_needs_the_token(client, started):  # noqa: F811
    """curl and old clients send neither header: the token alone decides."""
    response = post_form(client, "/p/medications/add", {"name": "Naproxen"})
    assert response.status_code == 303
    response = client.post("/p/medications/add", data={"name": "Naproxen", "reason": TYPED})
    assert_plain_refusal(response, "no token, no headers")


def test_A1_https_post_works_without_a_referer(app, world):  # noqa: F811
    """Behind TLS (X-Forwarded-Proto: https, through ProxyFix) with no Referer at all: the
    login goes through (Flask-WTF's strict Referer check would have refused it)."""
    app.config["PUBLIC_BASE_URL"] = None
    client = app.test_client()
    base = "https://clinic.example"
    html = client.get("/", base_url=base).get_data(as_text=True)
    from tests.factories import DEFAULT_PASSWORD

    response = client.post("/reception/login", base_url=base,
                           headers={"Origin": base, "Sec-Fetch-Site": "same-origin"},
                           data={"csrf_token": csrf_from(html),
                                 "email": world["reception"].email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert re.search(r"/reception/?$", response.location)


def test_no_get_route_is_also_a_state_changing_post():
    """GET must never change anything: no rule accepts both GET and POST on a 'do it' name."""
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI="sqlite://")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[-1] in {"logout", "submit", "delete", "mark_reviewed"}:
            assert "GET" not in rule.methods, rule.rule


def test_A1_a_logged_in_receptionist_posting_from_another_site_is_refused(app, world):  # noqa: F811
    """A logged-in receptionist's browser posting from another site: refused before the view."""
    client = app.test_client()
    login(client, world["reception"].email)
    response = client.post(f"/reception/packets/{world['values']['packet_id']}/review",
                           headers={"Origin": "https://evil.example"},
                           data={"csrf_token": "x"})
    assert_plain_refusal(response, "mark reviewed cross-site")
