"""Fixtures for the patient's steps: a clinic, a self-started packet, an invited one."""

from __future__ import annotations

from datetime import date

import pytest
from flask import g

from extensions import db
from models import Packet
from services.tokens import create_invitation
from tests.factories import make_appointment, make_clinic
from tests.helpers import hidden_fields

DOB = date(1980, 6, 15)


def post_form(client, path: str, data: dict | None = None, *, page: str | None = None, **kw):
    """GET the page, then POST its hidden fields plus `data` (a real form round trip).

    The tests keep one app context open, so Flask-WTF's token cached on `g` would leak
    from one client to the next; each page gets its own, as in a real request.
    """
    g.pop("csrf_token", None)
    html = client.get(page or path).get_data(as_text=True)
    fields = hidden_fields(html)
    payload = {**fields, **(data or {})}
    return client.post(path, data=payload, **kw)


@pytest.fixture
def clinic(app):
    return make_clinic("riverside", "Riverside Clinic", open_start=True)


def start_packet(client, clinic) -> Packet:
    """Press Start on the clinic's page; returns the new packet."""
    response = post_form(client, f"/c/{clinic.slug}")
    assert response.status_code == 303, response.status_code
    with client.session_transaction() as sess:
        packet_id = sess["packet_id"]
    return db.session.get(Packet, packet_id)


@pytest.fixture
def started(client, clinic):
    """A client inside a self-started packet."""
    packet = start_packet(client, clinic)
    client.get("/p/keep-link")
    return packet


@pytest.fixture
def invitation(app, clinic):
    appointment = make_appointment(clinic, patient_name="Sam Patient", date_of_birth=DOB)
    link, token = create_invitation(appointment, 30)
    db.session.commit()
    return appointment, link, token


def open_invitation(client, token: str, dob: date = DOB):
    response = client.get(f"/v/{token}")
    assert response.status_code == 303
    return post_form(client, "/v/check", {"date_of_birth": dob.isoformat()})


@pytest.fixture
def invited(client, invitation):
    """A client inside an invited packet, after the date-of-birth check."""
    appointment, link, token = invitation
    response = open_invitation(client, token)
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    return db.session.scalar(db.select(Packet).filter_by(appointment_id=appointment.id))
