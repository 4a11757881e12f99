"""`flask --app app retention purge`: deletes what is past each clinic's retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from extensions import db
from models import (
    Appointment,
    AuditEvent,
    Packet,
    PacketLink,
    Patient,
    StaffNote,
    SymptomEntry,
    utcnow,
)
from services.retention import purge
from services.tokens import create_invitation
from tests.factories import make_appointment, make_clinic, make_packet, make_patient


def test_purge_deletes_only_what_is_past_retention(app, runner):
    short = make_clinic("short", "Short Clinic", retention_days=30)
    long = make_clinic("long", "Long Clinic", retention_days=365)
    old = make_appointment(short, days_ahead=-31, patient_name="Old Olive")
    old_packet = make_packet(short, old, status="reviewed", visit_date=date.today() - timedelta(31))
    old_packet.notes.append(StaffNote(body="called"))
    old_packet.symptom_entries.append(SymptomEntry(recorded_at=datetime.now(), pain=5))
    create_invitation(old, 30)
    recent = make_appointment(short, days_ahead=-29)
    make_packet(short, recent, status="submitted")
    self_started_old = make_packet(short, status="draft",
                                   visit_date=date.today() - timedelta(40))
    undated_old = make_packet(short, status="draft")
    undated_old.created_at = utcnow() - timedelta(days=45)
    make_packet(short, status="draft")  # undated, started today: kept
    kept_long = make_appointment(long, days_ahead=-100)
    make_packet(long, kept_long, status="reviewed")
    db.session.commit()
    ids = (old_packet.id, self_started_old.id, undated_old.id)

    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert "short: deleted 3 patient(s) with 3 packet(s) and 1 appointment(s)" in result.output
    assert "long: deleted 0 patient(s) with 0 packet(s) and 0 appointment(s)" in result.output
    db.session.expire_all()
    assert all(db.session.get(Packet, i) is None for i in ids)
    assert db.session.scalar(db.select(db.func.count(Packet.id))) == 3
    assert db.session.scalar(db.select(db.func.count(Appointment.id))) == 2
    assert db.session.scalar(db.select(db.func.count(StaffNote.id))) == 0
    assert db.session.scalar(db.select(db.func.count(SymptomEntry.id))) == 0
    assert db.session.scalar(db.select(db.func.count(PacketLink.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Patient.id))) == 3
    events = db.session.scalars(db.select(AuditEvent).filter_by(action="retention.purge")).all()
    assert len(events) == 2
    # Running again deletes nothing more.
    assert [r.packets for r in purge()] == [0, 0]


def test_a_patient_and_their_diary_go_only_after_their_last_visit(app):
    clinic = make_clinic("short", "Short Clinic", retention_days=30)
    returning = make_patient(clinic, "Ana Ortiz")
    first = make_packet(clinic, make_appointment(clinic, patient=returning, days_ahead=-200),
                        status="reviewed")
    first.symptom_entries.append(SymptomEntry(recorded_at=datetime(2026, 1, 1, 9), pain=4))
    make_packet(clinic, make_appointment(clinic, patient=returning, days_ahead=-5))
    gone = make_patient(clinic, "Old Olive")
    make_packet(clinic, make_appointment(clinic, patient=gone, days_ahead=-31))
    gone.created_at = utcnow() - timedelta(days=300)
    empty_old = make_patient(clinic, "Emptied By A Match")
    empty_old.created_at = utcnow() - timedelta(days=60)
    empty_new = make_patient(clinic, "Booked Today")
    db.session.commit()
    [result] = purge()
    assert (result.patients, result.packets, result.appointments) == (2, 1, 1)
    db.session.expire_all()
    assert {p.name for p in db.session.scalars(db.select(Patient))} == {
        "Ana Ortiz", "Booked Today"}
    # The returning patient keeps the old visit and its diary: "since last visit" needs them.
    assert db.session.get(Packet, first.id) is not None
    assert db.session.scalar(db.select(db.func.count(SymptomEntry.id))) == 1
    assert empty_new.id


def test_purge_with_no_clinics(runner):
    assert "No clinics" in runner.invoke(args=["retention", "purge"]).output


def test_old_login_records_are_purged(app, runner):
    from models import LoginAttempt, StaffSession
    from tests.factories import make_staff

    clinic = make_clinic("c", "C")
    user = make_staff(clinic)
    old = utcnow() - timedelta(days=91)
    db.session.add_all([
        StaffSession(token_hash="a" * 64, user_id=user.id, created_at=old, last_seen_at=old),
        StaffSession(token_hash="b" * 64, user_id=user.id),
        LoginAttempt(email=user.email, succeeded=False, at=old),
        LoginAttempt(email=user.email, succeeded=True),
    ])
    db.session.commit()
    result = runner.invoke(args=["retention", "purge"])
    assert "Deleted 2 staff session and login attempt record(s)" in result.output
    assert db.session.scalar(db.select(db.func.count(StaffSession.id))) == 1
    assert db.session.scalar(db.select(db.func.count(LoginAttempt.id))) == 1
