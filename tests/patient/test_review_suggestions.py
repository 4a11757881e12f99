"""Questions suggested from the patient's answers are offered on the review page too."""

from __future__ import annotations

from extensions import db
from models import Medication, PacketQuestion
from tests.patient.conftest import post_form


def _with_a_medicine(packet):
    packet.medications.append(Medication(name="Duloxetine", dose="60 mg"))
    db.session.commit()


def test_the_review_page_offers_what_the_answers_suggest(client, started):
    _with_a_medicine(started)
    page = client.get("/p/review").get_data(as_text=True)
    assert "Questions you may want to ask" in page
    assert "Duloxetine" in page and "Add to my questions" in page


def test_ticking_a_suggestion_adds_it_to_the_list_once(client, started):
    _with_a_medicine(started)
    page = client.get("/p/review").get_data(as_text=True)
    key = "medication:duloxetine"
    assert f'value="{key}"' in page
    response = post_form(client, "/p/questions/suggested", {"suggested": [key]},
                         page="/p/review")
    assert response.status_code == 303 and response.location.endswith("/p/review#suggestions")
    questions = db.session.scalars(db.select(PacketQuestion)).all()
    assert [(q.source, "Duloxetine" in q.text) for q in questions] == [("suggested", True)]
    # It is on the list now, so it is no longer offered.
    again = client.get("/p/review").get_data(as_text=True)
    assert "Questions you may want to ask" not in again and "Review and send" in again


def test_an_unknown_suggestion_is_refused_and_changes_nothing(client, started):
    _with_a_medicine(started)
    response = post_form(client, "/p/questions/suggested", {"suggested": ["nope"]},
                         page="/p/review")
    assert response.status_code == 303
    assert db.session.scalars(db.select(PacketQuestion)).all() == []
    page = client.get("/p/review").get_data(as_text=True)
    assert "Please choose from the questions shown." in page
