"""The reception queue: packets for upcoming visits, red flags first, a page at a time.

The order is flag level (highest first), then visit date, then id; packets without a
date come after the dated ones of their level. Each (level, dated/undated) pair is one
*segment* read straight off the `ix_packet_queue` index (clinic, status, flag_level,
visit_date, id) in index order, so a page costs at most eight short index range scans
whatever the page number: pagination is by keyset, never by OFFSET.

A name search matches packets where every typed word starts a word of the patient's name
("lop" finds "Maria Lopez"), read from the `packet_name_word` index: a rare name costs a
few id lookups, a common one the usual short scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload

from extensions import db
from models import (
    FLAG_EMERGENCY,
    FLAG_NONE,
    FLAG_TELL_DOCTOR,
    Appointment,
    Packet,
    PacketLink,
    PacketNameWord,
    name_words,
)

PAGE_SIZE = 25
#: Ids are 32-bit integers; a larger one in a URL would be a database error on PostgreSQL.
MAX_ID = 2**31 - 1
#: The queue's tabs: three packet statuses and the invitations nobody has opened yet.
VIEWS = ("submitted", "reviewed", "draft", "unopened")
LEVELS = tuple(range(FLAG_EMERGENCY, FLAG_NONE - 1, -1))


@dataclass
class QueueFilters:
    view: str = "submitted"
    date_from: date | None = None
    date_to: date | None = None
    doctor: str = ""
    flagged: bool = False
    name: str = ""


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: segment number, then the last row's date (or None) and id."""

    segment: int
    when: date | datetime | None
    id: int

    def encode(self) -> str:
        when = self.when.isoformat() if self.when is not None else "-"
        return f"{self.segment}~{when}~{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """Parse a cursor from a URL; anything malformed means "from the start"."""
        match = re.fullmatch(r"(\d{1,2})~([0-9T:\-]{1,19})~(\d{1,12})", text or "")
        if not match:
            return None
        raw = match.group(2)
        try:
            if raw == "-":
                when = None
            elif "T" in raw:
                when = datetime.fromisoformat(raw)
            else:
                when = date.fromisoformat(raw)
        except ValueError:
            return None
        ident = int(match.group(3))
        if ident > MAX_ID:
            return None
        return cls(int(match.group(1)), when, ident)


@dataclass
class Page:
    rows: list
    next_cursor: Cursor | None


#: Above every character: `word < prefix + MAX_CHAR` ends a prefix's index range.
MAX_CHAR = "\U0010ffff"
#: A name search first asks which packets have a word starting with a typed word (the
#: longest first, at most NAME_PROBES of them); when one has at most NAME_PROBE, the page
#: reads just those rows by id. More for every word means a common name, whose matches
#: the queue's own index order finds within a few rows.
NAME_PROBE = 200
NAME_PROBES = 3


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_starts(word: str):
    return and_(PacketNameWord.word >= word, PacketNameWord.word < word + MAX_CHAR)


def _packet_name_match(words: list[str]):
    """Every typed word starts a word of the packet's patient name (any order, any case)."""
    return and_(*(
        exists().where(PacketNameWord.packet_id == Packet.id, _word_starts(w)) for w in words
    ))


def _name_candidates(clinic_id: int, status: str, words: list[str]) -> list[int] | None:
    """The ids of the packets the search can match, when there are few; None when many."""
    for word in sorted(words, key=len, reverse=True)[:NAME_PROBES]:
        ids = db.session.scalars(
            select(PacketNameWord.packet_id)
            .join(Packet, Packet.id == PacketNameWord.packet_id)
            .where(_word_starts(word), Packet.clinic_id == clinic_id, Packet.status == status)
            .limit(NAME_PROBE + 1)
        ).all()
        if len(ids) <= NAME_PROBE:
            return ids
    return None


def _appointment_name_match(words: list[str]):
    """The same rule for an appointment's name as booked (no word table: a short list)."""
    name = func.lower(Appointment.patient_name)
    return and_(*(
        or_(name.like(f"{_escape_like(w)}%", escape="\\"),
            name.like(f"% {_escape_like(w)}%", escape="\\"))
        for w in words
    ))


def _packet_segments(filters: QueueFilters, today: date):
    """Yield (segment number, level, dated?) in queue order."""
    levels = [lv for lv in LEVELS if not (filters.flagged and lv < FLAG_TELL_DOCTOR)]
    for level in levels:
        yield (FLAG_EMERGENCY - level) * 2, level, True
        if filters.date_from is None and filters.date_to is None:
            yield (FLAG_EMERGENCY - level) * 2 + 1, level, False


def packet_page(
    clinic_id: int,
    filters: QueueFilters,
    today: date,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """One page of packets in queue order, starting after `after`."""
    rows: list[Packet] = []
    lower = filters.date_from or today
    words = name_words(filters.name)
    candidates = _name_candidates(clinic_id, filters.view, words) if words else None
    if candidates == []:
        return Page([], None)
    for segment, level, dated in _packet_segments(filters, today):
        if after is not None and segment < after.segment:
            continue
        query = (
            db.select(Packet)
            .where(
                Packet.clinic_id == clinic_id,
                Packet.status == filters.view,
                Packet.flag_level == level,
            )
            .options(joinedload(Packet.appointment), joinedload(Packet.reviewed_by))
        )
        if dated:
            query = query.where(Packet.visit_date >= lower)
            if filters.date_to is not None:
                query = query.where(Packet.visit_date <= filters.date_to)
            if after is not None and segment == after.segment and isinstance(after.when, date):
                # The plain ">=" lets the index range start at the cursor; the OR then
                # skips the rows of that same day already shown.
                query = query.where(
                    Packet.visit_date >= after.when,
                    or_(
                        Packet.visit_date > after.when,
                        and_(Packet.visit_date == after.when, Packet.id > after.id),
                    )
                )
            query = query.order_by(Packet.visit_date, Packet.id)
        else:
            query = query.where(Packet.visit_date.is_(None))
            if after is not None and segment == after.segment:
                query = query.where(Packet.id > after.id)
            query = query.order_by(Packet.id)
        if filters.doctor:
            query = query.where(Packet.doctor == filters.doctor)
        if words:
            query = query.where(_packet_name_match(words))
        if candidates is not None:
            query = query.where(Packet.id.in_(candidates))
        wanted = limit + 1 - len(rows)
        for packet in db.session.scalars(query.limit(wanted)).unique():
            rows.append((segment, packet))
        if len(rows) > limit:
            break
    next_cursor = None
    if len(rows) > limit:
        segment, last = rows[limit - 1]
        next_cursor = Cursor(segment, last.visit_date, last.id)
    return Page([packet for _, packet in rows[:limit]], next_cursor)


def unopened_page(
    clinic_id: int,
    filters: QueueFilters,
    today: date,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """Upcoming appointments whose current invitation link has not been opened yet."""
    start = datetime.combine(filters.date_from or today, datetime.min.time())
    query = (
        db.select(Appointment, PacketLink)
        .join(PacketLink, PacketLink.appointment_id == Appointment.id)
        .where(
            Appointment.clinic_id == clinic_id,
            Appointment.status == "scheduled",
            Appointment.scheduled_for >= start,
            PacketLink.kind == "invitation",
            PacketLink.revoked_at.is_(None),
            PacketLink.first_opened_at.is_(None),
        )
        .order_by(Appointment.scheduled_for, Appointment.id)
    )
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to, datetime.max.time())
        query = query.where(Appointment.scheduled_for <= end)
    if filters.doctor:
        query = query.where(Appointment.doctor == filters.doctor)
    words = name_words(filters.name)
    if words:
        query = query.where(_appointment_name_match(words))
    if after is not None and isinstance(after.when, datetime):
        query = query.where(
            Appointment.scheduled_for >= after.when,
            or_(
                Appointment.scheduled_for > after.when,
                and_(Appointment.scheduled_for == after.when, Appointment.id > after.id),
            )
        )
    rows = list(db.session.execute(query.limit(limit + 1)).all())
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = Cursor(0, last.scheduled_for, last.id)
    return Page(rows[:limit], next_cursor)


#: The doctor filter lists the doctors of appointments this many days ahead (a short
#: index range, so the list stays fast with a year of bookings); a doctor chosen from an
#: older link is added back by the view.
DOCTOR_WINDOW_DAYS = 60


def doctors(clinic_id: int, today: date, limit: int = 200) -> list[str]:
    """The doctors of the coming weeks' appointments, for the queue's filter.

    A skip scan of `ix_appointment_clinic_doctor`: one index seek finds the clinic's next
    doctor after the last one, one more asks whether that doctor has an appointment in
    the window. The cost follows the number of doctors the clinic ever booked, not the
    number of appointments (a DISTINCT over the window read every appointment in it).
    """
    start = datetime.combine(today, datetime.min.time())
    end = start + timedelta(days=DOCTOR_WINDOW_DAYS)

    def after(previous):
        later = aliased(Appointment)
        return (
            select(later.doctor)
            .where(later.clinic_id == clinic_id, later.doctor > previous)
            .order_by(later.doctor)
            .limit(1)
            .scalar_subquery()
        )

    seen = select(after(literal("")).label("name")).cte("doctor_names", recursive=True)
    seen = seen.union_all(select(after(seen.c.name)).where(seen.c.name.is_not(None)))
    booked = aliased(Appointment)
    names = db.session.scalars(
        select(seen.c.name)
        .where(
            seen.c.name.is_not(None),
            exists().where(
                booked.clinic_id == clinic_id,
                booked.doctor == seen.c.name,
                booked.scheduled_for >= start,
                booked.scheduled_for < end,
            ),
        )
        .limit(limit)
    ).all()
    return sorted(names, key=str.casefold)
