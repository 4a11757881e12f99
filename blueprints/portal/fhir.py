"""The public FHIR Questionnaire that describes VisitPrep's forms.

Its address is stable, so a clinic's record system can fetch it once and map the
link ids of every QuestionnaireResponse VisitPrep exports.
"""

from __future__ import annotations

import json

from flask import Response

from blueprints.portal import bp
from services.fhir import questionnaire
from services.public_url import public_base


@bp.get("/fhir/Questionnaire/visitprep")
def fhir_questionnaire():
    """Serve the Questionnaire as FHIR JSON."""
    base = public_base()
    body = json.dumps(questionnaire(base), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/fhir+json")
