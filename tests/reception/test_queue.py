"""The reception queue: order, filters, tabs, pagination, scoping, no N+1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from extensions import db
from models import FLAG_EMERGENCY, FLAG_NONE, FLAG_TELL_DOCTOR, FLAG_URGENT, utcnow
from services import queue as queue_service
from services.tokens import create_invitation
from tests.auth.helpers import login
from tests.factories import clinic_today, make_appointment, make_packet


def submitted(clinic, name, days, flag=FLAG_NONE, **fields):
    fields.setdefault("status", "submitted")
    fields.setdefault("doctor", "Dr. Shah")
    visit = clinic_today(clinic) + timedelta(days=days) if days is not None else None
    return make_packet(clinic, patient_name=name, visit_date=visit, flag_level=flag,
                       submitted_at=utcnow(), **fields)


def names(html: str) -> list[str]:
    return re.findall(r'/reception/packets/\d+[^"]*">([^<]+)</a>', html)


@pytest.fixture
def logged_in(client, receptionist):
    login(client, receptionist.email)
    return client


def test_flagged_first_then_by_date_then_undated(logged_in, clinic):
    submitted(clinic, "Plain Soon", 1)
    submitted(clinic, "Plain Later", 5)
    submitted(clinic, "Urgent Later", 6, FLAG_URGENT)
    submitted(clinic, "Emergency Later", 9, FLAG_EMERGENCY)
    submitted(clinic, "Emergency Soon", 2, FLAG_EMERGENCY)
    submitted(clinic, "Tell Doctor", 0, FLAG_TELL_DOCTOR)
    submitted(clinic, "No Date", None)
    submitted(clinic, "Urgent No Date", None, FLAG_URGENT)
    submitted(clinic, "Past Visit", -1, FLAG_EMERGENCY)
    make_packet(clinic, patient_name="Still Draft", status="draft", visit_date=clinic_today(clinic))
    make_packet(clinic, patient_name="Done Already", status="reviewed", visit_date=clinic_today(clinic))
    html = logged_in.get("/reception/").get_data(as_text=True)
    assert names(html) == [
        "Emergency Soon", "Emergency Later", "Urgent Later", "Urgent No Date", "Tell Doctor",
        "Plain Soon", "Plain Later", "No Date",
    ]
    assert 'class="badge badge-emergency"' in html and 'badge-urgent' in html
    assert "badge-tell_doctor" in html


def test_tabs_show_reviewed_drafts_and_unopened_invitations(logged_in, clinic):
    make_packet(clinic, patient_name="Draft Dana", status="draft", visit_date=clinic_today(clinic))
    make_packet(clinic, patient_name="Reviewed Rob", status="reviewed", visit_date=clinic_today(clinic))
    fresh = make_appointment(clinic, patient_name="Unopened Una")
    create_invitation(fresh, 30)
    opened = make_appointment(clinic, patient_name="Opened Olly")
    link, _ = create_invitation(opened, 30)
    link.first_opened_at = utcnow()
    db.session.commit()
    assert names(logged_in.get("/reception/?view=draft").get_data(as_text=True)) == ["Draft Dana"]
    assert names(logged_in.get("/reception/?view=reviewed").get_data(as_text=True)) == [
        "Reviewed Rob"]
    html = logged_in.get("/reception/?view=unopened").get_data(as_text=True)
    assert "Unopened Una" in html and "Opened Olly" not in html


def test_filters(logged_in, clinic):
    submitted(clinic, "Ann Flagged", 1, FLAG_URGENT, doctor="Dr. Okafor")
    submitted(clinic, "Bob Plain", 3, doctor="Dr. Okafor")
    submitted(clinic, "Cy Plain", 10, doctor="Dr. Shah")
    make_appointment(clinic, patient_name="x", doctor="Dr. Okafor")
    get = lambda q: names(logged_in.get("/reception/?" + q).get_data(as_text=True))  # noqa: E731
    assert get("flagged=y") == ["Ann Flagged"]
    assert get("doctor=Dr.+Okafor") == ["Ann Flagged", "Bob Plain"]
    assert get("name=PLAIN") == ["Bob Plain", "Cy Plain"]
    assert get("name=%25") == []  # LIKE wildcards are matched literally
    d = (clinic_today(clinic) + timedelta(days=2)).isoformat()
    assert get(f"date_from={d}") == ["Bob Plain", "Cy Plain"]
    assert get(f"date_to={d}") == ["Ann Flagged"]


def test_a_name_search_matches_the_start_of_any_word_of_the_name(logged_in, clinic):
    submitted(clinic, "María Lopez-Ortiz", 1)
    submitted(clinic, "Lopez Ann", 2)
    submitted(clinic, "Dana Whitfield", 3)
    get = lambda q: names(logged_in.get("/reception/?" + q).get_data(as_text=True))  # noqa: E731
    assert get("") == ["María Lopez-Ortiz", "Lopez Ann", "Dana Whitfield"]  # rendered
    assert get("name=lop") == ["María Lopez-Ortiz", "Lopez Ann"]
    assert get("name=ANN+lopez") == ["Lopez Ann"]  # every word, in any order
    assert get("name=MARÍA") == ["María Lopez-Ortiz"]
    assert get("name=hitfield") == []  # inside a word is not a start


def test_a_renamed_packet_is_found_by_its_new_name_only(logged_in, clinic):
    packet = submitted(clinic, "Old Name", 1)
    packet.patient_name = "Fresh Person"
    db.session.commit()
    get = lambda q: names(logged_in.get("/reception/?" + q).get_data(as_text=True))  # noqa: E731
    assert get("name=fresh") == ["Fresh Person"]
    assert get("name=old") == []
    assert get("") == ["Fresh Person"]


def test_a_common_name_reads_the_queue_order_and_gives_the_same_page(
        logged_in, clinic, monkeypatch):
    for i in range(6):
        submitted(clinic, f"Sam Plain {i}", i, FLAG_URGENT if i % 2 else FLAG_NONE)
    submitted(clinic, "Sam Other", 1)
    get = lambda q: names(logged_in.get("/reception/?" + q).get_data(as_text=True))  # noqa: E731
    few = get("name=plain+sam")  # under NAME_PROBE: read by id
    monkeypatch.setattr(queue_service, "NAME_PROBE", 2)
    assert get("name=plain+sam") == few  # over it: read in queue order
    assert few == ["Sam Plain 1", "Sam Plain 3", "Sam Plain 5",
                   "Sam Plain 0", "Sam Plain 2", "Sam Plain 4"]


def test_the_doctor_list_holds_the_coming_weeks_doctors_of_this_clinic(clinic, other_clinic):
    make_appointment(clinic, 3, doctor="dr. Zed")
    make_appointment(clinic, 0, doctor="Dr. Amy")
    make_appointment(clinic, 9, doctor="Dr. Amy")
    make_appointment(clinic, 1, doctor="")
    make_appointment(clinic, -1, doctor="Dr. Past")
    make_appointment(clinic, queue_service.DOCTOR_WINDOW_DAYS + 1, doctor="Dr. Far")
    make_appointment(other_clinic, 1, doctor="Dr. Theirs")
    db.session.commit()
    assert queue_service.doctors(clinic.id, clinic_today(clinic)) == ["Dr. Amy", "dr. Zed"]
    assert queue_service.doctors(clinic.id, clinic_today(clinic), limit=1) == ["Dr. Amy"]


@pytest.mark.parametrize("query", [
    "date_from=2026-13-45", "date_from=2030-01-01&date_to=2020-01-01", "view=hacked",
    "name=" + "x" * 20_000, "doctor=<script>", "after=garbage", "after=9~9999-99-99~1",
    "flagged=%F0%9F%98%80", "name=%E2%80%AE%E0%B8%AA", "after=7~2026-01-01~999999999999",
])
def test_bad_filters_are_messages_not_errors(logged_in, clinic, query):
    submitted(clinic, "Someone", 1)
    response = logged_in.get("/reception/?" + query)
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)


def test_keyset_pages_cover_every_packet_once(app, logged_in, clinic):
    levels = [FLAG_EMERGENCY, FLAG_NONE, FLAG_URGENT, FLAG_TELL_DOCTOR]
    for i in range(60):
        submitted(clinic, f"Patient {i:02d}", (i % 7) if i % 11 else None, levels[i % 4])
    seen, url = [], "/reception/?view=submitted"
    for _ in range(10):
        html = logged_in.get(url).get_data(as_text=True)
        seen += names(html)
        match = re.search(r'href="(/reception/\?[^"]*after=[^"]+)"', html)
        if not match:
            break
        url = match.group(1).replace("&amp;", "&")
    assert sorted(seen) == sorted(f"Patient {i:02d}" for i in range(60))
    assert len(seen) == 60
    expected = [p.patient_name for p in queue_service.packet_page(
        clinic.id, queue_service.QueueFilters(), clinic_today(clinic), limit=100).rows]
    assert seen == expected


def test_the_queue_page_runs_a_fixed_number_of_queries(app, logged_in, clinic):
    for i in range(30):
        appointment = make_appointment(clinic, patient_name=f"P{i}")
        submitted(clinic, f"P{i}", 3, i % 4, appointment=appointment)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert logged_in.get("/reception/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    packet_selects = [s for s in statements if "FROM packet" in s]
    # At most one query per (flag level, dated/undated) segment: never one per row.
    assert len(packet_selects) <= 8
    assert len(statements) < 20


def test_another_clinics_packets_never_show(logged_in, clinic, other_clinic):
    submitted(clinic, "Mine", 1)
    submitted(other_clinic, "Theirs", 1, FLAG_EMERGENCY)
    make_packet(other_clinic, patient_name="Their Draft", status="draft",
                visit_date=clinic_today(clinic))
    appointment = make_appointment(other_clinic, patient_name="Their Invite")
    create_invitation(appointment, 30)
    db.session.commit()
    for view in queue_service.VIEWS:
        html = logged_in.get(f"/reception/?view={view}").get_data(as_text=True)
        assert "Theirs" not in html and "Their Draft" not in html and "Their Invite" not in html


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=300),
    doctor=st.text(max_size=50),
    date_from=st.one_of(st.just(""), st.dates().map(str), st.text(max_size=12)),
    view=st.sampled_from(["submitted", "draft", "unopened", "reviewed", "", "x"]),
    after=st.one_of(st.just(""), st.text(max_size=40)),
)
def test_queue_filters_fuzz_never_5xx(logged_in, name, doctor, date_from, view, after):
    response = logged_in.get("/reception/", query_string={
        "name": name, "doctor": doctor, "date_from": date_from, "view": view, "after": after})
    assert response.status_code == 200
