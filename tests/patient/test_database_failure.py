"""A database failure mid-request (SECURITY.md R4): rolled back, a "try again" page with what
was typed, and no partial rows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from extensions import db
from models import Medication
from tests.patient.conftest import post_form


class FailingCommits:
    """Make every flush fail as a lost database connection would, while active."""

    def __enter__(self):
        event.listen(db.session, "before_flush", self._fail)
        return self

    def __exit__(self, *exc):
        event.remove(db.session, "before_flush", self._fail)

    @staticmethod
    def _fail(session, flush_context, instances):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))


def test_R4_a_failed_save_shows_try_again_with_the_typed_input(client, started):
    with FailingCommits():
        response = post_form(client, "/p/medications/add",
                             {"name": "Duloxetine 60mg", "dose": "60 mg"})
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "save that just now" in body
    assert "Duloxetine 60mg" in body and "Send it again" in body
    assert db.session.scalar(db.select(db.func.count(Medication.id))) == 0

    # Once the database answers again, the same save goes through.
    response = post_form(client, "/p/medications/add", {"name": "Duloxetine 60mg"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(Medication.name)) == "Duloxetine 60mg"
