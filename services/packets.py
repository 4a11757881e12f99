"""The patient's packet: saving steps safely, list limits, what submit needs, submitting once.

Conflict detection (SECURITY.md R3). Every step form carries the packet's `version` and a
fingerprint of the step's own saved content (`base`). A save is refused as a conflict only
when the version moved on AND this step's content is no longer what the form was built
from: another tab saving a different step does not block, while two tabs saving the same
step do. The save itself bumps the version with a conditional UPDATE, so two saves racing
between the check and the commit cannot both win, and no save lands after submit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from content.body import AREA_KEYS
from content.questions import CARRIED_DAILY
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import (
    PACKET_STEPS,
    BodyCheck,
    ClinicQuestion,
    ClinicTopic,
    HistoryItem,
    Packet,
    PacketQuestion,
    SafetyAnswer,
    SymptomEntry,
    utcnow,
)
from services import audit, diary, safety_calls
from services.flags import highest_level, packet_flags
from services.i18n import bank_wording

#: How many rows each list may hold; the forms say so when one is full.
LIMITS = {
    "questions": 60,
    "history": 100,
    "medications": 100,
    "treatments": 100,
    "log": 500,
}


#: The largest id an INTEGER column holds.
MAX_ID = 2**31 - 1


class Conflict(Exception):
    """The step was saved somewhere else since this form was shown."""


class ReadOnly(Exception):
    """The packet was sent: it cannot change any more."""


class ListFull(Exception):
    """A list is at its limit."""


# Fingerprints -------------------------------------------------------------------------


def _rows(rows: Iterable[Any], *names: str) -> list[list[Any]]:
    return [[getattr(row, name) for name in ("id", *names)] for row in rows]


def step_content(packet: Packet, step: str) -> Any:
    """The saved content of one step, as plain data (for fingerprints)."""
    if step == "visit":
        return [packet.patient_name, packet.date_of_birth, packet.visit_date, packet.doctor,
                packet.reason, packet.hopes, sorted(packet.reason_prompts or []),
                packet.contact_phone]
    if step == "questions":
        return _rows(packet.questions, "text", "position", "top_rank", "clinic_question_id")
    if step == "history":
        return [packet.family_fibromyalgia, packet.history_note,
                _rows(packet.history_items, "kind", "name", "when_text", "detail")]
    if step == "medications":
        return _rows(packet.medications, "name", "dose")
    if step == "treatments":
        return _rows(packet.treatments, "kind", "effect")
    if step == "log":
        return _rows(diary.entries(packet), "recorded_at", "pain")
    if step == "check":
        check = packet.body_check
        if check is None:
            return None
        return [sorted(check.areas or []), check.fatigue, check.unrefreshed, check.cognitive,
                check.headaches, check.lower_abdomen, check.depression, check.three_months]
    if step == "safety":
        return sorted([a.question_key, a.answer] for a in packet.safety_answers)
    if step == "review":
        return packet.closing_words
    raise ValueError(f"unknown step {step!r}")


def item_content(row: Any) -> Any:
    """The saved content of one list row (medication, treatment, entry, ...)."""
    columns = [c.key for c in row.__table__.columns if c.key not in {"created_at", "updated_at"}]
    return [getattr(row, name) for name in columns]


def fingerprint(content: Any) -> str:
    raw = json.dumps(content, default=str, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def is_conflict(packet: Packet, form_version: Any, form_base: Any, current: Any) -> bool:
    """True when the form is stale for the thing it edits (see the module docstring)."""
    try:
        version = int(form_version)
    except (TypeError, ValueError):
        version = None
    if version == packet.version:
        return False
    return form_base != fingerprint(current)


# Saving -------------------------------------------------------------------------------


def bump_version(packet: Packet) -> int:
    """Claim the next version of a draft packet, or raise (the caller commits).

    The UPDATE only matches the version we loaded and a draft: a save racing another
    save, or racing submit, loses here instead of overwriting.
    """
    result = db.session.execute(
        update(Packet)
        .where(Packet.id == packet.id, Packet.version == packet.version,
               Packet.status == "draft")
        .values(version=Packet.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(packet)
        if packet.status != "draft":
            raise ReadOnly
        raise Conflict
    set_committed_value(packet, "version", packet.version + 1)
    return packet.version


def mark_saved(packet: Packet, step: str) -> None:
    if step not in PACKET_STEPS:
        raise ValueError(step)
    if step not in (packet.steps_saved or []):
        packet.steps_saved = [*(packet.steps_saved or []), step]


def commit_step(packet: Packet, step: str | None = None, *, flags: bool = False) -> None:
    """Finish a save: flags when asked, mark the step saved, bump the version, commit.

    With `flags` (the safety check, the symptom log) every emergency or urgent sign
    without a safety call gets one, in this same transaction: the answer and its call
    are stored together or not at all.
    """
    if step is not None:
        mark_saved(packet, step)
    bump_version(packet)
    if flags:
        safety_calls.open_calls_for(packet)  # and the flag level with them
    db.session.commit()


def check_room(packet: Packet, kind: str) -> None:
    count = {
        "questions": len(packet.questions),
        "history": len(packet.history_items),
        "medications": len(packet.medications),
        "treatments": len(packet.treatments),
        "log": len(diary.entries(packet)),
    }[kind]
    if count >= LIMITS[kind]:
        raise ListFull(kind)


def child(packet: Packet, model: type, item_id: int) -> Any | None:
    """A list row of this packet only: ids from other packets are simply not found."""
    if not 0 < item_id <= MAX_ID:
        return None  # beyond any id PostgreSQL can hold: a 404, not a database error
    return db.session.scalar(db.select(model).filter_by(id=item_id, packet_id=packet.id))


def next_position(rows: Iterable[Any]) -> int:
    return max((row.position for row in rows), default=-1) + 1


# Questions ----------------------------------------------------------------------------


def clinic_bank(clinic_id: int) -> list[tuple[ClinicTopic, list[ClinicQuestion]]]:
    """The clinic's own bank as patients see it: visible topics and questions, in order."""
    topics = db.session.scalars(
        db.select(ClinicTopic).filter_by(clinic_id=clinic_id, hidden=False)
        .order_by(ClinicTopic.position, ClinicTopic.id)
    ).all()
    questions = db.session.scalars(
        db.select(ClinicQuestion).filter_by(clinic_id=clinic_id, hidden=False)
        .order_by(ClinicQuestion.position, ClinicQuestion.id)
    ).all()
    by_topic: dict[int, list[ClinicQuestion]] = {}
    for question in questions:
        by_topic.setdefault(question.topic_id, []).append(question)
    return [(topic, by_topic[topic.id]) for topic in topics if topic.id in by_topic]


def sync_chosen(packet: Packet, bank: dict[int, ClinicQuestion], ticked: set[int],
                suggestions: dict[str, str], ticked_suggestions: set[str]) -> None:
    """Make the packet's bank and suggested questions match what is ticked.

    Raises ListFull before changing anything, so there is nothing to roll back."""
    have = {q.clinic_question_id: q for q in packet.questions if q.source == "bank"}
    unticked = [q for qid, q in have.items() if qid in bank and qid not in ticked]
    new = [bank[qid] for qid in sorted(ticked, key=lambda i: (bank[i].position, i))
           if qid not in have]
    wanted_suggestions = [suggestions[key] for key in suggestions if key in ticked_suggestions]
    if (len(packet.questions) - len(unticked) + len(new) + len(wanted_suggestions)
            > LIMITS["questions"]):
        raise ListFull("questions")
    for question in unticked:
        packet.questions.remove(question)
    have_texts = {q.text for q in packet.questions}
    position = next_position(packet.questions)
    for question in new:
        packet.questions.append(PacketQuestion(
            clinic_question_id=question.id, source="bank",
            topic=bank_wording(question.topic, "title"), text=bank_wording(question, "text"),
            position=position,
        ))
        position += 1
    for text in wanted_suggestions:
        if text not in have_texts:
            packet.questions.append(PacketQuestion(source="suggested", text=text,
                                                   position=position))
            position += 1


def set_ranks(packet: Packet, ranks: dict[int, int | None]) -> None:
    """Give up to three questions a "most important" rank (1-3, each used once)."""
    for question in packet.questions:
        question.top_rank = None
    db.session.flush()  # the unique (packet, rank) constraint needs the old ranks gone first
    for question in packet.questions:
        question.top_rank = ranks.get(question.id)


def move_question(packet: Packet, question_id: int, direction: str) -> bool:
    ordered = sorted(packet.questions, key=lambda q: (q.position, q.id))
    index = next((i for i, q in enumerate(ordered) if q.id == question_id), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, question in enumerate(ordered):
        question.position = position
    return True


# History ------------------------------------------------------------------------------


def sync_conditions(packet: Packet, vocab_keys: Iterable[str], ticked: Iterable[str]) -> None:
    """Ticked conditions from the list become history rows; unticked ones go."""
    vocab_keys, ticked = set(vocab_keys), set(ticked)
    have = {h.name: h for h in packet.history_items if h.kind == "condition"}
    for name, item in have.items():
        if name in vocab_keys and name not in ticked:
            packet.history_items.remove(item)
    position = next_position(packet.history_items)
    for key in sorted(ticked - set(have)):
        packet.history_items.append(HistoryItem(kind="condition", name=key, position=position))
        position += 1


# Body check, safety -------------------------------------------------------------------


def body_check(packet: Packet) -> BodyCheck:
    if packet.body_check is None:
        packet.body_check = BodyCheck()
    return packet.body_check


#: The body check asks about the past week: today and the days before it, in the log's
#: (the clinic's) wall-clock time.
CHECK_WEEK_DAYS = 7


def check_areas_from_log(packet: Packet, now: datetime) -> list[str]:
    """The places the patient logged in the past week, for the body check to start from
    (in content.body.AREAS order); none once the check was saved, whose answer then wins.

    Only the week the check asks about: an older entry's pain is outside the question.
    A log entry and the check name places by the same keys (content.body.AREAS, the 19
    Widespread Pain Index areas), so each logged place is the same place in the check;
    a key no area has (from an older vocabulary) is left out.
    """
    if packet.body_check is not None:
        return []
    since = datetime.combine(now.date() - timedelta(days=CHECK_WEEK_DAYS - 1), time.min)
    until = datetime.combine(now.date() + timedelta(days=1), time.min)
    logged = {area for entry in diary.entries(packet) if since <= entry.recorded_at < until
              for area in entry.areas or []}
    return [key for key in AREA_KEYS if key in logged]


def save_safety(packet: Packet, answers: dict[str, bool]) -> None:
    """Store the answers given (partial answers too: an emergency "yes" must never be lost)."""
    have = {a.question_key: a for a in packet.safety_answers}
    for key, value in answers.items():
        if key in have:
            have[key].answer = value
        else:
            packet.safety_answers.append(SafetyAnswer(question_key=key, answer=value))


def help_level(packet: Packet) -> int:
    """The level of the message the patient is shown (FLAG_*): their highest flag now."""
    return highest_level(packet_flags(packet))


def save_contact_phone(packet: Packet, phone: str) -> None:
    """Keep the number the clinic can call today, as typed, and commit.

    Allowed after the packet was sent too: the clinic may need to call about an answer
    in it, and the number is not one of the answers.
    """
    packet.contact_phone = phone
    if packet.is_editable:
        bump_version(packet)
    db.session.commit()


# Symptom log --------------------------------------------------------------------------

#: The answers a new log entry copies from the last one.
CARRIED_OVER = ("pain", "fatigue", "areas", "where_text", "qualities", "worse_with",
                "helped_with", "sleep_hours", "rested", "stiffness_minutes", "numbness",
                "spasms", "headache", "digestive", "mood")


def carried_daily(entry: SymptomEntry, before: dict[str, Any]) -> list[str]:
    """The once-a-day answers of `entry` equal to `before` (what the form started from)."""
    return [name for name in CARRIED_DAILY
            if getattr(entry, name) is not None and getattr(entry, name) == before.get(name)]


def last_entry(packet: Packet) -> SymptomEntry | None:
    """The newest entry of the packet's part of the diary."""
    return max(diary.entries(packet), key=lambda e: (e.recorded_at, e.id), default=None)


def new_entry_defaults(packet: Packet, now: datetime) -> dict[str, Any]:
    last = last_entry(packet)
    data: dict[str, Any] = {"recorded_at": now.replace(second=0, microsecond=0)}
    if last is not None:
        data.update({name: getattr(last, name) for name in CARRIED_OVER})
    return data


# Submit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    step: str
    anchor: str
    message: str


def missing_for_submit(packet: Packet, messages: dict[str, Any]) -> list[Missing]:
    """What must be filled in before the packet can be sent (messages are the words shown)."""
    missing = []
    if not (packet.reason or "").strip():
        missing.append(Missing("visit", "reason", messages["reason"]))
    if packet.date_of_birth is None:
        missing.append(Missing("visit", "date_of_birth", messages["dob"]))
    answered = {a.question_key for a in packet.safety_answers}
    if any(q.key not in answered for q in SAFETY_QUESTIONS):
        missing.append(Missing("safety", "main", messages["safety"]))
    return missing


def submit(packet: Packet, ip: str | None = None) -> bool:
    """Send the packet, once: True for the request that sent it, False if already sent.

    One conditional UPDATE decides, so any number of double clicks and retries, on
    SQLite or PostgreSQL, give exactly one submission.
    """
    now = utcnow()
    result = db.session.execute(
        update(Packet)
        .where(Packet.id == packet.id, Packet.status == "draft")
        .values(status="submitted", submitted_at=now, updated_at=now,
                version=Packet.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(packet)
        return False
    audit.record("patient.submit", actor_type="patient", actor_label="patient",
                 clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id, ip=ip)
    db.session.commit()
    db.session.refresh(packet)
    return True
