"""Exports of a packet for staff: PDF, FHIR JSON, CSV.

Each export is scoped to the staff member's clinic (another clinic's packet, or a
draft, is a 404) and writes one audit row. The blueprint's `before_request` has
already required a logged-in staff member.
"""

from __future__ import annotations

import json

from flask import abort, request
from flask_login import current_user

from blueprints.downloads import attachment
from blueprints.reception import bp
from extensions import db
from services import audit
from services.export_csv import symptom_log_csv_bytes
from services.fhir import questionnaire_response
from services.pdf import page_size_for, render_pdf
from services.public_url import public_base
from services.summary import Summary, build_summary, load_packet


def _staff_summary(packet_id: int) -> tuple[object, Summary]:
    """The packet of the staff member's clinic with its summary, or 404."""
    packet = load_packet(packet_id, clinic_id=current_user.clinic_id)
    if packet is None:
        abort(404)
    return packet, build_summary(packet, audience="staff")


def _audit(action: str, packet_id: int) -> None:
    audit.record(
        action,
        actor=current_user._get_current_object(),
        object_type="packet",
        object_id=packet_id,
        ip=request.remote_addr,
    )
    db.session.commit()


def public_base_url() -> str:
    """The base of FHIR canonical URLs (services/public_url.py: never the Host header)."""
    return public_base()


@bp.get("/packets/<int:packet_id>/summary.pdf")
def packet_pdf(packet_id: int):
    """Download the packet's summary as PDF (A4, or ?paper=letter)."""
    _, summary = _staff_summary(packet_id)
    pdf = render_pdf(summary, page_size_for(request.args))
    _audit("packet.export_pdf", packet_id)
    return attachment(pdf, "application/pdf", summary.file_stem + ".pdf")


@bp.get("/packets/<int:packet_id>/fhir.json")
def packet_fhir(packet_id: int):
    """Download the packet as a FHIR R4 QuestionnaireResponse."""
    packet, summary = _staff_summary(packet_id)
    resource = questionnaire_response(summary, packet, public_base_url())
    _audit("packet.export_fhir", packet_id)
    body = json.dumps(resource, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment(body, "application/fhir+json", summary.file_stem + ".fhir.json")


@bp.get("/packets/<int:packet_id>/log.csv")
def packet_csv(packet_id: int):
    """Download the packet's symptom log as CSV."""
    _, summary = _staff_summary(packet_id)
    body = symptom_log_csv_bytes(summary.entries)
    _audit("packet.export_csv", packet_id)
    return attachment(body, "text/csv", summary.file_stem + "-log.csv")
