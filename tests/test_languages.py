"""Choosing the language: the packet's, the switch, the browser, the clinic default; staff's own.

Runs against the real Spanish catalogue (compiled by conftest as `make install` does).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import g
from flask_babel import refresh

from extensions import db
from models import AuditEvent, ClinicQuestion, Packet
from services import formatting
from services.i18n import bank_wording
from tests.auth.helpers import login
from tests.auth.helpers import post_form as staff_post
from tests.factories import make_appointment, make_clinic, make_packet, make_staff
from tests.helpers import hidden_fields
from tests.patient.conftest import post_form, start_packet

SPANISH = 'lang="es"'


@pytest.fixture
def clinic(app):
    return make_clinic("riverside", "Riverside Clinic", open_start=True, require_totp=False)


def page(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def switch(client, lang, next_path, page_path=None):
    g.pop("csrf_token", None)
    html = page(client, page_path or next_path)
    token = hidden_fields(html)["csrf_token"]
    return client.post("/language", data={"csrf_token": token, "lang": lang, "next": next_path})


def test_browser_language_picks_spanish_and_html_lang_follows(client, clinic):
    html = page(client, "/c/riverside", **{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in html
    assert "Prepárese para su consulta" in html
    english = page(client, "/c/riverside", **{"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english and "Get ready for your visit" in english


def test_clinic_default_when_the_browser_says_nothing_we_speak(client, app):
    make_clinic("sur", "Clínica del Sur", open_start=True, default_language="es")
    assert '<html lang="es">' in page(client, "/c/sur")
    assert '<html lang="es">' in page(client, "/c/sur", **{"Accept-Language": "fr"})
    assert '<html lang="en">' in page(client, "/c/sur", **{"Accept-Language": "en"})


def test_switch_is_a_form_on_patient_pages_and_works_without_script(client, clinic):
    html = page(client, "/c/riverside")
    assert 'action="/language"' in html and 'value="es"' in html and "Español" in html
    response = switch(client, "es", "/c/riverside")
    assert response.status_code == 303 and response.location == "/c/riverside"
    html = page(client, "/c/riverside", **{"Accept-Language": "en"})
    assert '<html lang="es">' in html
    assert '<span class="language-current" lang="es" aria-current="true">Español</span>' in html
    assert 'value="en"' in html  # the way back


def test_the_choice_stays_with_the_packet(client, clinic):
    switch(client, "es", "/c/riverside")
    packet = start_packet(client, clinic)
    assert packet.language == "es"
    # Another browser (Accept-Language English, no choice made) on the same packet: Spanish.
    with client.session_transaction() as sess:
        sess.pop("lang")
    assert '<html lang="es">' in page(client, "/p/", **{"Accept-Language": "en"})
    # Switching inside the packet changes the packet, with an audit row.
    response = switch(client, "en", "/p/visit")
    assert response.status_code == 303 and response.location == "/p/visit"
    db.session.expire_all()
    assert db.session.get(Packet, packet.id).language == "en"
    assert '<html lang="en">' in page(client, "/p/visit", **{"Accept-Language": "es"})
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="patient.language"))
    assert event.object_id == packet.id and event.detail == {"language": "en"}


def test_a_new_packet_keeps_the_language_the_patient_saw(client, clinic):
    client.get("/c/riverside", headers={"Accept-Language": "es"})
    g.pop("csrf_token", None)
    html = page(client, "/c/riverside", **{"Accept-Language": "es"})
    response = client.post("/c/riverside", data=hidden_fields(html),
                           headers={"Accept-Language": "es"})
    assert response.status_code == 303
    with client.session_transaction() as sess:
        packet = db.session.get(Packet, sess["packet_id"])
    assert packet.language == "es"
    assert '<html lang="es">' in page(client, "/p/keep-link", **{"Accept-Language": "en"})


def test_invitation_link_stores_the_language_on_entry(client, clinic):
    from services.tokens import create_invitation

    appointment = make_appointment(clinic, date_of_birth=date(1980, 6, 15))
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    assert client.get(f"/v/{token}", headers={"Accept-Language": "es"}).status_code == 303
    response = post_form(client, "/v/check", {"date_of_birth": "1980-06-15"},
                         headers={"Accept-Language": "es"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    packet = db.session.scalar(db.select(Packet).filter_by(appointment_id=appointment.id))
    assert packet.language == "es"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_switch_never_sends_the_browser_off_site(client, clinic, target):
    response = switch(client, "es", target, page_path="/c/riverside")
    assert response.status_code == 303 and response.location == "/"


def test_switch_refuses_unknown_languages_and_missing_csrf(client, clinic):
    assert switch(client, "fr", "/c/riverside").status_code == 400
    response = client.post("/language", data={"lang": "es", "next": "/"})
    assert response.status_code == 400


def test_error_pages_are_translated(client, clinic):
    html = client.get("/no-such-page", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in html and "No encontramos esa página" in html
    assert 'action="/language"' in html


def test_dates_and_numbers_follow_the_language_and_the_clinic_time_zone(app, clinic):
    instant = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)  # 9:05 in New York
    wall_clock = datetime(2026, 12, 1, 9, 5)
    with app.test_request_context("/c/riverside", headers={"Accept-Language": "es"}):
        g.clinic = clinic
        refresh()
        assert formatting.format_date(date(2026, 12, 1)) == "mar 1 dic 2026"
        assert formatting.format_datetime(instant) == "mar 1 dic 2026, 9:05 a.m."
        assert formatting.format_datetime(wall_clock) == "mar 1 dic 2026, 9:05 a.m."
        assert formatting.format_number(7.5) == "7.5"  # US Spanish, as the forms read it
        assert formatting.format_number(1234.5) == "1,234.5"
    with app.test_request_context("/c/riverside", headers={"Accept-Language": "en"}):
        g.clinic = clinic
        refresh()
        assert formatting.format_datetime(instant) == "Tue 1 Dec 2026, 9:05 AM"
        assert formatting.format_time(wall_clock) == "9:05 AM"
        assert formatting.format_number(7.5) == "7.5"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_formats_write_what_babel_writes(app, clinic, language):
    """The once-compiled formats give Babel's own text, for every pattern, hour and month."""
    from datetime import timedelta

    from babel import dates

    moments = [datetime(2026, 1, 1, 0, 0, tzinfo=UTC) + timedelta(days=d, hours=d % 24, minutes=d)
               for d in range(0, 400, 3)]
    with app.test_request_context("/c/riverside", headers={"Accept-Language": language}):
        g.clinic = clinic
        refresh()
        locale = formatting._locale()
        for pattern in (formatting.DATETIME_PATTERN, formatting.SHORT_DATETIME_PATTERN,
                        formatting.TIME_PATTERN, formatting.DATE_PATTERN):
            assert formatting._formatter(locale, pattern) is not None
            for moment in moments:
                local = formatting.local_time(moment)
                assert formatting.format_datetime(moment, pattern) == dates.format_datetime(
                    local, pattern, tzinfo=local.tzinfo, locale=locale)
        for moment in moments:
            assert formatting.format_short_day(moment.date()) == dates.format_date(
                moment.date(), formatting.SHORT_DAY_PATTERN, locale=locale)
        for hour in range(24):
            assert formatting.format_hour(hour) == dates.format_time(
                datetime(2026, 1, 1, hour).time(), formatting.TIME_PATTERN, locale=locale)
        # A field the compiled formats leave to Babel still comes out as Babel writes it.
        assert formatting.format_date(date(2026, 12, 1), "EEEE d 'de' MMMM") == dates.format_date(
            date(2026, 12, 1), "EEEE d 'de' MMMM", locale=locale)


def test_staff_pick_their_own_language(client, clinic):
    user = make_staff(clinic, "reception@example.com")
    assert login(client, user.email).status_code == 303
    html = page(client, "/reception/")
    assert '<html lang="en">' in html and 'action="/reception/account/language"' in html
    response = staff_post(client, "/reception/account/language",
                          {"lang": "es", "next": "/reception/"}, page="/reception/")
    assert response.status_code == 303 and response.location == "/reception/"
    assert db.session.get(type(user), user.id).language == "es"
    html = page(client, "/reception/", **{"Accept-Language": "en"})
    assert '<html lang="es">' in html and "Recepción" in html


def test_staff_summary_says_the_patient_answered_in_spanish(client, clinic):
    user = make_staff(clinic, "reception@example.com")
    packet = make_packet(clinic, status="submitted", submitted_at=datetime.now(UTC),
                         patient_name="Ana Pérez", reason="Me duele la espalda baja.",
                         language="es")
    db.session.commit()
    login(client, user.email)
    html = page(client, f"/reception/packets/{packet.id}")
    assert "Answered in Spanish." in html
    assert "Me duele la espalda baja." in html  # the patient's words as typed
    english = make_packet(clinic, status="submitted", submitted_at=datetime.now(UTC),
                          patient_name="Al Smith", language="en")
    db.session.commit()
    html = page(client, f"/reception/packets/{english.id}")
    assert "Al Smith" in html and "Answered in" not in html


def test_bank_holds_both_languages_and_patients_never_see_a_gap(app, clinic):
    questions = db.session.scalars(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id)).all()
    own = questions[0]
    own.text_es = "¿Mi propia pregunta en español?"
    other = questions[1]
    other.text, other.text_es = "A wording the clinic wrote", None
    db.session.commit()
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        refresh()
        assert bank_wording(own, "text") == "¿Mi propia pregunta en español?"
        assert bank_wording(other, "text") == "A wording the clinic wrote"  # English, not a gap
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        assert bank_wording(own, "text") == own.text


def test_admin_edits_both_languages_and_sees_what_is_missing(client, clinic):
    admin = make_staff(clinic, "admin@example.com", "admin")
    question = db.session.scalars(
        db.select(ClinicQuestion).filter_by(clinic_id=clinic.id).order_by(ClinicQuestion.id)
    ).first()
    login(client, admin.email)
    path = f"/admin/questions/{question.id}/edit"
    html = page(client, path)
    assert 'name="text_es"' in html
    response = staff_post(client, path, {"topic": question.topic_id,
                                         "text": "A new English wording",
                                         "text_es": ""})
    assert response.status_code == 303
    html = page(client, "/admin/questions")
    assert "A new English wording" in html and "Spanish missing" in html
    response = staff_post(client, path, {"topic": question.topic_id,
                                         "text": "A new English wording",
                                         "text_es": "Una nueva redacción"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ClinicQuestion, question.id).text_es == "Una nueva redacción"
    assert "Una nueva redacción" in page(client, "/admin/questions")


def test_patient_sees_the_spanish_bank_with_english_where_missing(client, clinic):
    questions = db.session.scalars(
        db.select(ClinicQuestion).filter_by(clinic_id=clinic.id).order_by(ClinicQuestion.id)
    ).all()
    questions[0].text_es = "¿Qué va a revisar el médico?"
    questions[1].text, questions[1].text_es = "Only in English, for now", None
    db.session.commit()
    switch(client, "es", "/c/riverside")
    start_packet(client, clinic)
    html = page(client, "/p/questions")
    assert "¿Qué va a revisar el médico?" in html
    assert "Only in English, for now" in html
    assert "Falta el español" not in html and "Spanish missing" not in html


def test_the_command_line_speaks_the_environment_language(runner, app):
    spanish = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "es_US.UTF-8"}
    english = {**spanish, "LANG": "C.UTF-8"}
    args = ["clinic", "create", "--slug", "sur", "--name", "Clínica del Sur"]
    result = runner.invoke(args=args, env=spanish)
    assert result.exit_code == 0, result.output
    assert "Se creó la clínica 'Clínica del Sur'. Enlace de inicio:" in result.output
    again = runner.invoke(args=args, env=spanish)
    assert again.exit_code != 0 and "Ya existe una clínica con el identificador 'sur'" in again.output
    again = runner.invoke(args=args, env=english)
    assert "A clinic with the slug 'sur' already exists." in again.output


def test_the_pdf_comes_in_the_readers_language(client, clinic):
    """The patient's PDF in the packet's language; the staff PDF in the staff member's."""
    from services.patient_session import log_in
    from services.tokens import create_resume_link
    from tests.summary.test_pdf import pdf_text

    packet = make_packet(clinic, status="submitted", submitted_at=datetime.now(UTC),
                         patient_name="Ana Pérez", reason="Me duele la espalda.", language="es")
    link, _token, _code = create_resume_link(packet, 30)
    db.session.commit()
    with client.session_transaction() as sess:
        log_in(sess, packet, link)
    response = client.get("/p/summary.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Resumen de la consulta" in text and "Me duele la espalda." in text

    staff = make_staff(clinic, "reception@example.com", language="en")
    reception = client.application.test_client()
    login(reception, staff.email)
    text = pdf_text(reception.get(f"/reception/packets/{packet.id}/summary.pdf").data)
    assert "Visit summary" in text and "Answered in Spanish." in text
    assert "Me duele la espalda." in text
