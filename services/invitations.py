"""Appointments and their invitation links, as reception makes and looks after them."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app

from extensions import db
from models import Appointment, OutboxMessage, PacketLink, Patient, StaffUser, utcnow
from services import patients
from services.audit import record
from services.queue import MAX_ID
from services.tokens import create_invitation


def public_base_url() -> str:
    """Where people reach the app: PUBLIC_BASE_URL, else the `make run` address (SECURITY A11:
    never the request's Host header)."""
    return current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:{}".format(
        current_app.config.get("PORT", 5000))


def patient_link(base_url: str, token: str) -> str:
    """The full personal link, as the patient will open it."""
    return f"{base_url.rstrip('/')}/v/{token}"


def appointment_for_staff(appointment_id: int, user: StaffUser) -> Appointment | None:
    if not 0 < appointment_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(Appointment).where(
            Appointment.id == appointment_id, Appointment.clinic_id == user.clinic_id
        )
    )


def current_link(appointment: Appointment) -> PacketLink | None:
    """The newest link that has not been revoked."""
    live = [link for link in appointment.links if link.revoked_at is None]
    return max(live, key=lambda link: link.id) if live else None


def create_appointment(
    user: StaffUser,
    *,
    patient_name: str,
    date_of_birth: date,
    scheduled_for: datetime,
    doctor: str,
    lifetime_days: int,
    patient: Patient | None = None,
    phone: str | None = None,
    email: str | None = None,
    record_number: str | None = None,
    ip: str | None = None,
) -> tuple[Appointment, str]:
    """Book an appointment and make its invitation; returns the token (shown once).

    For `patient` when reception chose an existing one, else for a new patient record.
    """
    if patient is None:
        patient = patients.new_patient(
            user.clinic_id, name=patient_name, date_of_birth=date_of_birth, phone=phone,
            email=email, record_number=record_number,
        )
        record("patient.create", actor=user, object_type="patient", object_id=patient.id, ip=ip)
    else:
        patients.fill_in(patient, phone=phone, email=email, record_number=record_number)
    appointment = Appointment(
        clinic_id=user.clinic_id,
        patient_id=patient.id,
        patient_name=patient_name.strip(),
        date_of_birth=date_of_birth,
        scheduled_for=scheduled_for,
        doctor=doctor.strip(),
        patient_email=(email or patient.email or "").strip().lower() or None,
        created_by_id=user.id,
    )
    db.session.add(appointment)
    db.session.flush()
    _, token = create_invitation(appointment, lifetime_days)
    record("invitation.create", actor=user, object_type="appointment",
           object_id=appointment.id, ip=ip, detail={"patient": patient.id})
    db.session.commit()
    return appointment, token


def reissue(appointment: Appointment, user: StaffUser, lifetime_days: int,
            ip: str | None = None) -> str:
    """A new link for the appointment; the old one stops working at once."""
    _, token = create_invitation(appointment, lifetime_days)
    record("invitation.reissue", actor=user, object_type="appointment",
           object_id=appointment.id, ip=ip)
    db.session.commit()
    return token


def email_invitation(appointment: Appointment, user: StaffUser, email: str,
                     ip: str | None = None) -> OutboxMessage:
    """Mail the invitation with a new link (the old one stops), in one transaction with the
    outbox row: the mail is sent by the worker, and its state shows on the appointment."""
    from services import outbox
    from services.reminders import link_maker, packet_locale

    appointment.patient_email = email.strip().lower()
    sent_before = db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.appointment_id == appointment.id,
            OutboxMessage.kind == "invitation")) or 0
    message = outbox.enqueue(
        clinic_id=appointment.clinic_id, kind="invitation", recipient=appointment.patient_email,
        key=f"invitation:{appointment.id}:{sent_before + 1}", cause_type="appointment",
        cause_id=appointment.id, packet=appointment.packet, appointment_id=appointment.id,
        make_link=link_maker(appointment.packet, appointment.id, revoke=True),
        visit_date=appointment.scheduled_for.date(), locale=packet_locale(appointment.packet),
        created_by_id=user.id,
    )
    record("invitation.email", actor=user, object_type="appointment", object_id=appointment.id,
           ip=ip, detail={"to": outbox.mask(appointment.patient_email)})
    db.session.commit()
    return message


def messages_for(appointment: Appointment) -> list[OutboxMessage]:
    """What was mailed about this appointment, newest first."""
    return list(db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.appointment_id == appointment.id)
        .order_by(OutboxMessage.id.desc()).limit(20)))


def unlock(appointment: Appointment, user: StaffUser, ip: str | None = None) -> int:
    """Let a link locked by wrong dates of birth be used again; returns how many were locked."""
    count = 0
    for link in appointment.links:
        if link.revoked_at is None and (link.locked_at is not None or link.dob_failures):
            count += link.locked_at is not None
            link.locked_at = None
            link.dob_failures = 0
    record("invitation.unlock", actor=user, object_type="appointment",
           object_id=appointment.id, ip=ip, detail={"unlocked": count})
    db.session.commit()
    return count


def cancel(appointment: Appointment, user: StaffUser, ip: str | None = None) -> bool:
    """Cancel the appointment and stop its links; False if it was already cancelled."""
    if appointment.status == "cancelled":
        return False
    now = utcnow()
    appointment.status = "cancelled"
    appointment.cancelled_at = now
    for link in appointment.links:
        if link.revoked_at is None:
            link.revoked_at = now
    record("invitation.cancel", actor=user, object_type="appointment",
           object_id=appointment.id, ip=ip)
    db.session.commit()
    return True


def upcoming_appointments(user: StaffUser, today: date, page: int, per_page: int = 25):
    """Upcoming appointments of the clinic with their links (indexed by clinic and time)."""
    from sqlalchemy.orm import selectinload

    start = datetime.combine(today, datetime.min.time())
    query = (
        db.select(Appointment)
        .where(Appointment.clinic_id == user.clinic_id, Appointment.scheduled_for >= start)
        .options(selectinload(Appointment.links), selectinload(Appointment.packet))
        .order_by(Appointment.scheduled_for, Appointment.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(db.session.scalars(query))
    return rows[:per_page], len(rows) > per_page
