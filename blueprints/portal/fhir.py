"""The public FHIR Questionnaire that describes VisitPrep's forms."""

from __future__ import annotations

from blueprints.portal import bp  # noqa: F401
