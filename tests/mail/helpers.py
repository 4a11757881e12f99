"""Sentinels of health data put into packets in the mail tests, and the scan for them."""

from __future__ import annotations

import re
from datetime import date

from extensions import db
from models import HistoryItem, Medication, SafetyAnswer, StaffNote, SymptomEntry
from tests.factories import make_appointment, make_packet

DOB = date(1971, 3, 9)
#: Words that exist only in health fields of the test packets; none may reach a mail.
SENTINELS = {
    "reason": "SENTINELREASON", "hopes": "SENTINELHOPES", "name": "Sentinelname Patient",
    "doctor": "Dr. Sentineldoctor", "medication": "SENTINELMEDICINE",
    "history": "SENTINELCONDITION", "log": "SENTINELLOGNOTE", "note": "SENTINELSTAFFNOTE",
    "closing": "SENTINELCLOSING",
}
DOB_FORMS = (DOB.isoformat(), f"{DOB:%m/%d/%Y}", f"{DOB:%-d %b %Y}", f"{DOB:%B %-d, %Y}")


def fill_health_data(packet) -> None:
    """Give a packet a sentinel in every health field the mail could be tempted to show."""
    packet.reason, packet.hopes = SENTINELS["reason"], SENTINELS["hopes"]
    packet.closing_words = SENTINELS["closing"]
    packet.flag_level = 3
    with db.session.no_autoflush:
        packet.medications.append(Medication(name=SENTINELS["medication"]))
        packet.history_items.append(HistoryItem(kind="condition", name=SENTINELS["history"]))
        packet.symptom_entries.append(SymptomEntry(
            recorded_at=packet.created_at.replace(tzinfo=None), pain=7, note=SENTINELS["log"]))
        packet.safety_answers.append(SafetyAnswer(question_key="chest_pain", answer=True))
        packet.notes.append(StaffNote(body=SENTINELS["note"]))
    db.session.commit()


def health_packet(clinic, *, days_ahead: int = 7, email: str | None = None, **fields):
    """An invited patient's draft packet full of sentinels."""
    appointment = make_appointment(clinic, days_ahead=days_ahead, patient_name=SENTINELS["name"],
                                   doctor=SENTINELS["doctor"], date_of_birth=DOB,
                                   patient_email=email)
    packet = make_packet(clinic, appointment, visit_date=appointment.scheduled_for.date(),
                         doctor=SENTINELS["doctor"], **fields)
    fill_health_data(packet)
    return appointment, packet


def raw(message) -> str:
    return message.as_string()


def scan(messages) -> None:
    """No sentinel of health data, no date of birth, in any header or part of any mail."""
    assert messages, "nothing to scan"
    for message in messages:
        text = raw(message)
        for part in message.walk():
            if not part.is_multipart():
                text += "\n" + part.get_content()
        for word in SENTINELS.values():
            assert word.lower() not in text.lower(), word
        for form in DOB_FORMS:
            at = text.find(form)
            assert at < 0, (form, text[max(at - 80, 0):at + 40])
        for word in ("fibromyalgia", "emergency answer", "chest pain", "pain score"):
            assert word not in text.lower(), word


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


LINK = re.compile(r"http://prep\.clinic\.test(/v/[A-Za-z0-9_\-]+)")


def link_path(message) -> str:
    text, html = parts(message)
    found = LINK.search(text)
    assert found, text
    assert found.group(1) in html
    return found.group(1)
