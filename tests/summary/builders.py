"""Packets with every part filled in, small or long, for the summary tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from content.body import AREA_KEYS
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from content.vocab import RELIEFS, TREATMENTS, TRIGGERS
from extensions import db
from models import (
    BodyCheck,
    HistoryItem,
    Medication,
    PacketQuestion,
    SafetyAnswer,
    StaffNote,
    SymptomEntry,
    TreatmentTried,
)
from tests.factories import make_appointment, make_packet

LOG_START = date(2026, 8, 1)
SUBMITTED_AT = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


def add_entries(packet, days: int, per_day: int, start: date = LOG_START) -> None:
    """A deterministic log: pain cycles 2..9, fatigue follows, areas rotate."""
    triggers = [k for k, _ in TRIGGERS]
    reliefs = [k for k, _ in RELIEFS]
    n = 0
    for day in range(days):
        for slot in range(per_day):
            pain = 2 + (day + slot) % 8
            packet.symptom_entries.append(
                SymptomEntry(
                    recorded_at=datetime.combine(start + timedelta(days=day), time(8 + slot * 6)),
                    pain=pain,
                    fatigue=min(10, pain + 1),
                    areas=[AREA_KEYS[n % 19], AREA_KEYS[(n + 5) % 19], "lower_back"],
                    qualities=["deep_ache"],
                    worse_with=[triggers[n % 4]],
                    helped_with=[reliefs[n % 3]],
                    sleep_hours=5.5 + (day % 3),
                    rested=day % 2 == 0,
                    stiffness_minutes=30 + (day % 4) * 15,
                    headache=day % 5 == 0,
                    mood="okay",
                    note=f"Entry {n}",
                )
            )
            n += 1


def make_full_packet(
    clinic,
    *,
    days: int = 14,
    per_day: int = 1,
    questions: int = 6,
    medications: int = 2,
    treatments: int = 3,
    status: str = "submitted",
    safety_yes: tuple[str, ...] = ("fever", "walking"),
    patient_name: str = "Jordan Avery",
    **fields,
):
    """A packet of `clinic` with all its steps answered."""
    appointment = make_appointment(
        clinic, patient_name=patient_name, date_of_birth=date(1972, 3, 14), doctor="Dr. Lee"
    )
    fields.setdefault("reason", "My lower back has hurt for months.")
    fields.setdefault("hopes", "A plan for better sleep.")
    fields.setdefault("closing_words", "I forget things when I am nervous.")
    packet = make_packet(
        clinic,
        appointment,
        status=status,
        visit_date=appointment.scheduled_for.date(),
        doctor="Dr. Lee",
        reason_prompts=["pain_worse", "poor_sleep"],
        family_fibromyalgia="yes",
        submitted_at=SUBMITTED_AT if status != "draft" else None,
        **fields,
    )
    for i in range(questions):
        packet.questions.append(
            PacketQuestion(
                source="own" if i % 2 else "bank",
                topic="Tests and scans" if i % 2 else "Treatment options",
                text=f"Question number {i + 1}: what should I ask about item {i + 1}?",
                position=i,
                top_rank=i + 1 if i < 3 else None,
            )
        )
    packet.history_items += [
        HistoryItem(kind="condition", name="lupus", when_text="2019", position=0),
        HistoryItem(kind="test", name="mri", when_text="last spring", detail="Normal", position=1),
        HistoryItem(kind="allergy", name="Penicillin", position=2),
    ]
    for i in range(medications):
        packet.medications.append(
            Medication(
                name=f"Medicine{i + 1}",
                drug_class="snri" if i == 0 else "nsaid",
                dose=f"{(i + 1) * 10} mg",
                frequency="once_day",
                purpose="Pain",
                since_text="2 years",
                side_effects="Dry mouth" if i == 0 else "",
                position=i,
            )
        )
    kinds = [k for k, _ in TREATMENTS]
    for i in range(treatments):
        packet.treatments.append(
            TreatmentTried(
                kind=kinds[i % len(kinds)],
                when_text="2024",
                effect=("helped", "no_change", "worse")[i % 3],
                why_stopped="Too far to drive" if i % 2 else "",
                still_doing=i % 2 == 0,
                position=i,
            )
        )
    add_entries(packet, days, per_day)
    packet.body_check = BodyCheck(
        areas=["neck", "upper_back", "lower_back", "shoulder_left", "shoulder_right",
               "hip_left", "hip_right", "jaw_left"],
        fatigue=2,
        unrefreshed=2,
        cognitive=1,
        headaches=True,
        lower_abdomen=False,
        depression=False,
        three_months="yes",
    )
    packet.safety_answers += [
        SafetyAnswer(question_key=q.key, answer=q.key in safety_yes) for q in SAFETY_QUESTIONS
    ]
    db.session.commit()
    return packet


def add_note(packet, author, body: str) -> StaffNote:
    note = StaffNote(packet=packet, author=author, body=body)
    db.session.add(note)
    db.session.commit()
    return note
