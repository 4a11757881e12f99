"""Exports of a packet for staff: PDF, FHIR JSON, CSV."""

from __future__ import annotations

from blueprints.reception import bp  # noqa: F401
