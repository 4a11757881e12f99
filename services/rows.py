"""The rows of a packet's lists (medicines, treatments, history items): what a form shows
of a row and how its answers are stored, both read from the row's form in
content.questions, and adding or changing a row in one transaction; and each step's
save (about the visit, the questions and their order, history, the checks).

Who commits (the rule for every patient step): the service that finishes the patient's
action ends it with `packets.commit_step` (or its own commit, said in its docstring); a
patient view validates its form, calls that one service and redirects, and never commits
or rolls back itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from content import vocab
from content.questions import BODY_CHECK, HISTORY, TICK_BOX_KINDS, VISIT, Form
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from models import ClinicQuestion, ClinicTopic, PacketQuestion
from services import packets, patients

#: Stores a form's answers into a row (the default: `store`).
Filler = Callable[[Form, Any, dict[str, Any]], None]


def form_data(form: Form, row) -> dict[str, Any]:
    """The row's answers, by question key (a form field's name unless it says otherwise)."""
    return {q.key: getattr(row, q.key) for q in form.questions}


def store(form: Form, row, answers: dict[str, Any], skip: Iterable[str] = ()) -> None:
    """Each answer (by question key) into its column: a tick as true or false, a "yes" or
    "no" as true or false, ticked choices as a list, a time to the minute, an empty answer
    as the column's own empty (NULL where the column allows it, else "")."""
    for q in form.questions:
        if q.key in skip:
            continue
        value = answers.get(q.key)
        if q.kind in TICK_BOX_KINDS:
            value = bool(value)
        elif q.kind == "yes_no" and isinstance(value, str):
            value = {"yes": True, "no": False}.get(value)
        elif q.kind == "choices":
            value = list(value or [])
        elif q.kind == "datetime" and value is not None:
            value = value.replace(second=0, microsecond=0)
        elif value is None or value == "":
            value = None if row.__table__.c[q.key].nullable else ""
        setattr(row, q.key, value)


TEST_KEYS = set(vocab.keys(vocab.TEST_KINDS))


def store_history(form: Form, row, answers: dict[str, Any]) -> None:
    """As `store`; a test with only its kind chosen is named by the kind, and the kind of
    test is kept for tests only."""
    store(form, row, answers)
    test_kind = row.test_kind if row.kind == "test" else None
    if test_kind and not row.name:
        row.name, row.test_kind = test_kind, None  # the kind is the whole name
    else:
        row.name, row.test_kind = row.name or "", test_kind


def history_form_data(form: Form, row) -> dict[str, Any]:
    """As `form_data`; a test named by its kind alone shows that kind chosen, no name."""
    data = form_data(form, row)
    if row.kind == "test" and row.name in TEST_KEYS and not row.test_kind:
        data.update(test_kind=row.name, name="")
    data["test_kind"] = data["test_kind"] or ""
    return data


def add(packet, attr: str, model: type, form: Form, answers: dict[str, Any],
        fill: Filler = store, step: str | None = None):
    """A new row at the end of the packet's list `attr`, saved (and `step` marked saved,
    when the patient goes on from the row to the next step)."""
    rows = getattr(packet, attr)
    row = model(position=packets.next_position(rows))
    fill(form, row, answers)
    rows.append(row)
    packets.commit_step(packet, step)
    return row


def change(packet, row, form: Form, answers: dict[str, Any], fill: Filler = store) -> None:
    """New answers for a row of the packet, saved."""
    fill(form, row, answers)
    packets.commit_step(packet, None)


#: About the visit: what an invitation's clinic gave, shown to the patient, not edited.
CLINIC_GIVEN = ("patient_name", "date_of_birth", "visit_date", "doctor")


def save_visit(packet, answers: dict[str, Any]) -> None:
    """Step 1 saved; a self-started packet's name and birth date also go to its patient."""
    invited = packet.appointment_id is not None
    store(VISIT, packet, answers, skip=CLINIC_GIVEN if invited else ())
    if not invited:
        patients.mirror_self_started(packet)
    packets.commit_step(packet, "visit")


def save_check(packet, answers: dict[str, Any]) -> None:
    """Step 7 (the body and symptom check) saved."""
    store(BODY_CHECK, packets.body_check(packet), answers)
    packets.commit_step(packet, "check")


def save_history(packet, answers: dict[str, Any]) -> None:
    """Step 3 saved: the ticked conditions become history rows (HISTORY.stored_as), the
    rest of the step's answers are the packet's own."""
    packets.sync_conditions(packet, vocab.keys(vocab.CONDITIONS), answers.get("conditions") or [])
    store(HISTORY, packet, answers, skip=HISTORY.stored_as)
    packets.commit_step(packet, "history")


def save_question_list(packet, ranks: dict[int, int], own_text: str = "",
                       move: tuple[str, int] | None = None, remove: int | None = None,
                       step_saved: bool = True) -> None:
    """"Your list" saved: the ranks, a question typed in the patient's own words (at the
    end of the list), a question moved up or down or removed; all in one transaction.

    Raises packets.ListFull before changing anything when a new question has no room
    (a question removed makes room first). Without `step_saved` (a button that only
    orders, removes or opens one question) the step is marked saved only by a new question.
    """
    if remove is not None:
        packet.questions[:] = [q for q in packet.questions if q.id != remove]
    if own_text:
        packets.check_room(packet, "questions")
    packets.set_ranks(packet, {qid: rank for qid, rank in ranks.items() if qid != remove})
    if move is not None:
        packets.move_question(packet, move[1], move[0])
    if own_text:
        packet.questions.append(PacketQuestion(
            source="own", text=own_text, position=packets.next_position(packet.questions)))
    packets.commit_step(packet, "questions" if own_text or step_saved else None)


def choose_questions(packet, bank: list[tuple[ClinicTopic, list[ClinicQuestion]]],
                     ticked: set[int], suggestions: dict[str, str],
                     ticked_suggestions: set[str]) -> None:
    """Step 2a saved: the packet's questions from the clinic's `bank` and the suggested
    ones are those ticked (by id, by suggestion key). Raises packets.ListFull, having
    changed nothing, when they would not fit on the list."""
    by_id = {q.id: q for _topic, questions in bank for q in questions}
    packets.sync_chosen(packet, by_id, ticked, suggestions, ticked_suggestions)
    packets.commit_step(packet, "questions")


@dataclass(frozen=True)
class SafetySave:
    #: Another window changed these answers since the form was shown: only its "yes"
    #: answers were kept, the rest waits for the patient to choose.
    conflict: bool
    #: Any answer was stored.
    saved: bool
    #: Every question is answered (the step is saved).
    complete: bool


def save_safety_check(packet, answers: dict[str, bool], version: Any, base: Any) -> SafetySave:
    """Step 8 saved: every answer given, even with some missing (a "yes" must never be
    lost), and a safety call for each emergency or urgent sign (commit_step's flags).

    Stale only when it contradicts a saved answer and another window saved this step
    since (packets.is_conflict): the page's own immediate save of the same answers,
    racing its button, is no conflict (SECURITY R4). A stale save keeps its "yes"
    answers all the same (a warning sign is never lost)."""
    saved_now = {a.question_key: a.answer for a in packet.safety_answers}
    contradicts = any(key in answers and answers[key] != value
                      for key, value in saved_now.items())
    conflict = contradicts and packets.is_conflict(
        packet, version, base, packets.step_content(packet, "safety"))
    if conflict:
        answers = {key: True for key, value in answers.items() if value}
    complete = not conflict and len(answers) == len(SAFETY_QUESTIONS)
    if answers:
        packets.save_safety(packet, answers)
        packets.commit_step(packet, "safety" if complete else None, flags=True)
    return SafetySave(conflict, bool(answers), complete)
