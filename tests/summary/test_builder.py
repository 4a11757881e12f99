"""The summary builder: what it holds for each audience, its order, and its query count."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from sqlalchemy import event

from extensions import db
from models import Packet
from services.summary import build_summary, load_packet
from tests.summary.builders import add_note, make_full_packet

SECTION_ORDER = [
    "summary-title",
    "flags-title",
    "words-title",
    "top-title",
    "log-title",
    "scores-title",
    "meds-title",
    "treat-title",
    "history-title",
    "other-q-title",
]


def render_staff(app, summary) -> str:
    with app.test_request_context("/reception/packets/1"):
        return render_template("summary/_summary.html", summary=summary)


def render_patient(app, summary, clinic) -> str:
    with app.test_request_context("/p/summary"):
        return render_template("summary/patient.html", summary=summary, clinic=clinic)


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)


def test_staff_summary_holds_everything_in_plain_words(app, clinic, staff):
    packet = make_full_packet(clinic)
    add_note(packet, staff, "Called to confirm the time.")
    summary = build_summary(load_packet(packet.id), "staff")
    assert summary.patient_name == "Jordan Avery"
    assert [f.source for f in summary.flags] == ["safety:fever", "safety:walking"]
    assert [f.level_name for f in summary.flags] == ["urgent", "tell_doctor"]
    assert [q.top_rank for q in summary.top_questions] == [1, 2, 3]
    assert len(summary.other_questions) == 3
    assert summary.stats.entries == 14
    assert summary.scores.wpi == 8 and summary.scores.sss == 6
    assert summary.score_note == "Self-report screen for clinician review; not a diagnosis."
    assert summary.medications[0].drug_class == "SNRI antidepressant"
    assert summary.medications[0].frequency == "Once a day"
    assert [g.title for g in summary.history] == [
        "Health conditions", "Tests and scans", "Allergies"]
    assert summary.history[0].items[0].name == "Lupus"
    assert summary.history[1].items[0].name == "MRI scan"
    assert summary.treatments[0].effect == "It helped"
    assert summary.reason_prompts == ["My pain is getting worse", "I am not sleeping well"]
    assert [n.body for n in summary.notes] == ["Called to confirm the time."]
    # The clinic and the visit date: never the patient's name, which travels with the file.
    assert summary.file_stem == (
        f"visit-summary-{summary.clinic_name.lower().replace(' ', '-')}-"
        f"{summary.visit_date.isoformat()}")
    assert "jordan" not in summary.file_stem and "avery" not in summary.file_stem


def test_patient_copy_has_no_scores_and_no_staff_notes(app, clinic, staff):
    packet = make_full_packet(clinic)
    add_note(packet, staff, "Private staff remark")
    summary = build_summary(load_packet(packet.id), "patient")
    assert summary.scores is None and summary.notes == [] and summary.score_note == ""
    html = render_patient(app, summary, clinic)
    for absent in ("Widespread Pain Index", "Symptom Severity", "not a diagnosis",
                   "Private staff remark", "pattern", "Red flags"):
        assert absent not in html
    assert "Warning signs to tell your doctor about" in html
    assert "In your own words" in html


def test_staff_page_follows_the_product_order(app, clinic, staff):
    packet = make_full_packet(clinic)
    html = render_staff(app, build_summary(load_packet(packet.id)))
    positions = [html.index(f'id="{anchor}"') for anchor in SECTION_ORDER]
    assert positions == sorted(positions)
    assert "Self-report screen for clinician review; not a diagnosis." in html


def test_no_flag_box_without_flags(app, clinic):
    packet = make_full_packet(clinic, safety_yes=())
    html = render_staff(app, build_summary(load_packet(packet.id)))
    assert 'id="flags-title"' not in html


def test_an_empty_packet_renders(app, clinic):
    packet = make_full_packet(clinic, days=0, questions=0, medications=0, treatments=0,
                              status="draft")
    packet.body_check = None
    db.session.commit()
    summary = build_summary(load_packet(packet.id))
    html = render_staff(app, summary)
    assert "No symptom log entries." in html
    assert "Not yet (draft)" in html
    assert "The body and symptom check was not filled in." in html


def test_user_text_is_escaped(app, clinic):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    packet = make_full_packet(clinic, patient_name=payload, reason=payload)
    packet.medications[0].name = payload
    packet.symptom_entries[0].note = payload
    db.session.commit()
    html = render_staff(app, build_summary(load_packet(packet.id)))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_audience_must_be_staff_or_patient(app, clinic):
    packet = make_full_packet(clinic, days=1)
    with pytest.raises(ValueError):
        build_summary(packet, "doctor")


def count_summary_queries(client, packet_id: int) -> list[str]:
    """Every statement the staff summary page runs, login check and audit row included."""
    db.session.expunge_all()
    with QueryCounter(db.engine) as counter:
        response = client.get(f"/reception/packets/{packet_id}")
    assert response.status_code == 200
    assert "Symptoms since" in response.get_data(as_text=True)
    # The server-side session's own bookkeeping (read, and a last-seen write only now and
    # then) is not the summary's, and its write depends on the clock.
    return [s for s in counter.statements if "web_session" not in s]


def test_query_count_does_not_grow_with_the_log(app, clinic, staff, staff_client):
    small = make_full_packet(clinic, days=3, per_day=1, patient_name="Small Log")
    big = make_full_packet(clinic, days=100, per_day=3, patient_name="Big Log")
    for packet in (small, big):
        add_note(packet, staff, "note")
    assert len(load_packet(big.id).symptom_entries) == 300
    small_queries = count_summary_queries(staff_client, small.id)
    big_queries = count_summary_queries(staff_client, big.id)
    assert len(small_queries) == len(big_queries)
    # 15: the login check, the packet and its child tables, the patient's visits (for
    # "since last visit"), the header's open calls, the audit row.
    assert len(big_queries) <= 15, big_queries


def test_a_packet_loaded_plainly_is_completed_in_one_go(app, clinic):
    packet_id = make_full_packet(clinic, days=30, per_day=2).id
    db.session.expunge_all()
    with QueryCounter(db.engine) as counter:
        plain = db.session.get(Packet, packet_id)
        summary = build_summary(plain)
    assert summary.stats.entries == 60
    # The plain get, then one eager load of every child table, then the patient's diary
    # (their visits, then the entries since the last one).
    assert all(re.match(r"\s*SELECT", s) for s in counter.statements)
    assert len(counter.statements) <= 13, counter.statements


def test_very_long_words_get_break_points_but_stay_escaped(app, clinic):
    from services.formatting import BREAK_EVERY, breakable

    assert breakable("short words stay as they are") == "short words stay as they are"
    long = "<" + "x" * 60
    broken = breakable(long)
    assert broken.replace("\u200b", "") == long
    assert all(len(part) <= BREAK_EVERY for part in broken.split("\u200b"))
    packet = make_full_packet(clinic, days=1, reason="<b>" + "y" * 100)
    html = render_staff(app, build_summary(load_packet(packet.id)))
    assert "&lt;b&gt;" in html and "<b>yyy" not in html
