"""Staff in a real browser: log in (with TOTP), the queue, mark reviewed, notes, invitations.

Set SCREENSHOT_DIR to keep screenshots of each page at phone and desktop width.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta

import pyotp
from playwright.sync_api import expect

from extensions import db
from models import StaffUser
from services.demo import seed_demo
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_clinic, make_staff

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page, name: str) -> None:
    """Screenshots at 360 and 1280 px when asked for; the page must never scroll sideways."""
    page.wait_for_load_state("load")
    for label, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width}px wide at {label}"
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(PHONE)


def log_in(page, base, email, password):
    page.goto(f"{base}/reception/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_receptionist_reviews_the_demo_queue(page, live_server, console_errors):
    demo = seed_demo()
    email, _, password = demo.accounts[0]
    page.goto(f"{live_server}/reception/login")
    shoot(page, "login")
    log_in(page, live_server, email, password)
    expect(page.get_by_role("heading", name="Summaries to review")).to_be_visible()
    names = page.locator(".queue-table tbody tr td:first-child a").all_inner_texts()
    assert names[:3] == ["Maria Lopez", "James Carter", "Aisha Khan"]  # emergency, urgent, tell
    expect(page.locator(".queue-table tbody tr").first.locator(".badge-emergency")).to_be_visible()
    shoot(page, "queue")

    page.get_by_text("Search and filter").click()
    page.get_by_label("Patient name").fill("maria")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    page.locator(".queue-table").get_by_role("link", name="Maria Lopez").click()
    expect(page.get_by_role("heading", name="Maria Lopez")).to_be_visible()
    expect(page.get_by_text("Red flags")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by staff.js

    page.get_by_label("Add a note").fill("Called her about the bladder answer. <b>not bold</b>")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.locator(".staff-notes")).to_contain_text(
        "Called her about the bladder answer. <b>not bold</b>")
    shoot(page, "packet")

    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("has left the queue")).to_be_visible()
    # Back where we were: the name filter is kept, and she is gone from it.
    assert "name=maria" in page.url
    expect(page.locator(".queue-table")).to_have_count(0)
    page.get_by_role("link", name="Reviewed", exact=True).click()
    expect(page.locator(".queue-table").get_by_role("link", name="Maria Lopez")).to_be_visible()

    page.get_by_role("link", name="Invitations not opened").click()
    expect(page.get_by_role("cell", name="Robert Nguyen")).to_be_visible()
    shoot(page, "queue-unopened")
    page.get_by_role("link", name="Appointments").click()
    shoot(page, "appointments")
    page.get_by_role("link", name="New invitation").first.click()
    page.get_by_label("Patient's name").fill("Jordan Ellis")
    page.get_by_label("Date of birth").fill("1984-02-29")
    page.get_by_label("Appointment date").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Appointment time").fill("09:30")
    page.get_by_label("Doctor").fill("Dr. Priya Shah")
    shoot(page, "new-invitation")
    page.get_by_role("button", name="Make the link").click()
    link = page.locator("#invitation-link").inner_text()
    assert re.fullmatch(rf"{live_server}/v/[A-Za-z0-9_-]{{43}}", link)
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.locator("#invitation-message")).to_contain_text(link)
    shoot(page, "invitation")
    page.reload()
    expect(page.locator("#invitation-link")).to_have_count(0)
    assert console_errors == []

    # The patient opens the link in their own browser, passes the date-of-birth check and
    # finds the appointment filled in.
    patient = page.context.browser.new_context(viewport=PHONE)
    patient_page = patient.new_page()
    patient_page.goto(link)
    assert patient_page.url.endswith("/v/check")  # the token is gone from the address
    patient_page.get_by_label("Your date of birth").fill("1984-02-29")
    patient_page.get_by_role("button", name="Continue").click()
    patient_page.get_by_role("link", name="Begin").click()
    expect(patient_page.get_by_text("Dr. Priya Shah")).to_be_visible()
    expect(patient_page.get_by_text("Jordan Ellis")).to_be_visible()
    patient.close()


def test_admin_adds_a_receptionist_who_logs_in_with_totp(page, live_server, console_errors):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=True)
    admin = make_staff(clinic, "admin@riverside.example", "admin", password="admin password ok")
    admin.totp_secret = pyotp.random_base32()
    admin.totp_enabled = True
    db.session.commit()

    log_in(page, live_server, admin.email, "admin password ok")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(admin.totp_secret).now())
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Summaries to review")).to_be_visible()
    page.get_by_role("link", name="Admin", exact=True).click()
    shoot(page, "admin-home")
    page.get_by_role("link", name="Staff accounts").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Email").fill("casey@riverside.example")
    page.get_by_label("Name").fill("Casey Front")
    page.get_by_label("Reception").check()
    page.get_by_role("button", name="Add").click()
    one_time = page.locator("#one-time-password").inner_text()
    shoot(page, "admin-one-time-password")
    page.get_by_role("link", name="Back to staff accounts").click()
    shoot(page, "admin-staff")
    assert admin.totp_secret not in page.content()
    for name in ("Question bank", "Clinic settings", "Audit log"):
        page.get_by_role("link", name="Admin", exact=True).click()
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        shoot(page, "admin-" + name.lower().replace(" ", "-"))
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    log_in(page, live_server, "casey@riverside.example", one_time)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password").fill("short")
    page.get_by_label("Type it again").fill("short")
    page.get_by_role("button", name="Save my password").click()
    expect(page.locator(".field-error").first).to_contain_text("at least 12")
    page.get_by_label("New password").fill("casey's own long password")
    page.get_by_label("Type it again").fill("casey's own long password")
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_role("heading", name="Set up two-step login")).to_be_visible()
    qr = page.locator("img.totp-qr")
    expect(qr).to_be_visible()
    # The QR code is a second request: wait for it to load (a busy machine is slow; the
    # CSP forbids wait_for_function's string evaluation).
    for _ in range(100):
        if page.evaluate("document.querySelector('img.totp-qr').naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('img.totp-qr').naturalWidth") > 0
    shoot(page, "totp-enrol")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    user = db.session.scalar(db.select(StaffUser).filter_by(email="casey@riverside.example"))
    db.session.refresh(user)
    assert secret == user.totp_secret
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Finish set-up").click()
    expect(page.get_by_role("heading", name="Summaries to review")).to_be_visible()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    page.goto(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="We can't find that page")).to_be_visible()
    assert console_errors == [] or all("404" in e for e in console_errors)
