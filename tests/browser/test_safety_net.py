"""The safety net in a real browser: every level, with and without JavaScript.

Emergency "yes": stored on the server before the page says so (the page's own request is
held in the browser while the database is checked), the main button moves on, the
numbers are links a phone can call. Urgent "yes": the "today" message on the step, the
review page and the "Sent" page.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import FLAG_EMERGENCY, FLAG_URGENT, Packet, SafetyAnswer
from tests.factories import make_clinic

PHONE_CLINIC = "555-0199"


def _packet() -> Packet:
    db.session.expire_all()
    return db.session.scalar(db.select(Packet))


def _answer(key: str) -> bool | None:
    db.session.expire_all()
    row = db.session.scalar(db.select(SafetyAnswer).filter_by(question_key=key))
    return None if row is None else row.answer


def start(page, live_server):
    """A self-started packet with the parts needed to send it, then the safety step."""
    make_clinic("demo", "Riverside Clinic", open_start=True, phone=PHONE_CLINIC)
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.goto(f"{live_server}/p/visit")
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_label("The main reason for your visit, in your own words").fill("My back")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="My questions")).to_be_visible()
    page.goto(f"{live_server}/p/safety")


def answer_all_no(page):
    for question in SAFETY_QUESTIONS:
        page.locator(f"#q_{question.key}-1").check()


def assert_calls(box):
    expect(box.locator('a[href="tel:911"]')).to_be_visible()
    expect(box.locator('a[href="tel:5550199"]')).to_have_text(PHONE_CLINIC)


def test_js_an_emergency_yes_is_stored_before_the_page_says_saved(page, live_server,
                                                                    console_errors):
    start(page, live_server)
    answer_all_no(page)  # "no" to these sends nothing yet: not an answer that needs a call
    held = []
    page.route("**/p/safety", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())
    page.locator("#q_bowel-0").check()
    box = page.locator("#get-help-now")
    expect(box).to_be_visible()
    status = box.locator(".help-status")
    expect(status).to_have_text("Saving your answer…")
    page.wait_for_timeout(300)
    assert len(held) == 1 and held[0].request.headers.get("x-autosave") == "1"
    assert _answer("bowel") is None  # not on the server yet, and the page does not say saved
    expect(status).not_to_contain_text("saved.")
    held[0].continue_()
    expect(status).to_have_text("Your answer is saved. The clinic will see it.")
    assert _answer("bowel") is True and _packet().flag_level == FLAG_EMERGENCY
    page.unroute("**/p/safety")
    assert_calls(box)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review and send", level=1)).to_be_visible()
    assert_calls(page.locator("#get-help-now"))
    assert console_errors == []


def test_js_no_to_all_in_a_part_never_changes_a_yes(page, live_server, console_errors):
    """Each part's "no to all" answers only what is still open, in sight: the emergency
    "yes" given first stays, its message stays, and it is what the server keeps."""
    start(page, live_server)
    page.locator("#q_bladder-0").check()
    box = page.locator("#get-help-now")
    expect(box.locator(".help-status")).to_have_text("Your answer is saved. The clinic will see it.")
    parts = page.locator("[data-safety-part]")
    expect(parts).to_have_count(3)
    parts.first.get_by_role("button", name="No to all the questions in this part").click()
    emergency = [q.key for q in SAFETY_QUESTIONS if q.level == FLAG_EMERGENCY]
    for key in emergency:
        expect(page.locator(f"#q_{key}-{0 if key == 'bladder' else 1}")).to_be_checked()
    later = [q.key for q in SAFETY_QUESTIONS if q.level != FLAG_EMERGENCY]
    assert later and not any(page.locator(f"#q_{key}-1").is_checked() for key in later)
    expect(box).to_be_visible()
    for n in (1, 2):
        parts.nth(n).get_by_role("button", name="No to all the questions in this part").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review and send", level=1)).to_be_visible()
    expect(page.locator("#get-help-now")).to_be_visible()
    assert _answer("bladder") is True and _packet().flag_level == FLAG_EMERGENCY
    assert all(_answer(q.key) is False for q in SAFETY_QUESTIONS if q.key != "bladder")
    assert console_errors == []


def test_js_the_message_says_plainly_when_the_answer_could_not_be_saved(page, live_server):
    start(page, live_server)
    page.route("**/p/safety", lambda route: route.abort()
               if route.request.method == "POST" else route.continue_())
    page.locator("#q_chest_pain-0").check()
    status = page.locator("#get-help-now .help-status")
    expect(status).to_contain_text("We could not save your answer.")
    assert _answer("chest_pain") is None


def test_no_js_an_emergency_yes_saves_shows_the_box_then_moves_on(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  java_script_enabled=False)
    page = context.new_page()
    start(page, live_server)
    expect(page.locator("#get-help-now")).to_be_hidden()
    answer_all_no(page)
    page.locator("#q_saddle_numbness-0").check()
    page.get_by_role("button", name="Save and continue").click()
    box = page.locator("#get-help-now")
    expect(box).to_be_visible()
    expect(box.locator(".help-status")).to_have_text("Your answers are saved.")
    assert _answer("saddle_numbness") is True
    assert_calls(box)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review and send", level=1)).to_be_visible()
    expect(page.locator("#get-help-now")).to_be_visible()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you. Your answers were sent.")).to_be_visible()
    assert_calls(page.locator("#get-help-now"))
    expect(page.get_by_text("You don't need to do anything else")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_urgent_yes_says_today_on_the_step_the_review_and_sent(browser, live_server,
                                                                   javascript):
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  java_script_enabled=javascript)
    page = context.new_page()
    start(page, live_server)
    answer_all_no(page)
    page.locator("#q_fever-0").check()
    box = page.locator("#help-today")
    if javascript:
        expect(box).to_be_visible()  # at once, and sent to the server on its own
        expect(box.locator(".help-status")).to_have_text(
            "Your answer is saved. The clinic will see it.")
        assert _answer("fever") is True
    page.get_by_role("button", name="Save and continue").click()
    if not javascript:
        expect(box).to_be_visible()  # shown on the step after the save
        assert _packet().flag_level == FLAG_URGENT
        page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review and send", level=1)).to_be_visible()
    for where in ("review", "sent"):
        box = page.locator("#help-today")
        expect(box).to_be_visible()
        expect(box.get_by_role("heading")).to_have_text("Contact the clinic today")
        expect(box).to_contain_text("today")
        expect(box).to_contain_text("urgent care")
        assert_calls(box)
        expect(page.locator("#help-phone").get_by_label(
            "A phone number the clinic can call you on today")).to_be_visible()
        if where == "review":
            page.get_by_role("button", name="Send my answers").click()
            expect(page.get_by_role("heading", name="Thank you. Your answers were sent.")
                   ).to_be_visible()
    expect(page.get_by_text("You don't need to do anything else")).to_have_count(0)
    # The number asked inside the message, given after sending.
    page.locator("#help-phone").get_by_label(
        "A phone number the clinic can call you on today").fill("(555) 010-7777")
    page.get_by_role("button", name="Save my number").click()
    expect(page.get_by_text("it will call (555) 010-7777")).to_be_visible()
    assert _packet().contact_phone == "(555) 010-7777"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_tell_the_doctor_yes_moves_on_and_says_it_is_on_the_summary(browser, live_server,
                                                                      javascript):
    context = browser.new_context(viewport={"width": 360, "height": 780},
                                  java_script_enabled=javascript)
    page = context.new_page()
    start(page, live_server)
    answer_all_no(page)
    page.locator("#q_spasms-0").check()
    if javascript:
        expect(page.locator("#tell-doctor")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Review and send", level=1)).to_be_visible()
    box = page.locator("#tell-doctor")
    expect(box).to_contain_text("They will be on your summary for the visit.")
    assert_calls(box)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#tell-doctor")).to_be_visible()
    assert _packet().flag_level < FLAG_URGENT
    context.close()


def test_an_emergency_in_a_draft_never_sent_is_first_on_receptions_page(browser, live_server):
    """The patient ticks "yes" and leaves to call 911; reception's first page shows it."""
    from tests.factories import make_staff

    patient = browser.new_context(viewport={"width": 360, "height": 780})
    page = patient.new_page()
    start(page, live_server)
    page.locator("#q_leg_weakness_worse-0").check()
    expect(page.locator("#get-help-now .help-status")).to_have_text(
        "Your answer is saved. The clinic will see it.")
    patient.close()  # gone: never pressed another button, never sent

    clinic = db.session.scalar(db.select(Packet)).clinic
    make_staff(clinic, "desk@riverside.example", "reception", name="Rae Desk")
    clinic.require_totp = False
    db.session.commit()
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    desk.goto(f"{live_server}/reception/login")
    desk.get_by_label("Email").fill("desk@riverside.example")
    desk.get_by_label("Password").fill("a long enough test password")
    desk.get_by_role("button", name="Log in").click()
    calls = desk.locator("#safety-calls")
    expect(calls).to_contain_text("Leg weakness getting worse")  # the page they land on
    expect(calls).to_contain_text("Draft, not sent")
    expect(desk.locator(".nav-calls")).to_have_text("1 safety call")
    assert desk.evaluate("document.querySelector('#safety-calls').getBoundingClientRect().top"
                         ) < desk.evaluate(
        "document.querySelector('nav.tabs').getBoundingClientRect().top")

    # Its life: no answer (still open, due again), then closed with an outcome.
    calls.get_by_role("link", name="Record the call").click()
    card = desk.locator(".call-card")
    card.get_by_label("No answer (try again)").check()
    card.get_by_label("Note").fill("Rang, no answer.")
    card.get_by_role("button", name="Record").click()
    expect(desk.get_by_text("The call stays open")).to_be_visible()
    expect(desk.locator("#safety-calls")).to_contain_text("1 try so far")
    desk.locator("#safety-calls").get_by_role("link", name="Record the call").click()
    card = desk.locator(".call-card")
    card.get_by_label("Reached: advised 911 or the emergency room").check()
    card.get_by_label("Note").fill("She is on her way to the ER.")
    card.get_by_role("button", name="Record").click()
    expect(desk.get_by_text("Safety call closed")).to_be_visible()
    expect(desk.locator("#safety-calls")).to_contain_text("No safety calls waiting.")
    expect(desk.locator(".nav-calls")).to_have_text("0 safety calls")
    staff.close()


def test_numbness_logged_in_a_draft_says_contact_the_clinic_today_at_once(page, live_server):
    start(page, live_server)
    page.goto(f"{live_server}/p/log/new")
    page.locator("#pain-4").click()
    page.locator("details.more-detail > summary").click()
    page.get_by_label("Numbness or tingling").check()
    page.get_by_role("button", name="Save this entry").click()
    expect(page.get_by_role("heading", name="Symptom log", level=1)).to_be_visible()
    box = page.locator("#help-today")
    expect(box).to_be_visible()
    expect(box.locator('a[href="tel:5550199"]')).to_be_visible()
    assert _packet().flag_level == FLAG_URGENT


def test_numbness_logged_in_the_diary_after_sending_reaches_a_person(browser, live_server):
    """Promise 1 between visits: the packet was sent; days later the patient logs numbness
    in the diary from the same link. They are told to contact the clinic today, on the
    page they land on, and reception has a call to make, with its alert mail queued."""
    from services.tokens import create_invitation
    from tests.browser.test_staff_flows import log_in, shoot
    from tests.factories import (
        DEFAULT_PASSWORD,
        make_appointment,
        make_packet,
        make_patient,
        make_staff,
    )

    clinic = make_clinic("demo", "Riverside Clinic", require_totp=False, phone=PHONE_CLINIC,
                         alert_emails="desk@riverside.example")
    make_staff(clinic, "desk@riverside.example")
    patient = make_patient(clinic, "Rosa Diaz", date(1971, 5, 6))
    packet = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=5),
                         status="submitted", reason="Back pain")
    link, token = create_invitation(packet.appointment, 30)
    link.packet_id = packet.id
    db.session.commit()
    assert _packet().flag_level == 0

    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(f"{live_server}/v/{token}")
    phone.get_by_label("Your date of birth").fill("1971-05-06")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("link", name="Keep my diary until the next visit").click()
    expect(phone.get_by_role("heading", name="My diary")).to_be_visible()
    expect(phone.locator("#help-today")).to_have_count(0)  # nothing to do yet
    phone.get_by_role("link", name="Add an entry").click()
    phone.locator("#pain-5").click()
    phone.locator("details.more-detail > summary").click()
    phone.get_by_label("Numbness or tingling").check()
    phone.get_by_role("button", name="Save this entry").click()
    expect(phone.get_by_role("heading", name="My diary")).to_be_visible()
    box = phone.locator("#help-today")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Contact the clinic today")
    expect(box.locator('a[href="tel:5550199"]')).to_be_visible()
    shoot(phone, "diary-contact-today")
    phone.get_by_label("A phone number the clinic can call you on today").fill("555-0142")
    phone.get_by_role("button", name="Save my number").click()
    expect(phone.get_by_text("The clinic will call 555-0142")).to_be_visible()
    expect(phone.get_by_role("heading", name="My diary")).to_be_visible()
    context.close()

    sent = _packet()
    assert sent.status == "submitted" and sent.flag_level == FLAG_URGENT
    from models import OutboxMessage, SafetyCall
    call = db.session.scalar(db.select(SafetyCall))
    assert (call.flag_key, call.status) == ("new_numbness", "open")
    assert db.session.scalar(db.select(OutboxMessage).filter_by(cause_type="safety_call",
                                                                 cause_id=call.id))

    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = staff.new_page()
    log_in(desk, live_server, "desk@riverside.example", DEFAULT_PASSWORD)
    calls = desk.locator("#safety-calls")
    expect(calls).to_contain_text("Rosa Diaz")
    expect(calls).to_contain_text("numbness", ignore_case=True)
    expect(calls.locator('a[href="tel:5550142"]')).to_be_visible()
    staff.close()
