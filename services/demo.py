"""The demo clinic: realistic sample packets in every status, for trying VisitPrep.

`seed_demo()` is safe to run again: the clinic and its packets are made once;
the two demo accounts get fresh passwords and the demo invitation a fresh link
each time, because neither can be shown again once made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import (
    Appointment,
    BodyCheck,
    Clinic,
    ClinicQuestion,
    HistoryItem,
    Medication,
    Packet,
    PacketQuestion,
    Patient,
    SafetyAnswer,
    StaffUser,
    SymptomEntry,
    TreatmentTried,
    utcnow,
)
from services.clinics import create_clinic, normalise_email
from services.passwords import hash_password, one_time_password
from services.safety_calls import open_calls_for
from services.tokens import create_invitation

DEMO_SLUG = "demo"
DEMO_ACCOUNTS = (
    ("reception@demo.example.com", "reception", "Riley Reception"),
    ("admin@demo.example.com", "admin", "Alex Admin"),
)
#: The demo invitation: the patient's date of birth is printed with the link.
INVITED_NAME = "Robert Nguyen"
INVITED_DOB = date(1979, 4, 12)


@dataclass
class DemoResult:
    clinic: Clinic
    created: bool
    accounts: list[tuple[str, str, str]]
    invitation_token: str
    invitation_dob: date


def seed_demo(link_lifetime_days: int = 120, today: date | None = None) -> DemoResult:
    today = today or date.today()
    clinic = db.session.scalar(db.select(Clinic).filter_by(slug=DEMO_SLUG))
    created = clinic is None
    if clinic is None:
        clinic = create_clinic(
            DEMO_SLUG,
            "Riverside Spine & Pain Clinic (demo)",
            phone="555-0100",
            open_start=True,
            require_totp=False,
        )
        _seed_packets(clinic, today)

    accounts = []
    for email, role, name in DEMO_ACCOUNTS:
        email = normalise_email(email)
        password = one_time_password()
        user = db.session.scalar(db.select(StaffUser).filter_by(email=email))
        if user is None:
            user = StaffUser(clinic=clinic, email=email, role=role, name=name, password_hash="")
            db.session.add(user)
        user.password_hash = hash_password(password)
        user.must_change_password = False
        user.is_active = True
        accounts.append((email, role, password))

    invited = db.session.scalar(
        db.select(Appointment).filter_by(clinic_id=clinic.id, patient_name=INVITED_NAME)
    )
    if invited is None:
        invited = Appointment(
            clinic=clinic,
            patient=Patient(clinic=clinic, name=INVITED_NAME, date_of_birth=INVITED_DOB),
            patient_name=INVITED_NAME,
            date_of_birth=INVITED_DOB,
            scheduled_for=datetime.combine(today + timedelta(days=6), time(10, 30)),
            doctor="Dr. Priya Shah",
        )
        db.session.add(invited)
        db.session.flush()
    _, token = create_invitation(invited, link_lifetime_days)
    db.session.commit()
    return DemoResult(clinic, created, accounts, token, INVITED_DOB)


# The sample patients: name, date of birth, days until the visit, doctor, status.
_PATIENTS = (
    ("Maria Lopez", date(1968, 3, 2), 1, "Dr. Priya Shah", "submitted", "emergency"),
    ("James Carter", date(1975, 11, 20), 2, "Dr. Samuel Okafor", "submitted", "urgent"),
    ("Aisha Khan", date(1988, 7, 9), 3, "Dr. Priya Shah", "submitted", "tell"),
    ("Helen Brooks", date(1959, 1, 30), 4, "Dr. Samuel Okafor", "submitted", "none"),
    ("Tom Becker", date(1971, 5, 17), 2, "Dr. Priya Shah", "reviewed", "none"),
    ("Dana Whitfield", date(1992, 9, 4), 8, "Dr. Samuel Okafor", "draft", "none"),
)

_SAFETY_YES = {
    "emergency": {"bladder", "morning_stiffness"},
    "urgent": {"fever"},
    "tell": {"walking", "selfcare_failed"},
    "none": set(),
}


def _seed_packets(clinic: Clinic, today: date) -> None:
    rng = random.Random(2016)
    bank = {
        q.builtin_key: q
        for q in db.session.scalars(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id))
    }
    now = utcnow()
    for name, dob, days_ahead, doctor, status, flag in _PATIENTS:
        visit = datetime.combine(today + timedelta(days=days_ahead), time(9 + days_ahead, 0))
        patient = Patient(clinic=clinic, name=name, date_of_birth=dob)
        appointment = Appointment(
            clinic=clinic,
            patient=patient,
            patient_name=name,
            date_of_birth=dob,
            scheduled_for=visit,
            doctor=doctor,
        )
        packet = Packet(
            clinic=clinic,
            patient=patient,
            appointment=appointment,
            status=status,
            patient_name=name,
            date_of_birth=dob,
            visit_date=visit.date(),
            doctor=doctor,
            reason="My lower back and shoulders have hurt most days for months, "
            "and it is getting harder to work a full day.",
            hopes="A plan for the pain and better sleep.",
            reason_prompts=["pain_worse", "affects_work", "poor_sleep"],
            family_fibromyalgia="unsure",
            closing_words="I get flustered in appointments, so I wrote everything here.",
            # A number to call today for most, none for one (reception sees both cases).
            contact_phone="" if flag == "urgent" else f"(555) 010-{1000 + days_ahead * 111}",
        )
        db.session.add_all([appointment, packet])
        for position, key in enumerate(
            ("treatment_options", "tests_blood", "followup_worse", "exam_what_happens",
             "costs_covered")
        ):
            if key in bank:
                question = bank[key]
                packet.questions.append(
                    PacketQuestion(
                        clinic_question_id=question.id,
                        source="bank",
                        topic=question.topic.title,
                        text=question.text,
                        position=position,
                        top_rank=position + 1 if position < 3 else None,
                    )
                )
        packet.questions.append(
            PacketQuestion(
                source="own",
                text="Could my sleep problems be making the pain worse?",
                position=len(packet.questions),
            )
        )
        packet.history_items += [
            HistoryItem(kind="condition", name="depression", when_text="since 2015", position=0),
            HistoryItem(
                kind="test", name="mri", when_text="last spring", detail="Told it was normal",
                position=1,
            ),
            HistoryItem(kind="allergy", name="Penicillin (rash)", position=2),
        ]
        packet.medications += [
            Medication(
                name="Duloxetine", drug_class="snri", dose="60 mg", frequency="once_day",
                purpose="Pain and mood", since_text="2 years", side_effects="Dry mouth",
                position=0,
            ),
            Medication(
                name="Ibuprofen", drug_class="nsaid", dose="400 mg", frequency="as_needed",
                purpose="Bad days", since_text="years", position=1,
            ),
        ]
        packet.treatments += [
            TreatmentTried(kind="physical_therapy", when_text="2024", effect="helped",
                           why_stopped="Insurance ran out", position=0),
            TreatmentTried(kind="yoga", when_text="now", effect="no_change", still_doing=True,
                           position=1),
            TreatmentTried(kind="heat", when_text="most evenings", effect="helped",
                           still_doing=True, position=2),
        ]
        if status != "draft" or flag != "none":
            start = today - timedelta(days=14)
            pain = 5
            for day in range(14):
                pain = max(2, min(9, pain + rng.choice((-1, 0, 0, 1))))
                packet.symptom_entries.append(
                    SymptomEntry(
                        recorded_at=datetime.combine(start + timedelta(days=day), time(20, 0)),
                        pain=pain,
                        fatigue=max(1, min(10, pain + rng.choice((-1, 0, 1, 2)))),
                        areas=["lower_back", "shoulder_left", "shoulder_right", "neck"]
                        + (["hip_left"] if day % 3 == 0 else []),
                        qualities=["deep_ache"] + (["burning"] if pain >= 7 else []),
                        worse_with=["sitting", "stress"] if day % 2 else ["cold_weather"],
                        helped_with=["heat", "rest"],
                        sleep_hours=round(rng.uniform(4.5, 7.5) * 2) / 2,
                        rested=rng.random() < 0.3,
                        stiffness_minutes=rng.choice((30, 45, 60, 90)),
                        numbness=flag == "urgent" and day % 5 == 0,
                        headache=day % 4 == 0,
                        mood=rng.choice(("okay", "low", "okay")),
                    )
                )
        if status != "draft":
            packet.body_check = BodyCheck(
                areas=["neck", "upper_back", "lower_back", "shoulder_left", "shoulder_right",
                       "upper_arm_left", "hip_left", "hip_right", "upper_leg_right", "jaw_left"],
                fatigue=2,
                unrefreshed=3,
                cognitive=1,
                headaches=True,
                lower_abdomen=False,
                depression=True,
                three_months="yes",
            )
            yes = _SAFETY_YES[flag]
            packet.safety_answers += [
                SafetyAnswer(question_key=q.key, answer=q.key in yes) for q in SAFETY_QUESTIONS
            ]
            packet.steps_saved = ["visit", "questions", "history", "medications",
                                  "treatments", "log", "check", "safety"]
            packet.submitted_at = now - timedelta(hours=days_ahead * 5)
        else:
            packet.steps_saved = ["visit", "questions", "history"]
        if status == "reviewed":
            packet.reviewed_at = now - timedelta(hours=2)
        db.session.add(packet)
        open_calls_for(packet, now=now - timedelta(minutes=40 * (days_ahead + 1)))

