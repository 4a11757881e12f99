"""Ways in: the clinic's start page, resume links and codes, invitations and the DOB check."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from extensions import db
from models import AuditEvent, DobAttempt, Packet, PacketLink, utcnow
from services.tokens import create_invitation, token_hash
from tests.conftest import make_test_app
from tests.factories import make_appointment, make_clinic
from tests.patient.conftest import DOB, hidden_fields, open_invitation, post_form

WRONG = "That does not match what we have"


@pytest.fixture
def clinic(app):
    return make_clinic("riverside", "Riverside Clinic", open_start=True)


def start(client, clinic):
    response = post_form(client, f"/c/{clinic.slug}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/p/keep-link")
    page = client.get("/p/keep-link").get_data(as_text=True)
    token = re.search(r"/v/([A-Za-z0-9_\-]{40,})", page).group(1)
    code = re.search(r'id="secret-code">([A-Z0-9\-]+)<', page).group(1)
    return token, code


def test_start_page_says_what_it_is_and_offers_start(client, clinic):
    page = client.get("/c/riverside").get_data(as_text=True)
    assert "Riverside Clinic" in page and "not medical advice" in page
    assert 'action="/c/riverside"' in page and "Your code" in page


def test_P1_start_makes_a_packet_and_shows_the_private_link_once(client, clinic):
    token, code = start(client, clinic)
    link = db.session.scalar(db.select(PacketLink))
    assert link.kind == "resume" and link.token_hash == token_hash(token)
    assert link.code_hash == token_hash(code.replace("-", ""))
    assert token not in str(db.session.execute(db.text("SELECT * FROM packet_link")).all())
    again = client.get("/p/keep-link").get_data(as_text=True)
    assert token not in again and "only once" in again
    assert client.get("/p/visit").status_code == 200


def test_start_is_refused_when_the_clinic_only_takes_invitations(client, app):
    closed = make_clinic("closed", "Closed Clinic", open_start=False)
    page = client.get("/c/closed").get_data(as_text=True)
    assert 'action="/c/closed"' not in page
    html = client.get("/c/closed").get_data(as_text=True)
    response = client.post("/c/closed", data={"csrf_token": hidden_fields(html)["csrf_token"]})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Packet.id))) == 0
    assert closed.id


def test_the_session_cookie_is_lax_httponly_and_lasts(client, clinic):
    response = post_form(client, "/c/riverside")
    cookie = response.headers["Set-Cookie"]
    assert "vp_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie


def test_resume_link_without_a_birth_date_opens_the_packet_on_another_device(app, clinic):
    first = app.test_client()
    token, _code = start(first, clinic)
    other = app.test_client()
    response = other.get(f"/v/{token}")
    assert response.status_code == 303 and response.headers["Location"] == "/p/"
    assert token not in response.headers["Location"]
    assert other.get("/p/visit").status_code == 200


def test_resume_link_asks_for_the_birth_date_once_one_was_given(app, clinic):
    first = app.test_client()
    token, code = start(first, clinic)
    post_form(first, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    other = app.test_client()
    assert other.get(f"/v/{token}").headers["Location"].endswith("/v/check")
    assert other.get("/p/visit").status_code == 403
    response = post_form(other, "/v/check", {"date_of_birth": "1975-02-03"})
    assert response.status_code == 303
    assert "Back pain" in other.get("/p/visit").get_data(as_text=True)


def test_the_code_resumes_on_the_start_page(app, clinic):
    first = app.test_client()
    _token, code = start(first, clinic)
    other = app.test_client()
    response = post_form(other, "/c/riverside/code", {"code": code.lower().replace("-", " ")},
                         page="/c/riverside")
    assert response.status_code == 303 and response.headers["Location"] == "/p/"


@pytest.mark.parametrize("typed", ["", "NOPE", "ABCDE-FGHJK", "x" * 5000, "<script>"])
def test_a_wrong_code_gets_a_plain_message(client, clinic, typed):
    response = post_form(client, "/c/riverside/code", {"code": typed}, page="/c/riverside")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "field-error" in page and "<script>" not in page


def test_P2_invitation_trades_the_token_for_a_session_then_checks_the_birth_date(client, clinic):
    appointment = make_appointment(clinic, patient_name="Sam Patient", date_of_birth=DOB,
                                   doctor="Dr. Shah")
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    response = client.get(f"/v/{token}")
    assert response.status_code == 303 and response.headers["Location"] == "/v/check"
    assert "Sam Patient" not in client.get("/v/check").get_data(as_text=True)
    response = post_form(client, "/v/check", {"date_of_birth": DOB.isoformat()})
    assert response.status_code == 303 and response.headers["Location"] == "/p/"
    packet = db.session.scalar(db.select(Packet).filter_by(appointment_id=appointment.id))
    assert packet.patient_name == "Sam Patient" and packet.doctor == "Dr. Shah"
    assert packet.visit_date == appointment.scheduled_for.date()
    assert packet.date_of_birth == DOB
    assert "Dr. Shah" in client.get("/p/visit").get_data(as_text=True)


def test_an_invitation_opened_twice_keeps_one_packet(app, clinic):
    appointment = make_appointment(clinic, date_of_birth=DOB)
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    for _ in range(2):
        assert open_invitation(app.test_client(), token).status_code == 303
    assert db.session.scalar(db.select(db.func.count(Packet.id))) == 1


def test_P3_five_wrong_birth_dates_lock_the_link_even_for_the_right_date(client, clinic):
    appointment = make_appointment(clinic, date_of_birth=DOB)
    link, token = create_invitation(appointment, 30)
    db.session.commit()
    client.get(f"/v/{token}")
    pages = []
    for n in range(4):
        response = post_form(client, "/v/check", {"date_of_birth": f"1981-01-0{n + 1}"})
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
    assert all(WRONG in page for page in pages)
    fifth = post_form(client, "/v/check", {"date_of_birth": "1999-09-09"})
    assert fifth.status_code == 403 and "locked" in fifth.get_data(as_text=True)
    # The right date now: still locked, on this session and on a fresh one.
    assert post_form(client, "/v/check", {"date_of_birth": DOB.isoformat()},
                     page="/c/riverside").status_code == 403
    response = client.get(f"/v/{token}")
    assert response.status_code == 403 and "555-0100" in response.get_data(as_text=True)
    db.session.refresh(link)
    assert link.locked_at is not None and link.dob_failures == 5
    assert db.session.scalar(db.select(db.func.count(Packet.id))) == 0
    attempts = db.session.scalars(db.select(DobAttempt)).all()
    assert len(attempts) >= 5 and not any(a.succeeded for a in attempts)
    audits = db.session.scalars(db.select(AuditEvent).filter_by(action="patient.dob_check")).all()
    assert len(audits) == len(attempts)
    assert all(DOB.isoformat() not in str(a.detail) for a in audits)


@pytest.mark.parametrize("typed", ["", "not a date", "2999-01-01", "0000-00-00", "<b>1</b>"])
def test_bad_birth_dates_get_a_message_not_an_error(client, clinic, typed):
    appointment = make_appointment(clinic, date_of_birth=DOB)
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    client.get(f"/v/{token}")
    response = post_form(client, "/v/check", {"date_of_birth": typed})
    assert response.status_code == 200
    assert "field-error" in response.get_data(as_text=True)


def _packet_with_link(clinic, **link_fields):
    appointment = make_appointment(clinic, patient_name="Secret Name", date_of_birth=DOB)
    link, token = create_invitation(appointment, 30)
    for name, value in link_fields.items():
        setattr(link, name, value)
    db.session.commit()
    return token


@pytest.mark.parametrize("fields,status,words", [
    ({}, None, None),
    ({"expires_at": utcnow() - timedelta(days=1)}, 410, "run out"),
    ({"revoked_at": utcnow()}, 410, "replaced"),
    ({"locked_at": utcnow()}, 403, "locked"),
])
def test_P1_unusable_links_get_a_plain_page_without_health_data(client, clinic, fields, status,
                                                            words):
    token = _packet_with_link(clinic, **fields)
    if status is None:
        response = client.get("/v/" + "x" * 43)
        status, words = 404, "can't find"
    else:
        response = client.get(f"/v/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == status and words in page
    assert "Secret Name" not in page


def test_revoking_the_link_ends_the_session_it_opened(client, clinic, app):
    appointment = make_appointment(clinic, date_of_birth=DOB)
    link, token = create_invitation(appointment, 30)
    db.session.commit()
    open_invitation(client, token)
    assert client.get("/p/visit").status_code == 200
    create_invitation(appointment, 30)  # reception reissues: the old link is revoked
    db.session.commit()
    response = client.get("/p/visit")
    assert response.status_code == 403 and "open your link again" in response.get_data(
        as_text=True)


def test_patient_pages_need_a_session(client, clinic):
    for path in ("/p/", "/p/visit", "/p/review", "/p/medications/1/edit"):
        assert client.get(path).status_code == 403


def test_birth_date_and_code_endpoints_are_rate_limited(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'rl.sqlite3'}", RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
        client = app.test_client()
        statuses = [post_form(client, "/c/riverside/code", {"code": "ABCDE-FGHJK"},
                              page="/c/riverside").status_code for _ in range(12)]
        assert statuses[:10] == [200] * 10 and statuses[-1] == 429
        assert clinic.id
        db.session.remove()
        db.engine.dispose()


def test_birth_date_of_a_self_started_packet_is_checked_with_the_same_lock(app, clinic):
    first = app.test_client()
    token, _code = start(first, clinic)
    post_form(first, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "x"})
    other = app.test_client()
    other.get(f"/v/{token}")
    for _ in range(5):
        last = post_form(other, "/v/check", {"date_of_birth": date(1970, 1, 1).isoformat()})
    assert last.status_code == 403
    # The first device's session used the same link: it is locked out too.
    assert first.get("/p/visit").status_code == 403


def test_a_lost_link_can_be_replaced_and_the_old_one_stops(app, clinic):
    first = app.test_client()
    old_token, _code = start(first, clinic)
    assert post_form(first, "/p/new-link", page="/p/").headers["Location"].endswith(
        "/p/keep-link")
    page = first.get("/p/keep-link").get_data(as_text=True)
    new_token = re.search(r"/v/([A-Za-z0-9_\-]{40,})", page).group(1)
    assert new_token != old_token
    assert first.get("/p/visit").status_code == 200  # this device goes on
    assert app.test_client().get(f"/v/{old_token}").status_code == 410
    assert app.test_client().get(f"/v/{new_token}").status_code == 303


def test_a_cancelled_appointment_link_no_longer_opens(client, clinic):
    appointment = make_appointment(clinic, date_of_birth=DOB)
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    open_invitation(client, token)
    appointment.status = "cancelled"
    db.session.commit()
    assert client.get("/p/visit").status_code == 403
    assert client.get(f"/v/{token}").status_code == 410
