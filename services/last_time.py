"""Start from last time: what a returning patient told us at their previous visit.

A new packet of a patient whose previous packet was sent offers that packet's conditions,
family history, allergies, tests, surgeries, medicines and treatments as "Is this still
right?". Nothing is copied until the patient answers a row: keep (copied as confirmed),
change (copied, marked changed, to edit in its step) or stopped (copied as stopped, with
when and why for a medicine). The copy remembers the row it came from, so a row is offered
once and the summary can say confirmed, changed, stopped or new.

Only the patient's own previous packet is read, and a self-started packet has a record of
its own until reception matches it, so nobody is shown another record's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from content.vocab import HISTORY_KINDS as HISTORY_KIND_TITLES
from content.vocab import label
from extensions import db
from models import HistoryItem, Medication, Packet, TreatmentTried
from services import diary

#: The kinds of rows offered, with their model and the packet's collection.
KINDS = {
    "history": (HistoryItem, "history_items"),
    "medication": (Medication, "medications"),
    "treatment": (TreatmentTried, "treatments"),
}
CHOICES = ("kept", "changed", "stopped")
#: Columns never copied: the row's identity and its place in the old packet.
_NOT_COPIED = {"id", "packet_id", "position", "carried_from_id", "review"}
_HISTORY_VOCAB = {"condition": "conditions", "test": "test_kinds"}


@dataclass(frozen=True)
class Offer:
    """A row from last time, waiting for the patient's answer."""

    kind: str
    row: Any
    #: Its field name prefix in the form, e.g. "medication_12".
    key: str
    title: str
    detail: str
    #: For history rows: condition, test, surgery_injury or allergy.
    group: str = ""


@dataclass
class LastTime:
    previous: Packet | None = None
    offers: list[Offer] = field(default_factory=list)
    #: Last time's family-history answer, while this packet has none.
    family: str | None = None

    @property
    def waiting(self) -> int:
        return len(self.offers) + (1 if self.family else 0)


def previous_packet(packet: Packet) -> Packet | None:
    """The patient's packet before this one, if it was sent (a draft told us nothing)."""
    part = diary.window(packet)
    if part.previous is None or part.previous.status == "draft":
        return None
    return db.session.scalars(
        select(Packet).where(Packet.id == part.previous.packet_id,
                             Packet.patient_id == packet.patient_id)
        .options(selectinload(Packet.history_items), selectinload(Packet.medications),
                 selectinload(Packet.treatments), selectinload(Packet.questions))
    ).one_or_none()


def _title(kind: str, row: Any) -> tuple[str, str]:
    if kind == "history":
        name = str(label(_HISTORY_VOCAB[row.kind], row.name)) if row.kind in _HISTORY_VOCAB \
            else row.name
        return name, " · ".join(p for p in (row.when_text, row.detail) if p)
    if kind == "medication":
        how = str(label("frequencies", row.frequency)) if row.frequency else ""
        return row.name, " · ".join(p for p in (row.dose, how, row.purpose) if p)
    name = row.name if (row.kind == "other" and row.name) else str(label("treatments", row.kind))
    effect = str(label("treatment_effects", row.effect)) if row.effect else ""
    return name, " · ".join(p for p in (row.when_text, effect) if p)


def offers(packet: Packet) -> LastTime:
    """What is still to confirm in this packet (a fixed number of queries)."""
    if not packet.is_editable:
        return LastTime()
    previous = previous_packet(packet)
    if previous is None:
        return LastTime()
    out = LastTime(previous=previous)
    for kind, (_model, collection) in KINDS.items():
        carried = {r.carried_from_id for r in getattr(packet, collection)}
        rows = sorted(getattr(previous, collection), key=lambda r: (r.position, r.id))
        for row in rows:
            if row.id in carried or row.review == "stopped":
                continue
            title, detail = _title(kind, row)
            out.offers.append(Offer(kind, row, f"{kind}_{row.id}", title, detail,
                                    getattr(row, "kind", "") if kind == "history" else ""))
    if previous.family_fibromyalgia and packet.family_fibromyalgia is None and (
            packet.family_review is None):
        out.family = previous.family_fibromyalgia
    return out


def history_groups(offers_: list[Offer]) -> list[tuple[str, list[Offer]]]:
    """History offers in the order the history step shows its kinds."""
    groups = []
    for kind, title in HISTORY_KIND_TITLES:
        rows = [o for o in offers_ if o.kind == "history" and o.group == kind]
        if rows:
            groups.append((str(title), rows))
    return groups


def _copy(packet: Packet, offer: Offer, review: str) -> Any:
    model, collection = KINDS[offer.kind]
    rows = getattr(packet, collection)
    values = {c.key: getattr(offer.row, c.key) for c in model.__table__.columns
              if c.key not in _NOT_COPIED}
    copy = model(**values, carried_from_id=offer.row.id, review=review,
                 position=max((r.position for r in rows), default=-1) + 1)
    rows.append(copy)
    return copy


@dataclass(frozen=True)
class Answer:
    choice: str
    stopped_when: str = ""
    stopped_why: str = ""


def apply(packet: Packet, found: LastTime, answers: dict[str, Answer],
          family: str | None = None) -> int:
    """Copy the answered rows into the packet (the caller commits); returns how many.

    Rows already carried are skipped, so a double submit copies nothing twice.
    """
    done = 0
    for offer in found.offers:
        answer = answers.get(offer.key)
        if answer is None or answer.choice not in CHOICES:
            continue
        copy = _copy(packet, offer, answer.choice)
        if answer.choice == "stopped":
            if offer.kind == "medication":
                copy.stopped_when = answer.stopped_when
                copy.stopped_why = answer.stopped_why
            elif offer.kind == "treatment":
                copy.still_doing = False
                copy.why_stopped = answer.stopped_why or copy.why_stopped
        done += 1
    if found.family and family in ("kept", "changed"):
        packet.family_review = family
        if family == "kept":
            packet.family_fibromyalgia = found.family
        done += 1
    return done


def keep_all(found: LastTime) -> tuple[dict[str, Answer], str | None]:
    """"All still right": every row kept, and the family answer too."""
    return {o.key: Answer("kept") for o in found.offers}, ("kept" if found.family else None)
