"""The public way in: a clinic's start page, invitation links and the date-of-birth check."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from blueprints.portal import fhir, views  # noqa: E402,F401  (routes register on import)
