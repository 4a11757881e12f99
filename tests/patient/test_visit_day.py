"""The visit itself: the opening card and the question checklist on the patient's phone,
what staff see afterwards, and last time's questions offered back."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from extensions import db
from models import Packet, PacketQuestion
from tests.factories import make_appointment, make_packet, make_patient
from tests.patient.conftest import post_form
from tests.patient.test_diary import enter


@pytest.fixture
def sent(clinic):
    patient = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    packet = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=0),
                         status="submitted", visit_date=date.today(),
                         reason="My back hurts more at night. It started in May.")
    packet.questions += [
        PacketQuestion(text="Could it be my sleep?", position=0, top_rank=2),
        PacketQuestion(text="Should I try a different medicine?", position=1, top_rank=1),
        PacketQuestion(text="Is swimming safe?", position=2),
    ]
    db.session.commit()
    return packet


def test_the_visit_view_offers_a_card_and_a_checklist_and_saves_notes(client, sent):
    enter(client, sent)
    done = client.get("/p/done").get_data(as_text=True)
    assert "At the visit: my card and questions" in done
    page = client.get("/p/visit-day").get_data(as_text=True)
    assert "My opening card" in page
    assert 'value="My back hurts more at night."' in page
    assert 'value="Should I try a different medicine?"' in page  # the first top question
    assert page.index("Should I try a different medicine?</label>") < page.index(
        "Could it be my sleep?</label>")
    sleep, medicine = sorted(sent.questions, key=lambda q: q.position)[:2]
    response = post_form(client, "/p/visit-day", {
        "card_why": "Back pain at night", "card_change": "Stopped the muscle relaxant",
        "card_question": "A different medicine?",
        f"asked_{medicine.id}": "y", f"said_{medicine.id}": "Try pregabalin, 75 mg at night",
        f"asked_{sleep.id}": "y",
    })
    assert response.status_code == 303
    db.session.expire_all()
    packet = db.session.get(Packet, sent.id)
    assert (packet.card_why, packet.status) == ("Back pain at night", "submitted")
    saved = {q.text: (q.asked, q.doctor_said) for q in packet.questions}
    assert saved["Should I try a different medicine?"] == (True, "Try pregabalin, 75 mg at night")
    assert saved["Could it be my sleep?"] == (True, "")
    assert saved["Is swimming safe?"] == (False, "")


def test_a_long_note_is_refused_next_to_it_and_kept(client, sent):
    enter(client, sent)
    question = sent.questions[0]
    response = post_form(client, "/p/visit-day", {f"said_{question.id}": "x" * 4001})
    assert response.status_code == 422
    assert "4000 characters or fewer" in response.get_data(as_text=True)
    assert db.session.get(Packet, sent.id).questions[0].doctor_said == ""


def test_staff_see_the_notes(client, clinic, sent):
    from tests.auth.helpers import login
    from tests.factories import make_staff

    sent.questions[1].asked = True
    sent.questions[1].doctor_said = "Try pregabalin"
    sent.card_why = "Back pain at night"
    clinic.require_totp = False
    db.session.commit()
    make_staff(clinic, "desk@riverside.example")
    login(client, "desk@riverside.example")
    page = client.get(f"/reception/packets/{sent.id}").get_data(as_text=True)
    notes = page[page.index('id="visit-notes-heading"'):]
    assert "Back pain at night" in notes and "Try pregabalin" in notes


def test_the_next_packet_offers_last_times_questions_unanswered_ticked(client, clinic, sent):
    sent.questions[1].asked = True
    sent.questions[1].doctor_said = "Try pregabalin"
    db.session.commit()
    second = make_packet(clinic, make_appointment(clinic, patient=sent.patient, days_ahead=30),
                         visit_date=date.today() + timedelta(days=30))
    enter(client, second)
    assert "You can ask 3 questions from last time again." in client.get("/p/").get_data(
        as_text=True)
    page = client.get("/p/last-time").get_data(as_text=True)
    assert "Last time you asked" in page and "The doctor said:</span> Try pregabalin" in page
    answered = sent.questions[1].id
    unanswered = {q.id for q in sent.questions if q.id != answered}
    boxes = {int(re.search(r'value="(\d+)"', tag).group(1)): " checked" in tag
             for tag in re.findall(r'<input[^>]*name="again"[^>]*>', page)}
    assert boxes == {qid: qid in unanswered for q in sent.questions for qid in [q.id]}
    # One tap: the ticked ones are added.
    fields = {"again": [str(q) for q in unanswered], "ask_again": "1"}
    response = post_form(client, "/p/last-time", fields)
    assert response.status_code == 303
    db.session.expire_all()
    packet = db.session.get(Packet, second.id)
    assert {q.carried_from_id for q in packet.questions} == unanswered
    assert {q.text for q in packet.questions} == {"Could it be my sleep?", "Is swimming safe?"}
    # Not offered twice.
    again = client.get("/p/last-time").get_data(as_text=True)
    assert "Last time you asked" in again
    assert re.findall(r'<input[^>]*name="again"[^>]*value="(\d+)"', again) == [str(answered)]


def test_the_biggest_change_is_drafted_in_the_patients_voice(app):
    from services.since import MedicineChange, SinceLastVisit, Then
    from services.visit_day import biggest_change

    compared = SinceLastVisit(date(2026, 1, 1), 1, pain_avg=Then(4.0, 7.6))
    assert biggest_change(compared) == "My pain went from 7.6 to 4.0 out of 10 on average."
    compared.medicines.append(MedicineChange("Cyclobenzaprine", "stopped"))
    assert biggest_change(compared) == "I stopped Cyclobenzaprine."
    assert biggest_change(None) == ""
