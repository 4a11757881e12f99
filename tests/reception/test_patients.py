"""Patient records: booking finds an existing patient or makes one; matching a self-started
packet is a person's decision, side by side, audited and reversible."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from extensions import db
from models import Appointment, AuditEvent, Packet, Patient, PatientMatch, SymptomEntry
from services import patients
from tests.auth.helpers import csrf_for, login
from tests.factories import make_appointment, make_packet, make_patient

TOMORROW = date.today() + timedelta(days=1)
DOB = date(1979, 4, 12)


@pytest.fixture
def logged_in(client, receptionist):
    login(client, receptionist.email)
    return client


def book(client, **overrides):
    data = {
        "patient_name": "Robert Nguyen",
        "date_of_birth": DOB.isoformat(),
        "visit_date": TOMORROW.isoformat(),
        "visit_time": "10:30",
        "doctor": "Dr. Priya Shah",
        **overrides,
    }
    data["csrf_token"] = csrf_for(client, "/reception/appointments/new")
    return client.post("/reception/appointments/new", data=data)


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).filter_by(action=action)))


def test_a_first_booking_makes_a_patient_record(logged_in, clinic):
    response = book(logged_in, record_number="MRN-77", phone="555-0101",
                    email="robert@example.com")
    assert response.status_code == 303
    patient = db.session.scalar(db.select(Patient))
    appointment = db.session.scalar(db.select(Appointment))
    assert appointment.patient_id == patient.id
    assert (patient.name, patient.date_of_birth, patient.record_number, patient.phone,
            patient.email, patient.origin) == (
        "Robert Nguyen", DOB, "MRN-77", "555-0101", "robert@example.com", "reception")
    assert [e.object_id for e in audits("patient.create")] == [patient.id]


def test_same_name_and_dob_offers_that_patient_first_then_one_tap_uses_it(logged_in, clinic):
    known = make_patient(clinic, "Robert Nguyen", DOB, record_number="MRN-1")
    make_appointment(clinic, patient=known, days_ahead=-30)
    response = book(logged_in, patient_name="  robert   NGUYEN ")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Is this the same patient?" in page and "MRN-1" in page
    assert "1 earlier visit" in page or "0 earlier visits" in page
    assert f'name="patient_choice" value="{known.id}"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Appointment)) == 1
    # Showing a match is a staff view of that patient's record.
    assert known.id in [e.object_id for e in audits("patient.view")]

    response = book(logged_in, patient_name="robert nguyen", patient_choice=str(known.id))
    assert response.status_code == 303
    newest = db.session.scalar(db.select(Appointment).order_by(Appointment.id.desc()))
    assert newest.patient_id == known.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Patient)) == 1


def test_no_this_is_a_new_patient_makes_a_second_record(logged_in, clinic):
    known = make_patient(clinic, "Robert Nguyen", DOB)
    response = book(logged_in, patient_choice="new")
    assert response.status_code == 303
    newest = db.session.scalar(db.select(Appointment).order_by(Appointment.id.desc()))
    assert newest.patient_id != known.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Patient)) == 2


def test_a_record_number_finds_the_patient_whatever_the_name(logged_in, clinic):
    known = make_patient(clinic, "Bob Nguyen", date(1979, 4, 21), record_number="MRN-9")
    page = book(logged_in, record_number="MRN-9").get_data(as_text=True)
    assert "Is this the same patient?" in page and "Bob Nguyen" in page
    assert f'value="{known.id}"' in page


def test_another_patients_record_number_is_refused_next_to_the_field(logged_in, clinic):
    make_patient(clinic, "Someone Else", date(1950, 1, 1), record_number="MRN-5")
    response = book(logged_in, record_number="MRN-5", patient_choice="new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another patient has this record number" in page
    assert 'value="Robert Nguyen"' in page  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Appointment)) == 0


def test_a_self_started_record_is_never_offered_at_booking(logged_in, clinic):
    make_packet(clinic, patient_name="Robert Nguyen", date_of_birth=DOB)  # self-started
    response = book(logged_in)
    assert response.status_code == 303


def test_another_clinics_patient_is_not_found_nor_usable(logged_in, clinic, other_clinic):
    theirs = make_patient(other_clinic, "Robert Nguyen", DOB)
    response = book(logged_in)
    assert response.status_code == 303  # no offer: a new record here
    assert book(logged_in, patient_choice=str(theirs.id)).status_code == 404
    assert logged_in.get(f"/reception/patients/{theirs.id}").status_code == 404
    assert logged_in.get(f"/reception/appointments/new?patient={theirs.id}").status_code == 404


def test_book_the_next_visit_from_the_record(logged_in, clinic):
    known = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2), record_number="R-2")
    page = logged_in.get(f"/reception/patients/{known.id}").get_data(as_text=True)
    assert "Ana Ortiz" in page and "Book the next visit" in page
    form = logged_in.get(f"/reception/appointments/new?patient={known.id}").get_data(
        as_text=True)
    assert 'value="Ana Ortiz"' in form and f'name="patient_choice" type="hidden" value="{known.id}"' in form
    response = book(logged_in, patient_name="Ana Ortiz", date_of_birth="1966-02-02",
                    patient_choice=str(known.id))
    assert response.status_code == 303
    assert db.session.scalar(db.select(Appointment)).patient_id == known.id


def test_every_staff_view_of_a_record_is_audited(logged_in, clinic, receptionist):
    known = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    logged_in.get(f"/reception/patients/{known.id}")
    logged_in.get(f"/reception/patients/{known.id}")
    views = [e for e in audits("patient.view") if e.object_id == known.id]
    assert len(views) == 2 and views[0].actor_id == receptionist.id


def test_search_by_name_or_record_number(logged_in, clinic):
    make_patient(clinic, "Ana Ortiz", date(1966, 2, 2), record_number="R-2")
    make_patient(clinic, "Ben 100%_Real", date(1970, 1, 1))
    assert "Ana Ortiz" in logged_in.get("/reception/patients?q=orti").get_data(as_text=True)
    assert "Ana Ortiz" in logged_in.get("/reception/patients?q=R-2").get_data(as_text=True)
    page = logged_in.get("/reception/patients?q=%25").get_data(as_text=True)
    assert "Ben 100%_Real" in page and "Ana Ortiz" not in page
    empty = logged_in.get("/reception/patients?q=").get_data(as_text=True)
    assert "Type a name or record number" in empty


def test_an_invitation_packet_belongs_to_the_appointments_patient(client, clinic):
    from services.patient_session import packet_for_link
    from services.tokens import create_invitation

    known = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    appointment = make_appointment(clinic, patient=known)
    link, _token = create_invitation(appointment, 30)
    db.session.commit()
    assert packet_for_link(link).patient_id == known.id


# Matching a self-started packet ---------------------------------------------------------


@pytest.fixture
def self_started(clinic):
    packet = make_packet(clinic, patient_name="Robert Nguyen", date_of_birth=DOB,
                         status="submitted")
    packet.symptom_entries.append(SymptomEntry(recorded_at=datetime(2026, 11, 1, 9), pain=6))
    db.session.commit()
    return packet


def test_a_self_started_packet_is_compared_side_by_side_then_matched_and_undone(
        logged_in, clinic, receptionist, self_started):
    known = make_patient(clinic, "Robert Nguyen", DOB, record_number="MRN-3")
    own = self_started.patient_id
    packet_page = logged_in.get(f"/reception/packets/{self_started.id}").get_data(as_text=True)
    assert "Compare and match" in packet_page
    page = logged_in.get(f"/reception/packets/{self_started.id}/match").get_data(as_text=True)
    assert "This packet" in page and "MRN-3" in page and "Same person: match" in page
    # Nothing moved by looking.
    assert db.session.get(Packet, self_started.id).patient_id == own

    path = f"/reception/packets/{self_started.id}/match/{known.id}"
    response = logged_in.post(path, data={"csrf_token": csrf_for(logged_in, "/reception/")})
    assert response.status_code == 303
    db.session.expire_all()
    packet = db.session.get(Packet, self_started.id)
    assert packet.patient_id == known.id
    assert {e.patient_id for e in packet.symptom_entries} == {known.id}
    [row] = db.session.scalars(db.select(PatientMatch)).all()
    assert (row.from_patient_id, row.to_patient_id, row.matched_by_id) == (
        own, known.id, receptionist.id)
    assert [e.object_id for e in audits("patient.match")] == [packet.id]
    # Once matched it cannot be matched again.
    again = logged_in.post(path, data={"csrf_token": csrf_for(logged_in, "/reception/")})
    assert again.status_code == 303 and db.session.get(Packet, packet.id).patient_id == known.id

    page = logged_in.get(f"/reception/packets/{packet.id}").get_data(as_text=True)
    assert "Undo the match" in page
    response = logged_in.post(f"/reception/packets/{packet.id}/unmatch",
                              data={"csrf_token": csrf_for(logged_in, "/reception/")})
    assert response.status_code == 303
    db.session.expire_all()
    packet = db.session.get(Packet, self_started.id)
    assert packet.patient_id == own
    assert {e.patient_id for e in packet.symptom_entries} == {own}
    assert db.session.get(PatientMatch, row.id).undone_at is not None
    assert len(audits("patient.unmatch")) == 1


def test_matching_needs_csrf_and_a_patient_of_the_same_clinic(
        logged_in, clinic, other_clinic, self_started):
    theirs = make_patient(other_clinic, "Robert Nguyen", DOB)
    ours = make_patient(clinic, "Robert Nguyen", DOB)
    assert logged_in.post(f"/reception/packets/{self_started.id}/match/{ours.id}").status_code == 400
    response = logged_in.post(f"/reception/packets/{self_started.id}/match/{theirs.id}",
                              data={"csrf_token": csrf_for(logged_in, "/reception/")})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Packet, self_started.id).patient.origin == "self_start"


def test_an_invited_packet_cannot_be_matched(clinic, receptionist):
    packet = make_packet(clinic, make_appointment(clinic))
    other = make_patient(clinic, "Sam Patient")
    with pytest.raises(patients.CannotMatch):
        patients.match(packet, other, receptionist)


def test_the_self_started_record_follows_what_the_patient_types(client, app):
    from tests.factories import make_clinic
    from tests.patient.conftest import post_form, start_packet

    clinic = make_clinic("openclinic", "Open Clinic", open_start=True)
    packet = start_packet(client, clinic)
    client.get("/p/keep-link")
    assert packet.patient.origin == "self_start" and packet.patient.name == ""
    post_form(client, "/p/visit", {"patient_name": "Lee Park", "date_of_birth": "1990-09-09",
                                   "reason": "Back pain"})
    db.session.expire_all()
    patient = db.session.get(Packet, packet.id).patient
    assert (patient.name, patient.date_of_birth) == ("Lee Park", date(1990, 9, 9))
