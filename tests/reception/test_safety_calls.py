"""Safety calls (SECURITY R8): every emergency or urgent answer opens a call that reception
sees first and can close only with an outcome. Runs on SQLite, and on PostgreSQL with
TEST_DATABASE_URL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import (
    FLAG_EMERGENCY,
    FLAG_URGENT,
    AuditEvent,
    SafetyCall,
    SafetyCallEvent,
    SymptomEntry,
)
from services import opening_hours, safety_calls
from services.patient_session import log_in
from services.tokens import create_resume_link
from tests.auth.helpers import login
from tests.factories import make_packet, make_staff
from tests.helpers import hidden_fields

ALL_NO = {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS}


def page(response) -> str:
    return response.get_data(as_text=True)


def patient_client(app, packet):
    client = app.test_client()
    link, _token, _code = create_resume_link(packet, 30)
    db.session.commit()
    with client.session_transaction() as session:
        log_in(session, packet, link)
    return client


def patient_says(client, answers: dict) -> None:
    g.pop("csrf_token", None)
    fields = hidden_fields(page(client.get("/p/safety")))
    response = client.post("/p/safety", data={**fields, **answers})
    assert response.status_code in (200, 303), page(response)[:2000]


def staff_client(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 303
    return client


def call_form(client, call: SafetyCall) -> dict:
    """The hidden fields of the call's form on its packet page, as a browser holds them."""
    g.pop("csrf_token", None)
    return hidden_fields(page(client.get(f"/reception/packets/{call.packet_id}")))


def record(client, call: SafetyCall, outcome: str, note: str, shown: dict | None = None):
    fields = shown or call_form(client, call)
    prefix = f"call{call.id}-"
    data = {f"{prefix}csrf_token": fields[f"{prefix}csrf_token"],
            f"{prefix}version": fields[f"{prefix}version"],
            f"{prefix}outcome": outcome, f"{prefix}note": note}
    return client.post(f"/reception/safety-calls/{call.id}", data=data)


def calls() -> list[SafetyCall]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(SafetyCall).order_by(SafetyCall.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("safety_call.%"))
        .order_by(AuditEvent.id)))


@pytest.fixture
def draft(clinic):
    return make_packet(clinic, patient_name="Maria Draft", date_of_birth=date(1970, 3, 4),
                       contact_phone="(555) 010-4444")


def test_R8_a_draft_never_sent_with_an_emergency_yes_is_first_on_reception_landing(
        app, clinic, receptionist, draft):
    patient = patient_client(app, draft)
    patient_says(patient, {"q_bladder": "yes"})  # one answer, never sent
    assert draft.status == "draft"
    staff = staff_client(app, receptionist)
    body = page(staff.get("/reception/"))  # the page staff land on, no tab chosen
    assert "Safety calls to make" in body
    calls_at = body.index('id="safety-calls"')
    assert body.index("Maria Draft") > calls_at and calls_at < body.index('class="tabs"')
    row = body[calls_at:body.index('class="tabs"')]
    assert "New trouble passing urine" in row and "Draft, not sent" in row
    assert 'href="tel:5550104444"' in row and "Due now" in row or "Overdue" in row
    assert "1 safety call" in body  # the header count
    # ...and in the header of every other staff page.
    assert "1 safety call" in page(staff.get("/reception/appointments"))


def test_a_safety_calls_whole_life(app, clinic, receptionist, draft):
    patient = patient_client(app, draft)
    patient_says(patient, {**ALL_NO, "q_chest_pain": "yes"})
    [call] = calls()
    assert (call.level, call.flag_key, call.status) == (FLAG_EMERGENCY, "chest_pain", "open")
    assert abs(call.due_at - call.raised_at) < timedelta(seconds=1)  # emergency: at once
    staff = staff_client(app, receptionist)

    # No answer: still open, due again a little later.
    r = record(staff, call, "no_answer", "Rang twice, no voicemail.")
    assert r.status_code == 303 and r.headers["Location"].startswith("/reception/")
    [call] = calls()
    assert call.status == "open" and call.attempts == 1 and call.outcome == "no_answer"
    first_due = call.due_at
    assert first_due > call.raised_at + timedelta(minutes=10)
    assert "1 try so far" in page(staff.get("/reception/"))

    # Left a message: still open, due again.
    r = record(staff, call, "left_message", "Left a message to call back.")
    [call] = calls()
    assert call.status == "open" and call.attempts == 2 and call.due_at >= first_due

    # Reached: closed with the outcome, and it leaves the list.
    r = record(staff, call, "advised_emergency", "Told her to go to the ER now.")
    assert r.status_code == 303
    [call] = calls()
    assert call.status == "closed" and call.outcome == "advised_emergency"
    assert call.closed_by_id == receptionist.id and call.closed_at is not None
    assert "No safety calls waiting." in page(staff.get("/reception/"))

    events = db.session.scalars(db.select(SafetyCallEvent).order_by(SafetyCallEvent.id)).all()
    assert [(e.kind, e.outcome) for e in events] == [
        ("opened", None), ("attempt", "no_answer"), ("attempt", "left_message"),
        ("closed", "advised_emergency")]
    assert events[-1].note == "Told her to go to the ER now." and events[-1].actor_id == \
        receptionist.id
    assert audit_actions() == ["safety_call.open", "safety_call.attempt",
                               "safety_call.attempt", "safety_call.close"]
    for row in db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action.like("safety_call.%"))):
        assert "ER" not in str(row.detail)  # the note is never in the audit log
    # The packet's summary lists the call, what was done, by whom, in the clinic's zone.
    body = page(staff.get(f"/reception/packets/{draft.id}"))
    calls_box = body[body.index("Safety calls</h3>"):]
    assert "Reached: advised 911 or the emergency room" in calls_box
    assert "No answer (try again)" in calls_box and "Told her to go to the ER now." in calls_box
    assert "Rae Desk" in calls_box and (" EST" in calls_box or " EDT" in calls_box)
    # Events are never changed.
    events[0].note = "rewritten"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()


def test_the_second_receptionist_closing_the_same_call_is_told(app, clinic, receptionist,
                                                               draft):
    other = make_staff(clinic, "second@riverside.example", "reception", name="Sol Second")
    patient_says(patient_client(app, draft), {"q_fever": "yes"})
    [call] = calls()
    first, second = staff_client(app, receptionist), staff_client(app, other)
    seen_by_second = call_form(second, call)  # both have the page open
    assert record(first, call, "booked_sooner", "Booked for tomorrow 9 AM.").status_code == 303
    r = record(second, call, "advised_urgent_care", "Sent to urgent care.", seen_by_second)
    assert r.status_code == 303
    body = page(second.get(r.headers["Location"]))
    assert "Rae Desk already closed this call" in body and "Nothing was changed" in body
    [call] = calls()
    assert call.outcome == "booked_sooner" and call.closed_by_id == receptionist.id
    assert db.session.scalar(db.select(db.func.count()).select_from(SafetyCallEvent)) == 2
    assert audit_actions()[-1] == "safety_call.close"
    failed = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "safety_call.close").order_by(AuditEvent.id)).all()
    assert [e.outcome for e in failed] == ["success", "failure"]


def test_closing_needs_an_outcome_and_a_note(app, clinic, receptionist, draft):
    patient_says(patient_client(app, draft), {"q_bowel": "yes"})
    [call] = calls()
    staff = staff_client(app, receptionist)
    r = record(staff, call, "", "")
    body = page(r)
    assert r.status_code == 400 and "Choose what happened." in body
    assert "Write a short note." in body
    r = record(staff, call, "closed_for_good", "x")
    assert r.status_code == 400
    [call] = calls()
    assert call.status == "open" and call.attempts == 0


def test_a_yes_after_the_call_was_closed_opens_a_new_call(app, clinic, receptionist, draft):
    patient = patient_client(app, draft)
    patient_says(patient, {"q_weight_loss": "yes"})
    [call] = calls()
    record(staff_client(app, receptionist), call, "booked_sooner", "Seen Friday.")
    patient_says(patient, {"q_weight_loss": "yes"})  # the same answer saved again
    assert len(calls()) == 1
    patient_says(patient, {"q_weight_loss": "no"})
    patient_says(patient, {"q_weight_loss": "yes"})  # a new "yes"
    first, again = calls()
    assert first.status == "closed" and again.status == "open" and again.flag_key == \
        "weight_loss"


def test_each_sign_gets_one_call_and_log_numbness_opens_one_too(app, clinic, draft):
    patient = patient_client(app, draft)
    patient_says(patient, {"q_bladder": "yes", "q_fever": "yes", "q_walking": "yes"})
    patient_says(patient, {"q_bladder": "yes", "q_fever": "yes", "q_walking": "yes"})
    assert sorted((c.flag_key, c.level) for c in calls()) == [
        ("bladder", FLAG_EMERGENCY), ("fever", FLAG_URGENT)]
    draft.symptom_entries.append(SymptomEntry(recorded_at=datetime(2026, 11, 2, 9), pain=3,
                                              numbness=True))
    db.session.commit()
    from services.packets import commit_step
    commit_step(draft, "log", flags=True)
    assert ("new_numbness", FLAG_URGENT) in [(c.flag_key, c.level) for c in calls()]


def test_a_sent_packet_keeps_its_calls_and_another_clinic_cannot_act(app, clinic,
                                                                      other_staff, draft):
    patient_says(patient_client(app, draft), {"q_bowel": "yes"})
    [call] = calls()
    outsider = staff_client(app, other_staff)
    assert "No safety calls waiting." in page(outsider.get("/reception/"))
    g.pop("csrf_token", None)
    token = hidden_fields(page(outsider.get("/reception/")))["csrf_token"]
    r = outsider.post(f"/reception/safety-calls/{call.id}",
                      data={"csrf_token": token, f"call{call.id}-outcome": "already_handled"})
    assert r.status_code == 404 and calls()[0].status == "open"


# When a call is due -------------------------------------------------------------------


def at(zone: str, *parts) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*parts, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(("now", "due"), [
    # Tuesday 1 Dec 2026 in Chicago; open 8-17 on weekdays.
    ((2026, 12, 1, 10, 0), (2026, 12, 1, 17, 0)),   # open: before it closes today
    ((2026, 12, 1, 7, 0), (2026, 12, 1, 17, 0)),    # before opening: still today
    ((2026, 12, 1, 18, 30), (2026, 12, 2, 8, 0)),   # after closing: first thing tomorrow
    ((2026, 12, 5, 12, 0), (2026, 12, 7, 8, 0)),    # Saturday: Monday morning
])
def test_urgent_is_due_before_the_clinic_closes_in_its_time_zone(app, clinic, now, due):
    clinic.timezone = "America/Chicago"
    db.session.commit()
    assert opening_hours.urgent_due(clinic, at("America/Chicago", *now)) == at(
        "America/Chicago", *due)


def test_a_retry_on_an_urgent_call_waits_for_opening_hours(app, clinic, draft):
    clinic.timezone = "America/Chicago"
    db.session.commit()
    call = SafetyCall(clinic_id=clinic.id, packet_id=draft.id, flag_key="fever",
                      level=FLAG_URGENT, due_at=at("America/Chicago", 2026, 12, 1, 17, 0))
    db.session.add(call)
    db.session.commit()
    assert safety_calls.retry_due(call, at("America/Chicago", 2026, 12, 1, 16, 30)) == at(
        "America/Chicago", 2026, 12, 2, 8, 0)
    assert safety_calls.retry_due(call, at("America/Chicago", 2026, 12, 1, 10, 0)) == at(
        "America/Chicago", 2026, 12, 1, 11, 0)


def test_overdue_is_said_in_words(app):
    call = SafetyCall(due_at=datetime(2026, 12, 1, 12, 0, tzinfo=UTC), level=FLAG_EMERGENCY)
    assert safety_calls.due_words(call, datetime(2026, 12, 1, 12, 25, tzinfo=UTC)) == (
        True, "Overdue by 25 min")
    assert safety_calls.due_words(call, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == (
        False, "Due in 2 h 0 min")
    assert safety_calls.due_words(call, datetime(2026, 12, 1, 12, 0, 20, tzinfo=UTC))[1] == \
        "Due now"


def test_every_outcome_has_words():
    from models import SAFETY_CALL_OUTCOMES

    assert set(safety_calls.OUTCOME_LABELS) == set(SAFETY_CALL_OUTCOMES)


def test_a_call_stays_open_when_the_answer_is_taken_back_and_says_so(app, clinic,
                                                                     receptionist, draft):
    patient = patient_client(app, draft)
    patient_says(patient, {"q_bowel": "yes"})
    patient_says(patient, {"q_bowel": "no"})
    [call] = calls()
    assert call.status == "open"  # only a person closes it
    body = page(staff_client(app, receptionist).get(f"/reception/packets/{draft.id}"))
    assert "The patient has since changed this answer." in body


def test_retention_deletes_a_packet_with_its_calls(app, clinic, receptionist, draft):
    from services.retention import purge

    patient_says(patient_client(app, draft), {"q_bowel": "yes"})
    [call] = calls()
    record(staff_client(app, receptionist), call, "no_answer", "Rang.")
    draft.visit_date = date(2020, 1, 1)
    db.session.commit()
    purge(today=date(2026, 12, 1))
    db.session.expire_all()
    assert calls() == [] and db.session.scalar(
        db.select(db.func.count()).select_from(SafetyCallEvent)) == 0


def test_the_call_link_dials_the_number_then_the_extension_not_one_long_number(
        app, clinic, receptionist):
    # The patient form accepts "555-123-4567 ext 12"; glued into tel:555123456712 a phone
    # dials a number that does not exist. A comma makes the phone wait, then dial 12.
    packet = make_packet(clinic, patient_name="Ext Patient", date_of_birth=date(1970, 3, 4),
                         contact_phone="555-123-4567 ext 12")
    patient_says(patient_client(app, packet), {"q_fever": "yes"})
    body = page(staff_client(app, receptionist).get("/reception/"))
    assert "Ext Patient" in body and "555-123-4567 ext 12" in body
    assert 'href="tel:5551234567,12"' in body
    assert "tel:555123456712" not in body


def test_a_call_for_a_patient_with_no_name_yet_still_says_who(app, clinic, receptionist):
    nameless = make_packet(clinic, patient_name="", contact_phone="(555) 010-4444")
    patient_says(patient_client(app, nameless), {"q_bladder": "yes"})
    body = page(staff_client(app, receptionist).get("/reception/"))
    assert "Safety calls to make" in body  # the list rendered
    row = body[body.index('id="safety-calls"'):body.index('class="tabs"')]
    assert "(no name yet)" in row
    assert "Record the call<span class=\"visually-hidden\"> for (no name yet)</span>" in row
