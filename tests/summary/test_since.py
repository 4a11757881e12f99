""""Since last visit" and the treatment ledger: what changed, read in ten seconds, and a
fixed number of queries whatever the number of past visits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from extensions import db
from models import BodyCheck, Medication, Packet, SafetyAnswer, SymptomEntry, TreatmentTried
from services import last_time
from services.fhir import questionnaire_response
from services.summary import build_summary, load_packet
from tests.factories import make_appointment, make_packet, make_patient
from tests.summary.test_builder import QueryCounter


def visit(clinic, patient, days_ago: int, *, status="submitted", pains=(), check=None,
          **fields) -> Packet:
    day = date.today() - timedelta(days=days_ago)
    packet = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=-days_ago),
                         status=status, visit_date=day, reason="Follow-up", **fields)
    for n, pain in enumerate(pains):
        packet.symptom_entries.append(SymptomEntry(
            recorded_at=datetime.combine(day - timedelta(days=len(pains) - n), time(9)),
            pain=pain, sleep_hours=5 + n % 2))
    if check is not None:
        packet.body_check = BodyCheck(areas=check, fatigue=2, unrefreshed=2, cognitive=1,
                                      headaches=True, lower_abdomen=False, depression=False,
                                      three_months="yes")
    db.session.commit()
    return packet


def returning_pair(clinic):
    """Visit 1: 3 medicines, 2 treatments, 5 entries. Visit 2: two kept, one stopped, one
    new medicine, a new treatment, 3 new entries, a new red flag."""
    patient = make_patient(clinic, "Ana Ortiz", date(1966, 2, 2))
    first = visit(clinic, patient, 40, pains=(8, 7, 9, 6, 8),
                  check=["neck", "upper_back", "lower_back", "hip_left", "hip_right",
                         "shoulder_left", "shoulder_right", "jaw_left", "chest"])
    first.medications += [Medication(name="Duloxetine", dose="60 mg", position=0),
                          Medication(name="Ibuprofen", dose="400 mg", position=1),
                          Medication(name="Cyclobenzaprine", dose="10 mg", position=2)]
    first.treatments += [TreatmentTried(kind="physical_therapy", effect="helped", position=0),
                         TreatmentTried(kind="yoga", effect="no_change", still_doing=True,
                                        position=1)]
    db.session.commit()
    second = visit(clinic, patient, 0, status="draft", pains=(4, 5, 3),
                   check=["neck", "lower_back", "hip_left", "hip_right"])
    duloxetine, ibuprofen, cyclo = first.medications
    found = last_time.offers(second)
    last_time.apply(second, found, {
        f"medication_{duloxetine.id}": last_time.Answer("kept"),
        f"medication_{ibuprofen.id}": last_time.Answer("kept"),
        f"medication_{cyclo.id}": last_time.Answer("stopped", "in October", "Too sleepy"),
        f"treatment_{first.treatments[0].id}": last_time.Answer("kept"),
        f"treatment_{first.treatments[1].id}": last_time.Answer("stopped", "", "Hurt my knee"),
    })
    second.medications.append(Medication(name="Pregabalin", dose="75 mg", position=9))
    second.treatments.append(TreatmentTried(kind="tai_chi", effect="helped", still_doing=True,
                                            position=9))
    second.safety_answers.append(SafetyAnswer(question_key="fever", answer=True))
    second.status = "submitted"
    db.session.commit()
    return first, second


def test_since_last_visit_says_what_changed(app, clinic):
    first, second = returning_pair(clinic)
    s = build_summary(load_packet(second.id)).since
    assert s.previous_day == first.visit_date
    assert (s.wpi.then, s.wpi.now) == (9, 4)
    assert (s.pain_avg.then, s.pain_avg.now) == (7.6, 4.0)
    assert (s.pain_worst.then, s.pain_worst.now) == (9, 5)
    assert (s.bad_days.then, s.bad_days.now) == (4, 0)
    changes = {(m.name, m.change) for m in s.medicines}
    assert changes == {("Cyclobenzaprine", "stopped"), ("Pregabalin", "started")}
    stopped = next(m for m in s.medicines if m.change == "stopped")
    assert (stopped.when, stopped.why) == ("in October", "Too sleepy")
    assert {(t.name, t.change) for t in s.treatments} == {("Tai chi", "new"),
                                                          ("Yoga", "stopped")}
    assert s.new_flags and not s.quiet


def test_the_staff_page_and_pdf_open_with_it_and_show_the_ledger(app, clinic, staff_client):
    from services.pdf import render_pdf
    from tests.summary.test_pdf import pdf_text

    _first, second = returning_pair(clinic)
    page = staff_client.get(f"/reception/packets/{second.id}").get_data(as_text=True)
    since = page.index("Since last visit")
    assert since < page.index("Most important questions today")
    box = page[since:page.index("Most important questions today")]
    for words in ("Cyclobenzaprine", "Too sleepy", "Pregabalin", "7.6 &rarr; <strong>4.0",
                  "WPI 9 &rarr; <strong>4", "newly tried <strong>Tai chi"):
        assert words in box, words
    ledger = page[page.index("Treatment ledger, all visits"):]
    assert "Duloxetine" in ledger and "Yoga" in ledger and "Hurt my knee" in ledger
    with app.test_request_context():
        text = pdf_text(render_pdf(build_summary(load_packet(second.id))))
    assert "Since last visit" in text and "Cyclobenzaprine" in text
    assert "Treatment ledger" in text


def test_fhir_carries_since_last_visit(app, clinic):
    _first, second = returning_pair(clinic)
    packet = load_packet(second.id)
    resource = questionnaire_response(build_summary(packet), packet, "http://localhost")
    group = next(i for i in resource["item"] if i["linkId"] == "since-last-visit")
    words = " ".join(a["valueString"] for i in group["item"] for a in i["answer"])
    assert "Cyclobenzaprine" in words and "Too sleepy" in words and "Pregabalin" in words


def test_a_first_visit_has_neither(app, clinic, staff_client):
    patient = make_patient(clinic, "New Person", date(1990, 1, 1))
    only = visit(clinic, patient, 0, pains=(3,))
    summary = build_summary(load_packet(only.id))
    assert summary.since is None and summary.ledger == []
    page = staff_client.get(f"/reception/packets/{only.id}").get_data(as_text=True)
    assert "Most important questions today" in page and "Since last visit" not in page


def count(packet_id: int) -> int:
    db.session.expunge_all()
    with QueryCounter(db.engine) as counter:
        summary = build_summary(load_packet(packet_id))
    assert summary.since is not None
    return len(counter.statements)


def test_query_count_is_the_same_with_1_and_10_past_visits(app, clinic):
    one = make_patient(clinic, "One Past", date(1970, 1, 1))
    ten = make_patient(clinic, "Ten Past", date(1971, 1, 1))
    for patient, past in ((one, 1), (ten, 10)):
        for n in range(past):
            packet = visit(clinic, patient, 30 * (past - n), pains=(5, 6))
            packet.medications.append(Medication(name=f"Med {n}", dose="1 mg"))
            packet.treatments.append(TreatmentTried(kind="heat", effect="helped"))
            db.session.commit()
    latest_one = visit(clinic, one, 0, pains=(4,))
    latest_ten = visit(clinic, ten, 0, pains=(4,))
    assert len(build_summary(load_packet(latest_ten.id)).ledger) == 11
    assert count(latest_one.id) == count(latest_ten.id)
