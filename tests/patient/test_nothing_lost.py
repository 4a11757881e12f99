"""What the patient types reaches the doctor, and nothing typed is lost (issue 9, part 1).

Each test walks the real pages: the patient's forms, the review page, the staff summary
page and its PDF (pdftotext), the CSV.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from flask import g

from extensions import db
from models import HistoryItem, Packet, SymptomEntry
from services.stats import log_stats
from tests.auth.helpers import login
from tests.conftest import missing
from tests.factories import make_staff
from tests.helpers import hidden_fields
from tests.patient.conftest import post_form
from tests.patient.test_rules import ALL_NO


def pdf_text(pdf: bytes) -> str:
    """The PDF's words in the order they were laid out (columns read one after the other)."""
    if not shutil.which("pdftotext"):
        missing("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def page(response) -> str:
    return response.get_data(as_text=True)


def refreshed(packet_id: int) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet_id)


@pytest.fixture
def staff_client(app, clinic):
    clinic.require_totp = False
    db.session.commit()
    staff = make_staff(clinic, name="Riley Reception")
    client = app.test_client()
    g.pop("csrf_token", None)
    assert login(client, staff.email).status_code == 303
    return client


def entry(client, when: datetime, **answers):
    data = {"recorded_at": when.strftime("%Y-%m-%dT%H:%M"), "pain": "5", **answers}
    response = post_form(client, "/p/log/new", data)
    assert response.status_code == 303, page(response)
    return response


def send(client):
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    post_form(client, "/p/safety", ALL_NO)
    response = post_form(client, "/p/review", {})
    assert response.status_code == 303 and response.headers["Location"] == "/p/done"


def staff_views(staff_client, packet_id: int) -> tuple[str, str, str]:
    """The staff summary page, the PDF's text and the CSV."""
    html = page(staff_client.get(f"/reception/packets/{packet_id}"))
    assert "Visit summary" in html
    pdf = staff_client.get(f"/reception/packets/{packet_id}/summary.pdf")
    assert pdf.status_code == 200
    csv_text = staff_client.get(f"/reception/packets/{packet_id}/log.csv").data.decode("utf-8-sig")
    return html, pdf_text(pdf.data), csv_text


def test_log_notes_and_where_reach_the_staff_page_and_the_pdf(client, started, staff_client):
    today = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    entry(client, today - timedelta(days=1), where_text="Behind my left knee",
          note="Could not lift the laundry basket")
    entry(client, today, where_text="Right heel, morning", note="Woke at 3 with cramps")
    send(client)
    html, pdf, _csv = staff_views(staff_client, started.id)
    for words in ("Behind my left knee", "Could not lift the laundry basket",
                  "Right heel, morning", "Woke at 3 with cramps"):
        assert words in html and words in pdf
    # Newest first, dated.
    assert html.index("Woke at 3 with cramps") < html.index("Could not lift the laundry basket")
    assert pdf.index("Woke at 3 with cramps") < pdf.index("Could not lift the laundry basket")


def test_a_long_log_shows_recent_and_flagged_notes_and_says_how_many_more(
        app, client, started, staff_client):
    start = datetime.now().replace(second=0, microsecond=0) - timedelta(days=30)
    packet = refreshed(started.id)
    for day in range(30):
        packet.symptom_entries.append(SymptomEntry(
            recorded_at=start + timedelta(days=day), pain=4, note=f"Day note {day:02d}",
            numbness=day == 2))
    db.session.commit()
    send(client)
    html, pdf, _csv = staff_views(staff_client, started.id)
    first_page_end = html.index("full-log-title")
    shown = html[:first_page_end]
    assert "Day note 29" in shown and "Day note 02" in shown  # the newest and the flagged one
    assert "Day note 10" not in shown
    assert "26 more in the full log" in shown
    for day in range(30):  # every note is still there, after the first page
        assert f"Day note {day:02d}" in html and f"Day note {day:02d}" in pdf


def test_the_review_page_shows_every_answer_of_an_entry(client, started):
    when = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    entry(client, when, fatigue="6", where_text="Left hip, deep", qualities=["burning"],
          worse_with=["sitting"], helped_with=["heat"], sleep_hours="6.5", rested="no",
          stiffness_minutes="45", numbness="y", spasms="y", headache="y", digestive="y",
          mood="low", note="Bad morning", areas_leg_left=["hip_left"])
    html = page(client.get("/p/review"))
    for words in ("Left hip, deep", "Burning", "Sitting", "Heat", "6.5", "45", "Bad morning",
                  "Low or down", "Numbness or tingling", "Spasms", "Headache",
                  "Digestive trouble", "Left hip or buttock", "Tiredness (0-10)"):
        assert words in html, words


def test_no_maxlength_cuts_a_paste_and_the_server_keeps_every_character(client, started):
    form = page(client.get("/p/log/new"))
    assert "Save this entry" in form and "maxlength" not in form
    assert 'data-maxchars="4000"' in form
    long_note = "word " * 4000  # 20,000 characters
    when = datetime.now().replace(second=0, microsecond=0)
    r = post_form(client, "/p/log/new", {"recorded_at": when.strftime("%Y-%m-%dT%H:%M"),
                                         "pain": "5", "note": long_note})
    assert r.status_code == 200
    assert "4000 characters or fewer" in page(r)
    assert long_note.strip() in page(r)  # all of it, ready to shorten
    for path in ("/p/visit", "/p/history", "/p/review", "/p/medications/add",
                 "/p/treatments/add", "/p/history/add"):
        html = page(client.get(path))
        assert "<form" in html and "maxlength" not in html, path


def test_the_kind_of_test_is_kept_with_its_name(client, started, staff_client):
    r = post_form(client, "/p/history/add", {"kind": "test", "test_kind": "xray",
                                             "name": "Lower spine", "when_text": "2023"})
    assert r.status_code == 303
    item = db.session.scalar(db.select(HistoryItem).filter_by(packet_id=started.id))
    assert (item.test_kind, item.name) == ("xray", "Lower spine")
    assert "X-ray: Lower spine" in page(client.get("/p/review"))
    edit = page(client.get(f"/p/history/{item.id}/edit"))
    assert '<option selected value="xray">' in edit and 'value="Lower spine"' in edit
    send(client)
    html, pdf, _csv = staff_views(staff_client, started.id)
    assert "X-ray: Lower spine" in html and "X-ray: Lower spine" in pdf


def test_carried_sleep_is_marked_and_counted_once_a_day(client, started, staff_client):
    morning = datetime.now().replace(hour=8, minute=0, second=0, microsecond=0)
    if morning > datetime.now():
        morning -= timedelta(days=1)
    entry(client, morning, sleep_hours="4", stiffness_minutes="30", rested="no")
    # The second entry starts from the first: the patient leaves sleep as it was.
    g.pop("csrf_token", None)
    form = hidden_fields(page(client.get("/p/log/new")))
    assert form  # the page rendered
    entry(client, morning + timedelta(minutes=30), sleep_hours="4",
          stiffness_minutes="30", rested="no", pain="7")
    # A next-day entry that changes the sleep is not carried.
    entries = sorted(refreshed(started.id).symptom_entries, key=lambda e: e.recorded_at)
    assert entries[0].carried is None
    assert entries[1].carried == ["sleep_hours", "rested", "stiffness_minutes"]
    stats = log_stats(entries)
    assert (stats.sleep_entries, stats.rested_answered, stats.stiffness_entries) == (1, 1, 1)
    assert "kept from your entry before" in page(client.get("/p/review"))
    send(client)
    _html, _pdf, csv_text = staff_views(staff_client, started.id)
    table = list(csv.reader(io.StringIO(csv_text)))
    sleep_col = table[0].index("Sleep (hours)")
    assert [row[sleep_col] for row in table[1:]] == ["4", ""]
    assert table[2][-1] == "Sleep (hours); Woke rested; Morning stiffness (minutes)"


def test_editing_a_carried_answer_makes_it_the_entry_s_own(client, started):
    morning = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    entry(client, morning, sleep_hours="4")
    entry(client, morning + timedelta(minutes=5), sleep_hours="4")
    second = max(refreshed(started.id).symptom_entries, key=lambda e: e.recorded_at)
    assert second.carried == ["sleep_hours"]
    r = post_form(client, f"/p/log/{second.id}/edit", {
        "recorded_at": second.recorded_at.strftime("%Y-%m-%dT%H:%M"), "pain": "5",
        "sleep_hours": "7"})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(SymptomEntry, second.id).carried is None


# No false conflict -------------------------------------------------------------------


def test_a_save_equal_to_what_is_stored_is_never_a_conflict(client, started):
    g.pop("csrf_token", None)
    stale = hidden_fields(page(client.get("/p/visit")))
    typed = {"date_of_birth": "1975-02-03", "reason": "My back", "hopes": "A plan"}
    # The autosave lands first (the page's reply had not arrived yet) ...
    assert client.post("/p/visit", data={**stale, **typed, "nav": "stay"},
                       headers={"X-Autosave": "1"}).status_code == 200
    # ... then the button sends the same words with the old version: saved, no 409.
    r = client.post("/p/visit", data={**stale, **typed, "nav": "next"})
    assert r.status_code == 303, page(r)
    # Different words over a changed step are still a real conflict, with both versions.
    r = client.post("/p/visit", data={**stale, **typed, "reason": "Other words"})
    assert r.status_code == 409 and "Other words" in page(r) and "My back" in page(r)


def test_a_row_saved_twice_with_the_same_words_is_not_a_conflict(client, started):
    post_form(client, "/p/medications/add", {"name": "Ibuprofen", "dose": "200 mg"})
    med = refreshed(started.id).medications[0]
    g.pop("csrf_token", None)
    stale = hidden_fields(page(client.get(f"/p/medications/{med.id}/edit")))
    data = {**stale, "name": "Ibuprofen", "dose": "400 mg"}
    assert client.post(f"/p/medications/{med.id}/edit", data=data).status_code == 303
    assert client.post(f"/p/medications/{med.id}/edit", data=data).status_code == 303
    r = client.post(f"/p/medications/{med.id}/edit", data={**data, "dose": "600 mg"})
    assert r.status_code == 409


def test_a_late_tab_is_told_when_it_was_sent_and_gets_its_words_back(client, started):
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    post_form(client, "/p/safety", ALL_NO)
    g.pop("csrf_token", None)
    late_tab = hidden_fields(page(client.get("/p/review")))
    first = post_form(client, "/p/review", {"closing_words": "Words from the first tab"})
    assert first.status_code == 303
    r = client.post("/p/review", data={**late_tab, "closing_words": "Words of the late tab"})
    html = page(r)
    assert r.status_code == 200 and "already sent at" in html
    assert "Words of the late tab" in html and "were not added" in html
    packet = refreshed(started.id)
    assert packet.closing_words == "Words from the first tab" and packet.status == "submitted"





def test_new_back_pain_said_alone_reaches_the_doctor(client, started, staff_client):
    """"Started in the last 6 weeks" raises no sign alone; the doctor still reads it."""
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    post_form(client, "/p/safety", {**ALL_NO, "q_pain_new": "yes"})
    assert post_form(client, "/p/review", {}).headers["Location"] == "/p/done"
    html, pdf, _csv = staff_views(staff_client, started.id)
    line = "Also from the safety check: Back pain that started in the last 6 weeks"
    assert line in " ".join(strip_tags(html).split())
    assert line in pdf
    own = page(client.get("/p/summary"))
    assert "Your visit summary" in own or "In your own words" in own
    assert line in " ".join(strip_tags(own).split())


def test_new_back_pain_with_its_sign_is_quoted_once_not_listed_again(client, started,
                                                                     staff_client):
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": "Back pain"})
    post_form(client, "/p/safety", {**ALL_NO, "q_pain_new": "yes", "q_cancer_ever": "yes"})
    assert post_form(client, "/p/review", {}).headers["Location"] == "/p/done"
    html, pdf, _csv = staff_views(staff_client, started.id)
    assert "History of cancer with new back pain" in html
    assert "Did this back pain start in the last 6 weeks?" in html  # in the evidence
    assert "Also from the safety check" not in html and "Also from the safety check" not in pdf


def strip_tags(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_the_patients_own_spacing_survives_the_compacted_pages(client, started, staff_client):
    """Templates lose their indentation when compiled; a patient's words keep theirs."""
    typed = "Two things:\n    1. my back\n\n\n    2. my sleep"
    post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": typed})
    stored = refreshed(started.id).reason
    assert stored.startswith("Two things:") and "    1. my back" in stored
    review = page(client.get("/p/review"))
    assert "Review" in review and stored.replace("\r\n", "\n") in review.replace("\r\n", "\n")
