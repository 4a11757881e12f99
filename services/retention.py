"""Retention: delete packets (and their appointments) a clinic no longer keeps.

A packet's date is its appointment's date, else the visit date the patient typed,
else the day it was started. Anything dated more than the clinic's `retention_days`
before today goes, with every child row (the database cascades). The audit log is
kept: it holds no health data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, or_, select

from extensions import db
from models import Appointment, Clinic, LoginAttempt, Packet, StaffSession
from services.audit import record


@dataclass
class PurgeResult:
    clinic: Clinic
    packets: int
    appointments: int


def cutoff(clinic: Clinic, today: date) -> date:
    """Things dated before this day are past retention."""
    return today - timedelta(days=clinic.retention_days)


def purge_clinic(clinic: Clinic, today: date) -> PurgeResult:
    day = cutoff(clinic, today)
    start_of_day = datetime.combine(day, time.min)
    old_appointments = select(Appointment.id).where(
        Appointment.clinic_id == clinic.id, Appointment.scheduled_for < start_of_day
    )
    packets = db.session.execute(
        delete(Packet)
        .where(
            Packet.clinic_id == clinic.id,
            or_(
                Packet.appointment_id.in_(old_appointments),
                (Packet.appointment_id.is_(None) & (Packet.visit_date < day)),
                (Packet.appointment_id.is_(None) & Packet.visit_date.is_(None)
                 & (Packet.created_at < datetime.combine(day, time.min, tzinfo=UTC))),
            ),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    appointments = db.session.execute(
        delete(Appointment)
        .where(Appointment.clinic_id == clinic.id, Appointment.scheduled_for < start_of_day)
        .execution_options(synchronize_session=False)
    ).rowcount
    record("retention.purge", actor_type="system", actor_label="cli", clinic_id=clinic.id,
           detail={"packets": packets, "appointments": appointments,
                   "before": day.isoformat()})
    db.session.commit()
    return PurgeResult(clinic, packets, appointments)


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
    """Purge every clinic; one transaction per clinic."""
    today = today or date.today()
    clinics = db.session.scalars(db.select(Clinic).order_by(Clinic.slug)).all()
    return [purge_clinic(clinic, today) for clinic in clinics]
