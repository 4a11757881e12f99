"""Start from last time: a returning patient confirms, changes or stops what they told us;
nothing is copied silently, and the summary marks each row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from extensions import db
from models import HistoryItem, Medication, Packet, TreatmentTried
from services import last_time
from services.summary import build_summary
from tests.factories import make_appointment, make_packet, make_patient
from tests.patient.conftest import post_form
from tests.patient.test_diary import enter


@pytest.fixture
def returning(clinic):
    """Visit 1 sent with 3 medicines, 2 treatments and some history; visit 2 booked."""
    patient = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    first = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=-30),
                        status="submitted", visit_date=date.today() - timedelta(days=30),
                        family_fibromyalgia="yes")
    first.medications += [
        Medication(name="Duloxetine", dose="60 mg", frequency="once_day", position=0),
        Medication(name="Ibuprofen", dose="400 mg", position=1),
        Medication(name="Cyclobenzaprine", dose="10 mg", position=2),
    ]
    first.treatments += [
        TreatmentTried(kind="physical_therapy", effect="helped", position=0),
        TreatmentTried(kind="yoga", effect="no_change", still_doing=True, position=1),
    ]
    first.history_items += [
        HistoryItem(kind="condition", name="depression", position=0),
        HistoryItem(kind="allergy", name="Penicillin", position=1),
    ]
    db.session.commit()
    second = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=7),
                         visit_date=date.today() + timedelta(days=7))
    return first, second


def current(packet_id: int) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet_id)


def test_nothing_is_copied_until_the_patient_answers(client, returning):
    first, second = returning
    enter(client, second)
    home = client.get("/p/").get_data(as_text=True)
    assert "Welcome back." in home and "8 things" in home
    page = client.get("/p/last-time").get_data(as_text=True)
    for words in ("Last time you told us", "Duloxetine", "60 mg", "Physical therapy",
                  "Penicillin", "All still right", "If you stopped it: why?"):
        assert words in page, words
    packet = current(second.id)
    assert (packet.medications, packet.treatments, packet.history_items) == ([], [], [])
    assert packet.family_fibromyalgia is None


def test_all_still_right_in_one_tap(client, returning):
    first, second = returning
    enter(client, second)
    response = post_form(client, "/p/last-time", {"all_right": "1"})
    assert response.status_code == 303
    packet = current(second.id)
    assert [m.name for m in packet.medications] == ["Duloxetine", "Ibuprofen",
                                                    "Cyclobenzaprine"]
    assert {m.review for m in packet.medications} == {"kept"}
    assert {m.carried_from_id for m in packet.medications} == {m.id for m in first.medications}
    assert len(packet.treatments) == 2 and len(packet.history_items) == 2
    assert (packet.family_fibromyalgia, packet.family_review) == ("yes", "kept")
    # Asked again (a second tab, a double tap): nothing is copied twice.
    assert post_form(client, "/p/last-time", {"all_right": "1"},
                     page="/p/").status_code == 303
    assert len(current(second.id).medications) == 3
    assert "Welcome back." not in client.get("/p/").get_data(as_text=True)


def test_row_by_row_keep_change_and_stop_with_when_and_why(client, returning):
    first, second = returning
    duloxetine, ibuprofen, cyclo = first.medications
    pt, yoga = first.treatments
    response = None
    enter(client, second)
    response = post_form(client, "/p/last-time", {
        f"medication_{duloxetine.id}": "kept",
        f"medication_{ibuprofen.id}": "kept",
        f"medication_{cyclo.id}": "stopped",
        f"medication_{cyclo.id}_when": "in October",
        f"medication_{cyclo.id}_why": "Too sleepy in the day",
        f"treatment_{yoga.id}": "stopped",
        f"treatment_{yoga.id}_why": "Hurt my knee",
        f"treatment_{pt.id}": "changed",
    })
    assert response.status_code == 303 and response.location.endswith("/p/treatments")
    packet = current(second.id)
    by_name = {m.name: m for m in packet.medications}
    assert by_name["Cyclobenzaprine"].review == "stopped"
    assert (by_name["Cyclobenzaprine"].stopped_when,
            by_name["Cyclobenzaprine"].stopped_why) == ("in October", "Too sleepy in the day")
    assert by_name["Duloxetine"].review == "kept"
    stopped_yoga = next(t for t in packet.treatments if t.kind == "yoga")
    assert (stopped_yoga.review, stopped_yoga.still_doing, stopped_yoga.why_stopped) == (
        "stopped", False, "Hurt my knee")
    # What was not answered is still offered, and only that.
    found = last_time.offers(packet)
    assert {o.kind for o in found.offers} == {"history"} and found.family == "yes"


def test_the_summary_marks_confirmed_changed_stopped_and_new(client, returning):
    first, second = returning
    duloxetine, _ibuprofen, cyclo = first.medications
    enter(client, second)
    post_form(client, "/p/last-time", {f"medication_{duloxetine.id}": "kept",
                                       f"medication_{cyclo.id}": "stopped",
                                       f"medication_{cyclo.id}_why": "Too sleepy"})
    post_form(client, "/p/medications/add", {"name": "Pregabalin"},
              page="/p/medications")
    summary = build_summary(current(second.id))
    marks = {m.name: m.mark_key for m in summary.medications}
    assert marks == {"Duloxetine": "confirmed", "Cyclobenzaprine": "stopped",
                     "Pregabalin": "new"}
    first_summary = build_summary(current(first.id))
    assert {m.mark_key for m in first_summary.medications} == {""}


def test_no_answer_at_all_is_said_and_nothing_changes(client, returning):
    _first, second = returning
    enter(client, second)
    response = post_form(client, "/p/last-time", {})
    assert response.status_code == 422
    assert "Choose an answer for at least one line" in response.get_data(as_text=True)
    assert current(second.id).medications == []


def test_a_draft_last_time_offers_nothing(client, clinic):
    patient = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    draft = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=-30),
                        visit_date=date.today() - timedelta(days=30))
    draft.medications.append(Medication(name="Secret"))
    db.session.commit()
    second = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=7))
    enter(client, second)
    assert "Welcome back." not in client.get("/p/").get_data(as_text=True)
    assert client.get("/p/last-time").status_code == 303


def test_a_self_started_patient_is_offered_nothing_before_reception_matches(
        client, clinic, returning):
    from tests.patient.conftest import start_packet

    packet = start_packet(client, clinic)
    client.get("/p/keep-link")
    post_form(client, "/p/visit", {"patient_name": "Ana Ortiz", "date_of_birth": "1966-02-02",
                                   "reason": "Back pain"})
    home = client.get("/p/").get_data(as_text=True)
    assert "Get ready for your visit" in home and "Welcome back." not in home
    assert "Duloxetine" not in client.get("/p/medications").get_data(as_text=True)
    assert last_time.offers(current(packet.id)).waiting == 0
