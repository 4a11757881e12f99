"""Red flags from the safety check and the symptom log, in three levels."""

from __future__ import annotations

from datetime import datetime

import pytest

from content.safety import QUESTIONS
from extensions import db
from models import (
    FLAG_EMERGENCY,
    FLAG_NONE,
    FLAG_TELL_DOCTOR,
    FLAG_URGENT,
    SafetyAnswer,
    SymptomEntry,
)
from services.flags import (
    LONG_STIFFNESS_MINUTES,
    highest_level,
    log_flags,
    packet_flags,
    refresh_flag_level,
    safety_flags,
)
from tests.factories import make_clinic, make_packet


def entry(**fields) -> SymptomEntry:
    fields.setdefault("recorded_at", datetime(2026, 11, 1, 9))
    fields.setdefault("pain", 5)
    return SymptomEntry(**fields)


FLAGGING = [q for q in QUESTIONS if q.level != FLAG_NONE]


@pytest.mark.parametrize("question", FLAGGING, ids=lambda q: q.key)
def test_each_yes_raises_its_level_with_the_question_as_evidence(app, question):
    keys = [question.key] + ([question.with_key] if question.with_key else [])
    flags = safety_flags([SafetyAnswer(question_key=k, answer=True) for k in keys])
    assert len(flags) == 1
    flag = flags[0]
    assert flag.level == question.level
    assert flag.source == f"safety:{question.key}" and flag.key == question.key
    assert str(flag.label) == str(question.staff_label)
    assert str(question.text) in str(flag.evidence)


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.with_key], ids=lambda q: q.key)
def test_a_sign_of_two_facts_alone_is_for_the_doctor(app, question):
    """"Ever had cancer" is urgent with new back pain, and worth telling the doctor alone."""
    flags = safety_flags([SafetyAnswer(question_key=question.key, answer=True),
                          SafetyAnswer(question_key=question.with_key, answer=False)])
    assert [(f.level, str(f.label)) for f in flags] == [
        (FLAG_TELL_DOCTOR, str(question.alone_label))]
    both = safety_flags([SafetyAnswer(question_key=question.key, answer=True),
                         SafetyAnswer(question_key=question.with_key, answer=True)])
    assert str(QUESTIONS[[q.key for q in QUESTIONS].index(question.with_key)].text) in str(
        both[0].evidence)


def test_new_back_pain_alone_raises_nothing(app):
    assert safety_flags([SafetyAnswer(question_key="pain_new", answer=True)]) == []


@pytest.mark.parametrize("key", ["cancer_history", "steroids_bones"])
def test_answers_to_questions_since_split_keep_their_flag(app, key):
    flags = safety_flags([SafetyAnswer(question_key=key, answer=True)])
    assert [(f.level, f.key) for f in flags] == [(FLAG_URGENT, key)]


def test_each_question_asks_one_thing():
    """No "and"/"or" joining two questions, no negative to untangle (the split ones)."""
    texts = {q.key: str(q.text) for q in QUESTIONS}
    assert "anus" in texts["saddle_numbness"]
    assert " not " not in texts["night_pain"] and "n't" not in texts["night_pain"]
    for key in ("cancer_ever", "steroids_long", "thin_bones", "pain_new"):
        assert ", and " not in texts[key] and " or do you " not in texts[key], key


def test_a_sign_in_the_check_and_the_log_is_listed_once(app):
    clinic = make_clinic()
    packet = make_packet(clinic)
    packet.safety_answers += [SafetyAnswer(question_key="morning_stiffness", answer=True),
                              SafetyAnswer(question_key="new_numbness", answer=False)]
    packet.symptom_entries += [entry(stiffness_minutes=180), entry(numbness=True)]
    db.session.commit()
    flags = packet_flags(packet)
    assert [f.key for f in flags] == ["new_numbness", "morning_stiffness"]
    stiff = flags[1]
    assert "Safety check" in str(stiff.evidence) and "Symptom log" in str(stiff.evidence)


def test_every_level_is_used_by_the_safety_check():
    assert {q.level for q in FLAGGING} == {FLAG_EMERGENCY, FLAG_URGENT, FLAG_TELL_DOCTOR}


def test_no_and_unknown_questions_raise_nothing(app):
    answers = [SafetyAnswer(question_key=q.key, answer=False) for q in QUESTIONS]
    answers.append(SafetyAnswer(question_key="not-a-question", answer=True))
    assert safety_flags(answers) == []


def test_safety_flags_follow_the_check_order_not_the_answer_order(app):
    keys = ["selfcare_failed", "fever", "bladder"]
    flags = safety_flags([SafetyAnswer(question_key=k, answer=True) for k in keys])
    assert [f.source for f in flags] == ["safety:bladder", "safety:fever", "safety:selfcare_failed"]


def test_numbness_logged_is_urgent_and_counts_entries(app):
    flags = log_flags([entry(numbness=True), entry(numbness=True), entry()])
    assert [(f.source, f.level) for f in flags] == [("log:numbness", FLAG_URGENT)]
    assert "2 entries" in str(flags[0].evidence)


def test_tingling_as_what_the_pain_feels_like_counts_as_numbness_or_tingling(app):
    flags = log_flags([entry(qualities=["tingling"]), entry(numbness=True, qualities=["tingling"])])
    assert [f.source for f in flags] == ["log:numbness"]
    # One entry with both the box and the quality counts once.
    assert "2 entries" in str(flags[0].evidence)


@pytest.mark.parametrize(
    ("minutes", "flagged"),
    [(None, False), (0, False), (LONG_STIFFNESS_MINUTES - 1, False),
     (LONG_STIFFNESS_MINUTES, True), (600, True)],
)
def test_morning_stiffness_of_two_hours_or_more_is_for_the_doctor(app, minutes, flagged):
    flags = log_flags([entry(stiffness_minutes=minutes)])
    assert [(f.source, f.level) for f in flags] == (
        [("log:stiffness", FLAG_TELL_DOCTOR)] if flagged else []
    )


def test_spasms_and_skin_sore_to_touch_are_for_the_doctor(app):
    flags = log_flags([entry(spasms=True), entry(qualities=["tender_to_touch", "deep_ache"])])
    assert {(f.source, f.level) for f in flags} == {
        ("log:spasms", FLAG_TELL_DOCTOR),
        ("log:tender", FLAG_TELL_DOCTOR),
    }


def test_a_quiet_log_raises_nothing(app):
    assert log_flags([entry(pain=9, qualities=["deep_ache"], stiffness_minutes=45)]) == []
    assert log_flags([]) == []


def test_packet_flags_sort_highest_first_and_the_level_is_stored(app):
    clinic = make_clinic()
    packet = make_packet(clinic)
    packet.safety_answers += [
        SafetyAnswer(question_key="walking", answer=True),
        SafetyAnswer(question_key="chest_pain", answer=True),
    ]
    packet.symptom_entries.append(entry(numbness=True))
    db.session.commit()
    flags = packet_flags(packet)
    assert [f.level for f in flags] == [FLAG_EMERGENCY, FLAG_URGENT, FLAG_TELL_DOCTOR]
    assert refresh_flag_level(packet) == FLAG_EMERGENCY
    db.session.commit()
    assert db.session.get(type(packet), packet.id).flag_level == FLAG_EMERGENCY


def test_highest_level_of_nothing_is_none():
    assert highest_level([]) == FLAG_NONE
