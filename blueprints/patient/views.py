"""Views of the patient's steps."""

from __future__ import annotations

from blueprints.patient import bp  # noqa: F401
