"""Each step: the happy path and each validation rule, with what was typed kept."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from content.safety import EMERGENCY_KEYS
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import (
    FLAG_EMERGENCY,
    FLAG_URGENT,
    ClinicQuestion,
    HistoryItem,
    Medication,
    PacketQuestion,
    SymptomEntry,
    TreatmentTried,
)
from tests.patient.conftest import post_form

CHOICE = "answers shown"
LONG = "word " * 4000  # 20,000 characters
ODD = ["Dolor 😣 espalda", "背中が痛い", "ألم في الظهر", "<script>alert(1)</script>",
       "O'Brien & \"Sons\""]


def page(response) -> str:
    return response.get_data(as_text=True)


def refresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


# About the visit ----------------------------------------------------------------------


def test_visit_saves_and_continues(client, started):
    r = post_form(client, "/p/visit", {
        "patient_name": "Ana", "date_of_birth": "1975-02-03", "reason": "Back pain",
        "visit_date": date.today().isoformat(), "reason_prompts": ["tired"], "nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/questions"
    packet = refresh(started)
    assert packet.reason == "Back pain" and packet.reason_prompts == ["tired"]
    assert packet.version == 2 and packet.steps_saved == ["visit"]


def test_visit_back_button_saves_too(client, started):
    r = post_form(client, "/p/questions", {"nav": "next"})
    assert r.status_code == 303
    r = post_form(client, "/p/history", {"history_note": "Asthma", "nav": "back"})
    assert r.headers["Location"] == "/p/questions"
    assert refresh(started).history_note == "Asthma"


@pytest.mark.parametrize("field,value,message", [
    ("date_of_birth", (date.today() + timedelta(days=3)).isoformat(), "can't be in the future"),
    ("date_of_birth", "1850-01-01", "check the year"),
    ("date_of_birth", "31/31/1990", "real date"),
    ("date_of_birth", "", "Please enter your date of birth"),
    ("visit_date", (date.today() - timedelta(days=10)).isoformat(), "has passed"),
    ("visit_date", "3025-01-01", "check the year"),
    ("reason", LONG, "4000 characters or fewer"),
    ("hopes", LONG, "4000 characters or fewer"),
    ("patient_name", "x" * 121, "120 characters"),
    ("reason_prompts", "not_a_prompt", CHOICE),
])
def test_visit_validation(client, started, field, value, message):
    data = {"date_of_birth": "1975-02-03", "reason": "Back pain", field: value}
    r = post_form(client, "/p/visit", data)
    assert r.status_code == 200
    body = page(r)
    assert message in body.replace("&#39;", "'")
    if field in {"reason", "hopes"}:
        assert LONG.strip()[:200] in body  # what was typed is kept
    assert refresh(started).version == 1


@pytest.mark.parametrize("text", ODD)
def test_visit_keeps_other_scripts_emoji_and_html_as_typed(client, started, text):
    r = post_form(client, "/p/visit", {"date_of_birth": "1975-02-03", "reason": text,
                                       "patient_name": text[:100]})
    assert r.status_code == 303
    assert refresh(started).reason == text
    review = page(client.get("/p/review"))
    assert "<script>alert(1)</script>" not in review


def test_control_characters_are_dropped_not_stored(client, started):
    r = post_form(client, "/p/visit", {"date_of_birth": "1975-02-03",
                                       "reason": "Back\x00 pain\x07\r\nsince May"})
    assert r.status_code == 303
    assert refresh(started).reason == "Back pain\nsince May"


def test_invited_patient_cannot_change_what_the_clinic_gave(client, invited):
    r = post_form(client, "/p/visit", {"patient_name": "Someone Else", "date_of_birth":
                                       "2001-01-01", "doctor": "Dr. No", "reason": "Pain"})
    assert r.status_code == 303
    packet = refresh(invited)
    assert packet.patient_name == "Sam Patient" and packet.doctor == "Dr. Example"
    assert packet.date_of_birth == date(1980, 6, 15) and packet.reason == "Pain"


# My questions -------------------------------------------------------------------------


def _bank(clinic, n=3):
    return db.session.scalars(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id)
                              .order_by(ClinicQuestion.id).limit(n)).all()


def test_ticking_and_unticking_bank_questions(client, clinic, started):
    q1, q2, _ = _bank(clinic)
    post_form(client, "/p/questions", {f"topic_{q1.topic_id}": [str(q1.id), str(q2.id)]})
    assert sorted(q.clinic_question_id for q in refresh(started).questions) == [q1.id, q2.id]
    post_form(client, "/p/questions", {f"topic_{q1.topic_id}": [str(q2.id)]})
    packet = refresh(started)
    assert [q.clinic_question_id for q in packet.questions] == [q2.id]
    assert packet.questions[0].text == q2.text and packet.questions[0].source == "bank"


def test_hidden_bank_questions_are_not_offered(client, clinic, started):
    q1 = _bank(clinic, 1)[0]
    q1.hidden = True
    db.session.commit()
    body = page(client.get("/p/questions"))
    assert q1.text.replace("'", "&#39;") not in body
    r = post_form(client, "/p/questions", {f"topic_{q1.topic_id}": [str(q1.id)]})
    assert r.status_code == 200 and CHOICE in page(r)
    assert refresh(started).questions == []


def test_questions_are_suggested_from_answers(client, started):
    post_form(client, "/p/medications/add", {"name": "Duloxetine"})
    post_form(client, "/p/treatments/add", {"kind": "massage", "effect": "worse"})
    post_form(client, "/p/treatments/add", {"kind": "yoga", "effect": "no_change"})
    body = page(client.get("/p/questions"))
    assert "What side effects should I look out for with Duloxetine?" in body
    assert "I felt worse after trying massage." in body
    assert "I tried yoga and it did not help." in body
    r = post_form(client, "/p/questions", {"suggested": "medication:duloxetine"})
    assert r.status_code == 303
    packet = refresh(started)
    assert [(q.source, q.text) for q in packet.questions] == [
        ("suggested", "What side effects should I look out for with Duloxetine?")]


def test_red_flag_and_numbness_suggest_questions(client, started):
    post_form(client, "/p/safety", {"q_fever": "yes"})
    post_form(client, "/p/log/new", {"recorded_at": "2024-05-01T08:00", "pain": "3",
                                     "numbness": "y"})
    body = page(client.get("/p/questions"))
    assert "I marked a warning sign" in body and "numbness or tingling" in body


def test_own_questions_ranks_and_order(client, started):
    for text in ("First?", "Second?", "Third?", "Fourth?"):
        assert post_form(client, "/p/questions/mine", {"text": text, "nav": "add"}
                         ).status_code == 303
    ids = [q.id for q in refresh(started).questions]
    r = post_form(client, "/p/questions/mine", {f"rank_{ids[3]}": "1", f"rank_{ids[0]}": "2",
                                                "nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/history"
    ranks = {q.text: q.top_rank for q in refresh(started).questions}
    assert ranks == {"First?": 2, "Second?": None, "Third?": None, "Fourth?": 1}
    # Swap the ranks: the unique (packet, rank) constraint must not trip.
    r = post_form(client, "/p/questions/mine", {f"rank_{ids[3]}": "2", f"rank_{ids[0]}": "1"})
    assert r.status_code == 303
    ranks = {q.text: q.top_rank for q in refresh(started).questions}
    assert ranks["First?"] == 1 and ranks["Fourth?"] == 2
    r = post_form(client, "/p/questions/mine", {f"rank_{ids[3]}": "2", f"rank_{ids[0]}": "2",
                                                f"rank_{ids[0]}x": "1"})
    assert r.status_code == 200 and "same place" in page(r)
    r = post_form(client, "/p/questions/mine", {f"rank_{ids[1]}": "1", f"rank_{ids[0]}": "",
                                                f"rank_{ids[3]}": "", "move": f"up-{ids[2]}"})
    assert r.status_code == 303
    order = [q.text for q in sorted(refresh(started).questions, key=lambda q: q.position)]
    assert order == ["First?", "Third?", "Second?", "Fourth?"]
    r = post_form(client, "/p/questions/mine", {f"rank_{ids[1]}": "9"})
    assert r.status_code == 200 and CHOICE in page(r)


@pytest.mark.parametrize("text,message", [("", "Please write your question"),
                                          ("x" * 501, "500 characters")])
def test_own_question_validation(client, started, text, message):
    r = post_form(client, "/p/questions/mine", {"text": text, "nav": "add"})
    assert r.status_code == 200 and message in page(r)
    assert refresh(started).questions == []


def test_edit_and_remove_own_question(client, started):
    post_form(client, "/p/questions/mine", {"text": "Old?", "nav": "add"})
    qid = refresh(started).questions[0].id
    r = post_form(client, f"/p/questions/{qid}/edit", {"text": "New?"})
    assert r.status_code == 303 and refresh(started).questions[0].text == "New?"
    r = post_form(client, "/p/questions/mine", {"move": f"remove-{qid}"})
    assert r.status_code == 303 and refresh(started).questions == []
    assert "The question was removed." in page(client.get(r.location))


def test_remove_and_edit_keep_a_question_being_typed(client, started):
    """A question's "Remove" and "Edit" are buttons of the list's own form: a question typed
    in "Your question" (and the ranks) are saved first, never lost by them."""
    for text in ("First?", "Second?"):
        post_form(client, "/p/questions/mine", {"text": text, "nav": "add"})
    first, second = (q.id for q in sorted(refresh(started).questions, key=lambda q: q.position))
    r = post_form(client, "/p/questions/mine", {"text": "Typed, not added yet?",
                                                f"rank_{second}": "1", "move": f"remove-{first}"})
    assert r.status_code == 303
    kept = sorted(refresh(started).questions, key=lambda q: q.position)
    assert [(q.text, q.top_rank) for q in kept] == [("Second?", 1), ("Typed, not added yet?", None)]
    assert "Your question was added at the end of the list." in page(client.get(r.location))

    r = post_form(client, "/p/questions/mine", {"text": "Typed before Edit?",
                                                "move": f"edit-{second}"})
    assert r.status_code == 303 and r.location.endswith(f"/p/questions/{second}/edit")
    assert [q.text for q in refresh(started).questions][-1] == "Typed before Edit?"
    # An id that is not on this list is no button of it: the list is saved, nothing removed.
    r = post_form(client, "/p/questions/mine", {"move": "remove-999999"})
    assert r.status_code == 303 and len(refresh(started).questions) == 3


def test_the_question_list_holds_sixty(client, started):
    for n in range(60):
        db.session.add(PacketQuestion(packet_id=started.id, source="own", text=f"Q{n}",
                                      position=n))
    db.session.commit()
    assert "60 questions" in page(client.get("/p/questions/mine"))
    # A question typed in a window opened before the list was full: told by its box, kept.
    r = post_form(client, "/p/questions/mine", {"text": "One more?", "nav": "add"})
    assert r.status_code == 200 and "60 questions" in page(r)
    assert "\nOne more?</textarea>" in page(r)
    assert len(refresh(started).questions) == 60


def test_a_typed_question_is_saved_by_save_and_continue(client, started):
    """"Save and continue" without "Add my question" keeps the typed question too."""
    post_form(client, "/p/questions/mine", {"text": "First?", "nav": "add"})
    first = refresh(started).questions[0].id
    r = post_form(client, "/p/questions/mine", {f"rank_{first}": "1",
                                                "text": "  Could sleep make it worse?  ",
                                                "nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/history"
    packet = refresh(started)
    assert [(q.text, q.source, q.top_rank) for q in sorted(packet.questions,
                                                           key=lambda q: q.position)] == [
        ("First?", "own", 1), ("Could sleep make it worse?", "own", None)]
    assert "questions" in packet.steps_saved
    assert "Your question was added to your list" in page(client.get("/p/history"))


def test_an_empty_question_box_is_no_question(client, started):
    r = post_form(client, "/p/questions/mine", {"text": "   ", "nav": "next"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/history"
    assert refresh(started).questions == []


def test_a_typed_question_too_long_is_kept_by_its_box_and_nothing_saved(client, started):
    post_form(client, "/p/questions/mine", {"text": "First?", "nav": "add"})
    first = refresh(started).questions[0].id
    long = "Why " + "x" * 500
    r = post_form(client, "/p/questions/mine", {f"rank_{first}": "2", "text": long,
                                                "nav": "next"})
    body = page(r)
    assert r.status_code == 200 and "500 characters" in body
    assert f"\n{long}</textarea>" in body and 'href="#text"' in body  # the summary's link
    assert re.search(rf'id="rank_{first}"[^>]*>.*?<option selected value="2">', body, re.S)
    assert [(q.text, q.top_rank) for q in refresh(started).questions] == [("First?", None)]


@pytest.mark.parametrize(("nav", "where"), [("bank", "/p/questions"),
                                            ("add", "/p/questions/mine")])
def test_every_button_of_the_list_keeps_the_typed_question(client, started, nav, where):
    r = post_form(client, "/p/questions/mine", {"text": "Mine?", "nav": nav})
    assert r.status_code == 303 and r.headers["Location"] == where
    assert [q.text for q in refresh(started).questions] == ["Mine?"]


def test_moving_a_question_adds_the_typed_one_at_the_end(client, started):
    for text in ("A?", "B?"):
        post_form(client, "/p/questions/mine", {"text": text, "nav": "add"})
    b = next(q.id for q in refresh(started).questions if q.text == "B?")
    r = post_form(client, "/p/questions/mine", {"text": "C?", "move": f"up-{b}"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#q-{b}")
    order = [q.text for q in sorted(refresh(started).questions, key=lambda q: q.position)]
    assert order == ["B?", "A?", "C?"]


# Medical history ----------------------------------------------------------------------


def test_history_conditions_family_and_items(client, started):
    r = post_form(client, "/p/history", {"conditions": ["lupus", "anxiety"],
                                         "family_fibromyalgia": "yes", "history_note": "n"})
    assert r.status_code == 303
    post_form(client, "/p/history", {"conditions": ["anxiety"]})
    packet = refresh(started)
    assert [h.name for h in packet.history_items] == ["anxiety"]
    assert packet.family_fibromyalgia is None
    r = post_form(client, "/p/history/add", {"kind": "test", "test_kind": "mri",
                                             "when_text": "2023", "detail": "normal"})
    assert r.status_code == 303
    r = post_form(client, "/p/history/add", {"kind": "allergy", "name": "Penicillin"})
    assert r.status_code == 303
    kinds = {(h.kind, h.name) for h in refresh(started).history_items}
    assert kinds == {("condition", "anxiety"), ("test", "mri"), ("allergy", "Penicillin")}
    body = page(client.get("/p/history"))
    assert "MRI scan" in body and "Penicillin" in body


@pytest.mark.parametrize("data,message", [
    ({"kind": "allergy", "name": ""}, "Please write a name"),
    ({"kind": "test", "name": ""}, "kind of test"),
    ({"kind": "nonsense", "name": "x"}, CHOICE),
    ({"kind": "allergy", "name": "x" * 201}, "200 characters"),
    ({"kind": "allergy", "name": "x", "detail": LONG}, "4000 characters"),
    ({"kind": "test", "test_kind": "pet_scan"}, CHOICE),
])
def test_history_item_validation(client, started, data, message):
    r = post_form(client, "/p/history/add", data)
    assert r.status_code == 200 and message in page(r)
    assert refresh(started).history_items == []


@pytest.mark.parametrize("value", ["maybe", "YES"])
def test_family_history_only_takes_known_answers(client, started, value):
    r = post_form(client, "/p/history", {"family_fibromyalgia": value})
    assert r.status_code == 200 and CHOICE in page(r)


# Medicines and treatments -------------------------------------------------------------


def test_medication_add_edit_remove(client, started):
    r = post_form(client, "/p/medications/add", {
        "name": "Ibuprofen", "dose": "400 mg", "frequency": "as_needed", "drug_class": "nsaid",
        "purpose": "Bad days", "since_text": "2020", "side_effects": "Upset stomach",
        "nav": "another"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/medications/add"
    med = refresh(started).medications[0]
    assert (med.name, med.drug_class, med.frequency) == ("Ibuprofen", "nsaid", "as_needed")
    r = post_form(client, f"/p/medications/{med.id}/edit", {"name": "Naproxen",
                                                            "drug_class": ""})
    assert r.status_code == 303
    med = refresh(med)
    assert med.name == "Naproxen" and med.drug_class is None and med.dose == ""
    assert post_form(client, f"/p/medications/{med.id}/delete",
                     page="/p/medications").status_code == 303
    assert refresh(started).medications == []


@pytest.mark.parametrize("data,message", [
    ({"name": ""}, "Please write the name"),
    ({"name": "x" * 201}, "200 characters"),
    ({"name": "A", "dose": "x" * 101}, "100 characters"),
    ({"name": "A", "frequency": "hourly"}, CHOICE),
    ({"name": "A", "drug_class": "magic"}, CHOICE),
    ({"name": "A", "side_effects": LONG}, "4000 characters"),
])
def test_medication_validation(client, started, data, message):
    r = post_form(client, "/p/medications/add", data)
    assert r.status_code == 200 and message in page(r)
    assert refresh(started).medications == []


def test_medication_list_holds_a_hundred(client, started):
    db.session.add_all(Medication(packet_id=started.id, name=f"M{n}", position=n)
                       for n in range(100))
    db.session.commit()
    r = post_form(client, "/p/medications/add", {"name": "One more"}, page="/p/medications")
    assert r.status_code == 303
    assert "up to 100 medicines" in page(client.get("/p/medications"))
    assert len(refresh(started).medications) == 100


def test_treatment_add_and_other_needs_a_name(client, started):
    r = post_form(client, "/p/treatments/add", {"kind": "other", "effect": "helped"})
    assert r.status_code == 200 and "Please write what you tried" in page(r)
    r = post_form(client, "/p/treatments/add", {"kind": "other", "name": "Cupping",
                                                "effect": "helped", "still_doing": "y"})
    assert r.status_code == 303
    t = refresh(started).treatments[0]
    assert (t.kind, t.name, t.effect, t.still_doing) == ("other", "Cupping", "helped", True)


@pytest.mark.parametrize("data,message", [
    ({"kind": "", "effect": "helped"}, "Please choose what you tried"),
    ({"kind": "yoga"}, "Please choose how much it helped"),
    ({"kind": "yoga", "effect": "cured"}, CHOICE),
    ({"kind": "levitation", "effect": "helped"}, CHOICE),
    ({"kind": "yoga", "effect": "helped", "why_stopped": LONG}, "4000 characters"),
])
def test_treatment_validation(client, started, data, message):
    r = post_form(client, "/p/treatments/add", data)
    assert r.status_code == 200 and message in page(r)
    assert refresh(started).treatments == []


# Symptom log --------------------------------------------------------------------------

ENTRY = {"recorded_at": "2024-05-01T08:30", "pain": "7", "fatigue": "5",
         "areas_trunk": ["lower_back"], "areas_leg_left": ["hip_left"], "where_text": "deep",
         "qualities": ["burning"], "worse_with": ["sitting"], "helped_with": ["heat"],
         "sleep_hours": "6.5", "rested": "yes", "stiffness_minutes": "30", "spasms": "y",
         "mood": "okay", "note": "Long day"}


def test_log_entries_several_a_day_and_prefilled_from_the_last(client, started):
    assert post_form(client, "/p/log/new", ENTRY).status_code == 303
    form = page(client.get("/p/log/new"))
    assert "Filled in from your last entry" in form
    assert '<input checked id="pain-7"' in form
    assert 'checked id="areas_trunk-3"' in form and 'checked id="areas_leg_left-0"' in form
    second = {**ENTRY, "recorded_at": "2024-05-01T20:00", "pain": "4", "areas_leg_left": []}
    assert post_form(client, "/p/log/new", second).status_code == 303
    entries = sorted(refresh(started).symptom_entries, key=lambda e: e.recorded_at)
    assert [e.pain for e in entries] == [7, 4]
    assert entries[0].areas == ["lower_back", "hip_left"] and entries[1].areas == ["lower_back"]
    assert entries[0].rested is True and entries[0].sleep_hours == 6.5
    assert entries[0].recorded_at == datetime(2024, 5, 1, 8, 30)
    assert "log" in refresh(started).steps_saved


@pytest.mark.parametrize("field,value,message", [
    ("pain", "11", CHOICE),
    ("pain", "-1", CHOICE),
    ("pain", "abc", CHOICE),
    ("pain", "", "Please pick a number from 0 to 10"),
    ("fatigue", "42", CHOICE),
    ("recorded_at", (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
     "in the future"),
    ("recorded_at", "yesterday", "real date and time"),
    ("recorded_at", "1999-01-01T10:00", "check the year"),
    ("sleep_hours", "25", "from 0 to 24"),
    ("sleep_hours", "nan", "Please enter a number"),
    ("sleep_hours", "inf", "Please enter a number"),
    ("stiffness_minutes", "2000", "0 to 1440"),
    ("stiffness_minutes", "1.5", "whole number"),
    ("areas_trunk", "tail", CHOICE),
    ("mood", "ecstatic", CHOICE),
    ("note", LONG, "4000 characters"),
    ("where_text", "x" * 501, "500 characters"),
])
def test_log_entry_validation(client, started, field, value, message):
    r = post_form(client, "/p/log/new", {**ENTRY, field: value})
    assert r.status_code == 200 and message in page(r), page(r)[-2000:]
    assert refresh(started).symptom_entries == []


def test_log_edit_remove_and_flags(client, started):
    post_form(client, "/p/log/new", {**ENTRY, "numbness": "y"})
    packet = refresh(started)
    assert packet.flag_level == FLAG_URGENT
    entry = packet.symptom_entries[0]
    r = post_form(client, f"/p/log/{entry.id}/edit", {**ENTRY, "pain": "2"})
    assert r.status_code == 303
    entry = refresh(entry)
    assert entry.pain == 2 and entry.numbness is False
    assert refresh(started).flag_level < FLAG_URGENT
    assert post_form(client, f"/p/log/{entry.id}/delete", page="/p/log").status_code == 303
    assert refresh(started).symptom_entries == []


def test_log_holds_five_hundred(client, started):
    db.session.add_all(SymptomEntry(packet_id=started.id, recorded_at=datetime(2024, 1, 1),
                                    pain=1) for _ in range(500))
    db.session.commit()
    r = client.get("/p/log/new")
    assert r.status_code == 303
    assert "up to 500 entries" in page(client.get("/p/log"))


# Body and symptom check ---------------------------------------------------------------

#: Headaches and feeling depressed ticked; the belly left unticked, saved as "no".
CHECK = {"areas_head": ["jaw_left", "neck"], "areas_trunk": ["chest"], "fatigue": "3",
         "unrefreshed": "0", "cognitive": "2", "headaches": "y", "depression": "y",
         "three_months": "unsure"}


def test_body_check_saves(client, started):
    assert post_form(client, "/p/check", CHECK).status_code == 303
    check = refresh(started).body_check
    assert check.areas == ["jaw_left", "neck", "chest"]
    assert (check.fatigue, check.unrefreshed, check.cognitive) == (3, 0, 2)
    assert (check.headaches, check.lower_abdomen, check.depression) == (True, False, True)
    assert check.three_months == "unsure"
    assert "Widespread" not in page(client.get("/p/review"))  # no scores for patients


@pytest.mark.parametrize("field,value,message", [
    ("fatigue", "", "Please choose one"),
    ("fatigue", "4", CHOICE),
    ("three_months", "forever", CHOICE),
    ("areas_head", "elbow", CHOICE),
])
def test_body_check_validation(client, started, field, value, message):
    r = post_form(client, "/p/check", {**CHECK, field: value})
    assert r.status_code == 200 and message in page(r)
    assert refresh(started).body_check is None


# Safety check -------------------------------------------------------------------------

ALL_NO = {f"q_{q.key}": "no" for q in SAFETY_QUESTIONS}


def test_safety_all_no_continues(client, started):
    r = post_form(client, "/p/safety", ALL_NO)
    assert r.status_code == 303 and r.headers["Location"] == "/p/review"
    assert refresh(started).flag_level == 0


@pytest.mark.parametrize("key", sorted(EMERGENCY_KEYS))
def test_an_emergency_yes_shows_get_help_now_and_is_saved(client, clinic, started, key):
    r = post_form(client, "/p/safety", {**ALL_NO, f"q_{key}": "yes"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/p/safety")
    body = page(client.get(r.headers["Location"]))
    box = body[body.index('id="get-help-now"'):][:1200]
    assert "hidden" not in box.split(">")[0]
    assert "Get help now" in box and clinic.emergency_number in box and clinic.phone in box
    packet = refresh(started)
    assert packet.flag_level == FLAG_EMERGENCY
    assert {a.question_key for a in packet.safety_answers if a.answer} == {key}


def test_partial_safety_answers_are_kept_and_the_rest_asked(client, started):
    r = post_form(client, "/p/safety", {"q_bladder": "yes", "q_fever": "no"})
    assert r.status_code == 200
    body = page(r)
    assert "Please answer yes or no" in body and "We saved the answers you gave" in body
    tag = body[body.index('id="get-help-now"'):].split(">")[0]
    assert "hidden" not in tag
    packet = refresh(started)
    assert len(packet.safety_answers) == 2 and packet.flag_level == FLAG_EMERGENCY
    assert "safety" not in (packet.steps_saved or [])


def test_safety_refuses_other_answers(client, started):
    r = post_form(client, "/p/safety", {**ALL_NO, "q_bladder": "perhaps"})
    assert r.status_code == 200 and CHOICE in page(r)
    assert "bladder" not in {a.question_key for a in refresh(started).safety_answers}


def test_no_scores_or_verdicts_reach_the_patient(client, started):
    post_form(client, "/p/check", CHECK)
    for path in ("/p/check", "/p/review", "/p/print"):
        body = page(client.get(path)).lower()
        assert "fibromyalgia severity" not in body and "wpi" not in body
        assert "pattern met" not in body


def test_removed_rows_of_every_kind_are_scoped(client, started):
    """Adding rows through the forms puts them on the session's packet only."""
    post_form(client, "/p/treatments/add", {"kind": "yoga", "effect": "helped"})
    post_form(client, "/p/history/add", {"kind": "allergy", "name": "Latex"})
    assert db.session.scalar(db.select(TreatmentTried.packet_id)) == started.id
    assert db.session.scalar(db.select(HistoryItem.packet_id)) == started.id


def test_history_add_buttons_save_the_ticks_first(client, started):
    r = post_form(client, "/p/history", {"conditions": ["migraine"], "nav": "add-allergy"})
    assert r.status_code == 303 and r.headers["Location"] == "/p/history/add?kind=allergy"
    assert [h.name for h in refresh(started).history_items] == ["migraine"]
    assert 'value="allergy" selected' in page(client.get(r.headers["Location"])) or \
        'selected value="allergy"' in page(client.get(r.headers["Location"]))


def test_the_review_page_repeats_get_help_now_after_an_emergency_yes(client, started):
    body = page(client.get("/p/review"))
    assert "Review and send" in body and 'id="get-help-now"' not in body
    post_form(client, "/p/safety", {**ALL_NO, "q_saddle_numbness": "yes"})
    body = page(client.get("/p/review"))
    tag = body[body.index('id="get-help-now"'):].split(">")[0]
    assert "hidden" not in tag and 'href="tel:911"' in body
