"""One symptom diary per patient, cut into visits.

Entries belong to the patient, whichever packet's link they were typed from. A packet's
part of the diary is everything after the day of the patient's previous visit up to the end
of its own visit day; the newest packet's part has no end, so entries logged between
visits (from the same link, after sending) count toward the next visit. The parts never
overlap, so no entry is counted twice, and together they hold the whole diary.

Each function costs a fixed number of queries, whatever the number of past visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from models import Appointment, Packet, SafetyCall, SafetyCallEvent, SymptomEntry
from services import safety_calls
from services.flags import highest_level, log_flags
from services.opening_hours import clinic_now
from services.queue import MAX_ID


@dataclass(frozen=True)
class Visit:
    """One of the patient's packets, as the diary orders them."""

    packet_id: int
    day: date
    status: str


@dataclass(frozen=True)
class Window:
    """The part of the diary a packet covers: [start, end), either end open."""

    start: datetime | None
    end: datetime | None
    #: The patient's visit before this one, if any (its packet id and day).
    previous: Visit | None
    following: Visit | None
    #: Every visit of the patient, oldest first (this one included).
    visits: tuple[Visit, ...] = ()

    def holds(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end)


def _visit_day(visit_date: date | None, scheduled_for: datetime | None,
               created_at: datetime) -> date:
    if visit_date is not None:
        return visit_date
    if scheduled_for is not None:
        return scheduled_for.date()
    return created_at.date()


def visits_of(patient_id: int) -> list[Visit]:
    """The patient's packets, oldest visit first (one query)."""
    rows = db.session.execute(
        select(Packet.id, Packet.visit_date, Appointment.scheduled_for, Packet.created_at,
               Packet.status)
        .outerjoin(Appointment, Appointment.id == Packet.appointment_id)
        .where(Packet.patient_id == patient_id)
    ).all()
    out = [Visit(r.id, _visit_day(r.visit_date, r.scheduled_for, r.created_at), r.status)
           for r in rows]
    return sorted(out, key=lambda v: (v.day, v.packet_id))


def _after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)


def window(packet: Packet) -> Window:
    visits = visits_of(packet.patient_id)
    index = next((i for i, v in enumerate(visits) if v.packet_id == packet.id), None)
    if index is None:  # not flushed yet: the only visit
        return Window(None, None, None, None, tuple(visits))
    previous = visits[index - 1] if index > 0 else None
    following = visits[index + 1] if index + 1 < len(visits) else None
    return Window(
        start=_after(previous.day) if previous else None,
        end=_after(visits[index].day) if following else None,
        previous=previous,
        following=following,
        visits=tuple(visits),
    )


def entries(packet: Packet, part: Window | None = None) -> list[SymptomEntry]:
    """The packet's part of its patient's diary, oldest first (one query, plus the window's)."""
    if packet.id is None or packet.patient_id is None:
        # Not saved yet (a summary built in memory): only what it holds.
        return sorted(packet.symptom_entries, key=lambda e: (e.recorded_at, e.id or 0))
    part = part or window(packet)
    if part.previous is None and part.following is None:
        # The patient's only visit: the whole diary is what was logged in this packet
        # (already loaded with it for the summary).
        return sorted(packet.symptom_entries, key=lambda e: (e.recorded_at, e.id or 0))
    query = select(SymptomEntry).where(SymptomEntry.patient_id == packet.patient_id)
    if part.start is not None:
        query = query.where(SymptomEntry.recorded_at >= part.start)
    if part.end is not None:
        query = query.where(SymptomEntry.recorded_at < part.end)
    return list(db.session.scalars(query.order_by(SymptomEntry.recorded_at, SymptomEntry.id)))


def entry(packet: Packet, entry_id: int) -> SymptomEntry | None:
    """An entry the patient may change from this packet: theirs, and in this packet's part."""
    if not 0 < entry_id <= MAX_ID:
        return None
    found = db.session.scalar(
        select(SymptomEntry).where(SymptomEntry.id == entry_id,
                                   SymptomEntry.patient_id == packet.patient_id))
    if found is None or not window(packet).holds(found.recorded_at):
        return None
    return found


def too_early(packet: Packet, moment: datetime | None) -> date | None:
    """The previous visit's day when `moment` falls on or before it (that visit is past)."""
    if moment is None:
        return None
    part = window(packet)
    if part.start is not None and moment < part.start:
        return part.previous.day
    return None


def latest(patient_id: int, limit: int = 30) -> list[SymptomEntry]:
    """The patient's newest entries, newest first."""
    return list(db.session.scalars(
        select(SymptomEntry).where(SymptomEntry.patient_id == patient_id)
        .order_by(SymptomEntry.recorded_at.desc(), SymptomEntry.id.desc()).limit(limit)
    ))


def add_between_visits(packet: Packet, entry: SymptomEntry) -> int:
    """Keep an entry typed from a sent packet's link, and commit; returns its warning level.

    The packet's answers stay as sent, but a warning sign in the entry (numbness or
    tingling is urgent) reaches the clinic as it does before sending: the packet's flag
    level is brought up to date and each emergency or urgent sign without an open call
    gets one (with its staff alert), in this same transaction as the entry. The visit
    whose part of the diary holds the entry (the next one, once booked) has its level
    brought up to date too.
    """
    packet.symptom_entries.append(entry)
    safety_calls.open_calls_for(packet)
    db.session.flush()
    holder = holder_of(packet, entry.recorded_at)
    if holder is not None and holder.id != packet.id:
        safety_calls.open_calls_for(holder)  # its level: the queue lists it by its signs
    db.session.commit()
    return newest_level([entry])


def calls_in(packet: Packet, part: Window) -> list[tuple[SafetyCall, date]]:
    """Safety calls another of the patient's packets opened while this packet's part of the
    diary was being logged (a sign typed from the last visit's link), oldest first, each
    with the day of the visit whose link it came from. A fixed number of queries."""
    if part.previous is None and part.following is None:
        return []
    days = {v.packet_id: v.day for v in part.visits}
    calls = db.session.scalars(
        select(SafetyCall).join(Packet, Packet.id == SafetyCall.packet_id)
        .where(Packet.patient_id == packet.patient_id, SafetyCall.packet_id != packet.id)
        .options(selectinload(SafetyCall.events).joinedload(SafetyCallEvent.actor))
        .order_by(SafetyCall.raised_at, SafetyCall.id)
    ).all()
    return [(c, days[c.packet_id]) for c in calls
            if c.packet_id in days and part.holds(clinic_now(packet.clinic, c.raised_at))]


def holder_of(packet: Packet, moment: datetime) -> Packet | None:
    """The packet of the patient whose part of the diary holds `moment`."""
    visits = window(packet).visits
    for visit in visits:
        if moment < _after(visit.day):
            return db.session.get(Packet, visit.packet_id)
    return db.session.get(Packet, visits[-1].packet_id) if visits else None


def newest_level(entries: list[SymptomEntry]) -> int:
    """The level of the warning signs in the newest of these entries (newest first): what
    the diary tells the patient to do, until a newer entry no longer has them."""
    return highest_level(log_flags(entries[:1]))
