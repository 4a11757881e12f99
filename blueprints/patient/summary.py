"""The patient's own copy of their summary after submit: page, PDF, CSV.

The copy is built with audience="patient": it never shows scores, a verdict or staff
notes. Only a submitted or reviewed packet has a copy; anything else is a 404.
"""

from __future__ import annotations

from flask import abort, g, render_template, request

from blueprints.downloads import attachment
from blueprints.patient import bp
from services import audit
from services.export_csv import symptom_log_csv_bytes
from services.pdf import page_size_for, render_pdf
from services.summary import Summary, build_summary, load_packet


def _patient_summary() -> tuple[object, Summary]:
    """The session's own packet (loaded by the blueprint's before_request), once sent."""
    packet = load_packet(g.packet.id)
    if packet is None or packet.status not in {"submitted", "reviewed"}:
        abort(404)
    return packet, build_summary(packet, audience="patient")


@bp.get("/summary")
def summary():
    """Show the patient their submitted summary, to print or save."""
    packet, built = _patient_summary()
    return render_template("summary/patient.html", summary=built, clinic=packet.clinic)


@bp.get("/summary.pdf")
def summary_pdf():
    """Download the patient's summary as PDF."""
    packet, built = _patient_summary()
    pdf = render_pdf(built, page_size_for(request.args))
    audit.record_patient_read("packet.patient_export_pdf", packet, request.remote_addr)
    return attachment(pdf, "application/pdf", built.file_stem + ".pdf")


@bp.get("/summary/log.csv")
def summary_csv():
    """Download the patient's symptom log as CSV."""
    packet, built = _patient_summary()
    body = symptom_log_csv_bytes(built.entries)
    audit.record_patient_read("packet.patient_export_csv", packet, request.remote_addr)
    return attachment(body, "text/csv", built.file_stem + "-log.csv")
