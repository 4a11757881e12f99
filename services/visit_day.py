"""The visit itself: the patient's phone at the appointment, and what carries forward.

After sending, the patient's link offers a visit view: an opening card of three short
lines to read out (why I'm here, the biggest change, my first question) and the top
questions as a checklist with "what the doctor said" under each. Both are saved to the
packet (a sent packet keeps every answer; these are notes about the visit itself). The
next packet offers last time's questions with what the doctor said, the unanswered ones
ticked, to ask again in one tap.
"""

from __future__ import annotations

from dataclasses import dataclass

from extensions import db
from models import Packet, PacketQuestion, utcnow
from services import last_time, since

CARD_MAX, SAID_MAX = 300, 4000


def checklist(packet: Packet) -> list[PacketQuestion]:
    """The most important questions first, then the rest, in the patient's order."""
    ordered = sorted(packet.questions, key=lambda q: (q.position, q.id or 0))
    return sorted(ordered, key=lambda q: (q.top_rank is None, q.top_rank or 0))


def _first_line(text: str) -> str:
    line = (text or "").strip().split("\n")[0]
    for stop in (". ", "? ", "! "):
        if stop in line:
            line = line.split(stop)[0] + stop.strip()
            break
    return line[:CARD_MAX]


def card_defaults(packet: Packet) -> dict[str, str]:
    """The card as saved, or a first draft from the packet's own answers."""
    questions = checklist(packet)
    change = biggest_change(since.since_last_visit(packet))
    return {
        "card_why": packet.card_why or _first_line(packet.reason),
        "card_change": packet.card_change or change[:CARD_MAX],
        "card_question": packet.card_question or (questions[0].text[:CARD_MAX]
                                                  if questions else ""),
    }


def biggest_change(compared) -> str:
    """A first draft of "the biggest change", in the patient's own voice."""
    from flask_babel import gettext as _

    if compared is None:
        return ""
    for change, words in (("stopped", _("I stopped %(name)s.")),
                          ("started", _("I started %(name)s."))):
        names = [m.name for m in compared.medicines if m.change == change]
        if names:
            return words % {"name": ", ".join(names)}
    pain = compared.pain_avg
    if pain.now is not None and pain.then is not None and pain.now != pain.then:
        return _("My pain went from %(then)s to %(now)s out of 10 on average.",
                 then=pain.then, now=pain.now)
    new = [t.name for t in compared.treatments if t.change == "new"]
    if new:
        return _("I tried %(name)s.", name=", ".join(new))
    return ""


def save(packet: Packet, card: dict[str, str], notes: dict[int, tuple[bool, str]]) -> None:
    """Keep the card and the checklist (questions of this packet only)."""
    packet.card_why = (card.get("card_why") or "")[:CARD_MAX]
    packet.card_change = (card.get("card_change") or "")[:CARD_MAX]
    packet.card_question = (card.get("card_question") or "")[:CARD_MAX]
    for question in packet.questions:
        if question.id in notes:
            question.asked, said = notes[question.id]
            question.doctor_said = (said or "")[:SAID_MAX]
    packet.updated_at = utcnow()
    db.session.commit()


# Carrying questions forward -------------------------------------------------------------


@dataclass(frozen=True)
class AskedBefore:
    question: PacketQuestion
    #: Not asked, or asked with no answer noted: ticked to ask again.
    unanswered: bool


def asked_before(packet: Packet) -> list[AskedBefore]:
    """Last visit's questions not carried into this packet yet, for "ask again"."""
    if not packet.is_editable:
        return []
    previous = last_time.previous_packet(packet)
    if previous is None:
        return []
    carried = {q.carried_from_id for q in packet.questions}
    return [AskedBefore(q, not (q.asked and q.doctor_said.strip()))
            for q in checklist(previous) if q.id not in carried]


def carry(packet: Packet, before: list[AskedBefore], ids: set[int]) -> int:
    """Add the chosen questions of last time to this packet (the caller commits)."""
    position = max((q.position for q in packet.questions), default=-1) + 1
    added = 0
    for item in before:
        if item.question.id in ids:
            packet.questions.append(PacketQuestion(
                source="own", text=item.question.text, topic=item.question.topic,
                position=position, carried_from_id=item.question.id))
            position += 1
            added += 1
    return added
