"""Mail for the clinic: a safety call is waiting; the morning digest.

Staff mail says only that something is waiting and how many, with the staff login: no
names, answers or flags (SECURITY P8). The addresses are the clinic's alert addresses.
"""

from __future__ import annotations

from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from extensions import db
from models import Clinic, Packet
from services import outbox
from services.opening_hours import clinic_now
from services.reminders import LATE_HOURS


def alert_addresses(clinic: Clinic) -> list[str]:
    """The clinic's alert addresses, one a line (or comma separated), valid ones only."""
    found = []
    for part in (clinic.alert_emails or "").replace(",", "\n").splitlines():
        part = part.strip()
        if not part:
            continue
        try:
            address = validate_email(part, check_deliverability=False).normalized
        except EmailNotValidError:
            continue
        if address not in found:
            found.append(address)
    return found


def safety_call_opened(clinic: Clinic, call_id: int) -> int:
    """Mail each alert address that a call is waiting, in the transaction that opened it."""
    made = 0
    for address in alert_addresses(clinic):
        outbox.enqueue(
            clinic_id=clinic.id, kind="staff_alert", recipient=address,
            key=f"staff_alert:{call_id}:{address}", cause_type="safety_call", cause_id=call_id,
        )
        made += 1
    return made


def open_calls(clinic: Clinic) -> int:
    """Safety calls waiting for a person (none until the safety net keeps calls)."""
    try:
        from services.safety_calls import open_count
    except ImportError:
        return 0
    return open_count(clinic.id)


def packets_to_review(clinic: Clinic, day: date) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(Packet).where(
            Packet.clinic_id == clinic.id, Packet.status == "submitted",
            Packet.visit_date == day)) or 0


def digest_counts(clinic: Clinic, day: date | None) -> dict[str, int]:
    day = day or clinic_now(clinic).date()
    return {"open_calls": open_calls(clinic), "to_review": packets_to_review(clinic, day)}


def plan_digest(clinic: Clinic, now: datetime) -> int:
    """The morning digest at the clinic's digest hour, when something is waiting."""
    local = clinic_now(clinic, now)
    if not clinic.digest_hour <= local.hour < clinic.digest_hour + LATE_HOURS:
        return 0
    counts = digest_counts(clinic, local.date())
    if not any(counts.values()):
        return 0
    made = 0
    for address in alert_addresses(clinic):
        key = f"staff_digest:{clinic.id}:{local.date().isoformat()}:{address}"
        if db.session.scalar(db.select(outbox.OutboxMessage.id).filter_by(idempotency_key=key)):
            continue
        outbox.enqueue(clinic_id=clinic.id, kind="staff_digest", recipient=address, key=key,
                       cause_type="clinic", cause_id=clinic.id, visit_date=local.date())
        made += 1
    return made
