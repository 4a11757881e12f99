"""The three list steps (medicines, treatments, symptom log): an empty list's page is its
add form with a way on without adding one; a new medicine or treatment is saved with
"Save and continue" (on to the next step) or "Save and add another"; a log entry with
"Save this entry" (back to the log) or "Save and add another" (a new entry from it)."""

from __future__ import annotations

import re

import pytest

from extensions import db
from models import Packet
from tests.patient.conftest import post_form

MEDICINE = {"name": "Duloxetine", "dose": "60 mg", "frequency": "once_day"}
TREATMENT = {"kind": "yoga", "effect": "helped"}
ENTRY = {"recorded_at": "2024-05-01T08:30", "pain": "7", "fatigue": "5",
         "areas_trunk": ["lower_back"], "note": "Stiff after work"}

#: step, its add route, a good row, what to go on without one, the next step's page.
LISTS = [
    ("medications", "/p/medications/add", MEDICINE, "I don't take any medicines: continue",
     "/p/treatments"),
    ("treatments", "/p/treatments/add", TREATMENT, "I haven't tried any treatments: continue",
     "/p/log"),
]


def text(response) -> str:
    return response.get_data(as_text=True)


def saved(packet) -> Packet:
    db.session.expire_all()
    return db.session.get(Packet, packet.id)


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_an_empty_list_shows_its_add_form_and_a_way_on_without_one(
        client, started, step, add, row, none_label, next_page):
    html = text(client.get(f"/p/{step}"))
    # The add form itself, sent to the add route, with both ways to save.
    assert f'action="{add}"' in html
    assert 'name="nav" value="next">Save and continue</button>' in html
    assert 'value="another">Save and add another</button>' in html
    # Going on without one is the step's own form, apart from the add form.
    assert f'action="/p/{step}"' in html and f">{none_label}</button>" in html
    assert f'href="{add}"' not in html  # no "Add a ..." to tap first
    assert ">Cancel</a>" not in html  # there is no list to go back to


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_going_on_without_adding_one_saves_the_step_and_adds_nothing(
        client, started, step, add, row, none_label, next_page):
    r = post_form(client, f"/p/{step}", {"nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == next_page
    packet = saved(started)
    assert step in packet.steps_saved and getattr(packet, step) == []


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_save_and_continue_with_nothing_typed_goes_on_without_a_row(
        client, started, step, add, row, none_label, next_page):
    """The main button on an empty list's blank form is no error: nothing to add, on.
    Anything typed is checked as always and kept, never dropped."""
    part = dict([list(row.items())[-1]])  # the dose alone, or the effect alone
    r = post_form(client, add, {**part, "nav": "next"}, page=f"/p/{step}")
    assert r.status_code == 200 and 'class="error-summary' in text(r)
    assert step not in (saved(started).steps_saved or [])
    r = post_form(client, add, {"nav": "next"}, page=f"/p/{step}")
    assert r.status_code == 303 and r.headers["Location"] == next_page
    packet = saved(started)
    assert step in packet.steps_saved and getattr(packet, step) == []
    # With a row already there, a blank add form still says what is missing.
    post_form(client, add, {**row, "nav": "list"}, page=f"/p/{step}")
    r = post_form(client, add, {"nav": "next"})
    assert r.status_code == 200 and len(getattr(saved(started), step)) == 1


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_save_and_continue_saves_the_row_and_lands_on_the_next_step(
        client, started, step, add, row, none_label, next_page):
    r = post_form(client, add, {**row, "nav": "next"}, page=f"/p/{step}")
    assert r.status_code == 303 and r.headers["Location"] == next_page
    packet = saved(started)
    assert step in packet.steps_saved and len(getattr(packet, step)) == 1
    assert "Saved." in text(client.get(next_page))


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_with_a_row_the_page_is_the_list_and_its_add_form_has_cancel(
        client, started, step, add, row, none_label, next_page):
    r = post_form(client, add, {**row, "nav": "another"}, page=f"/p/{step}")
    assert r.status_code == 303 and r.headers["Location"] == add
    assert step not in saved(started).steps_saved  # the step is saved by going on
    form = text(client.get(add))
    assert "Save and continue" in form and "Save and add another" in form
    assert f'href="/p/{step}">Cancel</a>' in form and none_label not in form
    listed = text(client.get(f"/p/{step}"))
    assert f'href="{add}"' in listed and none_label not in listed
    assert f'action="{add}"' not in listed


@pytest.mark.parametrize("step,add,row,none_label,next_page", LISTS)
def test_changing_a_row_goes_back_to_the_list(
        client, started, step, add, row, none_label, next_page):
    post_form(client, add, {**row, "nav": "next"}, page=f"/p/{step}")
    row_id = getattr(saved(started), step)[0].id
    form = text(client.get(f"/p/{step}/{row_id}/edit"))
    assert ">Save</button>" in form and "Save and continue" not in form
    assert "Save and add another" not in form
    r = post_form(client, f"/p/{step}/{row_id}/edit", {**row, "nav": "list"})
    assert r.status_code == 303 and r.headers["Location"] == f"/p/{step}"


def test_a_bad_first_medicine_keeps_what_was_typed_and_the_way_on(client, started):
    r = post_form(client, "/p/medications/add",
                  {"name": "", "dose": "60 mg", "purpose": "Bad days", "nav": "next"},
                  page="/p/medications")
    html = text(r)
    assert r.status_code == 200 and "Please write the name of the medicine." in html
    assert 'value="60 mg"' in html and 'value="Bad days"' in html
    assert "I don't take any medicines: continue" in html
    assert saved(started).medications == [] and "medications" not in saved(started).steps_saved


def test_the_history_add_form_still_goes_back_to_history(client, started):
    """History lines are part of the history page, not a step of their own."""
    form = text(client.get("/p/history/add?kind=allergy"))
    assert ">Save</button>" in form and "Save and continue" not in form
    r = post_form(client, "/p/history/add", {"kind": "allergy", "name": "Penicillin",
                                              "nav": "next"}, page="/p/history/add?kind=allergy")
    assert r.status_code == 303 and r.headers["Location"] == "/p/history"
    assert "history" not in saved(started).steps_saved


# The symptom log ----------------------------------------------------------------------


def test_an_empty_log_shows_the_first_entry_and_a_way_on_without_one(client, started):
    html = text(client.get("/p/log"))
    assert 'action="/p/log/new"' in html and "How bad is your pain?" in html
    assert 'value="log">Save this entry</button>' in html
    assert 'value="another">Save and add another</button>' in html
    assert 'action="/p/log"' in html and ">Continue without an entry</button>" in html
    assert 'href="/p/log/new"' not in html and "Filled in from your last entry" not in html


def test_going_on_without_an_entry(client, started):
    r = post_form(client, "/p/log", {"nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/check"
    packet = saved(started)
    assert "log" in packet.steps_saved and packet.symptom_entries == []


def test_save_this_entry_goes_back_to_the_log(client, started):
    r = post_form(client, "/p/log/new", {**ENTRY, "nav": "log"}, page="/p/log")
    assert r.status_code == 303 and r.headers["Location"] == "/p/log"
    html = text(client.get("/p/log"))
    assert 'href="/p/log/new"' in html and "Pain 7 of 10" in html
    assert "Continue without an entry" not in html


def test_save_and_add_another_opens_a_new_entry_filled_in_from_it(client, started):
    r = post_form(client, "/p/log/new", {**ENTRY, "nav": "another"}, page="/p/log")
    assert r.status_code == 303 and r.headers["Location"] == "/p/log/new"
    html = text(client.get("/p/log/new"))
    assert "Your entry was saved." in html and "Filled in from your last entry." in html
    assert '<input checked id="pain-7"' in html and 'checked id="fatigue-5"' in html
    assert re.search(r'<input checked id="areas_trunk-\d+" name="areas_trunk" type="checkbox" '
                     r'value="lower_back"', html)
    assert ">Cancel</a>" in html and "Continue without an entry" not in html
    # The note is the entry's own: it does not carry over.
    assert "Stiff after work" not in html
    r = post_form(client, "/p/log/new", {**ENTRY, "recorded_at": "2024-05-01T20:00",
                                          "pain": "4", "note": "Bad night", "nav": "log"})
    assert r.headers["Location"] == "/p/log"
    entries = sorted(saved(started).symptom_entries, key=lambda e: e.id)
    assert [(e.pain, e.note) for e in entries] == [(7, "Stiff after work"), (4, "Bad night")]


def test_a_warning_sign_goes_back_to_the_log_and_its_message_first(client, started):
    r = post_form(client, "/p/log/new", {**ENTRY, "numbness": "y", "nav": "another"},
                  page="/p/log")
    assert r.status_code == 303 and r.headers["Location"] == "/p/log"
    assert "Contact the clinic today" in text(client.get("/p/log"))


def test_an_empty_log_says_what_to_do_for_a_sign_given_elsewhere(client, started):
    post_form(client, "/p/safety", {"q_fever": "yes"})  # saved, though the rest is open
    html = text(client.get("/p/log"))
    assert "Continue without an entry" in html and "Contact the clinic today" in html


def test_a_bad_first_entry_keeps_what_was_typed_and_the_way_on(client, started):
    r = post_form(client, "/p/log/new", {**ENTRY, "pain": "", "nav": "another"},
                  page="/p/log")
    html = text(r)
    assert r.status_code == 200 and "Please pick a number from 0 to 10." in html
    assert "Stiff after work" in html and "Continue without an entry" in html
    assert saved(started).symptom_entries == []


def test_changing_an_entry_offers_no_new_one_and_goes_back_to_the_log(client, started):
    post_form(client, "/p/log/new", {**ENTRY, "nav": "log"}, page="/p/log")
    entry = saved(started).symptom_entries[0]
    form = text(client.get(f"/p/log/{entry.id}/edit"))
    assert "Save this entry" in form and "Save and add another" not in form
    assert 'action="/p/log/new"' not in form
    r = post_form(client, f"/p/log/{entry.id}/edit", {**ENTRY, "pain": "3", "nav": "another"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/log"

