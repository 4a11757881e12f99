"""SECURITY.md A1 in Chromium: an attacker's page on another origin auto-posts to VisitPrep
while the victim is logged in, and the victim then presses every button they are shown.
Nothing changes.

The attacker's page is served by a second server on another loopback port: another origin,
but the same site, so the browser still sends the victim's cookies (even SameSite=Strict
ones). Only the origin check and the token stand in the way. The attacker also puts in a
real token, one made for their own session.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import g
from playwright.sync_api import expect

from extensions import db
from models import Medication, Packet, StaffUser
from tests.factories import DEFAULT_PASSWORD, make_clinic, make_packet, make_staff
from tests.helpers import csrf_from


@pytest.fixture
def attacker_site():
    """A server on another port that serves whatever page the test sets."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = pages.get(self.path, "not here").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()
    thread.join(timeout=5)


def auto_post(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (f'<!doctype html><form id="f" method="post" action="{html.escape(action)}">'
            f"{inputs}<button>Win a prize</button></form>"
            "<script>document.getElementById('f').submit()</script>")


def attackers_own_token(app) -> str:
    g.pop("csrf_token", None)
    token = csrf_from(app.test_client().get("/").get_data(as_text=True))
    g.pop("csrf_token", None)
    return token


def press_every_button(page) -> int:
    """The tired victim presses whatever the page offers; returns how many there were."""
    expect(page.locator("h1")).to_be_visible()
    buttons = page.locator("main button, main input[type=submit]")
    count = buttons.count()
    for index in range(count):
        if buttons.nth(index).is_visible():
            buttons.nth(index).click()
            page.wait_for_load_state("load")
    return count


def log_in(page, base, email):
    page.goto(f"{base}/reception/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Summaries to review")).to_be_visible()


def test_A1_cross_site_auto_post_promotes_nobody(app, page, live_server, attacker_site):
    evil, pages = attacker_site
    clinic = make_clinic("riverside", require_totp=False)
    admin = make_staff(clinic, "admin@riverside.example", "admin")
    desk = make_staff(clinic, "desk@riverside.example", "reception")
    packet = make_packet(clinic, status="submitted", patient_name="Ema Gency")
    db.session.commit()
    token = attackers_own_token(app)
    attacks = {
        "/promote": (f"/admin/staff/{desk.id}/role", {"role": "admin"}),
        "/promote-token": (f"/admin/staff/{desk.id}/role", {"role": "admin", "csrf_token": token}),
        "/review": (f"/reception/packets/{packet.id}/review", {"csrf_token": token}),
    }
    log_in(page, live_server, admin.email)
    for path, (action, fields) in attacks.items():
        pages[path] = auto_post(f"{live_server}{action}", fields)
        page.goto(f"{evil}{path}")
        page.wait_for_url(f"{live_server}{action}")
        expect(page.get_by_role("heading", name="This page could not be used")).to_be_visible()
        assert press_every_button(page) == 0, path
        assert "Win a prize" not in page.content()
    db.session.expire_all()
    assert db.session.get(StaffUser, desk.id).role == "reception"
    assert db.session.get(Packet, packet.id).status == "submitted"
    # The victim is still logged in and can do it themselves, from our own page.
    page.goto(f"{live_server}/reception/")
    expect(page.get_by_role("heading", name="Summaries to review")).to_be_visible()


def test_A1_cross_site_auto_post_adds_nothing_to_a_patients_packet(
    app, page, live_server, attacker_site
):
    evil, pages = attacker_site
    make_clinic("riverside", open_start=True)
    db.session.commit()
    page.goto(f"{live_server}/c/riverside")
    page.get_by_role("button", name="Start").first.click()
    page.wait_for_load_state("load")
    pages["/med"] = auto_post(f"{live_server}/p/medications/add",
                              {"name": "Attacker pill", "csrf_token": attackers_own_token(app)})
    page.goto(f"{evil}/med")
    page.wait_for_url(f"{live_server}/p/medications/add")
    expect(page.get_by_role("heading", name="This page could not be used")).to_be_visible()
    assert press_every_button(page) == 0
    assert "Attacker pill" not in page.content()
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Medication.id))) == 0
