"""Red flags from the safety check and the symptom log, in three levels.

The packet keeps its highest level in `Packet.flag_level` so the queue can sort
on an index; call `refresh_flag_level` after saving the safety check or the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from content.safety import QUESTION_BY_KEY
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


def safety_flags(answers: Iterable[SafetyAnswer]) -> list[Flag]:
    flags = []
    for answer in answers:
        question = QUESTION_BY_KEY.get(answer.question_key)
        if question is None or not answer.answer:
            continue
        flags.append(
            Flag(
                question.level,
                f"safety:{question.key}",
                question.staff_label,
                _l('Safety check: answered "yes" to "%(question)s"', question=question.text),
            )
        )
    return flags


def log_flags(entries: Iterable[SymptomEntry]) -> list[Flag]:
    numb = stiff = spasm = 0
    for entry in entries:
        numb += bool(entry.numbness)
        spasm += bool(entry.spasms)
        stiff += (entry.stiffness_minutes or 0) >= LONG_STIFFNESS_MINUTES
    flags = []
    if numb:
        flags.append(
            Flag(
                FLAG_URGENT,
                "log:numbness",
                _l("Numbness or tingling logged"),
                _l("Symptom log: numbness or tingling in %(n)d entries", n=numb),
            )
        )
    if stiff:
        flags.append(
            Flag(
                FLAG_TELL_DOCTOR,
                "log:stiffness",
                _l("Morning stiffness lasting hours"),
                _l(
                    "Symptom log: morning stiffness of 2 hours or more in %(n)d entries",
                    n=stiff,
                ),
            )
        )
    if spasm:
        flags.append(
            Flag(
                FLAG_TELL_DOCTOR,
                "log:spasms",
                _l("Muscle spasms logged"),
                _l("Symptom log: spasms in %(n)d entries", n=spasm),
            )
        )
    return flags


def packet_flags(packet: Packet) -> list[Flag]:
    """Every flag of a packet, highest level first."""
    flags = safety_flags(packet.safety_answers) + log_flags(packet.symptom_entries)
    return sorted(flags, key=lambda f: -f.level)


def highest_level(flags: Iterable[Flag]) -> int:
    return max((f.level for f in flags), default=FLAG_NONE)


def refresh_flag_level(packet: Packet) -> int:
    """Recompute and store the packet's highest level (the caller commits)."""
    packet.flag_level = highest_level(packet_flags(packet))
    return packet.flag_level
