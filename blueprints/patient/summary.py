"""The patient's own copy of their summary after submit: page, PDF, CSV."""

from __future__ import annotations

from blueprints.patient import bp  # noqa: F401
