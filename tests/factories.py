"""Plain `make_*` functions that build rows for tests (the caller's app context commits)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from extensions import db
from models import Appointment, Clinic, Packet, Patient, StaffUser
from services.clinics import create_clinic
from services.opening_hours import clinic_now
from services.passwords import hash_password

DEFAULT_PASSWORD = "a long enough test password"


def clinic_today(clinic: Clinic) -> date:
    """The clinic's date, which is what its pages mean by today (the machine's is UTC: in
    the evening a New York clinic's today is the machine's yesterday)."""
    return clinic_now(clinic).date()


def make_clinic(slug: str = "riverside", name: str = "Riverside Clinic", **settings) -> Clinic:
    settings.setdefault("phone", "555-0100")
    clinic = create_clinic(slug, name, **settings)
    db.session.commit()
    return clinic


def make_staff(
    clinic: Clinic,
    email: str = "reception@example.com",
    role: str = "reception",
    password: str = DEFAULT_PASSWORD,
    **fields,
) -> StaffUser:
    fields.setdefault("must_change_password", False)
    user = StaffUser(
        clinic=clinic, email=email, role=role, password_hash=hash_password(password), **fields
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_patient(clinic: Clinic, name: str = "Sam Patient", date_of_birth: date | None = None,
                 **fields) -> Patient:
    fields.setdefault("origin", "reception")
    patient = Patient(clinic=clinic, name=name,
                      date_of_birth=date_of_birth or date(1980, 6, 15), **fields)
    db.session.add(patient)
    db.session.commit()
    return patient


def make_appointment(clinic: Clinic, days_ahead: int = 7, patient: Patient | None = None,
                     **fields) -> Appointment:
    """An appointment, for `patient` or for a new patient with the name and DOB given."""
    fields.setdefault("patient_name", patient.name if patient else "Sam Patient")
    fields.setdefault("date_of_birth",
                      patient.date_of_birth if patient else date(1980, 6, 15))
    fields.setdefault("doctor", "Dr. Example")
    if patient is None:
        patient = Patient(clinic=clinic, name=fields["patient_name"],
                          date_of_birth=fields["date_of_birth"])
    appointment = Appointment(
        patient=patient,
        clinic=clinic,
        scheduled_for=datetime.combine(clinic_today(clinic) + timedelta(days=days_ahead),
                                       datetime.min.time()).replace(hour=10),
        **fields,
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment


def make_packet(clinic: Clinic, appointment: Appointment | None = None,
                patient: Patient | None = None, **fields) -> Packet:
    """A packet: the appointment's patient's, `patient`'s, or a self-started one's own."""
    fields.setdefault("patient_name", appointment.patient_name if appointment else "Sam Patient")
    fields.setdefault("date_of_birth", appointment.date_of_birth if appointment else None)
    if patient is None:
        patient = appointment.patient if appointment else Patient(
            clinic=clinic, name=fields["patient_name"], date_of_birth=fields["date_of_birth"],
            origin="self_start")
    packet = Packet(clinic=clinic, appointment=appointment, patient=patient, **fields)
    db.session.add(packet)
    db.session.commit()
    return packet
