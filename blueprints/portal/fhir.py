"""The public FHIR Questionnaire that describes VisitPrep's forms.

Its address is stable, so a clinic's record system can fetch it once and map the
link ids of every QuestionnaireResponse VisitPrep exports.
"""

from __future__ import annotations

import json

from flask import Response, current_app, request

from blueprints.portal import bp
from services.fhir import questionnaire


@bp.get("/fhir/Questionnaire/visitprep")
def fhir_questionnaire():
    """Serve the Questionnaire as FHIR JSON."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root.rstrip("/")
    body = json.dumps(questionnaire(base), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/fhir+json")
