"""Staff fixtures: see tests/auth/fixtures.py."""

from tests.auth.fixtures import admin, clinic, other_clinic, other_staff, receptionist  # noqa: F401
