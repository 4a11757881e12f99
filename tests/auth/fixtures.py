"""Staff fixtures shared by tests/auth, tests/reception and tests/admin (imported by their conftest)."""

from __future__ import annotations

import pytest

from tests.factories import make_clinic, make_staff


@pytest.fixture
def clinic(app):
    return make_clinic("riverside", "Riverside Clinic", require_totp=False)


@pytest.fixture
def receptionist(clinic):
    return make_staff(clinic, "reception@riverside.example", "reception", name="Rae Desk")


@pytest.fixture
def admin(clinic):
    return make_staff(clinic, "admin@riverside.example", "admin", name="Ada Admin")


@pytest.fixture
def other_clinic(app):
    return make_clinic("hillside", "Hillside Clinic", require_totp=False)


@pytest.fixture
def other_staff(other_clinic):
    return make_staff(other_clinic, "desk@hillside.example", "admin", name="Hal Hill")
