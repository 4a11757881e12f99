"""Questions suggested from the patient's own answers (medicines, treatments, warning signs, log)."""

from __future__ import annotations

from content import vocab
from content.question_bank import SUGGESTIONS
from models import Packet

#: Enough to be useful without burying the bank.
MAX_SUGGESTIONS = 8


def suggestions_for(packet: Packet) -> dict[str, str]:
    """Suggested question texts by a stable key, leaving out those the packet already has."""
    out: dict[str, str] = {}

    def add(key: str, text: str) -> None:
        if key not in out and len(out) < MAX_SUGGESTIONS:
            out[key] = text

    if any(a.answer for a in packet.safety_answers):
        add("red_flag", str(SUGGESTIONS["red_flag"]))
    entries = packet.symptom_entries
    if any(e.numbness for e in entries):
        add("numbness", str(SUGGESTIONS["numbness"]))
    for med in packet.medications:
        name = " ".join(med.name.split())[:80]
        if name:
            add(f"medication:{name.casefold()}", str(SUGGESTIONS["medication"]) % {"name": name})
    for treatment in packet.treatments:
        name = treatment.name.strip()[:80] if treatment.kind == "other" else ""
        name = name or str(vocab.label(vocab.TREATMENTS, treatment.kind)).lower()
        if treatment.effect == "no_change":
            add(f"no_help:{treatment.kind}:{name.casefold()}",
                str(SUGGESTIONS["treatment_no_help"]) % {"name": name})
        elif treatment.effect == "worse":
            add(f"worse:{treatment.kind}:{name.casefold()}",
                str(SUGGESTIONS["treatment_worse"]) % {"name": name})
    rested = [e.rested for e in entries if e.rested is not None]
    hours = [e.sleep_hours for e in entries if e.sleep_hours is not None]
    if (rested and rested.count(False) * 2 > len(rested)) or (
        hours and sum(hours) / len(hours) < 6
    ):
        add("sleep", str(SUGGESTIONS["sleep"]))
    if any((e.stiffness_minutes or 0) >= 60 for e in entries):
        add("stiffness", str(SUGGESTIONS["stiffness"]))
    have = {q.text for q in packet.questions}
    return {key: text for key, text in out.items() if text not in have}
