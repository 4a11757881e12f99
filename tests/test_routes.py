"""The role matrix (SECURITY S8): every route in app.url_map, for every kind of visitor.

Each endpoint must be classified in ACCESS below; a route nobody classified fails the
test, so a new page cannot ship without someone deciding who may open it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from werkzeug.routing import Rule

from extensions import db
from models import (
    ClinicQuestion,
    ClinicTopic,
    HistoryItem,
    Medication,
    PacketQuestion,
    SafetyCall,
    SymptomEntry,
    TreatmentTried,
    utcnow,
)
from services import outbox
from services.patient_session import log_in
from services.tokens import create_invitation, create_resume_link
from tests.auth.helpers import csrf_for, login
from tests.factories import make_appointment, make_clinic, make_packet, make_staff
from tests.helpers import csrf_token

#: public: anyone; login_step: only half-way through a login (else back to the login page);
#: staff: any logged-in staff member; admin: logged-in admins only (reception gets 404).
ACCESS = {
    "static": "public",
    "health.healthz": "public",
    "health.live": "public",
    # Anyone; 200 or 503 by what it finds (the test database is made without migrations).
    "health.ready": "health",
    "portal.index": "public",
    "portal.start": "public",
    "auth.login": "public",
    "auth.logout": "public",
    "auth.code": "login_step",
    "auth.new_password": "login_step",
    "auth.enrol": "login_step",
    "auth.enrol_qr": "login_step",
    "auth.change_password": "staff",
    "auth.set_language": "staff",
    # The "Español / English" switch: anyone (a POST with CSRF; it changes only the language).
    "portal.set_language": "public",
    "reception.queue": "staff",
    "reception.packet": "staff",
    "reception.mark_reviewed": "staff",
    "reception.add_note": "staff",
    "reception.appointments": "staff",
    "reception.new_appointment": "staff",
    "reception.invitation": "staff",
    "reception.reissue": "staff",
    "reception.unlock": "staff",
    "reception.cancel": "staff",
    "reception.safety_call": "staff",
    # Patient records: find, view, and match a self-started packet (every view audited).
    "reception.patient_search": "staff",
    "reception.patient": "staff",
    "reception.match": "staff",
    "reception.confirm_match": "staff",
    "reception.undo_match": "staff",
    "admin.index": "admin",
    "admin.staff": "admin",
    "admin.new_staff": "admin",
    "admin.staff_password": "admin",
    "admin.staff_role": "admin",
    "admin.staff_disable": "admin",
    "admin.staff_enable": "admin",
    "admin.staff_reset_totp": "admin",
    "admin.staff_reset_password": "admin",
    "admin.staff_clear_login": "admin",
    "admin.questions": "admin",
    "admin.add_topic": "admin",
    "admin.add_question": "admin",
    "admin.edit_topic": "admin",
    "admin.edit_question": "admin",
    "admin.toggle": "admin",
    "admin.move": "admin",
    "admin.settings": "admin",
    "admin.audit": "admin",
    "admin.outbox": "admin",
    "admin.resend": "admin",
    "reception.email_invitation": "staff",
    # Reminder settings and one-click unsubscribe from a mail: a signed token, no login.
    "portal.reminder_settings": "way_in",
    "portal.unsubscribe": "way_in",
    # The developer outbox: only when mail goes nowhere (no MAIL_SERVER, not production).
    "dev.outbox": "public",
    # The staff exports of a packet (PDF, FHIR, CSV).
    "reception.packet_pdf": "staff",
    "reception.packet_fhir": "staff",
    "reception.packet_csv": "staff",
    # The public FHIR description of the forms.
    "portal.fhir_questionnaire": "public",
    # The patient's ways in: public, but a bad link or a missing check is a plain refusal.
    "portal.start_post": "way_in",
    "portal.resume_code": "way_in",
    "portal.open_link": "way_in",
    "portal.dob_check": "way_in",
    # The patient's own pages: only a browser that came in through a link, for its packet.
    **{endpoint: "patient" for endpoint in (
        "patient.home", "patient.visit", "patient.questions", "patient.my_questions",
        "patient.edit_question",
        "patient.add_suggested",
        "patient.history", "patient.add_history", "patient.edit_history",
        "patient.delete_history", "patient.medications", "patient.add_medications",
        "patient.edit_medications", "patient.delete_medications", "patient.treatments",
        "patient.add_treatments", "patient.edit_treatments", "patient.delete_treatments",
        "patient.log", "patient.add_entry", "patient.edit_entry", "patient.delete_entry",
        "patient.check", "patient.safety", "patient.review", "patient.done",
        "patient.print_view", "patient.keep_link", "patient.leave", "patient.new_link",
        "patient.contact_phone",
        "patient.diary", "patient.diary_add", "patient.last_time", "patient.visit_day",
        "patient.email_link",
    )},
    # The patient's copy of the summary: only once the packet is sent.
    "patient.summary": "patient_sent",
    "patient.summary_pdf": "patient_sent",
    "patient.summary_csv": "patient_sent",
}

ROLES = ("anonymous", "patient", "reception", "admin")
KNOWN_ACCESS = {"public", "login_step", "staff", "admin", "way_in", "patient", "patient_sent",
                "health"}
#: Item routes of the patient's lists, and the world's row each one edits.
PATIENT_ITEMS = {"history": "history_id", "medications": "medication_id",
                 "treatments": "treatment_id", "log": "entry_id", "questions": "question_row_id"}


def test_every_access_kind_has_expectations():
    """A new kind (e.g. "patient" for the patient steps) needs its rows in the matrix below."""
    assert set(ACCESS.values()) <= KNOWN_ACCESS, set(ACCESS.values()) - KNOWN_ACCESS


def test_every_route_is_classified(app):
    unknown = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(ACCESS))
    assert unknown == [], f"classify these routes in tests/test_routes.py ACCESS: {unknown}"


@pytest.fixture
def world(app):
    return build_world()


def build_world() -> dict:
    """Two clinics with one of everything; ids are those of the first clinic."""
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False)
    other = make_clinic("hillside", "Hillside Clinic", require_totp=False)
    reception = make_staff(clinic, "reception@riverside.example", "reception")
    admin = make_staff(clinic, "admin@riverside.example", "admin")
    outsider = make_staff(other, "admin@hillside.example", "admin")
    appointment = make_appointment(clinic)
    create_invitation(appointment, 30)
    packet = make_packet(clinic, appointment, status="submitted", submitted_at=utcnow())
    topic = db.session.scalar(db.select(ClinicTopic).filter_by(clinic_id=clinic.id))
    question = db.session.scalar(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id))
    # The patient's own draft, one row in each list, opened through its resume link.
    draft = make_packet(clinic, patient_name="Pat Draft", date_of_birth=date(1980, 1, 2))
    draft.history_items.append(HistoryItem(kind="condition", name="lupus"))
    draft.medications.append(Medication(name="Ibuprofen"))
    draft.treatments.append(TreatmentTried(kind="yoga"))
    draft.symptom_entries.append(SymptomEntry(recorded_at=datetime(2026, 1, 1, 9), pain=4))
    draft.questions.append(PacketQuestion(text="Is this normal?"))
    link, _token, _code = create_resume_link(draft, 30)
    call = SafetyCall(clinic_id=clinic.id, packet_id=packet.id, flag_key="bladder", level=3,
                      due_at=utcnow())
    db.session.add(call)
    message = outbox.enqueue(clinic_id=clinic.id, kind="staff_alert", recipient="a@example.org",
                             key="world", cause_type="clinic", cause_id=clinic.id)
    message.status = "dead"
    db.session.commit()
    values = {
        "filename": "css/app.css", "slug": clinic.slug, "packet_id": packet.id,
        "appointment_id": appointment.id, "user_id": reception.id, "topic_id": topic.id,
        "question_id": question.id, "object_id": question.id, "kind": "questions",
        "token": "not-a-real-token", "history_id": draft.history_items[0].id,
        "medication_id": draft.medications[0].id, "treatment_id": draft.treatments[0].id,
        "entry_id": draft.symptom_entries[0].id, "question_row_id": draft.questions[0].id,
        "call_id": call.id,
        "patient_id": packet.patient_id,
        "message_id": message.id,
    }
    return {"values": values, "reception": reception, "admin": admin, "outsider": outsider,
            "draft": draft, "draft_link": link}


def url_for_rule(rule: Rule, values: dict) -> str:
    if "item_id" in rule.arguments:
        list_name = rule.rule.split("/")[2]
        values = {**values, "item_id": values[PATIENT_ITEMS[list_name]]}
    path = rule.rule
    for arg in rule.arguments:
        converter = rule._converters[arg]
        path = path.replace(f"<{arg}>", str(values[arg]))
        for name in ("int", "path", "any(topics, questions)", "string"):
            path = path.replace(f"<{name}:{arg}>", str(values[arg]))
        del converter
    assert "<" not in path, path
    return path


def client_as(app, role: str, world):
    client = app.test_client()
    if role == "patient":
        # A patient's browser: in through its link (as after the date-of-birth check),
        # with the patient session cookie and never a staff one.
        with client.session_transaction() as session:
            log_in(session, world["draft"], world["draft_link"])
    elif role in ("reception", "admin"):
        assert login(client, world[role].email).status_code == 303
    return client


#: Routes that end or replace the browser's session: walked last, so the rest see it.
SESSION_ENDING = {"auth.logout", "patient.leave", "patient.new_link"}


def rules(app, method: str):
    return sorted(
        (r for r in app.url_map.iter_rules() if method in r.methods),
        key=lambda r: (r.endpoint in SESSION_ENDING, r.rule),
    )


@pytest.mark.parametrize("role", ROLES)
def test_S8_get_matrix(app, world, role):
    client = client_as(app, role, world)
    for rule in rules(app, "GET"):
        access = ACCESS[rule.endpoint]
        response = client.get(url_for_rule(rule, world["values"]))
        code, where = response.status_code, response.location or ""
        label = f"{role} GET {rule.rule} -> {code} {where}"
        if access in ("patient", "patient_sent"):
            if role != "patient":
                assert code == 403, label
            elif access == "patient_sent":
                assert code == 404, label  # the draft has no summary yet
            else:
                assert code in (200, 303) and "/reception" not in where, label
            continue
        if access == "health":
            assert code in (200, 503) and not where, label
            assert response.is_json, label
            continue
        if access == "way_in":
            # A made-up token or no pending check: a plain refusal page, never a 5xx.
            assert code in (200, 303, 403, 404), label
            continue
        if access == "public":
            assert code in (200, 303), label
            if rule.endpoint == "auth.login" and role in ("reception", "admin"):
                assert code == 303 and where.endswith("/reception/"), label
            elif code == 303:
                pytest.fail(label)
        elif access == "login_step":
            assert code == 303 and where.endswith("/reception/login"), label
        elif role in ("anonymous", "patient"):
            assert code == 303 and where.endswith("/reception/login"), label
        elif access == "admin" and role == "reception":
            assert code == 404, label
        else:
            assert code == 200, label


@pytest.mark.parametrize("role", ROLES)
def test_S8_post_matrix(app, world, role):
    """Anonymous and patients are sent to log in; reception cannot act on admin routes."""
    client = client_as(app, role, world)
    token = csrf_token(client, "/")
    for rule in rules(app, "POST"):
        access = ACCESS[rule.endpoint]
        if access in ("public", "login_step", "way_in"):
            continue
        response = client.post(url_for_rule(rule, world["values"]), data={"csrf_token": token})
        code, where = response.status_code, response.location or ""
        label = f"{role} POST {rule.rule} -> {code} {where}"
        if access == "patient":
            if role == "patient":
                assert code < 500 and code != 403 and "/reception" not in where, label
            else:
                assert code == 403, label
            continue
        if role in ("anonymous", "patient"):
            assert code == 303 and where.endswith("/reception/login"), label
        elif access == "admin" and role == "reception":
            assert code == 404, label
        else:
            assert code in (200, 303, 400), label
            assert not where.endswith("/reception/login"), label


def test_no_get_route_changes_anything(app, world):
    """GET every route as admin; nothing but audit rows, sessions and attempts may change."""
    from sqlalchemy import func

    from models import (
        Appointment,
        Clinic,
        Packet,
        PacketLink,
        Patient,
        PatientMatch,
        StaffNote,
        StaffUser,
    )

    def snapshot():
        db.session.expire_all()
        return [
            db.session.scalar(db.select(func.count()).select_from(m)) for m in
            (Appointment, Clinic, Packet, PacketLink, StaffNote, StaffUser, ClinicQuestion,
             SafetyCall, Patient, PatientMatch, SymptomEntry)
        ] + [db.session.scalars(db.select(Packet.status)).all(),
             db.session.scalars(db.select(PacketLink.revoked_at)).all()]

    client = client_as(app, "admin", world)
    before = snapshot()
    for rule in rules(app, "GET"):
        client.get(url_for_rule(rule, world["values"]))
    assert snapshot() == before


def test_S8_another_clinics_admin_gets_404_for_every_id(app, world):
    client = client_as(app, "admin", world)
    login(client, world["outsider"].email)
    token = csrf_for(client)
    for rule in app.url_map.iter_rules():
        if not ({"packet_id", "appointment_id", "user_id", "topic_id", "question_id",
                 "object_id", "call_id", "patient_id", "message_id"} & set(rule.arguments)):
            continue
        url = url_for_rule(rule, world["values"])
        if "GET" in rule.methods:
            assert client.get(url).status_code == 404, url
        if "POST" in rule.methods:
            response = client.post(url, data={"csrf_token": token, "direction": "up",
                                              "role": "admin", "body": "x"})
            assert response.status_code == 404, url
