"""Ways into a packet: secret links, the date-of-birth check, and the patient's session.

The patient's Flask session holds only ids (the packet, the link that opened it); every
request checks again that the link is still usable, so reissuing, revoking or locking a
link ends the sessions it opened. Functions here take the session as a plain mapping so
they can be tested without a request.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from extensions import db
from models import Clinic, DobAttempt, Packet, PacketLink, Patient, utcnow
from services import audit
from services.i18n import SESSION_KEY
from services.tokens import create_resume_link, link_state

#: Keys this module keeps in the patient's session.
PACKET_KEY, LINK_KEY, PENDING_KEY = "packet_id", "link_id", "pending_link_id"
#: The patient's language choice, kept across a fresh session.
LANGUAGE_KEY = SESSION_KEY


@dataclass
class Started:
    packet: Packet
    link: PacketLink
    token: str
    code: str


def start_packet(clinic: Clinic, lifetime_days: int) -> Started:
    """Make a self-started packet and its private resume link (the caller commits)."""
    # A record of its own until reception matches it: nobody else's data is ever shown
    # to a patient who came in without an invitation.
    patient = Patient(clinic_id=clinic.id, origin="self_start")
    packet = Packet(clinic=clinic, patient=patient, status="draft", version=1)
    db.session.add(packet)
    db.session.flush()
    link, token, code = create_resume_link(packet, lifetime_days)
    db.session.flush()
    audit.record(
        "patient.start", actor_type="patient", actor_label="patient", clinic_id=clinic.id,
        object_type="packet", object_id=packet.id,
    )
    return Started(packet, link, token, code)


def new_resume_link(packet: Packet, lifetime_days: int) -> Started:
    """Replace a resume link the patient has lost; the old one stops working (saved)."""
    now = utcnow()
    for link in packet.links:
        if link.kind == "resume" and link.revoked_at is None:
            link.revoked_at = now
    link, token, code = create_resume_link(packet, lifetime_days)
    db.session.flush()
    audit.record(
        "patient.new_link", actor_type="patient", actor_label="patient",
        clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id,
    )
    db.session.commit()
    return Started(packet, link, token, code)


def usable_state(link: PacketLink | None) -> str:
    """link_state, plus: an invitation for a cancelled appointment no longer opens."""
    state = link_state(link)
    if state == "ok" and link.appointment is not None and (
        link.appointment.status == "cancelled"
    ):
        return "revoked"
    return state


def needs_dob_check(link: PacketLink) -> bool:
    """Invitations always ask; a resume link asks once the patient has given a date of birth."""
    if link.kind == "invitation":
        return True
    return link.packet is not None and link.packet.date_of_birth is not None


def expected_dob(link: PacketLink) -> date | None:
    if link.kind == "invitation" and link.appointment is not None:
        return link.appointment.date_of_birth
    return link.packet.date_of_birth if link.packet is not None else None


def mark_opened(link: PacketLink) -> None:
    now = utcnow()
    link.first_opened_at = link.first_opened_at or now
    link.last_opened_at = now


def check_dob(link: PacketLink, typed: date, max_failures: int, ip: str | None = None) -> str:
    """Compare a typed date of birth; returns ok, wrong or locked (the caller commits).

    Every try leaves a DobAttempt and an audit row (the outcome only, never the date).
    """
    if link_state(link) == "locked":
        ok = False
    else:
        ok = typed == expected_dob(link)
    db.session.add(DobAttempt(link_id=link.id, succeeded=ok))
    if ok:
        link.dob_failures = 0
    elif link.locked_at is None:
        link.dob_failures = (link.dob_failures or 0) + 1
        if link.dob_failures >= max_failures:
            link.locked_at = utcnow()
    audit.record(
        "patient.dob_check", actor_type="patient", actor_label="patient",
        clinic_id=link.clinic_id, object_type="packet_link", object_id=link.id,
        outcome="success" if ok else ("denied" if link.locked_at else "failure"), ip=ip,
    )
    if ok:
        return "ok"
    return "locked" if link.locked_at is not None else "wrong"


def packet_for_link(link: PacketLink) -> Packet:
    """The link's packet; an invitation's is made on first opening, pre-filled.

    Two first openings at once (two tabs, a double click) race on the unique
    appointment id: the loser rolls back and takes the winner's packet.
    """
    if link.packet is not None:
        return link.packet
    appointment = link.appointment
    if appointment.packet is None:
        packet = Packet(
            clinic_id=link.clinic_id,
            patient_id=appointment.patient_id,
            appointment_id=appointment.id,
            patient_name=appointment.patient_name,
            date_of_birth=appointment.date_of_birth,
            visit_date=appointment.scheduled_for.date(),
            doctor=appointment.doctor or "",
        )
        db.session.add(packet)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        db.session.expire_all()
    packet = db.session.scalar(db.select(Packet).filter_by(appointment_id=appointment.id))
    link = db.session.get(PacketLink, link.id)
    for other in link.appointment.links:
        if other.packet_id is None:
            other.packet_id = packet.id
    db.session.commit()
    return packet


def fresh_session(session: MutableMapping[str, Any]) -> None:
    """Drop everything in the session, the CSRF secret included, and end it on the server.

    Flask-WTF caches the signed CSRF token on `g` for the app context; it is dropped
    too, so the next form gets a token for the new session.
    """
    language = session.get(LANGUAGE_KEY)
    regenerate = getattr(session, "regenerate", None)
    if regenerate is not None:
        regenerate()  # a new id, the old row deleted on the server (services/web_session.py)
    else:
        session.clear()
    if language:
        session[LANGUAGE_KEY] = language  # the "Español / English" choice is no secret
    if has_app_context():
        g.pop("csrf_token", None)


def begin_pending(session: MutableMapping[str, Any], link: PacketLink) -> None:
    """The link is valid but the date of birth must be checked first."""
    fresh_session(session)
    session[PENDING_KEY] = link.id


def pending_link(session: MutableMapping[str, Any]) -> PacketLink | None:
    link_id = session.get(PENDING_KEY)
    if not isinstance(link_id, int):
        return None
    return db.session.get(PacketLink, link_id)


def log_in(session: MutableMapping[str, Any], packet: Packet, link: PacketLink) -> None:
    """Trade a checked link for the session (a fresh one: nothing carries over)."""
    fresh_session(session)
    session[PACKET_KEY] = packet.id
    session[LINK_KEY] = link.id


def current_packet(session: MutableMapping[str, Any]) -> Packet | None:
    """The session's packet, while the link that opened it is still usable.

    Runs on every patient request: the link, its appointment, the packet and its clinic
    come in one statement (it was three or four round trips).
    """
    packet_id, link_id = session.get(PACKET_KEY), session.get(LINK_KEY)
    if not isinstance(packet_id, int) or not isinstance(link_id, int):
        return None
    row = db.session.execute(
        select(PacketLink, Packet)
        .join(Packet, Packet.clinic_id == PacketLink.clinic_id)
        .outerjoin(PacketLink.appointment)
        .options(contains_eager(PacketLink.appointment), joinedload(Packet.clinic))
        .where(PacketLink.id == link_id, Packet.id == packet_id)
    ).first()
    if row is None:
        return None
    link, packet = row
    if usable_state(link) != "ok":
        return None
    belongs = link.packet_id == packet.id or (
        link.appointment_id is not None and link.appointment_id == packet.appointment_id
    )
    return packet if belongs else None
