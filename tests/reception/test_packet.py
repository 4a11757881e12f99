"""Opening a packet: audit, mark reviewed (once, even when two do it), notes, scoping."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from html import escape as html_escape

import pytest

from extensions import db
from models import AuditEvent, Packet, StaffNote, utcnow
from services import review
from tests.auth.helpers import csrf_for, login
from tests.factories import make_packet, make_staff
from tests.helpers import csrf_from

TODAY = date.today()


@pytest.fixture
def packet(clinic):
    return make_packet(clinic, patient_name="Maria Lopez", status="submitted",
                       visit_date=TODAY + timedelta(days=2), submitted_at=utcnow(),
                       reason="My back hurts")


@pytest.fixture
def logged_in(client, receptionist):
    login(client, receptionist.email)
    return client


def audit(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def test_opening_a_packet_shows_the_summary_and_writes_one_audit_row(logged_in, packet):
    response = logged_in.get(f"/reception/packets/{packet.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Maria Lopez" in html and "My back hurts" in html and "Mark reviewed" in html
    rows = audit("packet.view")
    assert len(rows) == 1 and rows[0].object_id == packet.id and rows[0].actor_type == "staff"
    assert "My back hurts" not in repr(rows[0].detail)


def test_export_links_appear_only_when_the_routes_exist(app, logged_in, packet):
    html = logged_in.get(f"/reception/packets/{packet.id}").get_data(as_text=True)
    has_routes = "reception.packet_pdf" in app.view_functions
    assert ("FHIR JSON" in html) == has_routes


def test_mark_reviewed_leaves_the_queue_and_records_who(logged_in, packet, receptionist):
    page = logged_in.get(f"/reception/packets/{packet.id}?back=view%3Dsubmitted%26name%3Dmar")
    html = page.get_data(as_text=True)
    assert 'href="/reception/?view=submitted&amp;name=mar"' in html
    token = csrf_for(logged_in, f"/reception/packets/{packet.id}")
    response = logged_in.post(f"/reception/packets/{packet.id}/review",
                              data={"csrf_token": token, "back": "view=submitted&name=mar"})
    assert response.status_code == 303
    assert response.location == "/reception/?view=submitted&name=mar"
    db.session.expire_all()
    row = db.session.get(Packet, packet.id)
    assert row.status == "reviewed" and row.reviewed_by_id == receptionist.id
    assert row.reviewed_at is not None
    queue = logged_in.get("/reception/").get_data(as_text=True)
    assert "has left the queue" in queue
    assert f"/reception/packets/{packet.id}" not in queue
    reviewed = logged_in.get("/reception/?view=reviewed").get_data(as_text=True)
    assert f"/reception/packets/{packet.id}" in reviewed


def test_second_receptionist_is_told_not_silently_ignored(app, logged_in, packet, clinic):
    other = make_staff(clinic, "second@riverside.example", name="Sam Second")
    second = app.test_client()
    login(second, other.email)
    token1 = csrf_for(logged_in, f"/reception/packets/{packet.id}")
    token2 = csrf_for(second, f"/reception/packets/{packet.id}")
    logged_in.post(f"/reception/packets/{packet.id}/review", data={"csrf_token": token1})
    response = second.post(f"/reception/packets/{packet.id}/review",
                           data={"csrf_token": token2}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Someone else marked this reviewed first" in html and "Rae Desk" in html
    assert [e.outcome for e in audit("packet.review")] == ["success", "failure"]


def test_mark_reviewed_is_one_transition_under_concurrency(app, clinic, receptionist, packet):
    """Eight threads, each with its own connection, race to mark the same packet."""
    outcomes, errors = [], []
    user_id, packet_id = receptionist.id, packet.id  # read once: the fixtures' session is not shared

    def worker():
        try:
            with app.app_context():
                user = db.session.get(type(receptionist), user_id)
                row = db.session.get(Packet, packet_id)
                outcomes.append(review.mark_reviewed(row, user).outcome)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert outcomes.count("reviewed") == 1 and outcomes.count("already") == 7


def test_draft_cannot_be_marked_reviewed(logged_in, clinic):
    draft = make_packet(clinic, status="draft", visit_date=TODAY)
    token = csrf_for(logged_in)
    logged_in.post(f"/reception/packets/{draft.id}/review", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Packet, draft.id).status == "draft"


def test_notes_are_appended_and_escaped(app, logged_in, packet, clinic):
    other = make_staff(clinic, "second@riverside.example")
    second = app.test_client()
    login(second, other.email)
    token1 = csrf_for(logged_in, f"/reception/packets/{packet.id}")
    token2 = csrf_for(second, f"/reception/packets/{packet.id}")
    logged_in.post(f"/reception/packets/{packet.id}/notes",
                   data={"csrf_token": token1, "body": "<script>alert(1)</script> called"})
    second.post(f"/reception/packets/{packet.id}/notes",
                data={"csrf_token": token2, "body": "Left a voicemail 🙂"})
    html = logged_in.get(f"/reception/packets/{packet.id}").get_data(as_text=True)
    html = html.replace("\u200b", "")  # long words get invisible wrap points
    assert "&lt;script&gt;alert(1)&lt;/script&gt; called" in html
    assert "<script>alert(1)</script>" not in html
    assert "Left a voicemail 🙂" in html
    assert db.session.scalar(db.select(db.func.count(StaffNote.id))) == 2
    assert len(audit("packet.note")) == 2


@pytest.mark.parametrize("body", ["", "   ", "x" * 20_000])
def test_bad_notes_are_field_errors_with_text_kept(logged_in, packet, body):
    token = csrf_for(logged_in, f"/reception/packets/{packet.id}")
    response = logged_in.post(f"/reception/packets/{packet.id}/notes",
                              data={"csrf_token": token, "body": body})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "field-error" in html
    if body.strip():
        assert body[:100] in html


def test_R10_a_note_over_the_limit_is_refused_with_a_word_and_kept_whole(logged_in, packet):
    page = logged_in.get(f"/reception/packets/{packet.id}").get_data(as_text=True)
    field = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    # No maxlength: a browser would cut a longer paste without a word. The counter says it.
    assert "maxlength" not in field and 'data-maxchars="2000"' in field
    assert 'id="body-count"' in page and "char-count.js" in page
    body = "Called twice, no answer. " * 80 + "The end."  # 2008 characters
    response = logged_in.post(f"/reception/packets/{packet.id}/notes",
                              data={"csrf_token": csrf_from(page), "body": body})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Keep a note under 2000 characters" in html
    assert html_escape(body) in html  # every character, the end too
    assert db.session.scalar(db.select(db.func.count(StaffNote.id))) == 0


def test_A5_extra_fields_change_nothing(logged_in, packet):
    token = csrf_for(logged_in, f"/reception/packets/{packet.id}")
    logged_in.post(f"/reception/packets/{packet.id}/notes", data={
        "csrf_token": token, "body": "ok", "status": "draft", "packet_id": "999",
        "author_id": "999", "clinic_id": "999"})
    db.session.expire_all()
    note = db.session.scalar(db.select(StaffNote))
    assert note.packet_id == packet.id and note.author_id != 999
    assert db.session.get(Packet, packet.id).status == "submitted"


def test_other_clinics_packet_is_404_and_unchanged(app, client, packet, other_staff):
    login(client, other_staff.email)
    assert client.get(f"/reception/packets/{packet.id}").status_code == 404
    token = csrf_for(client)
    assert client.post(f"/reception/packets/{packet.id}/review",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/reception/packets/{packet.id}/notes",
                       data={"csrf_token": token, "body": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Packet, packet.id).status == "submitted"
    assert db.session.scalar(db.select(db.func.count(StaffNote.id))) == 0
    assert not audit("packet.view")


def test_back_link_cannot_leave_the_queue(logged_in, packet):
    html = logged_in.get(
        f"/reception/packets/{packet.id}?back=https://evil.example/%3Fx%3D1"
    ).get_data(as_text=True)
    back = re.search(r'<a href="([^"]*)">&larr;', html).group(1)
    assert back.startswith("/reception/") and "evil" not in back
