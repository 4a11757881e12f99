"""The rules around the steps: conflicts (R3), access (P4), mass assignment (A5), submit (R2, P5)."""

from __future__ import annotations

import http.client
import threading
import urllib.parse

import pytest
from flask import g
from sqlalchemy import update
from werkzeug.serving import make_server

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import (
    AuditEvent,
    HistoryItem,
    Medication,
    Packet,
    PacketQuestion,
    SymptomEntry,
    TreatmentTried,
)
from services import packets
from tests.conftest import make_test_app
from tests.factories import make_packet
from tests.patient.conftest import hidden_fields, post_form, start_packet

ALL_NO = {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS}


def page(response) -> str:
    return response.get_data(as_text=True)


def fields_of(client, path):
    g.pop("csrf_token", None)
    return hidden_fields(page(client.get(path)))


def refreshed(packet_id: int) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet_id)


# R3: no silent lost update ------------------------------------------------------------


def test_R3_two_tabs_on_the_same_step_the_later_save_gets_a_conflict(client, started):
    tab_a = fields_of(client, "/p/visit")
    tab_b = dict(tab_a)
    base = {"date_of_birth": "1975-02-03"}
    assert client.post("/p/visit", data={**tab_a, **base, "reason": "Typed in tab A"}
                       ).status_code == 303
    r = client.post("/p/visit", data={**tab_b, **base, "reason": "Typed in tab B"})
    assert r.status_code == 409
    body = page(r)
    assert "changed in another window" in body
    assert "Typed in tab B" in body.split('id="conflict"')[1]  # the typed text, in the form
    saved_part = body.split('id="conflict"')[1].split("</section>")[0]
    assert "Typed in tab A" in saved_part  # and the saved version
    assert refreshed(started.id).reason == "Typed in tab A"
    # Saving again from the conflict page (it carries the new version) keeps tab B's words.
    again = hidden_fields(body)
    assert client.post("/p/visit", data={**again, **base, "reason": "Typed in tab B"}
                       ).status_code == 303
    assert refreshed(started.id).reason == "Typed in tab B"


def _two_tabs(client, path):
    tab = fields_of(client, path)
    return tab, dict(tab)


def test_two_tabs_changing_different_answers_of_a_step_keep_both(client, started):
    """Not a conflict: each window changed its own answer; the later save keeps both."""
    base = {"date_of_birth": "1975-02-03", "reason": "Back pain"}
    post_form(client, "/p/visit", base)
    tab_a, tab_b = _two_tabs(client, "/p/visit")
    assert client.post("/p/visit", data={**tab_a, **base, "reason": "Lower back, A"}
                       ).status_code == 303
    r = client.post("/p/visit", data={**tab_b, **base, "hopes": "A plan, from B"})
    assert r.status_code == 303, page(r)
    packet = refreshed(started.id)
    assert (packet.reason, packet.hopes) == ("Lower back, A", "A plan, from B")


def test_two_tabs_ticking_different_choices_keep_every_tick(client, started):
    post_form(client, "/p/history", {"conditions": ["lupus"]})
    tab_a, tab_b = _two_tabs(client, "/p/history")
    assert client.post("/p/history", data={**tab_a, "conditions": ["lupus", "depression"]}
                       ).status_code == 303
    # B unticks lupus and ticks sleep problems, never having seen A's tick.
    r = client.post("/p/history", data={**tab_b, "conditions": ["sleep_problems"],
                                        "history_note": "Asthma as a child"})
    assert r.status_code == 303, page(r)
    packet = refreshed(started.id)
    assert sorted(h.name for h in packet.history_items if h.kind == "condition") == [
        "depression", "sleep_problems"]
    assert packet.history_note == "Asthma as a child"


def test_two_tabs_changing_different_answers_of_a_row_keep_both(client, started):
    post_form(client, "/p/medications/add", {"name": "Ibuprofen", "dose": "200 mg"})
    med = refreshed(started.id).medications[0]
    path = f"/p/medications/{med.id}/edit"
    tab_a, tab_b = _two_tabs(client, path)
    assert client.post(path, data={**tab_a, "name": "Ibuprofen", "dose": "400 mg"}
                       ).status_code == 303
    r = client.post(path, data={**tab_b, "name": "Ibuprofen", "dose": "200 mg",
                                "frequency": "as_needed"})
    assert r.status_code == 303, page(r)
    db.session.expire_all()
    med = db.session.get(Medication, med.id)
    assert (med.dose, med.frequency) == ("400 mg", "as_needed")


def test_an_autosave_then_another_tab_then_the_button_is_no_conflict(client, started):
    """The page's own autosave moves where it started from: its next words are its own."""
    base = {"date_of_birth": "1975-02-03"}
    tab_a, tab_b = _two_tabs(client, "/p/visit")
    saved = client.post("/p/visit", data={**tab_a, **base, "reason": "Back"},
                        headers={"X-Autosave": "1"}).get_json()
    assert saved["saved"] and saved["seen"]
    tab_a.update(version=saved["version"], base=saved["base"], seen=saved["seen"])
    assert client.post("/p/visit", data={**tab_b, **base, "hopes": "Sleep better"}
                       ).status_code == 303
    r = client.post("/p/visit", data={**tab_a, **base, "reason": "Back and hips"})
    assert r.status_code == 303, page(r)
    packet = refreshed(started.id)
    assert (packet.reason, packet.hopes) == ("Back and hips", "Sleep better")


def test_a_merged_autosave_never_writes_back_what_its_page_still_shows(client, started):
    """B's autosave is merged with A's new reason, which B's page does not show; B's
    button then sends the old reason again: A's reason stays."""
    base = {"date_of_birth": "1975-02-03", "reason": "Back pain"}
    post_form(client, "/p/visit", base)
    tab_a, tab_b = _two_tabs(client, "/p/visit")
    assert client.post("/p/visit", data={**tab_a, **base, "reason": "Back pain, from A"}
                       ).status_code == 303
    reply = client.post("/p/visit", data={**tab_b, **base, "hopes": "From B"},
                        headers={"X-Autosave": "1"}).get_json()
    assert reply["saved"] and reply["merged"] and "version" not in reply
    tab_b["seen"] = reply["seen"]  # as static/js/patient.js does
    r = client.post("/p/visit", data={**tab_b, **base, "hopes": "From B, then more"})
    assert r.status_code == 303, page(r)
    packet = refreshed(started.id)
    assert (packet.reason, packet.hopes) == ("Back pain, from A", "From B, then more")


def test_two_windows_on_a_body_check_started_from_the_log_keep_its_places(client, started):
    """One window opened before anything was logged, the other after, ticked from the
    log: each saved as shown, the log's places are kept (they were the page's, not stored)."""
    from datetime import datetime

    from models import SymptomEntry
    answers = {**{f"{n}": "1" for n in ("fatigue", "unrefreshed", "cognitive")},
               "three_months": "yes"}
    early = fields_of(client, "/p/check")
    packet = refreshed(started.id)
    packet.symptom_entries.append(SymptomEntry(recorded_at=datetime.now(), pain=5,
                                               areas=["lower_back"]))
    db.session.commit()
    late = fields_of(client, "/p/check")
    assert client.post("/p/check", data={**early, **answers}).status_code == 303
    r = client.post("/p/check", data={**late, **answers, "areas_trunk": ["lower_back"]})
    assert r.status_code == 303, page(r)
    assert refreshed(started.id).body_check.areas == ["lower_back"]


def test_a_page_that_never_said_where_it_started_is_never_merged(client, started):
    base = {"date_of_birth": "1975-02-03"}
    tab_a, tab_b = _two_tabs(client, "/p/visit")
    assert client.post("/p/visit", data={**tab_a, **base, "reason": "From A"}
                       ).status_code == 303
    del tab_b["seen"]
    r = client.post("/p/visit", data={**tab_b, **base, "hopes": "From B"})
    assert r.status_code == 409 and refreshed(started.id).hopes in (None, "")


def test_a_save_of_another_step_in_between_does_not_block(client, started):
    visit_tab = fields_of(client, "/p/visit")
    assert post_form(client, "/p/history", {"history_note": "Asthma"}).status_code == 303
    r = client.post("/p/visit", data={**visit_tab, "date_of_birth": "1975-02-03",
                                      "reason": "Back pain"})
    assert r.status_code == 303
    packet = refreshed(started.id)
    assert packet.reason == "Back pain" and packet.history_note == "Asthma"


@pytest.mark.parametrize("kind,add,edit", [
    ("medications", {"name": "Ibuprofen"}, "name"),
    ("treatments", {"kind": "yoga", "effect": "helped"}, "when_text"),
    ("history", {"kind": "allergy", "name": "Latex"}, "name"),
])
def test_two_tabs_editing_the_same_row_conflict(client, started, kind, add, edit):
    post_form(client, f"/p/{kind}/add", add)
    model = {"medications": Medication, "treatments": TreatmentTried,
             "history": HistoryItem}[kind]
    row = db.session.scalar(db.select(model))
    path = f"/p/{kind}/{row.id}/edit"
    tab_a, tab_b = fields_of(client, path), fields_of(client, path)
    assert client.post(path, data={**tab_a, **add, edit: "from A"}).status_code == 303
    r = client.post(path, data={**tab_b, **add, edit: "from B"})
    assert r.status_code == 409 and "from B" in page(r) and "from A" in page(r)
    db.session.expire_all()
    assert getattr(db.session.get(model, row.id), edit) == "from A"


def test_two_tabs_editing_a_log_entry_conflict(client, started):
    entry = {"recorded_at": "2024-05-01T08:30", "pain": "5"}
    post_form(client, "/p/log/new", entry)
    row = db.session.scalar(db.select(SymptomEntry))
    path = f"/p/log/{row.id}/edit"
    tab_a, tab_b = fields_of(client, path), fields_of(client, path)
    assert client.post(path, data={**tab_a, **entry, "note": "A"}).status_code == 303
    r = client.post(path, data={**tab_b, **entry, "note": "B"})
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(SymptomEntry, row.id).note == "A"


def test_a_stale_or_missing_version_never_overwrites_silently(client, started):
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "First"})
    r = post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Second",
                                       "version": "", "base": "forged"})
    assert r.status_code == 409 and refreshed(started.id).reason == "First"


def test_the_version_claim_loses_a_race_instead_of_overwriting(app, started):
    packet = db.session.get(Packet, started.id)
    db.session.execute(update(Packet).where(Packet.id == packet.id)
                       .values(version=Packet.version + 1)
                       .execution_options(synchronize_session=False))  # another request won
    with pytest.raises(packets.Conflict):
        packets.bump_version(packet)


# A5: only declared fields are written -------------------------------------------------


def test_A5_extra_fields_change_nothing(client, started, clinic):
    other = make_packet(clinic)
    extra = {"status": "reviewed", "flag_level": "3", "clinic_id": "999", "id": "77",
             "patient_id": str(other.patient_id),
             "packet_id": str(other.id), "appointment_id": "1", "steps_saved": "review",
             "submitted_at": "2020-01-01", "top_rank": "1", "source": "bank"}
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "x", **extra})
    post_form(client, "/p/medications/add", {"name": "Ibuprofen", **extra})
    post_form(client, "/p/questions/mine", {"text": "Why?", **extra, "nav": "add"})
    packet = refreshed(started.id)
    assert (packet.status, packet.flag_level, packet.clinic_id, packet.id) == (
        "draft", 0, clinic.id, started.id)
    assert packet.patient_id != other.patient_id
    assert packet.submitted_at is None and "review" not in packet.steps_saved
    assert packet.medications[0].packet_id == started.id
    question = packet.questions[0]
    assert question.top_rank is None and question.source == "own"
    assert refreshed(other.id).medications == []


# P4: a session reaches only its own packet --------------------------------------------


def _fill_rows(client):
    post_form(client, "/p/medications/add", {"name": "Mine"})
    post_form(client, "/p/treatments/add", {"kind": "yoga", "effect": "helped"})
    post_form(client, "/p/history/add", {"kind": "allergy", "name": "Mine"})
    post_form(client, "/p/questions/mine", {"text": "Mine?", "nav": "add"})
    post_form(client, "/p/log/new", {"recorded_at": "2024-05-01T08:30", "pain": "5"})


def _snapshot(packet_id):
    packet = refreshed(packet_id)
    return [packets.step_content(packet, step) for step in
            ("visit", "questions", "history", "medications", "treatments", "log")] + [
        [packets.item_content(row) for row in packet.medications + packet.treatments
         + packet.history_items + packet.questions + packet.symptom_entries],
        packet.version]


def test_P4_another_packets_ids_are_not_found_and_nothing_changes(app, clinic):
    alice, bob = app.test_client(), app.test_client()
    packet_a, packet_b = start_packet(alice, clinic), start_packet(bob, clinic)
    _fill_rows(alice)
    _fill_rows(bob)
    before = _snapshot(packet_a.id)
    ids = {
        "medications": db.session.scalar(db.select(Medication.id).filter_by(
            packet_id=packet_a.id)),
        "treatments": db.session.scalar(db.select(TreatmentTried.id).filter_by(
            packet_id=packet_a.id)),
        "history": db.session.scalar(db.select(HistoryItem.id).filter_by(
            packet_id=packet_a.id)),
        "questions": db.session.scalar(db.select(PacketQuestion.id).filter_by(
            packet_id=packet_a.id)),
        "log": db.session.scalar(db.select(SymptomEntry.id).filter_by(
            packet_id=packet_a.id)),
    }
    token = fields_of(bob, "/p/")["csrf_token"]
    for kind, item_id in ids.items():
        assert bob.get(f"/p/{kind}/{item_id}/edit").status_code == 404
        data = {"csrf_token": token, "name": "Hacked", "text": "Hacked", "kind": "allergy",
                "effect": "worse", "recorded_at": "2024-05-01T08:30", "pain": "9",
                "base": "x", "version": "1"}
        assert bob.post(f"/p/{kind}/{item_id}/edit", data=data).status_code == 404
        assert bob.post(f"/p/{kind}/{item_id}/delete", data=data).status_code == 404
    # Rank and move another packet's question through your own list: ignored.
    r = post_form(bob, "/p/questions/mine", {f"rank_{ids['questions']}": "1",
                                             "move": f"up-{ids['questions']}"})
    assert r.status_code == 303
    # Another packet's id in the session cookie's place changes nothing either.
    with bob.session_transaction() as sess:
        sess["packet_id"] = packet_a.id
    assert bob.get("/p/visit").status_code == 403
    assert _snapshot(packet_a.id) == before
    assert refreshed(packet_b.id).medications[0].name == "Mine"


# Submit (R2, P5) ----------------------------------------------------------------------


def test_submit_is_refused_with_a_list_of_what_is_missing(client, started):
    r = post_form(client, "/p/review", {"closing_words": "Kept even when refused"})
    assert r.status_code == 422
    body = page(r)
    assert "Before you can send" in body
    assert 'href="/p/visit#reason"' in body and 'href="/p/safety#main"' in body
    assert 'href="/p/visit#date_of_birth"' in body
    packet = refreshed(started.id)
    assert packet.status == "draft" and packet.closing_words == "Kept even when refused"
    post_form(client, "/p/safety", {**ALL_NO, "q_fever": ""})
    assert "Safety check" in page(post_form(client, "/p/review", {}))


def fill_required(client):
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    post_form(client, "/p/safety", ALL_NO)


def test_P5_after_submit_the_packet_is_read_only(client, started):
    fill_required(client)
    post_form(client, "/p/medications/add", {"name": "Ibuprofen"})
    med_id = refreshed(started.id).medications[0].id
    steps = {p: fields_of(client, p) for p in ("/p/visit", "/p/history", "/p/safety")}
    assert post_form(client, "/p/review", {}).status_code == 303
    before = _snapshot(started.id)
    token = fields_of(client, "/p/done")["csrf_token"]
    for path, fields in steps.items():
        r = client.post(path, data={**fields, "csrf_token": token, "reason": "changed",
                                    "history_note": "changed", **ALL_NO})
        assert r.status_code == 409 and "already sent" in page(r)
    for path in ("/p/medications/add", f"/p/medications/{med_id}/edit",
                 f"/p/medications/{med_id}/delete", "/p/questions/mine", "/p/log/new",
                 "/p/check", "/p/new-link"):
        r = client.post(path, data={"csrf_token": token, "name": "x", "text": "x"})
        assert r.status_code == 409, path
    for path in ("/p/visit", "/p/review", "/p/log/new"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["Location"] == "/p/done"
    assert client.get("/p/print").status_code == 200
    assert _snapshot(started.id) == before
    assert refreshed(started.id).status == "submitted"


def test_a_second_send_is_calm_and_changes_nothing(client, started):
    fill_required(client)
    fields = fields_of(client, "/p/review")
    assert client.post("/p/review", data=fields).headers["Location"] == "/p/done"
    r = client.post("/p/review", data=fields)
    assert r.status_code == 200 and "already sent at" in page(r)
    assert "were not added" not in page(r)  # the same words: nothing to give back
    count = db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="patient.submit"))
    assert count == 1


def test_R2_twenty_concurrent_submits_give_one_submission_and_no_errors(app, client, started):
    """20 at once with one cookie, through a threaded server: more requests than the pool
    has connections (5 + 10), so a request that held two at once would wait for the others
    until the pool's timeout (it did: "the session store does not answer")."""
    fill_required(client)
    fields = fields_of(client, "/p/review")
    cookie = client.get_cookie("vp_session").value
    body = urllib.parse.urlencode(fields)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def send():
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
        barrier.wait()
        conn.request("POST", "/p/review", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"vp_session={cookie}"})
        statuses.append(conn.getresponse().status)
        conn.close()

    try:
        workers = [threading.Thread(target=send) for _ in range(20)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
    finally:
        server.shutdown()
        thread.join(5)
    assert len(statuses) == 20 and all(s < 500 for s in statuses), statuses
    # One sends (303 to the confirmation); the others are told it was already sent (200).
    assert statuses.count(303) == 1 and set(statuses) <= {200, 303}, statuses
    packet = refreshed(started.id)
    assert packet.status == "submitted"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="patient.submit")) == 1


def test_R2_a_request_holds_one_database_connection_at_a_time(app, clinic):
    """With a pool of one connection, starting a packet still saves the session row and
    the next page opens: the session store waits for no connection the view still holds."""
    one = make_test_app(db.engine.url.render_as_string(hide_password=False),
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0,
                                                   "pool_timeout": 3})
    client = one.test_client()  # its own app context per request, as in production
    try:
        html = client.get(f"/c/{clinic.slug}").get_data(as_text=True)
        r = client.post(f"/c/{clinic.slug}", data=hidden_fields(html))
        assert r.status_code == 303 and client.get_cookie("vp_session") is not None
        r = client.get("/p/visit")
        assert r.status_code == 200 and "date_of_birth" in page(r)
        r = client.post("/p/visit", data={**hidden_fields(page(r)), "reason": "Knee pain",
                                          "date_of_birth": "1975-02-03"})
        assert r.status_code == 303, page(r)
    finally:
        with one.app_context():
            db.engine.dispose()
    assert db.session.scalar(db.select(Packet.reason)) == "Knee pain"


# Autosave ------------------------------------------------------------------------


def test_autosave_saves_and_returns_the_new_version(client, started):
    fields = fields_of(client, "/p/visit")
    r = client.post("/p/visit", headers={"X-Autosave": "1"}, data={
        **fields, "date_of_birth": "1975-02-03", "reason": "Typing..."})
    assert r.status_code == 200 and r.json["saved"] is True
    packet = refreshed(started.id)
    assert packet.reason == "Typing..." and r.json["version"] == str(packet.version)
    # The page's own button, with the version the autosave handed back, is not stale.
    r = client.post("/p/visit", data={**fields, "version": r.json["version"],
                                      "base": r.json["base"], "date_of_birth": "1975-02-03",
                                      "reason": "Typing done"})
    assert r.status_code == 303 and refreshed(started.id).reason == "Typing done"
    # A bad value or a conflict is not saved and says so.
    r = client.post("/p/visit", headers={"X-Autosave": "1"},
                    data={**fields, "date_of_birth": "1975-02-03", "reason": "stale tab"})
    assert r.status_code == 409 and r.json["conflict"] is True
    fresh = fields_of(client, "/p/visit")
    r = client.post("/p/visit", headers={"X-Autosave": "1"},
                    data={**fresh, "date_of_birth": "2999-01-01", "reason": "x"})
    assert r.status_code == 422 and r.json["saved"] is False
    assert refreshed(started.id).reason == "Typing done"
