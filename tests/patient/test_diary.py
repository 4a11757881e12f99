"""One diary between visits: entries belong to the patient, logging goes on after sending
from the same link, and each packet covers the entries since the previous visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask import g

from extensions import db
from models import FLAG_URGENT, Packet, SymptomEntry
from services import diary
from services.patient_session import log_in
from services.summary import build_summary
from services.tokens import create_invitation
from tests.factories import make_appointment, make_packet, make_patient
from tests.patient.conftest import post_form

FIRST_VISIT = date.today() - timedelta(days=20)
ENTRY = {"pain": "6", "fatigue": "4", "sleep_hours": "6", "rested": "no"}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour)


def enter(client, packet: Packet) -> None:
    link, _token = create_invitation(packet.appointment, 30)
    if link.packet_id is None:
        link.packet_id = packet.id
    db.session.commit()
    with client.session_transaction() as session:
        log_in(session, packet, link)
    g.pop("csrf_token", None)


@pytest.fixture
def two_visits(clinic):
    """Visit 1 sent (5 entries before it), visit 2 booked for the same patient."""
    patient = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    first = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=-20),
                        status="submitted", visit_date=FIRST_VISIT, reason="Pain")
    for n in range(5):
        first.symptom_entries.append(
            SymptomEntry(recorded_at=at(FIRST_VISIT - timedelta(days=5 - n)), pain=3 + n))
    db.session.commit()
    second = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=10),
                         visit_date=date.today() + timedelta(days=10))
    return patient, first, second


def test_logging_goes_on_after_sending_and_counts_toward_the_next_visit(
        client, two_visits):
    patient, first, second = two_visits
    enter(client, first)
    page = client.get("/p/diary").get_data(as_text=True)
    assert "My diary" in page and "Pain 7 of 10" in page
    # Starts from the last entry's answers.
    form = client.get("/p/diary/new").get_data(as_text=True)
    assert "Filled in from your last entry" in form
    when = at(FIRST_VISIT + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, "/p/diary/new", {"recorded_at": when, **ENTRY})
    assert response.status_code == 303
    db.session.expire_all()
    new = db.session.scalar(db.select(SymptomEntry).order_by(SymptomEntry.id.desc()))
    assert (new.patient_id, new.packet_id, new.pain) == (patient.id, first.id, 6)
    # The sent packet is unchanged; the entry is in the second visit's part of the diary.
    assert db.session.get(Packet, first.id).status == "submitted"
    assert [e.id for e in diary.entries(db.session.get(Packet, second.id))] == [new.id]
    assert len(diary.entries(db.session.get(Packet, first.id))) == 5


def test_after_sending_save_and_add_another_starts_a_new_entry_from_it(client, two_visits):
    _patient, first, _second = two_visits
    enter(client, first)
    when = at(FIRST_VISIT + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, "/p/diary/new", {"recorded_at": when, **ENTRY, "pain": "8",
                                                   "nav": "another"})
    assert response.status_code == 303 and response.location.endswith("/p/diary/new")
    form = client.get("/p/diary/new").get_data(as_text=True)
    assert "Filled in from your last entry" in form and '<input checked id="pain-8"' in form
    response = post_form(client, "/p/diary/new", {"recorded_at": when, **ENTRY,
                                                   "nav": "diary"})
    assert response.status_code == 303 and response.location.endswith("/p/diary")
    # A warning sign: its message on the diary comes before a new entry.
    response = post_form(client, "/p/diary/new", {"recorded_at": when, **ENTRY,
                                                   "numbness": "y", "nav": "another"})
    assert response.status_code == 303 and response.location.endswith("/p/diary")
    assert "Contact the clinic today" in client.get("/p/diary").get_data(as_text=True)


def test_a_sign_logged_between_visits_is_in_the_next_visits_red_flags(client, two_visits):
    """Numbness logged from the sent packet's link after its visit opens its call on that
    packet at once; the next visit's summary, whose log holds the entry, lists the sign
    among its red flags and as new since the last visit."""
    from models import SafetyCall

    _patient, first, second = two_visits
    enter(client, first)
    when = at(FIRST_VISIT + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert post_form(client, "/p/diary/new", {"recorded_at": when, **ENTRY,
                                              "numbness": "y"}).status_code == 303
    db.session.expire_all()
    assert [c.packet_id for c in db.session.scalars(db.select(SafetyCall))] == [first.id]
    # Both sort among the flagged: the first has the call, the second the sign in its log.
    assert db.session.get(Packet, first.id).flag_level == FLAG_URGENT
    assert db.session.get(Packet, second.id).flag_level == FLAG_URGENT
    two = build_summary(db.session.get(Packet, second.id), audience="staff")
    assert [(f.source, f.level_name) for f in two.flags] == [("log:numbness", "urgent")]
    assert two.since is not None and two.flags[0].label in two.since.new_flags
    # The call it opened on the first visit's packet is on the second's page too.
    assert [(c.label, c.is_open, c.from_visit) for c in two.safety_calls] == [
        (two.safety_calls[0].label, True, FIRST_VISIT)]
    # The first visit's summary covers its own part: entries up to its visit day.
    one = build_summary(db.session.get(Packet, first.id), audience="staff")
    assert one.flags == [] and one.stats.entries == 5


def test_each_summary_covers_the_entries_since_the_previous_visit(two_visits):
    patient, first, second = two_visits
    second.symptom_entries.append(SymptomEntry(recorded_at=at(date.today()), pain=2))
    second.symptom_entries.append(
        SymptomEntry(recorded_at=at(FIRST_VISIT + timedelta(days=1)), pain=8))
    db.session.commit()
    one = build_summary(db.session.get(Packet, first.id))
    two = build_summary(db.session.get(Packet, second.id))
    assert (one.stats.entries, one.stats.pain_worst, one.diary_since) == (5, 7, None)
    assert one.diary_until == FIRST_VISIT
    assert (two.stats.entries, two.stats.pain_avg, two.diary_since) == (2, 5.0, FIRST_VISIT)
    assert two.diary_until is None


def test_the_staff_summary_says_the_date_range(client, clinic, two_visits):
    from tests.auth.helpers import login
    from tests.factories import make_staff

    _patient, _first, second = two_visits
    second.symptom_entries.append(SymptomEntry(recorded_at=at(date.today()), pain=2))
    clinic.require_totp = False
    db.session.commit()
    make_staff(clinic, "desk@riverside.example")
    login(client, "desk@riverside.example")
    page = client.get(f"/reception/packets/{second.id}").get_data(as_text=True)
    assert "Symptoms since the last visit" in page
    from services.formatting import format_date

    span = page.split('class="diary-range">')[1].split("</span>")[0]
    today = format_date(date.today())
    assert span == f"({today})"  # one day, said once
    second.symptom_entries.append(SymptomEntry(recorded_at=at(FIRST_VISIT + timedelta(days=1)),
                                               pain=3))
    db.session.commit()
    page = client.get(f"/reception/packets/{second.id}").get_data(as_text=True)
    span = page.split('class="diary-range">')[1].split("</span>")[0]
    assert span == f"({format_date(FIRST_VISIT + timedelta(days=1))} to {today})"


def test_the_log_step_shows_and_edits_the_diary_since_the_last_visit(client, two_visits):
    patient, first, second = two_visits
    between = SymptomEntry(packet_id=first.id, patient_id=patient.id,
                           recorded_at=at(FIRST_VISIT + timedelta(days=2)), pain=5)
    db.session.add(between)
    db.session.commit()
    enter(client, second)
    page = client.get("/p/log").get_data(as_text=True)
    assert "Pain 5 of 10" in page and "Pain 3 of 10" not in page
    # An entry from before the last visit is not this packet's to change.
    old = first.symptom_entries[0]
    assert client.get(f"/p/log/{old.id}/edit").status_code == 404
    assert client.get(f"/p/log/{between.id}/edit").status_code == 200
    response = post_form(client, f"/p/log/{between.id}/delete", page="/p/log")
    assert response.status_code == 303
    assert db.session.get(SymptomEntry, between.id) is None
    assert db.session.get(SymptomEntry, old.id) is not None


def test_an_entry_dated_before_the_last_visit_is_refused_next_to_the_date(
        client, two_visits):
    _patient, _first, second = two_visits
    enter(client, second)
    when = at(FIRST_VISIT - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(client, "/p/log/new", {"recorded_at": when, **ENTRY,
                                                 "note": "typed words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "on or before your last visit" in page and "typed words" in page
    assert diary.entries(db.session.get(Packet, second.id)) == []


def test_a_self_started_patient_never_sees_another_records_diary(client, clinic, two_visits):
    from tests.patient.conftest import start_packet

    patient, _first, _second = two_visits
    packet = start_packet(client, clinic)
    client.get("/p/keep-link")
    post_form(client, "/p/visit", {"patient_name": "Ana Ortiz", "date_of_birth": "1966-02-02",
                                   "reason": "Back pain"})
    page = client.get("/p/log").get_data(as_text=True)
    # An empty log: its page is the first entry's form, started from nothing of theirs.
    assert "Symptom log" in page and "Continue without an entry" in page
    assert "Filled in from your last entry" not in page
    assert db.session.get(Packet, packet.id).patient_id != patient.id


def test_the_diary_is_for_sent_packets_only(client, two_visits):
    _patient, _first, second = two_visits
    enter(client, second)
    assert client.get("/p/diary").location.endswith("/p/log")
    assert client.get("/p/diary/new").location.endswith("/p/log/new")
