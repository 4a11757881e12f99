"""Clinic administration: staff accounts, question bank, settings, audit log."""

from __future__ import annotations

import re

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from models import (
    AuditEvent,
    Clinic,
    ClinicQuestion,
    ClinicTopic,
    PacketQuestion,
    StaffSession,
    StaffUser,
)
from tests.auth.helpers import STAFF_COOKIE, csrf_for, login, post_form
from tests.factories import make_packet, make_staff


@pytest.fixture
def as_admin(client, admin):
    login(client, admin.email)
    return client


def audit(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def test_reception_gets_404_on_every_admin_page(client, receptionist):
    login(client, receptionist.email)
    for path in ("/admin/", "/admin/staff", "/admin/settings", "/admin/audit",
                 "/admin/questions"):
        assert client.get(path).status_code == 404
    token = csrf_for(client)
    assert client.post("/admin/settings", data={"csrf_token": token, "name": "Hacked",
                                                "emergency_number": "1",
                                                "retention_days": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.scalar(db.select(Clinic.name)) == "Riverside Clinic"


def test_invite_shows_a_one_time_password_once_and_they_log_in_with_totp(app, as_admin, clinic):
    clinic.require_totp = True
    db.session.commit()
    response = post_form(as_admin, "/admin/staff/new",
                         {"email": "New.Person@Riverside.example", "name": "Nia New",
                          "role": "reception"})
    assert response.status_code == 303
    page = as_admin.get(response.location).get_data(as_text=True)
    password = re.search(r'id="one-time-password">([^<]+)<', page).group(1)
    assert password not in as_admin.get(response.location).get_data(as_text=True)
    user = db.session.scalar(db.select(StaffUser).filter_by(email="new.person@riverside.example"))
    assert user.must_change_password and user.password_hash.startswith("$argon2id$")
    assert audit("staff.create")

    newcomer = app.test_client()
    response = login(newcomer, user.email, password)
    assert response.location.endswith("/login/new-password")
    chosen = "my own long passphrase"
    post_form(newcomer, "/reception/login/new-password",
              {"new_password": chosen, "confirm_password": chosen})
    newcomer.get("/reception/login/two-step-setup")
    db.session.refresh(user)
    response = post_form(newcomer, "/reception/login/two-step-setup",
                         {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.location.endswith("/reception/")
    assert newcomer.get("/reception/").status_code == 200


def test_admin_pages_never_show_a_totp_secret(as_admin, clinic):
    other = make_staff(clinic, "totp@riverside.example")
    other.totp_secret = pyotp.random_base32()
    other.totp_enabled = True
    db.session.commit()
    for path in ("/admin/", "/admin/staff", "/admin/audit", "/admin/settings"):
        html = as_admin.get(path).get_data(as_text=True)
        assert other.totp_secret not in html


def test_disable_ends_sessions_at_once(app, as_admin, clinic, receptionist):
    desk = app.test_client()
    login(desk, receptionist.email)
    assert desk.get("/reception/").status_code == 200
    post_form(as_admin, f"/admin/staff/{receptionist.id}/disable", {}, page="/admin/staff")
    assert desk.get("/reception/").status_code == 303
    db.session.expire_all()
    assert db.session.scalar(db.select(StaffSession.end_reason).filter_by(
        user_id=receptionist.id)) == "disabled"
    assert login(app.test_client(), receptionist.email).status_code == 200
    post_form(as_admin, f"/admin/staff/{receptionist.id}/enable", {}, page="/admin/staff")
    assert login(app.test_client(), receptionist.email).status_code == 303


def test_admin_cannot_disable_or_demote_themselves(as_admin, admin):
    post_form(as_admin, f"/admin/staff/{admin.id}/disable", {}, page="/admin/staff")
    post_form(as_admin, f"/admin/staff/{admin.id}/role", {"role": "reception"},
              page="/admin/staff")
    db.session.expire_all()
    me = db.session.get(StaffUser, admin.id)
    assert me.is_active and me.role == "admin"


def test_change_role(as_admin, receptionist):
    post_form(as_admin, f"/admin/staff/{receptionist.id}/role", {"role": "admin"},
              page="/admin/staff")
    db.session.expire_all()
    assert db.session.get(StaffUser, receptionist.id).role == "admin"
    post_form(as_admin, f"/admin/staff/{receptionist.id}/role", {"role": "owner"},
              page="/admin/staff")
    db.session.expire_all()
    assert db.session.get(StaffUser, receptionist.id).role == "admin"


def test_reset_totp_makes_them_enrol_again(app, as_admin, clinic, receptionist):
    receptionist.totp_secret = pyotp.random_base32()
    receptionist.totp_enabled = True
    clinic.require_totp = True
    db.session.commit()
    post_form(as_admin, f"/admin/staff/{receptionist.id}/reset-totp", {}, page="/admin/staff")
    db.session.expire_all()
    user = db.session.get(StaffUser, receptionist.id)
    assert user.totp_secret is None and not user.totp_enabled
    assert login(app.test_client(), user.email).location.endswith("/two-step-setup")


def test_other_clinics_staff_are_404(as_admin, other_staff):
    for action in ("disable", "enable", "reset-totp", "reset-password"):
        response = post_form(as_admin, f"/admin/staff/{other_staff.id}/{action}", {},
                             page="/admin/staff")
        assert response.status_code == 404
    assert as_admin.get(f"/admin/staff/{other_staff.id}/password").status_code == 404
    assert other_staff.email not in as_admin.get("/admin/staff").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StaffUser, other_staff.id).is_active


def test_question_bank_edit_keeps_packet_wording(as_admin, clinic):
    question = db.session.scalar(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id))
    packet = make_packet(clinic)
    packet.questions.append(PacketQuestion(clinic_question_id=question.id, source="bank",
                                           text=question.text, position=0))
    db.session.commit()
    original = question.text
    response = post_form(as_admin, f"/admin/questions/{question.id}/edit",
                         {"topic": question.topic_id, "text": "A new wording?"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ClinicQuestion, question.id).text == "A new wording?"
    assert db.session.scalar(db.select(PacketQuestion.text)) == original


def test_question_bank_add_hide_and_move(as_admin, clinic):
    topic = db.session.scalar(db.select(ClinicTopic).filter_by(clinic_id=clinic.id)
                              .order_by(ClinicTopic.position))
    post_form(as_admin, "/admin/questions/new", {"topic": topic.id, "text": "Will it help?"},
              page="/admin/questions")
    added = db.session.scalar(db.select(ClinicQuestion).filter_by(text="Will it help?"))
    assert added.topic_id == topic.id
    post_form(as_admin, f"/admin/questions/questions/{added.id}/toggle", {},
              page="/admin/questions")
    db.session.expire_all()
    assert db.session.get(ClinicQuestion, added.id).hidden
    before = [q.id for q in db.session.scalars(db.select(ClinicQuestion).filter_by(
        topic_id=topic.id).order_by(ClinicQuestion.position))]
    post_form(as_admin, f"/admin/questions/questions/{added.id}/move", {"direction": "up"},
              page="/admin/questions")
    db.session.expire_all()
    after = [q.id for q in db.session.scalars(db.select(ClinicQuestion).filter_by(
        topic_id=topic.id).order_by(ClinicQuestion.position))]
    assert after == before[:-2] + [before[-1], before[-2]]
    post_form(as_admin, "/admin/questions/topics", {"title": "Sleep", "blurb": ""},
              page="/admin/questions")
    last = db.session.scalar(db.select(ClinicTopic).filter_by(clinic_id=clinic.id)
                             .order_by(ClinicTopic.position.desc()))
    assert last.title == "Sleep"
    assert len(audit("bank.question_add")) == 1 and len(audit("bank.move")) == 1


def test_other_clinics_questions_are_404(as_admin, other_clinic):
    question = db.session.scalar(db.select(ClinicQuestion).filter_by(clinic_id=other_clinic.id))
    assert as_admin.get(f"/admin/questions/{question.id}/edit").status_code == 404
    response = post_form(as_admin, f"/admin/questions/questions/{question.id}/toggle", {},
                         page="/admin/questions")
    assert response.status_code == 404
    topic_ids = db.session.scalars(db.select(ClinicTopic.id).filter_by(
        clinic_id=other_clinic.id)).all()
    response = post_form(as_admin, "/admin/questions/new",
                         {"topic": topic_ids[0], "text": "Sneaky?"}, page="/admin/questions")
    assert response.status_code == 400
    assert db.session.scalar(db.select(ClinicQuestion).filter_by(text="Sneaky?")) is None


#: The time zone and opening hours as the settings page shows them for a new clinic.
ZONE_AND_HOURS = {"timezone": "America/New_York", **{
    f"{day}_{end}": time for day in ("mon", "tue", "wed", "thu", "fri")
    for end, time in (("opens", "08:00"), ("closes", "17:00"))}}


def test_settings_save_and_audit(as_admin, clinic):
    response = post_form(as_admin, "/admin/settings", {
        "name": "Riverside Spine", "phone": "555-0199", "emergency_number": "911",
        "require_totp": "y", "retention_days": "30", **ZONE_AND_HOURS})
    assert response.status_code == 303
    db.session.expire_all()
    row = db.session.get(Clinic, clinic.id)
    assert (row.name, row.phone, row.require_totp, row.open_start, row.retention_days) == (
        "Riverside Spine", "555-0199", True, False, 30)
    assert audit("clinic.settings")[0].detail["changed"] == [
        "name", "phone", "require_totp", "retention_days"]


@pytest.mark.parametrize("field,value", [
    ("retention_days", "0"), ("retention_days", "3651"), ("retention_days", "ten"),
    ("retention_days", "9" * 40), ("name", ""), ("name", "x" * 20_000),
    ("phone", "<script>"), ("emergency_number", ""), ("timezone", ""),
    ("timezone", "Mars/Base"), ("timezone", "../../etc/passwd"), ("timezone", "EST5EDT x"),
    ("mon_opens", "18:00"), ("tue_closes", ""), ("wed_opens", "25:00"),
])
def test_bad_settings_are_field_errors(as_admin, clinic, field, value):
    data = {"name": "Riverside", "phone": "", "emergency_number": "911",
            "retention_days": "90", **ZONE_AND_HOURS, field: value}
    response = post_form(as_admin, "/admin/settings", data)
    assert response.status_code == 200
    assert "field-error" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Clinic, clinic.id).retention_days == 90


def test_time_zone_and_opening_hours_are_saved_and_audited(as_admin, clinic):
    hours = {**ZONE_AND_HOURS, "timezone": " America/Chicago ", "fri_closes": "13:30",
             "sat_opens": "09:00", "sat_closes": "12:00", "mon_opens": "", "mon_closes": ""}
    response = post_form(as_admin, "/admin/settings", {
        "name": "Riverside Clinic", "phone": "555-0100", "emergency_number": "911",
        "retention_days": "90", **hours})
    assert response.status_code == 303
    db.session.expire_all()
    row = db.session.get(Clinic, clinic.id)
    assert row.timezone == "America/Chicago"
    assert row.opening_hours["mon"] is None and row.opening_hours["fri"] == ["08:00", "13:30"]
    assert row.opening_hours["sat"] == ["09:00", "12:00"] and row.opening_hours["sun"] is None
    assert audit("clinic.settings")[0].detail["changed"] == ["timezone", "opening_hours"]
    page = as_admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="America/Chicago"' in page and 'value="13:30"' in page


def test_extra_setting_fields_change_nothing(as_admin, clinic):
    post_form(as_admin, "/admin/settings", {
        "name": "Riverside", "emergency_number": "911", "retention_days": "90",
        "slug": "hijacked", "timezone": "Mars/Base", "id": "99"})
    db.session.expire_all()
    row = db.session.get(Clinic, clinic.id)
    assert row.slug == "riverside" and row.timezone != "Mars/Base"


def test_audit_log_filters_and_scoping(app, as_admin, admin, receptionist, other_staff):
    login(app.test_client(), receptionist.email)
    login(app.test_client(), other_staff.email)
    html = as_admin.get("/admin/audit").get_data(as_text=True)
    assert receptionist.email in html and other_staff.email not in html
    html = as_admin.get(f"/admin/audit?person={receptionist.id}").get_data(as_text=True)
    table = html.split("<tbody>")[1]
    assert receptionist.email in table and admin.email not in table
    html = as_admin.get("/admin/audit?action=staff.logout").get_data(as_text=True)
    assert "Nothing matches" in html
    assert as_admin.get("/admin/audit?date_from=2999-99-99&before=x").status_code == 200
    assert as_admin.get("/admin/audit?before=99999999999999").status_code == 200


def test_audit_log_pages(as_admin, admin, clinic):
    from services.audit import record

    for i in range(120):
        record("test.event", actor=admin, detail={"n": i})
    db.session.commit()
    html = as_admin.get("/admin/audit?action=test.event").get_data(as_text=True)
    assert html.count("test.event</td>") == 50
    older = re.search(r'href="([^"]*before=\d+[^"]*)"', html).group(1).replace("&amp;", "&")
    html2 = as_admin.get(older).get_data(as_text=True)
    assert "n=69" in html2 and "n=119" not in html2


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.text(max_size=300), name=st.text(max_size=300),
       role=st.sampled_from(["reception", "admin", "", "root", "🙂"]))
def test_invite_form_fuzz_never_5xx(as_admin, email, name, role):
    response = post_form(as_admin, "/admin/staff/new",
                         {"email": email, "name": name, "role": role})
    assert response.status_code in (200, 303)


def test_cookie_name_is_the_configured_one(app):
    assert app.config["STAFF_COOKIE_NAME"] == STAFF_COOKIE
