"""On a slow line (1.5 s latency, emulated by Chromium itself): no false conflict, and a
late tab shows the words it could not add (SECURITY.md R3, R4; issue 9)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import AuditEvent, Packet, SafetyAnswer
from tests.factories import make_clinic

LATENCY_MS = 1500


def slow(context, page) -> None:
    """Every request of this page waits LATENCY_MS, as on a poor mobile line."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS, "downloadThroughput": -1,
        "uploadThroughput": -1})


def start(page, live_server) -> Packet:
    make_clinic("demo", "Riverside Clinic", open_start=True)
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    db.session.expire_all()
    return db.session.scalar(db.select(Packet))


def two_slow_tabs(browser, live_server, path: str, **answers):
    """A started packet holding `answers`, open on `path` in two tabs of one browser, each
    on the slow line."""
    context = browser.new_context(viewport={"width": 360, "height": 780})
    first = context.new_page()
    packet = start(first, live_server)
    packet.date_of_birth, packet.reason = date(1975, 2, 3), "Back pain"
    for name, value in answers.items():
        setattr(packet, name, value)
    db.session.commit()
    second = context.new_page()
    for tab in (first, second):
        tab.goto(f"{live_server}{path}")
        slow(context, tab)
    return context, packet, first, second


def test_type_pause_save_on_a_slow_line_is_never_a_conflict(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    packet = start(page, live_server)
    page.goto(f"{live_server}/p/visit")
    slow(context, page)
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_label("The main reason for your visit, in your own words").fill("My lower back")
    # The autosave starts 2 s after the last key and needs 1.5 s or more to come back.
    page.wait_for_timeout(2300)
    page.locator("details.more-detail > summary").click()  # "Add more detail"
    page.get_by_label("What do you hope to get from this visit?").fill("A plan")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("questions", timeout=20000)
    assert "/p/questions" in page.url
    db.session.expire_all()
    saved = db.session.get(Packet, packet.id)
    assert (saved.reason, saved.hopes) == ("My lower back", "A plan")
    context.close()


def test_a_yes_taken_back_then_save_on_a_slow_line_is_never_a_conflict(browser, live_server):
    """The page sends an emergency "yes" at once; the patient takes it back and presses
    "Save and continue" while that save is still on its way. The button waits for it, so
    the page never races its own save (seen in CI: a 409 conflict page, one window open)."""
    context = browser.new_context(viewport={"width": 360, "height": 780})
    page = context.new_page()
    packet = start(page, live_server)
    page.goto(f"{live_server}/p/safety")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    slow(context, page)
    page.locator("#q_bladder-0").check()  # yes: sent at once, 1.5 s or more to come back
    page.locator("#q_bladder-1").check()  # no again, while the first save is on its way
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review", timeout=20000)
    assert "/p/review" in page.url
    db.session.expire_all()
    answers = {a.question_key: a.answer for a in db.session.scalars(
        db.select(SafetyAnswer).filter_by(packet_id=packet.id))}
    assert len(answers) == len(SAFETY_QUESTIONS) and not any(answers.values())
    context.close()


def test_two_tabs_sending_different_words_give_one_submission(browser, live_server):
    context, packet, first, second = two_slow_tabs(
        browser, live_server, "/p/review",
        safety_answers=[SafetyAnswer(question_key=q.key, answer=False)
                        for q in SAFETY_QUESTIONS])
    words = "Anything else you want your doctor to know?"
    first.get_by_label(words).fill("Words from the first tab")
    second.get_by_label(words).fill("Words from the late tab")
    first.get_by_role("button", name="Send my answers").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text(
        "Your answers were sent", timeout=20000)
    second.get_by_role("button", name="Send my answers").click()
    expect(second.get_by_role("heading", level=1)).to_contain_text(
        "already sent at", timeout=20000)
    expect(second.locator("#late-words")).to_have_value("Words from the late tab")
    db.session.expire_all()
    sent = db.session.get(Packet, packet.id)
    assert sent.status == "submitted" and sent.closing_words == "Words from the first tab"
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        action="patient.submit")) == 1
    context.close()


@pytest.mark.slow
def test_two_tabs_changing_different_answers_keep_both_without_a_conflict(browser,
                                                                          live_server):
    """The phone and the laptop both open on "About the visit", on a slow line: one changes
    the reason (and its autosave lands), the other adds what they hope for and saves. No
    conflict page; the review shows both windows' words; the body map too, place by place."""
    context, packet, phone, laptop = two_slow_tabs(browser, live_server, "/p/visit")
    reason = "The main reason for your visit, in your own words"
    phone.get_by_label(reason).fill("Back pain, worse at night")
    expect(phone.locator(".autosave-status")).to_contain_text("are saved", timeout=20000)
    laptop.locator("details.more-detail > summary").click()
    laptop.get_by_label("What do you hope to get from this visit?").fill("A plan for sleep")
    laptop.get_by_role("button", name="Save and continue").click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("questions", timeout=20000)
    db.session.expire_all()
    saved = db.session.get(Packet, packet.id)
    assert (saved.reason, saved.hopes) == ("Back pain, worse at night", "A plan for sleep")
    phone.goto(f"{live_server}/p/review")
    expect(phone.get_by_text("Back pain, worse at night")).to_be_visible(timeout=20000)
    expect(phone.get_by_text("A plan for sleep")).to_be_visible()

    for tab in (phone, laptop):
        tab.goto(f"{live_server}/p/check")
    phone.locator('.touch-map [data-area="neck"]').first.click()
    laptop.locator('.touch-map [data-area="lower_back"]').last.click()
    for tab in (phone, laptop):
        for name in ("fatigue", "unrefreshed", "cognitive"):
            tab.locator(f'label[for="{name}-1"]').click()
        tab.locator('label[for="three_months-1"]').click()
        tab.get_by_role("button", name="Save and continue").click()
        expect(tab.get_by_role("heading", level=1)).to_contain_text("Safety", timeout=20000)
    db.session.expire_all()
    assert sorted(db.session.get(Packet, packet.id).body_check.areas) == ["lower_back", "neck"]
    context.close()
