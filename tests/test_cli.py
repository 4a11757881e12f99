"""The flask CLI: clinics, staff accounts and the demo clinic."""

from __future__ import annotations

from extensions import db
from models import AuditEvent, Clinic, ClinicQuestion, Packet, StaffUser
from services.passwords import verify_password
from tests.factories import make_clinic


def test_a_fresh_database_has_no_accounts(app):
    assert db.session.scalar(db.select(db.func.count(StaffUser.id))) == 0


def test_clinic_create_copies_the_question_bank(runner):
    result = runner.invoke(args=["clinic", "create", "--slug", "north-spine", "--name", "North"])
    assert result.exit_code == 0, result.output
    assert "/c/north-spine" in result.output
    clinic = db.session.scalar(db.select(Clinic).filter_by(slug="north-spine"))
    assert clinic.open_start is False and clinic.require_totp is True
    count = db.session.scalar(
        db.select(db.func.count(ClinicQuestion.id)).filter_by(clinic_id=clinic.id)
    )
    assert count >= 40


def test_clinic_create_refuses_a_bad_slug(runner):
    result = runner.invoke(args=["clinic", "create", "--slug", "Bad Slug!", "--name", "X"])
    assert result.exit_code != 0
    assert "slug must be" in result.output


def test_clinic_create_refuses_a_duplicate(runner):
    make_clinic("twice")
    result = runner.invoke(args=["clinic", "create", "--slug", "twice", "--name", "Again"])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_staff_create_prints_a_one_time_password(runner):
    make_clinic("riverside")
    result = runner.invoke(
        args=["staff", "create", "--clinic", "riverside", "--email", "Front.Desk@Example.com",
              "--role", "reception"]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("first login): ")[1].split()[0]
    user = db.session.scalar(db.select(StaffUser).filter_by(email="front.desk@example.com"))
    assert user.must_change_password is True
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, password)
    assert password not in str(db.session.scalars(db.select(AuditEvent.detail)).all())


def test_staff_create_explains_bad_arguments(runner):
    make_clinic("riverside")
    cases = [
        (["--clinic", "nowhere", "--email", "a@example.com", "--role", "admin"], "no clinic"),
        (["--clinic", "riverside", "--email", "not-an-email", "--role", "admin"], "not a valid"),
        (["--clinic", "riverside", "--email", "a@example.com", "--role", "boss"], "boss"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["staff", "create", *args])
        assert result.exit_code != 0
        assert message in result.output


def test_staff_create_refuses_a_duplicate_email(runner):
    make_clinic("riverside")
    args = ["staff", "create", "--clinic", "riverside", "--email", "a@example.com",
            "--role", "admin"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "already exists" in result.output


def test_demo_seed_is_safe_to_run_twice(runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "Created the demo clinic" in first.output
    assert "/c/demo" in first.output and "/reception/login" in first.output
    packets = db.session.scalar(db.select(db.func.count(Packet.id)))
    statuses = set(db.session.scalars(db.select(Packet.status)).all())
    assert statuses == {"draft", "submitted", "reviewed"}
    assert db.session.scalar(db.select(db.func.max(Packet.flag_level))) == 3

    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    assert "Found the demo clinic" in second.output
    assert db.session.scalar(db.select(db.func.count(Packet.id))) == packets
    assert db.session.scalar(db.select(db.func.count(Clinic.id))) == 1

    # The printed logins are the ones that work now.
    for line in second.output.splitlines():
        if "password:" in line:
            email, password = line.split()[1], line.split("password: ")[1]
            user = db.session.scalar(db.select(StaffUser).filter_by(email=email))
            assert verify_password(user.password_hash, password)
