"""SECURITY A4: the XSS corpus (tests/xss_payloads.py) in every free-text field, shown in
every view that shows it, to staff and patient, in a real browser, and in the PDF and CSV.

The fields are found, not listed: every text column of the tables people type into, except
those NOT_FREE_TEXT names with its reason (a choice, a parsed value, a secret). Each field
of each row gets the next payload of the corpus, so all 50 (and the spreadsheet formulas)
land somewhere, several times over. Nothing may run: no dialog, `window.__xss` unset, no
element the payloads would make, no CSP violation from our markup. The PDF shows the
payloads as text; in the CSV every cell a spreadsheet would take for a formula starts
with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

from sqlalchemy import CheckConstraint, String, Text

from extensions import db
from models import (
    Appointment,
    BodyCheck,
    Clinic,
    ClinicQuestion,
    ClinicTopic,
    HistoryItem,
    Medication,
    Packet,
    PacketQuestion,
    Patient,
    SafetyCall,
    SafetyCallEvent,
    StaffNote,
    StaffUser,
    SymptomEntry,
    TreatmentTried,
    utcnow,
)
from services import queue
from services.tokens import create_resume_link
from tests.factories import make_appointment, make_clinic, make_packet, make_patient, make_staff
from tests.patient.test_nothing_lost import pdf_text
from tests.xss_payloads import FORMULAS, PAYLOADS

#: The tables people type into.
TYPED_INTO = (Clinic, Patient, StaffUser, Appointment, Packet, ClinicTopic, ClinicQuestion,
              PacketQuestion, HistoryItem, Medication, TreatmentTried, SymptomEntry, BodyCheck,
              StaffNote, SafetyCall, SafetyCallEvent)
#: Text columns that are not free text, and why.
NOT_FREE_TEXT = {
    "slug": "part of the clinic's address, letters and dashes only",
    "timezone": "a time zone name from a list",
    "default_language": "a language code", "language": "a language code",
    "alert_emails": "addresses, each checked", "reminder_days": "numbers of days, parsed",
    "email": "an address, checked", "patient_email": "an address, checked",
    "contact_email": "an address, checked",
    "phone": "a phone number, checked", "emergency_number": "a phone number, checked",
    "contact_phone": "a phone number, checked",
    "password_hash": "a secret", "totp_secret": "a secret",
    "builtin_key": "a key of the built-in bank", "flag_key": "a warning sign's key",
    "family_review": "a choice", "drug_class": "a choice", "test_kind": "a choice",
    "kind": "a choice", "mood": "a choice",
}


def free_text_columns() -> list[tuple[type, str, int | None]]:
    out = []
    for model in TYPED_INTO:
        table = model.__table__
        checks = " ".join(str(c.sqltext) for c in table.constraints
                          if isinstance(c, CheckConstraint))
        for column in table.columns:
            if not isinstance(column.type, String | Text) or column.primary_key:
                continue
            if column.foreign_keys or column.name in NOT_FREE_TEXT:
                continue
            if re.search(rf"\b{column.name}\b\s+IN\s*\(", checks):
                continue  # an enum (a CHECK lists its values)
            out.append((model, column.name, getattr(column.type, "length", None)))
    return out


def world() -> dict:
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False, open_start=True)
    admin = make_staff(clinic, "desk@riverside.example", "admin",
                       password="a long enough password")
    packets = []
    for i in range(6):
        appointment = make_appointment(clinic, days_ahead=1 + i % 5)
        packet = make_packet(clinic, appointment, status="submitted", submitted_at=utcnow(),
                             visit_date=date.today() + timedelta(days=1 + i % 5))
        packets.append(packet)
    patient = make_patient(clinic, "Robin Self", date_of_birth=date(1990, 5, 6))
    draft = make_packet(clinic, patient_name="Pat Draft", date_of_birth=date(1980, 1, 2))
    sent = make_packet(clinic, patient_name="Sam Sent", date_of_birth=date(1981, 2, 3),
                       status="submitted", submitted_at=utcnow())
    for n, packet in enumerate([*packets, draft, sent]):
        packet.history_items.append(HistoryItem(kind="surgery_injury", name="x"))
        packet.medications.append(Medication(name="x"))
        packet.treatments.append(TreatmentTried(kind="other", name="x"))
        packet.questions.append(PacketQuestion(source="own", text="x", position=0))
        for hour in range(2):
            packet.symptom_entries.append(SymptomEntry(
                recorded_at=datetime(2026, 1, 1 + n, 8 + hour), pain=4, note="x"))
        packet.notes.append(StaffNote(author_id=admin.id, body="x"))
    call = SafetyCall(clinic_id=clinic.id, packet_id=packets[0].id, flag_key="bladder", level=3,
                      due_at=utcnow())
    db.session.add(call)
    _, draft_token, _ = create_resume_link(draft, 30)
    _, sent_token, _ = create_resume_link(sent, 30)
    db.session.commit()
    return {"clinic": clinic, "packets": packets, "draft": draft, "sent": sent,
            "draft_token": draft_token, "sent_token": sent_token, "patient": patient}


def fill_every_free_text_field() -> dict:
    """The next payload in every free-text column of every row; returns the figures."""
    corpus = [*PAYLOADS, *FORMULAS]
    n = 0
    fields = free_text_columns()
    used: set[str] = set()
    admin = db.session.scalar(db.select(StaffUser))
    for call in db.session.scalars(db.select(SafetyCall)):
        # Append-only: made here, with its words.
        db.session.add(SafetyCallEvent(call_id=call.id, at=utcnow(), actor_id=admin.id,
                                       kind="attempt", outcome="no_answer", note=""))
    db.session.flush()
    for model, name, length in fields:
        for row in db.session.scalars(db.select(model)):
            value = corpus[n % len(corpus)]
            n += 1
            value = value[:length] if length else value
            if model is SafetyCallEvent:
                db.session.expunge(row)
                db.session.execute(db.update(SafetyCallEvent).where(
                    SafetyCallEvent.id == row.id).values({name: value}))
            else:
                setattr(row, name, value)
            used.add(value)
    # The log's place words go to the CSV: there every formula, so each CSV has them all.
    for i, entry in enumerate(db.session.scalars(db.select(SymptomEntry))):
        entry.where_text = FORMULAS[i % len(FORMULAS)]
    db.session.commit()
    return {"fields": len(fields), "values": n,
            "payloads": len({p for p in PAYLOADS if any(p.startswith(u) or u == p
                                                        for u in used)})}


def test_A4_the_corpus_in_every_free_text_field_never_runs_anywhere(page, live_server,
                                                                     console_errors):
    assert len(PAYLOADS) == 50
    w = world()
    figures = fill_every_free_text_field()
    assert figures["fields"] >= 40 and figures["payloads"] == 50, figures
    db.session.expire_all()
    ids = [p.id for p in w["packets"]]
    sent = w["sent"].id
    patient_id = w["patient"].id
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def visit(path: str) -> None:
        response = page.goto(live_server + path)
        assert response is not None and response.status == 200, (path, response and
                                                                  response.status)
        page.wait_for_load_state()
        assert page.locator("main").count() == 1, path  # the page was drawn
        assert page.evaluate("window.__xss") is None, path
        # Escaped text makes no elements: no handlers, no inline scripts, no frames (an
        # injected <svg> or <math> would carry a handler; the app's own charts do not).
        injected = page.evaluate(
            "Array.from(document.querySelectorAll('[onerror],[onload],[ontoggle],[onfocus],"
            "[onbegin],[onmouseover],[onstart],script:not([src]),iframe,object,embed,math,"
            "base,meta[http-equiv],template,marquee,isindex')).map("
            "e => e.outerHTML.slice(0, 120))")
        assert injected == [], path
        views.append(path)

    views: list[str] = []
    # Staff, as admin (who sees every staff page).
    page.goto(f"{live_server}/reception/login")
    page.get_by_label("Email").fill("desk@riverside.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    staff = ["/reception/", *[f"/reception/?view={v}" for v in queue.VIEWS],
             "/reception/patients?q=script", f"/reception/patients/{patient_id}",
             "/reception/appointments", f"/reception/packets/{sent}/match",
             "/admin/", "/admin/staff", "/admin/questions", "/admin/audit", "/admin/outbox",
             "/admin/settings", *[f"/reception/packets/{i}" for i in [*ids, sent]]]
    for path in staff:
        visit(path)
    files = [f"/reception/packets/{i}/summary.pdf" for i in ids[:2]]
    csvs = [f"/reception/packets/{i}/log.csv" for i in ids[:2]]
    pdfs = [page.request.get(live_server + path) for path in files]
    logs = [page.request.get(live_server + path) for path in csvs]

    # The patient of the draft, then of the sent packet, through their own links.
    for token, dob, paths in (
        (w["draft_token"], "1980-01-02",
         ["/p/", "/p/visit", "/p/questions/mine", "/p/history", "/p/medications",
          "/p/treatments", "/p/log", "/p/review", "/p/print"]),
        (w["sent_token"], "1981-02-03", ["/p/done", "/p/summary"]),
    ):
        page.context.clear_cookies()
        page.goto(f"{live_server}/v/{token}")
        page.locator("input[name=date_of_birth]").fill(dob)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        for path in paths:
            visit(path)
    pdfs.append(page.request.get(f"{live_server}/p/summary.pdf"))
    logs.append(page.request.get(f"{live_server}/p/summary/log.csv"))

    assert dialogs == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []

    # The PDF shows what was typed, as text.
    for response in pdfs:
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
        text = pdf_text(response.body())
        assert "window.__xss=1" in text and "<script>" in text
    # The CSV: no cell a spreadsheet would run.
    cells = 0
    for response in logs:
        assert response.status == 200
        rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
        assert len(rows) > 1
        for row in rows:
            for cell in row:
                cells += 1
                bare = cell.lstrip(" ;,|")
                if bare[:1] in {"=", "+", "-", "@", "\t", "\r"}:
                    assert cell.startswith("'"), cell
        assert sum(cell.startswith("'") for row in rows for cell in row) >= 2, "formulas"
    figures.update(views=len(views), pdfs=len(pdfs), csvs=len(logs), csv_cells=cells,
                   executed=len(dialogs))
    print(f"\nA4: {figures['payloads']} payloads (+{len(FORMULAS)} formulas) in "
          f"{figures['fields']} free-text fields ({figures['values']} values), "
          f"{figures['views']} views, {figures['pdfs']} PDFs, {figures['csvs']} CSVs "
          f"({cells} cells); executed: 0")
