"""The whole preparation with the Flask client only: no JavaScript anywhere."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import AuditEvent, ClinicQuestion, Packet
from tests.patient.conftest import post_form

SAFE = {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS}


def fill_everything(client, clinic, *, self_started: bool) -> None:
    visit = {"reason": "My back hurts most days.", "hopes": "A plan.",
             "reason_prompts": ["pain_worse", "poor_sleep"], "nav": "next"}
    if self_started:
        visit.update({"patient_name": "Ana Ruiz", "date_of_birth": "1975-02-03",
                      "visit_date": (date.today() + timedelta(days=5)).isoformat(),
                      "doctor": "Dr. Lee"})
    r = post_form(client, "/p/visit", visit)
    assert r.status_code == 303 and r.headers["Location"].endswith("/p/questions")

    bank = db.session.scalars(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id)
                              .limit(3)).all()
    r = post_form(client, "/p/questions", {f"topic_{q.topic_id}": str(q.id) for q in bank[:1]})
    assert r.status_code == 303
    r = post_form(client, "/p/questions/mine", {"text": "Could sleep make the pain worse?",
                                                    "nav": "add"})
    assert r.status_code == 303

    r = post_form(client, "/p/history", {"conditions": ["depression"],
                                         "family_fibromyalgia": "unsure", "nav": "next"})
    assert r.status_code == 303
    r = post_form(client, "/p/history/add", {"kind": "test", "test_kind": "mri",
                                             "when_text": "last spring"})
    assert r.status_code == 303

    r = post_form(client, "/p/medications/add", {"name": "Duloxetine", "dose": "60 mg",
                                                 "frequency": "once_day", "drug_class": "snri"})
    assert r.status_code == 303
    assert post_form(client, "/p/medications", {"nav": "next"}).status_code == 303

    r = post_form(client, "/p/treatments/add", {"kind": "yoga", "effect": "no_change"})
    assert r.status_code == 303
    assert post_form(client, "/p/treatments", {"nav": "next"}).status_code == 303

    r = post_form(client, "/p/log/new", {
        "recorded_at": datetime.now().strftime("%Y-%m-%dT%H:%M"), "pain": "6",
        "fatigue": "7", "areas_trunk": ["lower_back"], "areas_head": ["neck"],
        "qualities": ["deep_ache"], "sleep_hours": "5.5", "rested": "no",
        "stiffness_minutes": "45", "numbness": "y", "mood": "low"})
    assert r.status_code == 303
    assert post_form(client, "/p/log", {"nav": "next"}).status_code == 303

    r = post_form(client, "/p/check", {
        "areas_trunk": ["lower_back", "upper_back"], "fatigue": "2", "unrefreshed": "3",
        "cognitive": "1", "headaches": "y",
        "three_months": "yes"})
    assert r.status_code == 303
    r = post_form(client, "/p/safety", SAFE)
    assert r.status_code == 303 and r.headers["Location"].endswith("/p/review")


def test_self_started_patient_fills_every_step_and_submits(client, clinic, started):
    fill_everything(client, clinic, self_started=True)
    review = client.get("/p/review").get_data(as_text=True)
    assert "Duloxetine" in review and "Before you can send" not in review
    r = post_form(client, "/p/review", {"closing_words": "Thank you."})
    assert r.status_code == 303 and r.headers["Location"].endswith("/p/done")
    done = client.get("/p/done")
    assert done.status_code == 200 and "were sent" in done.get_data(as_text=True)

    packet = db.session.get(Packet, started.id)
    db.session.refresh(packet)
    assert packet.status == "submitted" and packet.submitted_at is not None
    assert packet.patient_name == "Ana Ruiz" and packet.date_of_birth == date(1975, 2, 3)
    assert set(packet.steps_saved) >= {"visit", "questions", "history", "medications",
                                       "treatments", "log", "check", "safety"}
    assert [m.name for m in packet.medications] == ["Duloxetine"]
    assert packet.symptom_entries[0].areas == ["neck", "lower_back"]
    assert packet.symptom_entries[0].rested is False
    assert packet.body_check.unrefreshed == 3 and packet.body_check.headaches is True
    assert len(packet.safety_answers) == len(SAFETY_QUESTIONS)
    assert packet.flag_level == 2  # numbness in the log is urgent
    assert packet.closing_words == "Thank you."
    assert {q.source for q in packet.questions} == {"bank", "own"}
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"patient.start", "patient.submit"} <= actions


def test_invited_patient_fills_every_step_and_submits(client, clinic, invited):
    assert invited.patient_name == "Sam Patient" and invited.doctor == "Dr. Example"
    assert invited.visit_date == invited.appointment.scheduled_for.date()
    fill_everything(client, clinic, self_started=False)
    r = post_form(client, "/p/review", {})
    assert r.status_code == 303
    db.session.refresh(invited)
    assert invited.status == "submitted"


def test_print_view_shows_answers_without_change_links(client, clinic, started):
    fill_everything(client, clinic, self_started=True)
    post_form(client, "/p/review", {})
    page = client.get("/p/print").get_data(as_text=True)
    assert "Duloxetine" in page and "change-link" not in page
