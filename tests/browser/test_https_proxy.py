"""SECURITY.md A9 in Chromium: a patient and a staff journey over HTTPS through a real nginx
(the fixture is in tests/test_nginx.py)."""

from __future__ import annotations

import re

import pytest

from extensions import db
from models import AuditEvent
from tests.factories import DEFAULT_PASSWORD
from tests.test_nginx import behind_nginx  # noqa: F401

pytestmark = pytest.mark.slow


def test_A9_patient_and_staff_journeys_over_https_in_chromium(behind_nginx, browser):  # noqa: F811
    base = behind_nginx["base"]
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 360,
                                                                       "height": 780})
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if r.url.startswith(base) else None)
    # The patient: start, type an answer, save it (two POSTs through the proxy).
    page.goto(f"{base}/c/riverside")
    page.get_by_role("button", name="Start").first.click()
    page.wait_for_url(re.compile(r"/p/keep-link$"))
    assert "/v/" in page.content()  # the private link, from PUBLIC_BASE_URL
    assert f"{base}/v/" in page.content()
    page.goto(f"{base}/p/visit")
    page.get_by_label("The main reason for your visit, in your own words").fill("Back pain at night")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.wait_for_load_state("load")
    assert "Please send that again" not in page.content()
    assert "could not be used" not in page.content()
    cookies = {c["name"]: c for c in context.cookies()}
    assert set(cookies) == {"__Host-vp_session"}
    assert cookies["__Host-vp_session"]["secure"] and cookies["__Host-vp_session"]["httpOnly"]
    # The staff member: log in, see the queue.
    staff = browser.new_context(ignore_https_errors=True)
    desk = staff.new_page()
    desk.on("response", lambda r: responses.append(r) if r.url.startswith(base) else None)
    desk.goto(f"{base}/reception/login")
    desk.get_by_label("Email").fill("desk@riverside.example")
    desk.get_by_label("Password").fill(DEFAULT_PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    desk.get_by_role("heading", name="Summaries to review").wait_for()
    names = {c["name"]: c for c in staff.cookies()}
    assert "__Host-vp_staff" in names and names["__Host-vp_staff"]["secure"]
    assert names["__Host-vp_staff"]["sameSite"] == "Strict"
    pages = [r for r in responses if r.request.resource_type == "document"]
    assert pages and all(
        r.headers.get("strict-transport-security", "").startswith("max-age=") for r in pages)
    assert all(r.status < 400 for r in pages), [(r.url, r.status) for r in pages]
    # The audit row of the login holds the browser's address, not the proxy's.
    with behind_nginx["app"].app_context():
        ips = db.session.scalars(db.select(AuditEvent.ip).filter_by(action="staff.login")).all()
        db.engine.dispose()
    assert ips == ["127.0.0.1"]
    context.close()
    staff.close()
