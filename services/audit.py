"""The audit log: who did what to which object. Never health data, tokens or passwords."""

from __future__ import annotations

from typing import Any

from extensions import db
from models import AuditEvent, StaffUser


def record(
    action: str,
    *,
    actor: StaffUser | None = None,
    actor_type: str | None = None,
    actor_label: str = "",
    clinic_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    outcome: str = "success",
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row to the session; it is written with the caller's commit."""
    event = AuditEvent(
        action=action,
        actor_type=actor_type or ("staff" if actor is not None else "system"),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        clinic_id=clinic_id if clinic_id is not None else (actor.clinic_id if actor else None),
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        ip=ip,
        detail=detail or {},
    )
    db.session.add(event)
    return event


def record_patient_read(action: str, packet, ip: str | None = None) -> None:
    """A patient's read of their own packet (summary, PDF, CSV), written at once: a read
    has no other transaction to join."""
    record(action, actor_type="patient", actor_label="patient", clinic_id=packet.clinic_id,
           object_type="packet", object_id=packet.id, ip=ip)
    db.session.commit()
