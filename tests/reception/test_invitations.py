"""Appointments and personal links: create, show once, reissue, unlock, cancel."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from models import Appointment, AuditEvent, PacketLink, utcnow
from services.opening_hours import clinic_now
from services.tokens import create_invitation, find_link, link_state, token_hash
from tests.auth.helpers import csrf_for, login
from tests.factories import make_appointment

TOMORROW = date.today() + timedelta(days=1)


@pytest.fixture
def logged_in(client, receptionist):
    login(client, receptionist.email)
    return client


def create(client, **overrides):
    data = {
        "patient_name": "Robert Nguyen",
        "date_of_birth": "1979-04-12",
        "visit_date": TOMORROW.isoformat(),
        "visit_time": "10:30",
        "doctor": "Dr. Priya Shah",
        **overrides,
    }
    data["csrf_token"] = csrf_for(client, "/reception/appointments/new")
    return client.post("/reception/appointments/new", data=data)


def link_on(html: str) -> str | None:
    match = re.search(r'id="invitation-link">([^<]+)<', html)
    return match.group(1) if match else None


def test_create_shows_the_link_once_with_a_message(logged_in, receptionist):
    response = create(logged_in)
    assert response.status_code == 303
    page = logged_in.get(response.location).get_data(as_text=True)
    link = link_on(page)
    assert link and link.startswith("http://localhost/v/")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert link_state(find_link(token)) == "ok"
    assert "Hello Robert Nguyen" in page and link in page.split('id="invitation-message"')[1]
    assert "js-copy" in page and "<script src=\"/static/js/staff.js?v=" in page
    # Only the hash is stored.
    assert db.session.scalar(db.select(PacketLink.token_hash)) == token_hash(token)
    # The second look shows no link.
    again = logged_in.get(response.location).get_data(as_text=True)
    assert link_on(again) is None and token not in again
    appointment = db.session.scalar(db.select(Appointment))
    assert appointment.created_by_id == receptionist.id
    assert appointment.scheduled_for == datetime.combine(TOMORROW, datetime.min.time()).replace(
        hour=10, minute=30)
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="invitation.create")).all()
    assert len(events) == 1 and token not in repr(events[0].detail)


def test_public_base_url_is_used_for_the_link(app, logged_in):
    app.config["PUBLIC_BASE_URL"] = "https://prep.example-clinic.org"
    response = create(logged_in)
    link = link_on(logged_in.get(response.location).get_data(as_text=True))
    assert link.startswith("https://prep.example-clinic.org/v/")


@pytest.mark.parametrize("field,value,message", [
    ("patient_name", "", "Enter the patient"),
    ("patient_name", "x" * 20_000, "characters"),
    ("date_of_birth", "2999-01-01", "in the past"),
    ("date_of_birth", "1850-01-01", "after 1900"),
    ("date_of_birth", "1980-02-30", "date"),
    ("date_of_birth", "not a date", "date"),
    ("visit_date", (date.today() - timedelta(days=2)).isoformat(), "past"),
    ("visit_date", "9999-12-31", "next two years"),
    ("visit_time", "25:99", "time"),
    ("doctor", "", "doctor"),
])
def test_bad_appointments_are_field_errors_with_input_kept(logged_in, field, value, message):
    response = create(logged_in, **{field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "field-error" in html and message in html
    assert db.session.scalar(db.select(db.func.count(Appointment.id))) == 0
    if field != "patient_name":
        assert "Robert Nguyen" in html
    assert html.count('class="field-error"') == 1  # one mistake, one message


def test_a_time_already_gone_on_the_clinics_clock_is_refused(logged_in, clinic):
    gone = clinic_now(clinic) - timedelta(minutes=2)
    response = create(logged_in, visit_date=gone.date().isoformat(),
                      visit_time=gone.strftime("%H:%M"))
    assert response.status_code == 200
    assert "already passed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Appointment.id))) == 0


def test_html_in_names_is_escaped(logged_in):
    response = create(logged_in, patient_name="<img src=x onerror=alert(1)>")
    page = logged_in.get(response.location).get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_reissue_stops_the_old_link(logged_in, clinic):
    appointment = make_appointment(clinic)
    _, old = create_invitation(appointment, 30)
    db.session.commit()
    token = csrf_for(logged_in, "/reception/appointments")
    response = logged_in.post(f"/reception/appointments/{appointment.id}/reissue",
                              data={"csrf_token": token})
    new = link_on(logged_in.get(response.location).get_data(as_text=True)).rsplit("/", 1)[1]
    db.session.expire_all()
    assert link_state(find_link(old)) == "revoked"
    assert link_state(find_link(new)) == "ok"


def test_unlock_resets_wrong_birth_dates(logged_in, clinic):
    appointment = make_appointment(clinic, patient_name="Locked Lee")
    link, token = create_invitation(appointment, 30)
    link.dob_failures, link.locked_at = 5, utcnow()
    db.session.commit()
    html = logged_in.get("/reception/appointments").get_data(as_text=True)
    assert "Locked" in html and "Unlock" in html
    csrf = csrf_for(logged_in, "/reception/appointments")
    logged_in.post(f"/reception/appointments/{appointment.id}/unlock", data={"csrf_token": csrf})
    db.session.expire_all()
    link = find_link(token)
    assert link.locked_at is None and link.dob_failures == 0 and link_state(link) == "ok"


def test_cancel_stops_the_link(logged_in, clinic):
    appointment = make_appointment(clinic)
    _, token = create_invitation(appointment, 30)
    db.session.commit()
    csrf = csrf_for(logged_in, "/reception/appointments")
    logged_in.post(f"/reception/appointments/{appointment.id}/cancel", data={"csrf_token": csrf})
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "cancelled"
    assert link_state(find_link(token)) == "revoked"
    # A cancelled appointment cannot get a new link.
    logged_in.post(f"/reception/appointments/{appointment.id}/reissue", data={"csrf_token": csrf})
    db.session.expire_all()
    assert all(link.revoked_at for link in db.session.get(Appointment, appointment.id).links)


def test_other_clinics_appointments_are_404(client, clinic, other_staff):
    appointment = make_appointment(clinic)
    link, token = create_invitation(appointment, 30)
    link.locked_at = utcnow()
    db.session.commit()
    login(client, other_staff.email)
    csrf = csrf_for(client)
    assert "Sam Patient" not in client.get("/reception/appointments").get_data(as_text=True)
    assert client.get(f"/reception/appointments/{appointment.id}/link").status_code == 404
    for action in ("reissue", "unlock", "cancel"):
        response = client.post(f"/reception/appointments/{appointment.id}/{action}",
                               data={"csrf_token": csrf})
        assert response.status_code == 404
    db.session.expire_all()
    assert link_state(find_link(token)) == "locked"


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=200),
    dob=st.one_of(st.dates().map(str), st.text(max_size=15)),
    visit=st.one_of(st.dates().map(str), st.text(max_size=15)),
    time=st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), st.text(max_size=8)),
    doctor=st.text(max_size=200),
)
def test_appointment_form_fuzz_never_5xx(logged_in, name, dob, visit, time, doctor):
    response = create(logged_in, patient_name=name, date_of_birth=dob, visit_date=visit,
                      visit_time=time, doctor=doctor)
    assert response.status_code in (200, 303)


def test_tokens_and_passwords_never_reach_the_logs(app, client, receptionist, caplog):
    """SECURITY A8: a sentinel scan of everything logged while logging in and making links."""
    import logging

    caplog.set_level(logging.DEBUG)
    login(client, receptionist.email, "sentinel-wrong-password-991")
    login(client, receptionist.email)
    response = create(client)
    link = link_on(client.get(response.location).get_data(as_text=True))
    token = link.rsplit("/", 1)[1]
    appointment = db.session.scalar(db.select(Appointment))
    csrf = csrf_for(client, "/reception/appointments")
    response = client.post(f"/reception/appointments/{appointment.id}/reissue",
                           data={"csrf_token": csrf})
    second = link_on(client.get(response.location).get_data(as_text=True)).rsplit("/", 1)[1]
    text = caplog.text
    for secret in (token, second, "sentinel-wrong-password-991", "a long enough test password"):
        assert secret not in text
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert all(token not in repr(e.detail) and second not in repr(e.detail) for e in events)
