"""Fixtures for the summary tests.

`staff_client` logs a staff member in through a TEST-ONLY Flask-Login request loader
that reads the `X-Test-Staff` header. It exists only here, because the real staff login
(server-side sessions) is being built on another branch at the same time; the lead
switches these tests to the real login at merge. It is installed for one test and
removed after it.
"""

from __future__ import annotations

import pytest
from flask_login import UserMixin

from extensions import db, login_manager
from models import StaffUser
from tests.factories import make_clinic, make_staff

TEST_HEADER = "X-Test-Staff"


@pytest.fixture
def clinic(app):
    return make_clinic()


@pytest.fixture
def other_clinic(app):
    return make_clinic(slug="elsewhere", name="Elsewhere Clinic")


@pytest.fixture
def staff(clinic):
    return make_staff(clinic, name="Riley Reception")


@pytest.fixture
def test_login(app, monkeypatch):
    """Install the test-only request loader; StaffUser gets Flask-Login's properties if it lacks them."""
    for name in ("is_authenticated", "is_anonymous", "get_id"):
        if not hasattr(StaffUser, name):
            monkeypatch.setattr(StaffUser, name, getattr(UserMixin, name), raising=False)

    def load_from_header(request):
        user_id = request.headers.get(TEST_HEADER)
        if not user_id or not user_id.isdigit():
            return None
        return db.session.get(StaffUser, int(user_id))

    monkeypatch.setattr(login_manager, "_request_callback", load_from_header)
    return TEST_HEADER


@pytest.fixture
def staff_client(app, staff, test_login):
    """A test client whose every request is made as `staff`."""
    client = app.test_client()
    client.environ_base["HTTP_X_TEST_STAFF"] = str(staff.id)
    return client
