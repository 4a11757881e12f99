"""Red flags from the safety check and the symptom log, in three levels.

The packet keeps its highest level in `Packet.flag_level` so the queue can sort
on an index; `services.safety_calls.open_calls_for` keeps it after every save that may change it.

A warning sign can be raised by the safety check and by the log alike (morning
stiffness, numbness, spasms, skin sore to touch): `packet_flags` lists it once, under
one `key`, with the evidence of both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from content.safety import QUESTION_BY_KEY, QUESTIONS, RETIRED
from models import FLAG_NONE, FLAG_TELL_DOCTOR, FLAG_URGENT, Packet, SafetyAnswer, SymptomEntry

#: Morning stiffness in the log at or above this many minutes is worth telling the doctor.
LONG_STIFFNESS_MINUTES = 120


@dataclass(frozen=True)
class Flag:
    level: int
    #: safety:<question key> or log:<what>
    source: str
    label: object
    #: The answer that raised it, in words staff can check.
    evidence: object
    #: One warning sign, whichever way it was raised: the safety question's key (log
    #: flags that repeat a question use that question's key). Safety calls follow it.
    key: str = ""


def safety_flags(answers: Iterable[SafetyAnswer]) -> list[Flag]:
    """A flag per "yes", in the safety check's own order (the database's order is arbitrary)."""
    said_yes = {a.question_key for a in answers if a.answer}
    flags = []
    for question in (*QUESTIONS, *RETIRED):
        if question.key not in said_yes or question.level == FLAG_NONE:
            continue
        level, label = question.level, question.staff_label
        evidence = _l('Safety check: "yes" to "%(question)s"', question=question.text)
        if question.with_key:
            other = QUESTION_BY_KEY[question.with_key]
            if question.with_key in said_yes:
                evidence = _l('Safety check: "yes" to "%(question)s" and to "%(other)s"',
                              question=question.text, other=other.text)
            else:
                level, label = FLAG_TELL_DOCTOR, question.alone_label
        flags.append(Flag(level, f"safety:{question.key}", label, evidence, question.key))
    return flags


def safety_facts(answers: Iterable[SafetyAnswer]) -> list[object]:
    """The "yes" answers that raise no warning sign and that no warning sign quotes.

    "This back pain started in the last 6 weeks" is quoted in the evidence of the signs it
    goes with (cancer, steroids, thin bones); said alone, it is still the patient's answer,
    and the doctor reads it here (the summary lists these after the red flags).
    """
    said_yes = {a.question_key for a in answers if a.answer}
    quoted = {q.with_key for q in QUESTIONS if q.with_key and q.key in said_yes}
    return [q.staff_label for q in QUESTIONS
            if q.level == FLAG_NONE and q.key in said_yes and q.key not in quoted]


#: Log flags that are the same warning sign as a safety question (listed once).
LOG_SAME_AS_QUESTION = {
    "log:numbness": "new_numbness",
    "log:stiffness": "morning_stiffness",
    "log:spasms": "spasms",
    "log:tender": "touch",
}


def entry_flagged(entry: SymptomEntry) -> bool:
    """Whether this one entry raises any of log_flags' warning signs."""
    qualities = set(entry.qualities or [])
    return bool(entry.numbness or entry.spasms or "tingling" in qualities
                or "tender_to_touch" in qualities
                or (entry.stiffness_minutes or 0) >= LONG_STIFFNESS_MINUTES)


def log_flags(entries: Iterable[SymptomEntry]) -> list[Flag]:
    numb = stiff = spasm = tender = 0
    for entry in entries:
        qualities = set(entry.qualities or [])
        # "Tingling or pins and needles" picked as what the pain feels like is the same
        # warning sign as the numbness box: both mean new numbness or tingling.
        numb += bool(entry.numbness) or "tingling" in qualities
        spasm += bool(entry.spasms)
        stiff += (entry.stiffness_minutes or 0) >= LONG_STIFFNESS_MINUTES
        tender += "tender_to_touch" in qualities
    flags = []
    if numb:
        flags.append(
            Flag(
                FLAG_URGENT,
                "log:numbness",
                _l("Numbness or tingling logged"),
                lazy_ngettext("Symptom log: numbness or tingling in %(num)d entry",
                              "Symptom log: numbness or tingling in %(num)d entries", numb),
            )
        )
    if stiff:
        flags.append(
            Flag(
                FLAG_TELL_DOCTOR,
                "log:stiffness",
                _l("Morning stiffness lasting hours"),
                lazy_ngettext(
                    "Symptom log: morning stiffness of 2 hours or more in %(num)d entry",
                    "Symptom log: morning stiffness of 2 hours or more in %(num)d entries",
                    stiff,
                ),
            )
        )
    if spasm:
        flags.append(
            Flag(
                FLAG_TELL_DOCTOR,
                "log:spasms",
                _l("Muscle spasms logged"),
                lazy_ngettext("Symptom log: spasms in %(num)d entry",
                              "Symptom log: spasms in %(num)d entries", spasm),
            )
        )
    if tender:
        flags.append(
            Flag(
                FLAG_TELL_DOCTOR,
                "log:tender",
                _l("Skin tender to light touch"),
                lazy_ngettext('Symptom log: "sore to a light touch" in %(num)d entry',
                              'Symptom log: "sore to a light touch" in %(num)d entries', tender),
            )
        )
    return flags


def packet_flags(packet: Packet, entries: Iterable[SymptomEntry] | None = None) -> list[Flag]:
    """Every warning sign of a packet once, highest level first (safety check before log).

    The log's signs are those of `entries` when given: the packet's part of the patient's
    diary (services.diary.entries), as its summary shows them, entries typed from an
    earlier visit's link after that visit included. Without, those typed from this
    packet's own link: where its safety calls open and what its patient is told.

    A sign raised by both the check and the log keeps the higher level, the check's
    label, and both lines of evidence.
    """
    merged: dict[str, Flag] = {}
    logged = packet.symptom_entries if entries is None else entries
    for flag in safety_flags(packet.safety_answers) + log_flags(logged):
        key = flag.key or LOG_SAME_AS_QUESTION.get(flag.source, flag.source)
        first = merged.get(key)
        if first is None:
            merged[key] = replace(flag, key=key)
        else:
            merged[key] = replace(first, level=max(first.level, flag.level),
                                  evidence=_Joined(first.evidence, flag.evidence))
    return sorted(merged.values(), key=lambda f: -f.level)


class _Joined:
    """Two lines of evidence shown as one (each stays translatable until shown)."""

    def __init__(self, *parts: object) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.parts)


def highest_level(flags: Iterable[Flag]) -> int:
    return max((f.level for f in flags), default=FLAG_NONE)


def refresh_flag_level(packet: Packet, flags: Iterable[Flag] | None = None) -> int:
    """Store the packet's highest level, from its `flags` if already at hand (the caller
    commits)."""
    packet.flag_level = highest_level(packet_flags(packet) if flags is None else flags)
    return packet.flag_level
