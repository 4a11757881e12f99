"""The export routes for staff and the patient's own copy, over real HTTP.

Staff requests log in through the test-only request loader in conftest.py.
"""

from __future__ import annotations

import json

import pytest

from extensions import db
from models import AuditEvent
from services.fhir import validate
from tests.auth.helpers import login
from tests.factories import make_staff
from tests.summary.builders import add_note, make_full_packet
from tests.summary.test_pdf import pdf_info

EXPORTS = [
    ("summary.pdf", "application/pdf", "packet.export_pdf", ".pdf"),
    ("fhir.json", "application/fhir+json", "packet.export_fhir", ".fhir.json"),
    ("log.csv", "text/csv", "packet.export_csv", "-log.csv"),
]


def audit_rows(action=None):
    """Audit rows about packets (logging in writes rows of its own)."""
    stmt = db.select(AuditEvent).where(AuditEvent.object_type == "packet").order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt))


@pytest.mark.parametrize(("path", "mimetype", "action", "suffix"), EXPORTS)
def test_staff_export_downloads_and_is_audited(app, clinic, staff, staff_client, path,
                                               mimetype, action, suffix):
    packet = make_full_packet(clinic, days=3)
    response = staff_client.get(f"/reception/packets/{packet.id}/{path}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=visit-summary-")
    assert "jordan" not in disposition.lower() and "avery" not in disposition.lower()
    assert disposition.endswith(suffix)
    assert response.headers["Cache-Control"] == "no-store"
    rows = audit_rows(action)
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor_type, row.actor_id, row.clinic_id) == ("staff", staff.id, clinic.id)
    assert (row.object_type, row.object_id, row.outcome) == ("packet", packet.id, "success")
    assert row.ip == "127.0.0.1"
    assert row.detail == {}


def test_staff_fhir_export_is_valid_r4(app, clinic, staff_client):
    packet = make_full_packet(clinic, days=2)
    resource = json.loads(staff_client.get(f"/reception/packets/{packet.id}/fhir.json").data)
    validate(resource)
    assert resource["status"] == "completed"


def test_staff_can_export_a_draft_as_in_progress(app, clinic, staff_client):
    packet = make_full_packet(clinic, days=1, status="draft")
    resource = json.loads(staff_client.get(f"/reception/packets/{packet.id}/fhir.json").data)
    assert resource["status"] == "in-progress"


def test_pdf_export_takes_letter_paper(app, clinic, staff_client):
    packet = make_full_packet(clinic, days=2)
    response = staff_client.get(f"/reception/packets/{packet.id}/summary.pdf?paper=letter")
    assert response.status_code == 200
    assert pdf_info(response.data)["Page size"].startswith("612 x 792 pts")


@pytest.mark.parametrize(("path", "mimetype", "action", "suffix"), EXPORTS)
def test_another_clinics_packet_is_404_and_not_audited(app, clinic, other_clinic, staff_client,
                                                       path, mimetype, action, suffix):
    theirs = make_full_packet(other_clinic, days=1)
    assert staff_client.get(f"/reception/packets/{theirs.id}/{path}").status_code == 404
    assert staff_client.get(f"/reception/packets/999999/{path}").status_code == 404
    assert audit_rows() == []


@pytest.mark.parametrize(("path", "mimetype", "action", "suffix"), EXPORTS)
def test_exports_need_a_staff_login(app, clinic, path, mimetype, action, suffix):
    packet = make_full_packet(clinic, days=1)
    response = app.test_client().get(f"/reception/packets/{packet.id}/{path}")
    assert response.status_code == 303
    assert "/reception/login" in response.headers["Location"]
    assert audit_rows() == []


def test_staff_of_the_other_clinic_cannot_reach_ours(app, clinic, other_clinic):
    ours = make_full_packet(clinic, days=1)
    outsider = make_staff(other_clinic, email="them@example.com")
    client = app.test_client()
    assert login(client, outsider.email).status_code == 303
    assert client.get(f"/reception/packets/{ours.id}/summary.pdf").status_code == 404


# --- The patient's own copy -------------------------------------------------------------


def patient_client(app, packet_id):
    """A browser session opened through the packet's own resume link, as the portal does."""
    from extensions import db
    from models import Packet
    from services.patient_session import log_in
    from services.tokens import create_resume_link

    packet = db.session.get(Packet, packet_id)
    link, _token, _code = create_resume_link(packet, 30)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        log_in(session, packet, link)
    return client


def test_patient_sees_their_submitted_summary_without_scores_or_notes(app, clinic, staff):
    packet = make_full_packet(clinic, days=3)
    add_note(packet, staff, "Staff only remark")
    client = patient_client(app, packet.id)
    page = client.get("/p/summary")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Jordan Avery" in html and "My lower back has hurt for months." in html
    for absent in ("Widespread Pain Index", "not a diagnosis", "Staff only remark", "Red flags"):
        assert absent not in html
    assert 'href="/p/summary.pdf"' in html and 'href="/p/summary/log.csv"' in html
    assert "style=" not in html and "<script>" not in html

    pdf = client.get("/p/summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    csv = client.get("/p/summary/log.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert [r.action for r in audit_rows()] == [
        "packet.patient_export_pdf", "packet.patient_export_csv"]
    assert audit_rows()[0].actor_type == "patient"


@pytest.mark.parametrize("path", ["/p/summary", "/p/summary.pdf", "/p/summary/log.csv"])
def test_patient_without_a_session_or_with_a_draft_gets_no_summary(app, clinic, path):
    draft = make_full_packet(clinic, days=1, status="draft")
    # No patient session at all: the patient area's own "use your link" page.
    assert app.test_client().get(path).status_code == 403
    assert patient_client(app, draft.id).get(path).status_code == 404
    # A forged session naming a packet its link does not open reaches nothing.
    client = app.test_client()
    with client.session_transaction() as session:
        session["packet_id"], session["link_id"] = draft.id, 999999
    assert client.get(path).status_code == 403


def test_reviewed_packets_still_have_a_patient_copy(app, clinic):
    packet = make_full_packet(clinic, days=1, status="reviewed")
    assert patient_client(app, packet.id).get("/p/summary").status_code == 200


def test_the_patient_copy_is_only_ever_the_session_packet(app, clinic):
    mine = make_full_packet(clinic, days=1, patient_name="Mine Person")
    make_full_packet(clinic, days=1, patient_name="Other Person")
    client = patient_client(app, mine.id)
    # Query strings cannot pick another packet: there is no id in these URLs at all.
    for query in ("?packet_id=2", "?id=2"):
        html = client.get("/p/summary" + query).get_data(as_text=True)
        assert "Mine Person" in html and "Other Person" not in html
