"""Fixtures for the summary tests.

`staff_client` logs a staff member in through the real login pages.
"""

from __future__ import annotations

import pytest

from tests.auth.helpers import login
from tests.factories import make_clinic, make_staff


@pytest.fixture
def clinic(app):
    return make_clinic(require_totp=False)


@pytest.fixture
def other_clinic(app):
    return make_clinic(slug="elsewhere", name="Elsewhere Clinic", require_totp=False)


@pytest.fixture
def staff(clinic):
    return make_staff(clinic, name="Riley Reception")


@pytest.fixture
def staff_client(app, staff):
    """A test client logged in as `staff` through the real login pages."""
    client = app.test_client()
    assert login(client, staff.email).status_code == 303
    return client
