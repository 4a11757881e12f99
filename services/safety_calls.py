"""Safety calls: every emergency or urgent answer reaches a person at the clinic.

`open_calls_for(packet)` runs whenever a packet's warning signs may have changed, and
keeps the packet's flag level with them (it is
called by `services.packets.commit_step(..., flags=True)`: the safety check and the
symptom log), in the same transaction as the answer, draft or sent alike. Each
emergency or urgent sign (`services.flags.Flag.key`) gets one open call; a sign raised
again after its call was closed (a new "yes") opens a new one.

Due: an emergency at once; an urgent sign before the clinic closes today, in the
clinic's time zone (after closing, when it next opens). "No answer" and "left a
message" keep the call open and due again a little later; every other outcome closes it.
Each step is a SafetyCallEvent row (never changed) and an audit row (no health data:
the outcome only, never the note).

`on_call_opened(call)` is the one place to hang what must happen when a call opens
(the staff alert mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from content.safety import QUESTION_BY_KEY, RETIRED
from extensions import db
from models import (
    FLAG_EMERGENCY,
    FLAG_URGENT,
    SAFETY_CALL_OUTCOMES,
    SAFETY_CALL_RETRY,
    Clinic,
    Packet,
    SafetyCall,
    SafetyCallEvent,
    StaffUser,
    utcnow,
)
from services import opening_hours
from services.audit import record
from services.flags import log_flags, packet_flags, refresh_flag_level

NOTE_MAX = 2000


def _whole(note: str) -> str:
    """The note as typed (the form refuses a longer one with a message, keeping it): never
    cut without a word."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValueError(f"a call note holds at most {NOTE_MAX} characters")
    return note


#: How long until a call that did not reach the patient is due again.
RETRY_AFTER = {FLAG_EMERGENCY: timedelta(minutes=15), FLAG_URGENT: timedelta(hours=1)}
#: The words staff choose from when they act on a call (models.SAFETY_CALL_OUTCOMES).
OUTCOME_LABELS = {
    "advised_emergency": _l("Reached: advised 911 or the emergency room"),
    "advised_urgent_care": _l("Reached: advised urgent care"),
    "booked_sooner": _l("Reached: booked a sooner visit"),
    "left_message": _l("Left a message (try again)"),
    "no_answer": _l("No answer (try again)"),
    "already_handled": _l("Already handled"),
}
_RETIRED = {q.key: q for q in RETIRED}


def flag_label(key: str) -> str:
    """The staff words for a call's warning sign."""
    question = QUESTION_BY_KEY.get(key) or _RETIRED.get(key)
    return str(question.staff_label) if question else key


# Opening ------------------------------------------------------------------------------


def due_for(packet: Packet, level: int, now: datetime) -> datetime:
    if level >= FLAG_EMERGENCY:
        return now
    return opening_hours.urgent_due(packet.clinic, now)


def open_calls_for(packet: Packet, now: datetime | None = None) -> list[SafetyCall]:
    """The packet's warning signs may have changed: keep its flag level (the queue sorts on
    it) and open a call for each emergency or urgent sign without one; the caller commits.

    Safe to call after every save: a sign with an open call, or whose call was closed
    after it was last raised, opens nothing. Returns the calls it opened.
    """
    now = now or utcnow()
    flags = packet_flags(packet)
    # The level the queue sorts on is that of the signs its summary lists: its own, and
    # those in its part of the diary typed from an earlier visit's link (whose calls
    # opened on that packet, where they were typed).
    from services import diary  # which opens calls through this module

    refresh_flag_level(packet, flags + log_flags(diary.entries(packet)))
    signs = [f for f in flags if f.level >= FLAG_URGENT]
    if not signs:
        return []
    db.session.flush()  # the answers' own times (answered_at) are set by the flush
    calls = db.session.scalars(select(SafetyCall).where(SafetyCall.packet_id == packet.id)).all()
    opened = []
    for sign in signs:
        mine = [c for c in calls if c.flag_key == sign.key]
        if any(c.is_open for c in mine):
            continue
        last_closed = max((c.closed_at for c in mine if c.closed_at), default=None)
        raised = raised_at(packet, sign.key) or now
        if last_closed is not None and raised <= last_closed:
            continue
        call = SafetyCall(clinic_id=packet.clinic_id, packet_id=packet.id, flag_key=sign.key,
                          level=sign.level, status="open", raised_at=now,
                          due_at=due_for(packet, sign.level, now))
        db.session.add(call)
        db.session.flush()
        db.session.add(SafetyCallEvent(call_id=call.id, kind="opened", at=now,
                                       due_at=call.due_at))
        record("safety_call.open", actor_type="system", actor_label="safety check",
               clinic_id=packet.clinic_id, object_type="safety_call", object_id=call.id,
               detail={"packet_id": packet.id})
        on_call_opened(call)
        opened.append(call)
    return opened


def on_call_opened(call: SafetyCall) -> None:
    """Everything that must happen when a safety call opens: hook it here, and only here.

    Runs inside the transaction that saved the patient's answer, after the call row and
    its "opened" event exist (call.id is set), so whatever is added here (the staff
    alert mail's outbox row) commits, or not, together with the answer. Must not commit
    and must not hold health data (SECURITY P8).
    """
    from services import staff_alerts

    staff_alerts.safety_call_opened(db.session.get(Clinic, call.clinic_id), call.id)


def raised_at(packet: Packet, key: str) -> datetime | None:
    """When the sign was last raised: the latest "yes" (or log entry) behind it."""
    times = []
    question = QUESTION_BY_KEY.get(key) or _RETIRED.get(key)
    keys = {key, question.with_key} if question and question.with_key else {key}
    times += [a.answered_at for a in packet.safety_answers
              if a.answer and a.question_key in keys and a.answered_at]
    if key == "new_numbness":
        times += [e.updated_at or e.created_at for e in packet.symptom_entries
                  if e.numbness or "tingling" in (e.qualities or [])]
    return max((t for t in times if t), default=None)


# Reception's list ----------------------------------------------------------------------


def open_calls(clinic_id: int, limit: int = 100) -> list[SafetyCall]:
    """A clinic's open calls, soonest due first (an index range scan)."""
    return list(db.session.scalars(
        select(SafetyCall)
        .where(SafetyCall.clinic_id == clinic_id, SafetyCall.status == "open")
        .order_by(SafetyCall.due_at, SafetyCall.level.desc(), SafetyCall.id)
        .options(joinedload(SafetyCall.packet).joinedload(Packet.appointment))
        .limit(limit)
    ).unique())


def open_count(clinic_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SafetyCall)
        .where(SafetyCall.clinic_id == clinic_id, SafetyCall.status == "open")
    ) or 0


def call_for_staff(call_id: int, user: StaffUser) -> SafetyCall | None:
    if not 0 < call_id <= 2**31 - 1:
        return None
    return db.session.scalar(
        select(SafetyCall).where(SafetyCall.id == call_id,
                                 SafetyCall.clinic_id == user.clinic_id))


def due_words(call: SafetyCall, now: datetime | None = None) -> tuple[bool, str]:
    """(overdue?, words): "Overdue by 25 minutes", "Due in 2 hours", "Due now"."""
    now = now or utcnow()
    late = now - call.due_at
    if abs(late) < timedelta(minutes=1):
        return late > timedelta(0), str(_l("Due now"))
    span = _span(abs(late))
    if late > timedelta(0):
        return True, str(_l("Overdue by %(span)s", span=span))
    return False, str(_l("Due in %(span)s", span=span))


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return str(_l("%(n)d min", n=minutes))
    hours = minutes // 60
    if hours < 48:
        return str(_l("%(h)d h %(m)d min", h=hours, m=minutes % 60)) if hours < 6 else str(
            _l("%(h)d hours", h=hours))
    return str(_l("%(d)d days", d=hours // 24))


# Acting on a call ----------------------------------------------------------------------


@dataclass
class CallResult:
    #: closed (this call closed it), retry (still open, due again), already_closed
    #: (someone closed it first), changed (someone acted on it since the page was shown)
    outcome: str
    call: SafetyCall


def retry_due(call: SafetyCall, now: datetime) -> datetime:
    """When a call that did not reach the patient is due again (urgent: while open)."""
    due = now + RETRY_AFTER.get(call.level, RETRY_AFTER[FLAG_URGENT])
    clinic = call.packet.clinic
    if call.level < FLAG_EMERGENCY and not opening_hours.is_open(clinic, due):
        due = opening_hours.next_opening(clinic, due) or due
    return due


def record_outcome(call: SafetyCall, user: StaffUser, outcome: str, note: str,
                   version: int, ip: str | None = None,
                   now: datetime | None = None) -> CallResult:
    """Record what happened when reception acted on a call; one conditional UPDATE decides.

    The form's `version` must still be the call's: two people acting at once, the second
    is told (and nothing of theirs is written).
    """
    if outcome not in SAFETY_CALL_OUTCOMES:
        raise ValueError(outcome)
    now = now or utcnow()
    retry = outcome in SAFETY_CALL_RETRY
    if retry:
        due = retry_due(call, now)
        values = {"attempts": SafetyCall.attempts + 1, "due_at": due}
    else:
        due = None
        values = {"status": "closed", "closed_at": now, "closed_by_id": user.id}
    moved = db.session.execute(
        update(SafetyCall)
        .where(SafetyCall.id == call.id, SafetyCall.clinic_id == user.clinic_id,
               SafetyCall.status == "open", SafetyCall.version == version)
        .values(outcome=outcome, version=SafetyCall.version + 1, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    action = "safety_call.attempt" if retry else "safety_call.close"
    if moved != 1:
        db.session.rollback()
        db.session.refresh(call)
        result = "changed" if call.is_open else "already_closed"
        record(action, actor=user, object_type="safety_call", object_id=call.id, ip=ip,
               outcome="failure", detail={"reason": result, "outcome": outcome})
        db.session.commit()
        return CallResult(result, call)
    db.session.add(SafetyCallEvent(call_id=call.id, at=now, actor_id=user.id,
                                   kind="attempt" if retry else "closed", outcome=outcome,
                                   note=_whole(note), due_at=due))
    record(action, actor=user, object_type="safety_call", object_id=call.id, ip=ip,
           detail={"outcome": outcome, "packet_id": call.packet_id})
    db.session.commit()
    db.session.refresh(call)
    return CallResult("retry" if retry else "closed", call)
