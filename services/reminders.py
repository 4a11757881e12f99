"""Mail for patients: their link on request, reminders before the visit, the daily nudge.

Every message goes through the outbox (services.outbox) and carries a new personal link
that leads to the same date-of-birth check as an invitation. The patient's address is kept
on the packet (or on the appointment, as reception typed it) until patients have records
of their own across visits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from extensions import db
from models import Appointment, Clinic, OutboxMessage, Packet, PacketLink, utcnow
from services import outbox
from services.audit import record
from services.opening_hours import clinic_now
from services.tokens import create_invitation, create_mail_link

#: Hours a patient can pick for the daily reminder (clinic time).
DAILY_HOURS = tuple(range(6, 23))
#: A reminder planned for an hour still goes this many hours later (a worker was down),
#: never later: a "morning" mail does not arrive at night.
LATE_HOURS = 3
#: A self-started packet with no visit date gets daily reminders this long at most.
DAILY_WITHOUT_DATE_DAYS = 30


class TooMany(Exception):
    """The patient asked for their link too often in the last hour."""


def packet_locale(packet: Packet | None) -> str:
    """The language the packet's mail goes out in (services.i18n decides)."""
    from services.i18n import packet_language

    return packet_language(packet) if packet is not None else "en"


def parse_days(text: str) -> list[int]:
    """"3,1" -> [3, 1]; anything that is not a day count from 1 to 60 is dropped."""
    days = []
    for part in (text or "").replace(" ", "").split(","):
        if part.isdigit() and 1 <= int(part) <= 60 and int(part) not in days:
            days.append(int(part))
    return days


# Links in mail -----------------------------------------------------------------------------


def link_maker(packet: Packet | None, appointment_id: int | None, *, revoke: bool = False):
    """How a message makes its link: an invitation-style link for a booked appointment
    (`revoke`: reception's new link, the old ones stop), else a resume link for the packet."""
    lifetime = current_app.config["LINK_LIFETIME_DAYS"]
    appointment = db.session.get(Appointment, appointment_id) if appointment_id else None

    def make(token: str) -> PacketLink:
        if appointment is not None and revoke:
            link, _ = create_invitation(appointment, lifetime, token=token)
            return link
        clinic_id = appointment.clinic_id if appointment is not None else packet.clinic_id
        return create_mail_link(clinic_id, packet, appointment, token, lifetime)

    return make


def settings_token(packet_id: int, kind: str = "daily") -> str:
    """The signed part of the reminder settings and one-click unsubscribe links. It opens
    only those settings (no health data), so it needs no login and never expires."""
    return _serializer().dumps({"p": packet_id, "k": kind})


def packet_for_settings(token: str) -> tuple[Packet, str] | None:
    try:
        data = _serializer().loads(token[:200])
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        return None
    packet = db.session.get(Packet, data["p"])
    kind = data.get("k") if data.get("k") in outbox.REMINDER_KINDS else "daily"
    return (packet, kind) if packet is not None else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="visitprep-reminders")


# What the patient asks for -----------------------------------------------------------------


def address_for(packet: Packet) -> str | None:
    if packet.contact_email:
        return packet.contact_email
    return packet.appointment.patient_email if packet.appointment is not None else None


def email_my_link(packet: Packet, email: str, daily_hour: int | None,
                  ip: str | None = None) -> OutboxMessage:
    """Keep the address (and the daily reminder choice) and mail a new link, saved.
    Raises TooMany, having changed nothing, after MAIL_LINKS_PER_HOUR link mails in an
    hour."""
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.packet_id == packet.id, OutboxMessage.kind == "link",
            OutboxMessage.created_at >= since)) or 0
    if recent >= current_app.config["MAIL_LINKS_PER_HOUR"]:
        raise TooMany
    packet.contact_email = email.strip().lower()
    packet.daily_reminder_hour = daily_hour
    message = outbox.enqueue(
        clinic_id=packet.clinic_id, kind="link", recipient=packet.contact_email,
        key=f"link:{packet.id}:{outbox.new_seed()[:16]}", cause_type="packet",
        cause_id=packet.id, packet=packet, make_link=link_maker(packet, packet.appointment_id),
        visit_date=packet.visit_date, locale=packet_locale(packet),
    )
    record("patient.email_link", actor_type="patient", actor_label="patient",
           clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id, ip=ip,
           detail={"to": outbox.mask(packet.contact_email), "daily": daily_hour is not None})
    db.session.commit()
    return message


def change_settings(packet: Packet, *, daily_hour: int | None, previsit: bool,
                    ip: str | None = None) -> bool:
    """From the settings page (no login); returns whether anything changed."""
    changed = (packet.daily_reminder_hour, packet.previsit_reminders) != (daily_hour, previsit)
    packet.daily_reminder_hour = daily_hour
    packet.previsit_reminders = previsit
    if changed:
        record("patient.reminders", actor_type="patient", actor_label="patient",
               clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id, ip=ip,
               detail={"daily": daily_hour is not None, "previsit": previsit})
    db.session.commit()
    return changed


def stop(packet: Packet, kind: str, ip: str | None = None) -> None:
    """One-click unsubscribe from one kind of reminder (safe to repeat)."""
    if kind == "previsit":
        packet.previsit_reminders = False
    else:
        packet.daily_reminder_hour = None
    record("patient.unsubscribe", actor_type="patient", actor_label="patient",
           clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id, ip=ip,
           detail={"kind": kind})
    db.session.commit()


# Planning, each minute in the worker --------------------------------------------------------


def _in_window(local: datetime, hour: int) -> bool:
    return hour <= local.hour < hour + LATE_HOURS


def plan_previsit(clinic: Clinic, now: datetime) -> int:
    """Reminders N days before the visit while the packet is not sent (one per N)."""
    local = clinic_now(clinic, now)
    if not _in_window(local, clinic.digest_hour):
        return 0
    made = 0
    for days in parse_days(clinic.reminder_days):
        visit = local.date() + timedelta(days=days)
        for packet in db.session.scalars(db.select(Packet).where(
                Packet.clinic_id == clinic.id, Packet.status == "draft",
                Packet.visit_date == visit, Packet.previsit_reminders.is_(True))):
            address = address_for(packet)
            if address:
                made += _previsit(clinic, address, visit, days, packet, packet.appointment_id)
        start = datetime.combine(visit, datetime.min.time())
        for appointment in db.session.scalars(db.select(Appointment).where(
                Appointment.clinic_id == clinic.id, Appointment.status == "scheduled",
                Appointment.scheduled_for >= start,
                Appointment.scheduled_for < start + timedelta(days=1),
                Appointment.patient_email.is_not(None))):
            if appointment.packet is None:
                made += _previsit(clinic, appointment.patient_email, visit, days, None,
                                  appointment.id)
    return made


def _previsit(clinic: Clinic, address: str, visit: date, days: int, packet: Packet | None,
              appointment_id: int | None) -> int:
    who = f"a{appointment_id}" if appointment_id else f"p{packet.id}"
    key = f"previsit:{who}:{visit.isoformat()}:{days}"
    if db.session.scalar(db.select(OutboxMessage.id).filter_by(idempotency_key=key)):
        return 0
    outbox.enqueue(
        clinic_id=clinic.id, kind="previsit", recipient=address, key=key,
        cause_type="appointment" if appointment_id else "packet",
        cause_id=appointment_id or packet.id, packet=packet, appointment_id=appointment_id,
        make_link=link_maker(packet, appointment_id), visit_date=visit,
        locale=packet_locale(packet),
    )
    return 1


def plan_daily(clinic: Clinic, now: datetime) -> int:
    """The opt-in "how is today?" mail at the patient's hour, once a day, until the visit."""
    local = clinic_now(clinic, now)
    today = local.date()
    made = 0
    for packet in db.session.scalars(db.select(Packet).where(
            Packet.clinic_id == clinic.id, Packet.status == "draft",
            Packet.daily_reminder_hour.is_not(None), Packet.contact_email.is_not(None))):
        if not _in_window(local, packet.daily_reminder_hour):
            continue
        if packet.visit_date is not None and today >= packet.visit_date:
            continue
        if packet.visit_date is None and (
                today - clinic_now(clinic, packet.created_at).date()).days > (
                DAILY_WITHOUT_DATE_DAYS):
            continue
        key = f"daily:{packet.id}:{today.isoformat()}"
        if db.session.scalar(db.select(OutboxMessage.id).filter_by(idempotency_key=key)):
            continue
        outbox.enqueue(
            clinic_id=clinic.id, kind="daily", recipient=packet.contact_email, key=key,
            cause_type="packet", cause_id=packet.id, packet=packet,
            make_link=link_maker(packet, packet.appointment_id), visit_date=packet.visit_date,
            locale=packet_locale(packet),
        )
        made += 1
    return made
