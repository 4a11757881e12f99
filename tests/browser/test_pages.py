"""The public pages render in a real browser with no console or CSP errors."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import make_clinic


def test_clinic_start_page_on_a_phone(page, live_server, console_errors):
    make_clinic("riverside", "Riverside Clinic", open_start=True)
    page.goto(f"{live_server}/c/riverside")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Clinic")
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert console_errors == []


def test_staff_login_page_loads(page, live_server, console_errors):
    page.goto(f"{live_server}/reception/login")
    expect(page.get_by_role("heading", name="Staff login")).to_be_visible()
    assert console_errors == []
