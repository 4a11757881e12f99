"""The patient's way through in a real browser, on a phone-sized screen."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from extensions import db
from models import Packet
from scripts.screenshots import walk
from services.tokens import create_invitation
from tests.factories import make_appointment, make_clinic

DOB = date(1979, 4, 12)


def no_wider_than_the_screen(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_patient_on_a_phone_fills_every_step_and_sends(page, live_server, console_errors):
    make_clinic("demo", "Riverside Spine & Pain Clinic", open_start=True)
    seen = []

    def shot(name, full=False, at=None):
        page.wait_for_load_state()
        no_wider_than_the_screen(page)
        seen.append(name)

    walk(page, live_server, shot)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your answers were sent")
    assert len(seen) == 14 and console_errors == []
    packet = db.session.scalar(db.select(Packet))
    assert packet.status == "submitted" and packet.medications[0].name == "Duloxetine"
    assert len(packet.symptom_entries) == 1 and packet.symptom_entries[0].pain == 6


def test_an_invited_patient_checks_the_birth_date_and_sees_the_visit(page, live_server):
    clinic = make_clinic("demo", "Riverside Clinic", open_start=False)
    appointment = make_appointment(clinic, patient_name="Robert Nguyen", date_of_birth=DOB,
                                   doctor="Dr. Priya Shah")
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    page.goto(f"{live_server}/v/{token}")
    assert token not in page.url
    page.get_by_label("Your date of birth").fill(DOB.isoformat())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Begin").click()
    expect(page.get_by_text("Dr. Priya Shah")).to_be_visible()
    expect(page.get_by_text("Robert Nguyen")).to_be_visible()


def test_R1_resume_after_closing_the_browser_restores_what_was_saved(browser, live_server):
    make_clinic("demo", "Riverside Clinic", open_start=True)
    first = browser.new_context(viewport={"width": 360, "height": 780})
    page = first.new_page()
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    link = page.locator("#secret-link").inner_text().strip()
    page.get_by_role("link", name="I saved it. Go on").click()
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_label("The main reason for your visit, in your own words").fill(
        "Half of what I wanted to say")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="My questions")).to_be_visible()
    first.close()  # the tab and the browser's cookies are gone

    again = browser.new_context(viewport={"width": 360, "height": 780})
    page = again.new_page()
    page.goto(link)
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="About the visit").click()
    expect(page.get_by_label("The main reason for your visit, in your own words")).to_have_value(
        "Half of what I wanted to say")
    assert page.evaluate("window.localStorage.length + window.sessionStorage.length") == 0
    again.close()


def test_nothing_to_list_goes_on_in_one_press_each_without_javascript(browser, live_server):
    """No medicines, no treatments, nothing logged yet: each empty list's page is its add
    form, and one press below it (reached by keyboard) goes on without adding one."""
    make_clinic("demo", "Riverside Clinic", open_start=True)
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.goto(f"{live_server}/p/medications")
    for label, heading, then in [
            ("I don't take any medicines: continue", "Medicines", "Treatments tried"),
            ("I haven't tried any treatments: continue", "Treatments tried", "Symptom log"),
            ("Continue without an entry", "Symptom log", "Body and symptom check")]:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("form.none-form").get_by_role("button")).to_have_text(label)
        button = page.get_by_role("button", name=label)
        for _ in range(80):  # Tab to it, as a keyboard user does
            if button.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError(f"Tab never reached {label!r}")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(then)
    context.close()
    packet = db.session.scalar(db.select(Packet))
    db.session.refresh(packet)
    assert {"medications", "treatments", "log"} <= set(packet.steps_saved)
    assert packet.medications == [] and packet.treatments == [] and packet.symptom_entries == []


def _to_safety(page, live_server):
    make_clinic("demo", "Riverside Clinic", open_start=True, phone="555-0199")
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.goto(f"{live_server}/p/safety")


def test_an_emergency_answer_shows_get_help_now_at_once(page, live_server, console_errors):
    _to_safety(page, live_server)
    box = page.locator("#get-help-now")
    expect(box).to_be_hidden()
    page.locator("#q_bowel-0").check()  # "Yes"
    expect(box).to_be_visible()  # before saving, with JavaScript
    expect(box).to_contain_text("911")
    expect(box).to_contain_text("555-0199")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#get-help-now")).to_be_visible()  # and from the server
    packet = db.session.scalar(db.select(Packet))
    db.session.refresh(packet)
    assert packet.flag_level == 3
    assert console_errors == []


def test_get_help_now_without_javascript(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  java_script_enabled=False)
    page = context.new_page()
    _to_safety(page, live_server)
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.locator("#q_chest_pain-0").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#get-help-now")).to_be_visible()
    expect(page.locator("#get-help-now")).to_contain_text("Get help now")
    context.close()


def test_five_wrong_birth_dates_lock_the_link(page, live_server):
    clinic = make_clinic("demo", "Riverside Clinic", open_start=False)
    appointment = make_appointment(clinic, date_of_birth=DOB)
    _link, token = create_invitation(appointment, 30)
    db.session.commit()
    page.goto(f"{live_server}/v/{token}")
    for day in range(1, 5):
        page.get_by_label("Your date of birth").fill(f"1990-01-0{day}")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator("#date_of_birth-error")).to_contain_text(
            "That does not match what we have")
    page.get_by_label("Your date of birth").fill("1990-01-05")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="This link is locked")).to_be_visible()
    page.goto(f"{live_server}/v/{token}")
    expect(page.get_by_role("heading", name="This link is locked")).to_be_visible()
    expect(page.get_by_text("Please call Riverside Clinic at 555-0100")).to_be_visible()


def test_typing_is_saved_in_the_background(page, live_server):
    make_clinic("demo", "Riverside Clinic", open_start=True)
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="I saved it. Go on").click()
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_label("The main reason for your visit, in your own words").fill("Saved by itself")
    expect(page.get_by_text("Your answers so far are saved.")).to_be_visible(timeout=8000)
    packet = db.session.scalar(db.select(Packet))
    db.session.refresh(packet)
    assert packet.reason == "Saved by itself"
    # The button afterwards is not mistaken for a stale save.
    page.get_by_label("The main reason for your visit, in your own words").fill("And then more")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="My questions")).to_be_visible()
    db.session.refresh(packet)
    assert packet.reason == "And then more"
