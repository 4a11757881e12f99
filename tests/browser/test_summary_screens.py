"""The visit summary in a real browser: phone and desktop, screen and print, no CSP errors.

Two routes are added here, for these tests only: one stands in for the staff summary
page (built on the reception branch), one puts a packet in the patient's session the way
the patient's way in will. Set VP_SCREENSHOT_DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import redirect, session
from playwright.sync_api import expect

from extensions import db
from models import Packet
from services.patient_session import log_in
from services.tokens import create_resume_link
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import DEFAULT_PASSWORD, make_clinic, make_staff
from tests.summary.builders import add_note, make_full_packet
from tests.summary.test_pdf import pdf_pages, pdf_text


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("VP_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def summary_app(app):
    """Add the two test-only routes before the live server starts."""

    def patient_enter(packet_id):
        # What the portal does after a good date of birth: the session opens through a link.
        packet = db.session.get(Packet, packet_id)
        link, _token, _code = create_resume_link(packet, 30)
        db.session.commit()
        log_in(session, packet, link)
        return redirect("/p/summary", 303)

    app.add_url_rule("/test-only/patient/<int:packet_id>", "test_patient_enter", patient_enter)
    return app


@pytest.fixture
def packet_id(summary_app):
    clinic = make_clinic(require_totp=False)
    staff = make_staff(clinic)
    packet = make_full_packet(clinic, days=21, per_day=2, questions=8, medications=4,
                              safety_yes=("bladder", "fever", "walking"),
                              patient_name="Ana María Souza-Lindqvist")
    add_note(packet, staff, "Prefers a morning call.")
    return packet.id


def staff_opens(page, base: str, packet_id: int) -> None:
    """Log in as reception through the real login page, then open the packet."""
    page.goto(f"{base}/reception/login")
    page.get_by_label("Email").fill("reception@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/reception/")
    page.goto(f"{base}/reception/packets/{packet_id}")


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_staff_summary_screens(page, live_server, console_errors, packet_id, shots, name,
                               viewport):
    page.set_viewport_size(viewport)
    staff_opens(page, live_server, packet_id)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana María Souza-Lindqvist")
    expect(page.get_by_role("heading", name="Red flags")).to_be_visible()
    expect(page.get_by_text("Self-report screen for clinician review; not a diagnosis.")).to_be_visible()
    chart = page.get_by_role("img", name="Pain and tiredness over time")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 200
    expect(page.get_by_role("img", name="Where it hurt, by how many entries")).to_be_visible()
    no_sideways_scroll(page, viewport["width"])
    page.screenshot(path=str(shots / f"staff-summary-{name}.png"), full_page=True)
    assert console_errors == []


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_patient_summary_screens(page, live_server, console_errors, packet_id, shots, name,
                                 viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/test-only/patient/{packet_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana María Souza-Lindqvist")
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    body = page.locator("main").inner_text()
    for absent in ("Widespread Pain Index", "not a diagnosis", "Prefers a morning call"):
        assert absent not in body
    no_sideways_scroll(page, viewport["width"])
    page.screenshot(path=str(shots / f"patient-summary-{name}.png"), full_page=True)
    assert console_errors == []


def test_printing_hides_navigation_and_keeps_the_summary(page, live_server, packet_id, shots):
    page.set_viewport_size(DESKTOP)
    staff_opens(page, live_server, packet_id)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".summary-actions").is_visible()
    expect(page.get_by_role("heading", name="Medicines")).to_be_visible()
    pdf = page.pdf(format="A4", path=str(shots / "staff-summary-chromium-print.pdf"))
    assert pdf.startswith(b"%PDF")
    # The patient's name and "page N of M" at the foot of every page the browser prints.
    pages = pdf_pages(pdf)
    text = pdf_text(pdf)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"Ana María Souza-Lindqvist · page {number} of {pages}" in text


def test_the_patient_can_print_their_summary(page, live_server, packet_id):
    page.goto(f"{live_server}/test-only/patient/{packet_id}")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by patient.js


def test_patient_downloads_the_pdf(page, live_server, packet_id):
    page.goto(f"{live_server}/test-only/patient/{packet_id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.startswith("visit-summary-")
    assert "ana" not in download.value.suggested_filename.lower()
    assert download.value.suggested_filename.endswith(".pdf")
