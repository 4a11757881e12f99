"""The body map a patient taps, on a 360 px phone: front and back, shaded and named, sent,
and found on the staff summary; without JavaScript the labelled tick-boxes are the form."""

from __future__ import annotations

from playwright.sync_api import expect

from extensions import db
from models import Packet
from scripts.screenshots import tap_area, walk
from tests.browser.test_summary_screens import staff_opens
from tests.factories import make_clinic, make_staff

TICKED_SHAPES = """() => [...document.querySelectorAll('.touch-map [data-area].is-ticked')]
  .map(el => el.getAttribute('data-area'))"""

#: On the staff summary's map: each area's name and count (its <title>) -> its fill.
STAFF_FILLS = """() => Object.fromEntries([...document.querySelectorAll('svg.body-map title')]
  .filter(t => t.parentElement.tagName !== 'svg')
  .map(t => [t.textContent, t.parentElement.getAttribute('fill')]))"""


def test_tapping_the_map_ticks_shades_and_names_and_reaches_the_staff_summary(
        page, live_server, console_errors):
    clinic = make_clinic("demo", "Riverside Spine & Pain Clinic", open_start=True,
                         require_totp=False)
    make_staff(clinic)

    def shot(name, full=False, at=None):
        page.wait_for_load_state()
        if name == "09-log-entry":
            # The walk tapped the lower back (back view) and the left shoulder (front view).
            ticked = page.evaluate(TICKED_SHAPES)
            assert sorted(ticked) == ["lower_back", "shoulder_left", "shoulder_left"]
            expect(page.locator(".map-named")).to_have_text("Ticked: Lower back, Left shoulder")
            assert page.locator('input[value="lower_back"]').is_checked()
            assert page.locator('input[value="shoulder_left"]').is_checked()
            # A second tap unticks.
            tap_area(page, "chest")
            assert page.locator('input[value="chest"]').is_checked()
            tap_area(page, "chest")
            assert not page.locator('input[value="chest"]').is_checked()
            expect(page.locator(".map-named")).to_have_text("Ticked: Lower back, Left shoulder")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if name == "11-body-check":
            # Front and back: the jaw and the thigh from the front, neck and hip from behind.
            tap_area(page, "jaw_right")
            tap_area(page, "upper_leg_right")
            tap_area(page, "neck")
            page.locator('.touch-map [data-area="hip_left"]').last.click()
            expect(page.locator(".map-named")).to_have_text(
                "Ticked: Right jaw, Neck, Lower back, Right upper leg, Left hip or buttock")
            assert len(page.evaluate(TICKED_SHAPES)) == 8  # neck, hip, leg drawn twice

    walk(page, live_server, shot)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your answers were sent")
    packet = db.session.scalar(db.select(Packet))
    assert packet.symptom_entries[0].areas == ["shoulder_left", "lower_back"]
    assert set(packet.body_check.areas) == {"jaw_right", "neck", "lower_back",
                                            "upper_leg_right", "hip_left"}

    page.context.clear_cookies()
    staff_opens(page, live_server, packet.id)
    expect(page.get_by_role("heading", name="Where it hurt")).to_be_visible()
    fills = page.evaluate(STAFF_FILLS)
    assert fills["Lower back: 1 of 1 entries"] == fills["Left shoulder: 1 of 1 entries"]
    assert fills["Lower back: 1 of 1 entries"] != fills["Chest: 0 of 1 entries"]
    scores = page.locator(".summary").inner_text()
    assert "Right jaw" in scores and "Left hip or buttock" in scores
    assert console_errors == []


def test_without_javascript_the_tick_boxes_are_the_form(browser, live_server):
    make_clinic("demo", "Riverside Spine & Pain Clinic", open_start=True)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360,
                                                                       "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="I saved it. Go on").click()
    page.goto(f"{live_server}/p/check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Body and symptom check")
    assert not page.locator(".touch-map").is_visible()
    page.get_by_label("Lower back").check()
    page.get_by_label("Left jaw").check()
    for name in ("fatigue", "unrefreshed", "cognitive"):
        page.locator(f"#{name}-1").check()
    page.locator("#three_months-0").check()
    page.get_by_role("button", name="Save and continue").click()
    packet = db.session.scalar(db.select(Packet))
    db.session.refresh(packet)
    context.close()
    assert packet.body_check is not None and packet.body_check.areas == ["jaw_left",
                                                                        "lower_back"]
