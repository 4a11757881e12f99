"""On a phone, with and without JavaScript: a question typed in "Your question" is saved by
"Save and continue", "Remove" and "Edit" (nothing typed is lost), a too long one is sent
back by its box; the question bank opens on its first topic; the body check starts from
the places logged in the past week, says so, and the patient's own saved answer wins after
that."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from extensions import db
from models import Packet
from tests.factories import make_clinic

PHONE = {"width": 360, "height": 740}
TICKED_SHAPES = """() => [...new Set([...document.querySelectorAll(
  '.touch-map [data-area].is-ticked')].map(el => el.getAttribute('data-area')))].sort()"""


def started(browser, live_server, javascript: bool):
    make_clinic("demo", "Riverside Spine & Pain Clinic", open_start=True)
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="I saved it. Go on").click()
    return context, page


def packet() -> Packet:
    db.session.expire_all()
    return db.session.scalar(db.select(Packet))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_typed_question_is_kept_by_save_and_continue(browser, live_server, javascript):
    context, page = started(browser, live_server, javascript)
    page.goto(f"{live_server}/p/questions")
    first = page.locator("details.topic").first
    expect(first).to_have_attribute("open", "")  # the first questions, unfolded
    expect(page.locator("details.topic[open]")).to_have_count(1)
    first.locator("input[type=checkbox]").first.check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your list of questions")

    # Too long: the message stands by the box, the words stay in it, nothing is saved.
    long = "Could poor sleep make the pain worse? " + "x" * 480
    page.get_by_label("Your question").fill(long)
    page.locator("select.rank").first.select_option("1")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#text-error")).to_contain_text("500 characters or fewer")
    expect(page.get_by_label("Your question")).to_have_value(long)
    expect(page.locator("select.rank").first).to_have_value("1")
    assert page.title().startswith("Error:")
    assert [q.source for q in packet().questions] == ["bank"]

    page.get_by_label("Your question").fill("Could poor sleep make the pain worse?")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medical history")
    expect(page.get_by_text("Saved. Your question was added to your list.")).to_be_visible()
    saved = sorted(packet().questions, key=lambda q: q.position)
    assert [(q.source, q.top_rank) for q in saved] == [("bank", 1), ("own", None)]
    assert saved[1].text == "Could poor sleep make the pain worse?"

    # Back on the bank page, the topic with a tick stands open, and only that one.
    page.goto(f"{live_server}/p/questions")
    expect(page.locator("details.topic[open]")).to_have_count(1)

    # A question being typed is kept by a question's "Remove" and "Edit" too.
    page.goto(f"{live_server}/p/questions/mine")
    page.get_by_label("Your question").fill("Is it safe to swim?")
    page.get_by_role("button", name="Remove").first.click()
    expect(page.get_by_text("The question was removed. Your question was added")).to_be_visible()
    expect(page.locator(".question-text")).to_have_text([
        "Could poor sleep make the pain worse?", "Is it safe to swim?"])
    page.get_by_label("Your question").fill("Will this get better?")
    page.get_by_role("button", name="Edit").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change")
    assert [q.text for q in sorted(packet().questions, key=lambda q: q.position)] == [
        "Could poor sleep make the pain worse?", "Is it safe to swim?", "Will this get better?"]
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_body_check_starts_from_the_log_until_saved(browser, live_server, javascript):
    context, page = started(browser, live_server, javascript)
    page.goto(f"{live_server}/p/log/new")
    page.locator("#pain-6").check()
    if javascript:
        page.locator('.touch-map [data-area="lower_back"]').first.click()
        page.locator('.touch-map [data-area="shoulder_left"]').first.click()
    else:
        page.get_by_label("Lower back", exact=True).check()
        page.get_by_label("Left shoulder", exact=True).check()
    page.get_by_role("button", name="Save this entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Symptom log")

    page.goto(f"{live_server}/p/check")
    note = page.get_by_text("We ticked the places from your symptom log of the past 7 days")
    expect(note).to_have_text(
        "We ticked the places from your symptom log of the past 7 days: Lower back, Left "
        "shoulder. Untick any place that did not hurt in the past week.")
    assert note.bounding_box()["y"] < page.locator("details.where-fold").bounding_box()["y"]
    assert page.get_by_label("Lower back", exact=True).is_checked()
    assert page.get_by_label("Left shoulder", exact=True).is_checked()
    if javascript:
        assert page.locator(".touch-map").first.is_visible()  # open, not folded to a line
        assert page.evaluate(TICKED_SHAPES) == ["lower_back", "shoulder_left"]
        page.locator('.touch-map [data-area="shoulder_left"]').first.click()  # untick
        page.locator('.touch-map [data-area="neck"]').last.click()
        expect(page.locator(".map-named")).to_have_text("Ticked: Neck, Lower back")
    else:
        page.get_by_label("Left shoulder", exact=True).uncheck()
        page.get_by_label("Neck", exact=True).check()
    for name in ("fatigue", "unrefreshed", "cognitive"):
        page.locator(f'label[for="{name}-1"]').click()
    page.get_by_label("Headaches").check()  # tick any had: the others are "no"
    page.locator('label[for="three_months-0"]').click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety check")
    assert packet().body_check.areas == ["neck", "lower_back"]

    # The saved answer wins: the left shoulder stays unticked, and no note.
    page.goto(f"{live_server}/p/check")
    assert not page.get_by_label("Left shoulder", exact=True).is_checked()
    assert page.get_by_label("Neck", exact=True).is_checked() and page.get_by_label("Lower back", exact=True).is_checked()
    expect(page.get_by_text("We ticked the places from your symptom log")).to_have_count(0)
    context.close()
