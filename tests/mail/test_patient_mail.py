"""Patients' mail, through a real SMTP server, Redis and a worker process (SECURITY P8, R9)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import g

from extensions import db
from models import OutboxMessage, Packet
from services import outbox, reminders
from tests.factories import make_clinic
from tests.helpers import hidden_fields
from tests.mail.helpers import DOB, health_packet, link_path, parts, scan
from tests.patient.conftest import post_form, start_packet


def _enter_with_dob(client, path: str):
    """Open a mailed link in a fresh browser and pass the date-of-birth check."""
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/v/check")
    g.pop("csrf_token", None)
    page = client.get("/v/check").get_data(as_text=True)
    assert "date of birth" in page
    return client.post("/v/check", data={**hidden_fields(page),
                                         "date_of_birth": DOB.isoformat()})


def test_P8_a_patient_asks_for_the_link_and_it_arrives_working(mail_app, smtp, redis_queue,
                                                            worker):
    clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
    client = mail_app.test_client()
    packet = start_packet(client, clinic)
    packet.date_of_birth, packet.reason = DOB, "SENTINELREASON"
    db.session.commit()
    worker.start()
    response = post_form(client, "/p/email", {"email": "sam@example.org", "daily_hour": ""})
    assert response.status_code == 303
    queued_by = response.headers["X-Request-ID"]
    page = client.get("/p/email").get_data(as_text=True)
    assert "Your link is on its way" in page

    [mail] = smtp.mailbox.wait_for(1, address="sam@example.org")
    text, html = parts(mail)
    assert "Riverside Clinic" in text and "Riverside Clinic" in html
    assert 'name="viewport"' in html
    assert "List-Unsubscribe" not in mail
    path = link_path(mail)
    # Only the hash of the mailed token is stored.
    token = path.rsplit("/", 1)[1]
    assert token not in str([row.__dict__ for row in db.session.scalars(
        db.select(outbox.OutboxMessage))])

    other = mail_app.test_client()
    response = _enter_with_dob(other, path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/p/")
    assert other.get("/p/").status_code == 200
    # The first browser's session still works: a mailed link is one more way in.
    assert client.get("/p/").status_code == 200
    db.session.expire_all()
    row = db.session.scalar(db.select(OutboxMessage))
    assert (row.status, row.attempts, row.link_seed) == ("sent", 1, None)
    # The worker writes JSON lines carrying the id of the request that queued the mail,
    # and never the link.
    lines = [json.loads(line) for line in worker.log_path.read_text().splitlines()
             if line.startswith("{")]
    job = [e for e in lines if e["message"] == f"sending outbox message {row.id}"]
    assert job and job[0]["request_id"] == queued_by
    assert token not in worker.log_path.read_text()
    scan([mail])


def test_same_answer_for_a_new_or_known_address_and_a_limit(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
    client = mail_app.test_client()
    start_packet(client, clinic)
    answers = []
    for address in ("new@example.org", "new@example.org", "other@example.org"):
        response = post_form(client, "/p/email", {"email": address}, follow_redirects=True)
        answers.append(response.get_data(as_text=True).count("Your link is on its way"))
    assert answers == [1, 1, 1]
    response = post_form(client, "/p/email", {"email": "new@example.org"})
    assert response.status_code == 422
    assert "a few times in the last hour" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 3


def test_a_bad_address_is_a_message_next_to_the_field(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
    client = mail_app.test_client()
    start_packet(client, clinic)
    response = post_form(client, "/p/email", {"email": "not an address <b>x</b>"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "It should look like name@example.com" in body
    assert 'value="not an address &lt;b&gt;x&lt;/b&gt;"' in body


def _at(clinic, day, hour, minute=0) -> datetime:
    """A UTC instant for a clinic wall-clock time."""
    local = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    return local.replace(tzinfo=ZoneInfo(clinic.timezone)).astimezone(UTC)


def test_the_reminder_before_the_visit_goes_once_and_never_after_sending(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", timezone="America/Los_Angeles")
    appointment, packet = health_packet(clinic, days_ahead=3, email="pat@example.org")
    visit = packet.visit_date
    three_before = _at(clinic, visit - timedelta(days=3), 7, 30)
    assert reminders.plan_previsit(clinic, _at(clinic, visit - timedelta(days=3), 6, 59)) == 0
    assert reminders.plan_previsit(clinic, three_before) == 1
    assert reminders.plan_previsit(clinic, three_before + timedelta(minutes=5)) == 0
    db.session.commit()
    assert outbox.deliver_due() == {"sent": 1}
    [mail] = smtp.mailbox.wait_for(1)
    text, _ = parts(mail)
    assert "not sent yet" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The 1-day reminder is planned, then the patient sends before the worker gets to it.
    assert reminders.plan_previsit(clinic, _at(clinic, visit - timedelta(days=1), 8)) == 1
    db.session.commit()
    packet.status = "submitted"
    db.session.commit()
    assert outbox.deliver_due() == {"skipped": 1}
    assert reminders.plan_previsit(clinic, _at(clinic, visit - timedelta(days=1), 9)) == 0
    time.sleep(0.3)
    assert len(smtp.mailbox.messages) == 1
    scan(smtp.mailbox.messages)


def test_P8_the_daily_reminder_keeps_the_hour_and_stops_after_one_click(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", timezone="America/Los_Angeles")
    _, packet = health_packet(clinic, days_ahead=5, contact_email="day@example.org",
                              daily_reminder_hour=18)
    day = packet.visit_date - timedelta(days=4)
    # 17:59 in Los Angeles is 01:59 UTC the next day: not yet. 18:02 there: now.
    assert reminders.plan_daily(clinic, _at(clinic, day, 17, 59)) == 0
    assert reminders.plan_daily(clinic, _at(clinic, day, 18, 2)) == 1
    assert reminders.plan_daily(clinic, _at(clinic, day, 19, 30)) == 0
    db.session.commit()
    outbox.deliver_due()
    [mail] = smtp.mailbox.wait_for(1)
    unsubscribe = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.startswith("http://prep.clinic.test/r/")
    # The mail program's one-click POST (RFC 8058): no cookie, no CSRF token, no login.
    client = mail_app.test_client()
    path = unsubscribe.removeprefix("http://prep.clinic.test")
    assert client.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Packet, packet.id).daily_reminder_hour == 18  # GET changes nothing
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "stopped" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Packet, packet.id).daily_reminder_hour is None
    assert reminders.plan_daily(clinic, _at(clinic, day + timedelta(days=1), 18, 5)) == 0
    scan([mail])


def test_the_reminder_settings_page_changes_them_without_login(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic, contact_email="p@example.org", daily_reminder_hour=9)
    token = reminders.settings_token(packet.id)
    client = mail_app.test_client()
    response = post_form(client, f"/r/{token}", {"daily_hour": "20", "previsit": ""})
    assert response.status_code == 200
    db.session.expire_all()
    packet = db.session.get(Packet, packet.id)
    assert (packet.daily_reminder_hour, packet.previsit_reminders) == (20, False)
    assert client.get(f"/r/{token}x").status_code == 404
    assert client.post(f"/r/{token}x/stop").status_code == 404


def test_a_refused_address_is_dead_at_once_and_shown(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic, contact_email="gone@example.org")
    smtp.mailbox.refuse.add("gone@example.org")
    reminders.email_my_link(packet, "gone@example.org", None)
    db.session.commit()
    assert outbox.deliver_due() == {"dead": 1}
    row = db.session.scalar(db.select(OutboxMessage))
    assert row.status == "dead" and "550" in row.last_error


def test_mail_is_in_the_packet_language(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic")
    _, packet = health_packet(clinic, contact_email="es@example.org", language="es")
    reminders.email_my_link(packet, "es@example.org", None)
    db.session.commit()
    outbox.deliver_due()
    [mail] = smtp.mailbox.wait_for(1)
    text, html = parts(mail)
    assert "Su enlace para prepararse" in str(mail["Subject"])
    assert "Primero le pediremos su fecha de nacimiento." in text
    assert '<html lang="es">' in html
    scan([mail])


@pytest.mark.parametrize("where", ["subject", "text", "html"])
def test_P8_the_mail_scan_finds_health_data_in_any_part(where):
    """The scan every mail test's mail goes through (the `smtp` fixture) can fail."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Your visit" + (" SENTINELREASON" if where == "subject" else "")
    message.set_content("Your link" + (" SENTINELMEDICINE" if where == "text" else ""))
    message.add_alternative("<p>Your link" + (" Dr. Sentineldoctor" if where == "html" else "")
                            + "</p>", subtype="html")
    with pytest.raises(AssertionError):
        scan([message])
    clean = EmailMessage()
    clean["Subject"] = "Your visit"
    clean.set_content("Your link")
    scan([clean])
