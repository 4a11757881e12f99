"""Reception's actions on a submitted packet: mark it reviewed, add a note.

Both are safe when two receptionists act at once: the review is one conditional
UPDATE (exactly one of them moves the packet), and notes are separate rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from extensions import db
from models import Packet, StaffNote, StaffUser, utcnow
from services.audit import record
from services.queue import MAX_ID

NOTE_MAX = 2000


def packet_for_staff(packet_id: int, user: StaffUser) -> Packet | None:
    """The packet if it belongs to the user's clinic; None for anything else."""
    if not 0 < packet_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(Packet).where(Packet.id == packet_id, Packet.clinic_id == user.clinic_id)
    )


@dataclass
class ReviewResult:
    #: reviewed (this call moved it), already (someone had), not_submitted
    outcome: str
    packet: Packet


def mark_reviewed(packet: Packet, user: StaffUser, ip: str | None = None) -> ReviewResult:
    """Move a submitted packet to reviewed, once; report who did it first otherwise."""
    moved = db.session.execute(
        update(Packet)
        .where(
            Packet.id == packet.id,
            Packet.clinic_id == user.clinic_id,
            Packet.status == "submitted",
        )
        .values(
            status="reviewed",
            reviewed_at=utcnow(),
            reviewed_by_id=user.id,
            version=Packet.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    outcome = "reviewed" if moved == 1 else None
    record("packet.review", actor=user, object_type="packet", object_id=packet.id, ip=ip,
           outcome="success" if moved == 1 else "failure",
           detail={} if moved == 1 else {"reason": "not_submitted"})
    db.session.commit()
    db.session.refresh(packet)
    if outcome is None:
        outcome = "already" if packet.status == "reviewed" else "not_submitted"
    return ReviewResult(outcome, packet)


def add_note(packet: Packet, user: StaffUser, body: str, ip: str | None = None) -> StaffNote:
    """Append a note (never an edit of an earlier one, so no note is lost).

    Never cut: the form refuses a longer note with a message and keeps it (NoteForm)."""
    body = body.strip()
    if len(body) > NOTE_MAX:
        raise ValueError(f"a note holds at most {NOTE_MAX} characters")
    note = StaffNote(packet_id=packet.id, author_id=user.id, body=body)
    db.session.add(note)
    db.session.flush()
    record("packet.note", actor=user, object_type="packet", object_id=packet.id, ip=ip,
           detail={"note_id": note.id})
    db.session.commit()
    return note


def record_view(packet: Packet, user: StaffUser, ip: str | None = None) -> None:
    """Audit a packet page already made (the caller sends it and touches no row after).

    The commit leaves the loaded rows as they are: expiring every one of them (the whole
    symptom log, every question and medicine) was a tenth of a long summary's time,
    spent on rows nothing reads again.
    """
    record("packet.view", actor=user, object_type="packet", object_id=packet.id, ip=ip)
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
