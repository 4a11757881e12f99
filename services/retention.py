"""Retention: delete patients (with their packets, appointments and diary) a clinic no
longer keeps.

A patient is kept while their last visit is within the clinic's `retention_days`: a
packet's date is its appointment's date, else the visit date the patient typed, else the
day it was started; an appointment counts on its own date, booked or not, and a record
made recently counts as recent. When the last of these is more than `retention_days`
before today, the patient goes with every row that hangs off them (the database
cascades). Earlier visits of a patient still seen are kept: they are what "since last
visit" compares against. The audit log is kept: it holds no health data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, exists, func, select, union

from extensions import db
from models import Appointment, Clinic, LoginAttempt, Packet, Patient, StaffSession
from services.audit import record
from services.opening_hours import clinic_now


@dataclass
class PurgeResult:
    clinic: Clinic
    packets: int
    appointments: int
    patients: int = 0


def cutoff(clinic: Clinic, today: date) -> date:
    """Things dated before this day are past retention."""
    return today - timedelta(days=clinic.retention_days)


def _recent_patients(clinic: Clinic, day: date):
    """Ids of the clinic's patients with anything dated on or after `day`."""
    start_of_day = datetime.combine(day, time.min)
    start_utc = datetime.combine(day, time.min, tzinfo=UTC)
    return union(
        select(Appointment.patient_id).where(Appointment.clinic_id == clinic.id,
                                             Appointment.scheduled_for >= start_of_day),
        select(Packet.patient_id).where(Packet.clinic_id == clinic.id,
                                        Packet.appointment_id.is_(None),
                                        Packet.visit_date >= day),
        select(Packet.patient_id).where(Packet.clinic_id == clinic.id,
                                        Packet.appointment_id.is_(None),
                                        Packet.visit_date.is_(None),
                                        Packet.created_at >= start_utc),
        # A record with nothing on it yet (just booked elsewhere, or emptied by a match).
        select(Patient.id).where(
            Patient.clinic_id == clinic.id, Patient.created_at >= start_utc,
            ~exists().where(Packet.patient_id == Patient.id),
            ~exists().where(Appointment.patient_id == Patient.id)),
    )


def purge_clinic(clinic: Clinic, today: date) -> PurgeResult:
    day = cutoff(clinic, today)
    gone = select(Patient.id).where(Patient.clinic_id == clinic.id,
                                    Patient.id.not_in(_recent_patients(clinic, day)))
    packets = db.session.scalar(
        select(func.count()).select_from(Packet).where(Packet.patient_id.in_(gone))) or 0
    appointments = db.session.scalar(
        select(func.count()).select_from(Appointment)
        .where(Appointment.patient_id.in_(gone))) or 0
    patients = db.session.execute(
        delete(Patient).where(Patient.id.in_(gone)).execution_options(synchronize_session=False)
    ).rowcount
    record("retention.purge", actor_type="system", actor_label="cli", clinic_id=clinic.id,
           detail={"patients": patients, "packets": packets, "appointments": appointments,
                   "before": day.isoformat()})
    db.session.commit()
    return PurgeResult(clinic, packets, appointments, patients)


#: Ended staff sessions and login attempts are kept this long, for investigations.
LOGIN_RECORDS_DAYS = 90


def purge_login_records(now: datetime | None = None) -> int:
    """Delete staff sessions and login attempts older than LOGIN_RECORDS_DAYS."""
    before = (now or datetime.now(UTC)) - timedelta(days=LOGIN_RECORDS_DAYS)
    sessions = db.session.execute(
        delete(StaffSession).where(StaffSession.last_seen_at < before)
        .execution_options(synchronize_session=False)
    ).rowcount
    attempts = db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.at < before)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return sessions + attempts


def purge(today: date | None = None) -> list[PurgeResult]:
    """Purge every clinic, by its own date unless one is given; one transaction per clinic."""
    clinics = db.session.scalars(db.select(Clinic).order_by(Clinic.slug)).all()
    return [purge_clinic(clinic, today or clinic_now(clinic).date()) for clinic in clinics]
