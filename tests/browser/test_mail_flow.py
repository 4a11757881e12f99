"""In Chromium: a patient mails herself the link, opens it from the mail through the
date-of-birth check; reminder settings from a mail; reception mails an invitation.

Set SCREENSHOT_DIR to keep the pages at 360 and 1280 px.
"""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from extensions import db
from models import Packet
from services import outbox, reminders
from tests.browser.test_staff_flows import log_in, shoot
from tests.factories import DEFAULT_PASSWORD, make_clinic, make_staff
from tests.mail.conftest import mail_app, smtp  # noqa: F401 - fixtures
from tests.mail.helpers import DOB, health_packet, link_path, scan


@pytest.fixture
def mail_server(mail_app):  # noqa: F811
    server = make_server("127.0.0.1", 0, mail_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_patient_mails_herself_the_link_and_comes_back_with_it(page, browser, mail_server,
                                                                 smtp, console_errors):  # noqa: F811
    clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
    page.goto(f"{mail_server}/c/riverside")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Keep your private link")).to_be_visible()
    page.get_by_label("Your email address").fill("maya@example.org")
    page.get_by_label("A daily reminder to log how you feel").select_option(label="7:00 PM")
    shoot(page, "mail-keep-link")
    page.get_by_role("button", name="Email me my link").click()
    expect(page.get_by_text("Your link is on its way")).to_be_visible()
    shoot(page, "mail-email-link-sent")

    packet = db.session.scalar(db.select(Packet))
    assert (packet.contact_email, packet.daily_reminder_hour) == ("maya@example.org", 19)
    packet.date_of_birth = DOB
    db.session.commit()
    assert outbox.deliver_due() == {"sent": 1}
    [mail] = smtp.mailbox.wait_for(1)

    other = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    other.goto(mail_server + link_path(mail))
    expect(other.get_by_role("heading", name="Check it is you")).to_be_visible()
    other.get_by_label("Your date of birth").fill(DOB.isoformat())
    other.get_by_role("button", name="Continue").click()
    expect(other.get_by_role("heading", name="Get ready for your visit")).to_be_visible()
    assert console_errors == []
    scan([mail])
    del clinic


def test_reminder_settings_from_a_mail_without_logging_in(page, mail_server, smtp):  # noqa: F811
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic, contact_email="p@example.org", daily_reminder_hour=9)
    token = reminders.settings_token(packet.id)
    page.goto(f"{mail_server}/r/{token}")
    shoot(page, "mail-reminder-settings")
    page.get_by_label("Daily reminder to log how you feel").select_option(label="8:00 PM")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved. Your reminders are changed.")).to_be_visible()
    page.goto(f"{mail_server}/r/{token}/stop")
    shoot(page, "mail-unsubscribe")
    page.get_by_role("button", name="Yes, stop them").click()
    expect(page.get_by_role("heading", name="Done. These reminders are stopped.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Packet, packet.id).daily_reminder_hour is None


def test_reception_mails_the_invitation_and_sees_it_sent(page, mail_server, smtp):  # noqa: F811
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    staff = make_staff(clinic, "front@riverside.example")
    appointment, _ = health_packet(clinic, days_ahead=6)
    log_in(page, mail_server, staff.email, DEFAULT_PASSWORD)
    page.goto(f"{mail_server}/reception/appointments/{appointment.id}/link")
    page.get_by_label("Patient's email").fill("invitee@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("The invitation is on its way")).to_be_visible()
    outbox.deliver_due()
    smtp.mailbox.wait_for(1, address="invitee@example.org")
    page.reload()
    expect(page.get_by_role("cell", name="Sent", exact=False)).to_be_visible()
    shoot(page, "mail-invitation-sent")
    scan(smtp.mailbox.messages)
