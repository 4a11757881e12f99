"""A long paste is never cut short by the browser without a word: the server says so and keeps it."""

from __future__ import annotations

from playwright.sync_api import expect

from extensions import db
from models import Packet
from tests.factories import make_clinic

PASTE = "QA-PASTE " + "my back hurts when I sit " * 800  # about 20,000 characters


def test_a_20000_character_paste_is_kept_and_the_patient_is_told(page, live_server):
    make_clinic("demo", "Riverside Clinic", open_start=True)
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="I saved it. Go on").click()
    page.get_by_label("Your date of birth").fill("1975-02-03")
    reason = page.get_by_label("The main reason for your visit, in your own words")
    reason.click()
    page.keyboard.insert_text(PASTE)  # what a paste does
    assert len(reason.input_value()) == len(PASTE)  # the browser did not cut it
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Please keep this to 4000 characters or fewer").first).to_be_visible()
    assert page.get_by_label("The main reason for your visit, in your own words").input_value() \
        == PASTE.strip()  # every character, the trailing space aside
    assert db.session.scalar(db.select(Packet)).reason in (None, "")  # nothing cut was saved
