"""The body check starts from the symptom log: the places logged in the past week are
ticked, and the page says so, until the patient saves the check; then their answer wins."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from extensions import db
from models import BodyCheck, Packet, SymptomEntry
from services import opening_hours, packets
from tests.patient.conftest import post_form

NOW = datetime(2026, 3, 12, 9, 30)  # a Thursday morning, the clinic's wall clock
NOTE = "We ticked the places from your symptom log of the past 7 days"


def page(response) -> str:
    return response.get_data(as_text=True)


def refresh(packet) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet.id)


def log(packet, when: datetime, *areas: str) -> None:
    db.session.add(SymptomEntry(packet_id=packet.id, patient_id=packet.patient_id,
                                recorded_at=when, pain=5, areas=list(areas)))
    db.session.commit()


def ticked(body: str) -> list[str]:
    """The places whose tick-box is checked, in the page's order."""
    boxes = re.findall(r'<input [^>]*name="areas_[^>]*>', body)
    return [re.search(r'value="(\w+)"', box).group(1) for box in boxes
            if re.search(r"\schecked[\s>]", box)]


def test_the_past_week_of_the_log_gives_the_places_in_the_order_of_the_index(started):
    log(started, NOW - timedelta(minutes=5), "shoulder_left", "lower_back")
    log(started, datetime(2026, 3, 6, 0, 0), "neck")  # six days before today, at midnight
    log(started, datetime(2026, 3, 5, 23, 59), "chest")  # seven days before: outside
    log(started, datetime(2026, 3, 12, 22, 0), "lower_back", "hip_right")  # later today
    log(started, datetime(2026, 3, 13, 8, 0), "abdomen")  # tomorrow: not the past week
    log(started, NOW - timedelta(days=1), "elbow", "lower_back")  # a key no area has
    assert packets.check_areas_from_log(refresh(started), NOW) == [
        "neck", "shoulder_left", "lower_back", "hip_right"]


def test_no_entries_in_the_week_tick_nothing(started):
    log(started, NOW - timedelta(days=30), "neck")
    assert packets.check_areas_from_log(refresh(started), NOW) == []


def test_once_the_check_is_saved_the_log_ticks_nothing(started):
    log(started, NOW, "neck")
    packet = refresh(started)
    packet.body_check = BodyCheck(areas=[])  # saved with no place at all: that is the answer
    db.session.commit()
    assert packets.check_areas_from_log(refresh(started), NOW) == []


CHECK = {"fatigue": "1", "unrefreshed": "1", "cognitive": "1", "three_months": "no"}


def now_at(clinic) -> datetime:
    return opening_hours.clinic_now(clinic).replace(second=0, microsecond=0)


def test_the_check_page_ticks_the_logged_places_and_says_so(client, clinic, started):
    log(started, now_at(clinic) - timedelta(days=2), "shoulder_left", "lower_back")
    body = page(client.get("/p/check"))
    assert sorted(ticked(body)) == ["lower_back", "shoulder_left"]
    # Named as the map's own line names them (by group: back, then the left arm).
    assert f"{NOTE}: Lower back, Left shoulder. Untick any place" in body
    assert "Ticked: Lower back, Left shoulder" in body
    # Unticking one is the patient's answer.
    r = post_form(client, "/p/check", {**CHECK, "areas_trunk": ["lower_back"]})
    assert r.status_code == 303
    assert refresh(started).body_check.areas == ["lower_back"]
    body = page(client.get("/p/check"))
    assert ticked(body) == ["lower_back"] and NOTE not in body


def test_a_check_saved_with_no_places_stays_empty(client, clinic, started):
    log(started, now_at(clinic), "neck")
    assert post_form(client, "/p/check", CHECK).status_code == 303  # no boxes sent
    log(started, now_at(clinic), "chest")
    body = page(client.get("/p/check"))
    assert ticked(body) == [] and NOTE not in body
    assert refresh(started).body_check.areas == []


def test_without_log_entries_the_check_starts_empty_and_says_nothing(client, started):
    body = page(client.get("/p/check"))
    assert ticked(body) == [] and NOTE not in body


def test_the_note_stays_on_a_check_sent_back_with_a_message(client, clinic, started):
    log(started, now_at(clinic), "neck")
    r = post_form(client, "/p/check", {**CHECK, "fatigue": "", "areas_head": ["neck"]})
    body = page(r)
    assert r.status_code == 200 and "Please choose one" in body
    assert f"{NOTE}: Neck." in body and ticked(body) == ["neck"]
    assert refresh(started).body_check is None


def test_the_note_is_in_spanish(client, clinic, started):
    log(started, now_at(clinic), "neck")
    packet = refresh(started)
    packet.language = "es"  # as the "Español" switch keeps it
    db.session.commit()
    body = page(client.get("/p/check"))
    assert "Marcamos los lugares de su registro de síntomas de los últimos 7 días: Cuello." \
        in body
