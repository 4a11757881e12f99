"""The patient's pages cover the shared vocabularies exactly."""

from __future__ import annotations

from blueprints.patient.forms import AREA_GROUPS
from blueprints.patient.steps import STEPS
from content.body import AREA_KEYS
from models import PACKET_STEPS


def test_every_body_area_is_in_exactly_one_group():
    keys = [key for _, _, group in AREA_GROUPS for key in group]
    assert sorted(keys) == sorted(AREA_KEYS) and len(keys) == 19


def test_the_pages_follow_the_packet_steps_in_order():
    assert tuple(STEPS) == PACKET_STEPS


def test_huge_ids_are_a_404_not_a_database_error(client, started):
    for path in ("/p/medications/99999999999999999999/edit", "/p/log/2147483648/edit"):
        assert client.get(path).status_code == 404
