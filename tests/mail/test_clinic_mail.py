"""Reception's invitation mail, staff alerts and the digest, the admin outbox: real SMTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import AuditEvent, OutboxMessage, PacketLink
from services import outbox, staff_alerts
from services.jobs import run_tick
from tests.auth.helpers import login
from tests.factories import make_clinic, make_staff
from tests.helpers import hidden_fields
from tests.mail.helpers import health_packet, link_path, parts, scan


def _post(client, page: str, path: str, data: dict):
    g.pop("csrf_token", None)
    fields = hidden_fields(client.get(page).get_data(as_text=True))
    return client.post(path, data={**fields, **data})


def test_reception_mails_an_invitation_and_sees_it_sent(mail_app, smtp, redis_queue, worker):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    staff = make_staff(clinic, "front@riverside.example")
    appointment, _ = health_packet(clinic, days_ahead=10)
    client = mail_app.test_client()
    assert login(client, staff.email).status_code == 303
    worker.start()
    page = f"/reception/appointments/{appointment.id}/link"
    response = _post(client, page, f"/reception/appointments/{appointment.id}/email",
                     {"email": "invitee@example.org"})
    assert response.status_code == 303
    [mail] = smtp.mailbox.wait_for(1, address="invitee@example.org")
    text, html = parts(mail)
    assert "Get ready for your visit" in text and "Riverside Clinic" in html
    first = link_path(mail)

    # Again: a new link; the first one stops working.
    response = _post(client, page, f"/reception/appointments/{appointment.id}/email",
                     {"email": "invitee@example.org"})
    assert response.status_code == 303
    second = link_path(smtp.mailbox.wait_for(2, address="invitee@example.org")[1])
    assert first != second
    patient = mail_app.test_client()
    assert patient.get(first).status_code == 410
    assert patient.get(second).status_code == 303

    deadline = time.monotonic() + 10
    while "Sent" not in (body := client.get(page).get_data(as_text=True)):
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
    assert "invitee@example.org" in body and "Send again with a new link" in body
    scan(smtp.mailbox.messages)


def test_a_bad_address_on_the_invitation_form_is_shown_next_to_it(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    staff = make_staff(clinic, "front@riverside.example")
    appointment, _ = health_packet(clinic)
    client = mail_app.test_client()
    login(client, staff.email)
    page = f"/reception/appointments/{appointment.id}/link"
    response = _post(client, page, f"/reception/appointments/{appointment.id}/email",
                     {"email": "nope"})
    assert response.status_code == 422
    assert "like name@example.com" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_a_safety_call_alert_arrives_within_a_minute(mail_app, smtp, redis_queue, worker):
    """A patient's emergency "yes" opens a call; the alert reaches the clinic by mail."""
    from tests.reception.test_safety_calls import patient_client, patient_says

    clinic = make_clinic("riverside", "Riverside Clinic",
                         alert_emails="desk@example.org\nnurse@example.org")
    _, packet = health_packet(clinic)
    patient = patient_client(mail_app, packet)
    worker.start()
    time.sleep(1)
    started = time.monotonic()
    patient_says(patient, {"q_bladder": "yes"})
    # Every alert the answer wrote (each open call, each address), not just the first ones.
    alerts = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "staff_alert"))
    mails = smtp.mailbox.wait_for(alerts, timeout=60)
    took = time.monotonic() - started
    assert took < 60
    print(f"safety-call alert: {alerts} mails in {took:.2f} s")
    assert {str(m["To"]) for m in mails} == {"desk@example.org", "nurse@example.org"}
    text, html = parts(mails[0])
    assert "A safety call is waiting" in text
    assert "http://prep.clinic.test/reception/login" in text and "/reception/login" in html
    assert "List-Unsubscribe" not in mails[0]
    # One alert per call and address; the same answer saved again opens nothing new.
    from models import SafetyCall

    calls = db.session.scalar(db.select(db.func.count()).select_from(SafetyCall))
    patient_says(patient, {"q_bladder": "yes"})
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(SafetyCall)) == calls
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "staff_alert")) == 2 * calls
    mails = smtp.mailbox.wait_for(2 * calls, timeout=60)
    assert set(db.session.scalars(db.select(OutboxMessage.cause_type).where(
        OutboxMessage.kind == "staff_alert"))) == {"safety_call"}
    scan(mails)


def _told(app) -> list[int]:
    """The outbox rows the job queue has been asked to send (no worker takes them here)."""
    return [task.args[0] for task in app.extensions["jobs"].huey.pending()]


def test_the_queue_hears_of_alerts_only_once_they_are_committed(mail_app, smtp):
    """Every enqueue makes a SAVEPOINT, and SQLAlchemy calls after_commit when one is
    released: the queue was told of each message but the last while the transaction was
    still open, the worker found nothing it could claim, and those alerts waited for the
    minute tick (PostgreSQL in CI)."""
    clinic = make_clinic("riverside", "Riverside Clinic",
                         alert_emails="desk@example.org\nnurse@example.org\nlead@example.org")
    health_packet(clinic)
    staff_alerts.safety_call_opened(clinic, call_id=7)
    staff_alerts.safety_call_opened(clinic, call_id=8)
    assert _told(mail_app) == []
    db.session.commit()
    written = sorted(db.session.scalars(db.select(OutboxMessage.id)))
    assert len(written) == 6 and sorted(_told(mail_app)) == written


def test_a_savepoint_rolled_back_does_not_hide_alerts_written_before_it(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic",
                         alert_emails="desk@example.org\nnurse@example.org")
    health_packet(clinic)
    staff_alerts.safety_call_opened(clinic, call_id=7)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(OutboxMessage(clinic_id=clinic.id, kind="staff_alert",
                                     recipient="desk@example.org",
                                     idempotency_key="staff_alert:7:desk@example.org",
                                     cause_type="safety_call", cause_id=7))
        db.session.flush()
    db.session.commit()
    written = sorted(db.session.scalars(db.select(OutboxMessage.id)))
    assert len(written) == 2 and sorted(_told(mail_app)) == written


def test_the_morning_digest_counts_and_names_nobody(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", alert_emails="desk@example.org",
                         timezone="UTC", digest_hour=7)
    _, packet = health_packet(clinic, days_ahead=0)
    packet.status = "submitted"
    db.session.commit()
    eight = datetime.combine(packet.visit_date, datetime.min.time()).replace(hour=8, tzinfo=UTC)
    assert staff_alerts.plan_digest(clinic, eight.replace(hour=6)) == 0
    assert staff_alerts.plan_digest(clinic, eight) == 1
    assert staff_alerts.plan_digest(clinic, eight) == 0
    db.session.commit()
    outbox.deliver_due()
    [mail] = smtp.mailbox.wait_for(1)
    text, _ = parts(mail)
    assert "1 packet to review for today's visits" in text
    scan([mail])


def test_every_sent_mail_is_audited_without_the_body(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", alert_emails="desk@example.org")
    health_packet(clinic)
    staff_alerts.safety_call_opened(clinic, call_id=7)
    db.session.commit()
    run_tick()
    [event] = db.session.scalars(db.select(AuditEvent).filter_by(action="mail.sent"))
    assert event.detail["kind"] == "staff_alert" and event.detail["to"] == "d***@example.org"
    assert "desk@" not in str(event.detail)


def test_admin_sees_a_failed_mail_and_sends_it_again(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    admin = make_staff(clinic, "admin@riverside.example", role="admin")
    appointment, packet = health_packet(clinic)
    smtp.mailbox.refuse.add("bounce@example.org")
    client = mail_app.test_client()
    login(client, admin.email)
    from services.invitations import email_invitation

    email_invitation(appointment, admin, "bounce@example.org")
    outbox.deliver_due()
    page = client.get("/admin/outbox?status=dead").get_data(as_text=True)
    assert "bounce@example.org" in page and "550" in page and "Send again" in page
    filtered = client.get("/admin/outbox?kind=daily").get_data(as_text=True)
    assert "<h1>Outbox</h1>" in filtered and "Nothing matches." in filtered
    assert "bounce@example.org" not in filtered
    dead = db.session.scalar(db.select(OutboxMessage).filter_by(status="dead"))
    smtp.mailbox.refuse.clear()
    response = _post(client, "/admin/outbox", f"/admin/outbox/{dead.id}/resend", {})
    assert response.status_code == 303
    outbox.deliver_due()
    [mail] = smtp.mailbox.wait_for(1, address="bounce@example.org")
    path = link_path(mail)
    link = db.session.scalar(db.select(PacketLink).order_by(PacketLink.id.desc()))
    assert link.revoked_at is None and path.rsplit("/", 1)[1] not in str(link.token_hash)
    # The reminder page and the link work; the DOB check is asked first.
    patient = mail_app.test_client()
    assert patient.get(path).headers["Location"].endswith("/v/check")
    scan([mail])


def test_settings_keep_alert_addresses_and_reminder_days(mail_app, smtp):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    admin = make_staff(clinic, "admin@riverside.example", role="admin")
    client = mail_app.test_client()
    login(client, admin.email)
    g.pop("csrf_token", None)
    page = client.get("/admin/settings").get_data(as_text=True)
    data = {**hidden_fields(page), "name": "Riverside Clinic", "emergency_number": "911",
            "retention_days": "90", "alert_emails": "desk@example.org\nnot-mail",
            "reminder_days": "3,1", "digest_hour": "7"}
    response = client.post("/admin/settings", data=data)
    assert "do not look like email addresses: not-mail" in response.get_data(as_text=True)
    data["alert_emails"] = "desk@example.org"
    data["reminder_days"] = "5, 2"
    assert client.post("/admin/settings", data=data).status_code == 303
    db.session.expire_all()
    assert (clinic.alert_emails, clinic.reminder_days) == ("desk@example.org", "5,2")
