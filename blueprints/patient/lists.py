"""Steps made of lists: my questions, medical history, medicines, treatments tried.

Rows are looked up through the session's packet only (`packets.child`), so an id from
another packet is a 404 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from blueprints.merge import blank
from blueprints.patient import bp
from blueprints.patient.conflicts import conflict, row_conflict, row_stale, stale
from blueprints.patient.forms import (
    DeleteForm,
    HistoryForm,
    HistoryItemForm,
    MedicationForm,
    OwnQuestionForm,
    SimpleStepForm,
    TreatmentForm,
    make_ask_again_form,
    make_bank_form,
    make_last_time_form,
    make_order_form,
)
from blueprints.patient.steps import after_save, render_step, stamp
from content import vocab
from content.questions import HISTORY_ITEM, MEDICATION, TREATMENT, Form
from models import HistoryItem, Medication, PacketQuestion, TreatmentTried
from services import last_time, packets, rows, visit_day
from services.suggestions import suggestions_for

FULL = {
    "questions": _l("You have 60 questions, the most this list can hold. Remove one to add another."),
    "history": _l("This list holds up to 100 lines. Remove one to add another."),
    "medications": _l("This list holds up to 100 medicines. Remove one to add another."),
    "treatments": _l("This list holds up to 100 treatments. Remove one to add another."),
    "log": _l("The log holds up to 500 entries. Remove one to add another."),
}


def full_message(kind: str) -> str:
    return str(FULL[kind])


# My questions -------------------------------------------------------------------------


def _chosen_content(packet) -> Any:
    return sorted([q.clinic_question_id or 0, q.text] for q in packet.questions)


@bp.route("/questions", methods=["GET", "POST"])
def questions():
    """Step 2a: tick questions from the clinic's bank and the suggested ones."""
    packet = g.packet
    bank = packets.clinic_bank(packet.clinic_id)
    suggestions = suggestions_for(packet)
    BankForm = make_bank_form(bank, suggestions)
    chosen = {q.clinic_question_id for q in packet.questions if q.source == "bank"}
    content = _chosen_content(packet)

    def saved_form():
        data = {f"topic_{topic.id}": [q.id for q in qs if q.id in chosen] for topic, qs in bank}
        return BankForm(formdata=None, data=data)

    form = BankForm()
    if form.validate_on_submit():
        if stale(form, content, saved_form):
            return conflict("questions", "patient/questions.html", form, saved_form(), content,
                            bank=bank)
        ticked = {qid for topic, _qs in bank for qid in (form[f"topic_{topic.id}"].data or [])}
        try:
            rows.choose_questions(packet, bank, ticked, suggestions,
                                  set(form.suggested.data or []))
        except packets.ListFull:
            flash(full_message("questions"), "error")
            return render_step("questions", "patient/questions.html", form=form, bank=bank)
        flash(_("Saved. Now put your questions in order."), "success")
        return redirect(url_for("patient.my_questions"), 303)
    if request.method == "GET":
        form = stamp(saved_form(), content)
    return render_step("questions", "patient/questions.html", form=form, bank=bank)


def _ordered(packet) -> list[PacketQuestion]:
    return sorted(packet.questions, key=lambda q: (q.position, q.id))


@bp.route("/questions/mine", methods=["GET", "POST"])
def my_questions():
    """Step 2b: your list: the three most important today, the order, your own questions.

    One form: a question typed in "Your question" is saved by every button of the page
    (not only "Add my question"), so nothing typed is lost by pressing "Save and continue".
    """
    packet = g.packet
    mine = _ordered(packet)
    OrderForm = make_order_form(mine)
    content = packets.step_content(packet, "questions")
    form = OrderForm()
    # The question's box is in the same <form>; its csrf token is the list's.
    add_form = OwnQuestionForm(formdata=request.form if request.method == "POST" else None,
                               meta={"csrf": False})
    nav = request.form.get("nav", "")
    adding = nav == "add"

    def saved_form():
        # A new question adds to the list and overwrites nothing: only the ranks can
        # conflict with another window's save.
        return OrderForm(formdata=None, data={
            f"rank_{q.id}": str(q.top_rank) if q.top_rank else "" for q in mine})

    ctx = {"mine": mine, "add_form": add_form, "limit": packets.LIMITS["questions"]}
    if request.method == "GET":
        form = stamp(saved_form(), content)
        return render_step("questions", "patient/my_questions.html", form=form, **ctx)
    list_ok = form.validate_on_submit()
    # An empty box is no question, unless "Add my question" was pressed.
    text_ok = add_form.validate() if adding or add_form.text.data else True
    if not (list_ok and text_ok):
        return render_step("questions", "patient/my_questions.html", form=form, **ctx)
    if stale(form, content, saved_form):
        return conflict("questions", "patient/my_questions.html", form, saved_form(),
                        content, **ctx)
    # A question's own buttons (move up or down, remove, edit) say what and which: every
    # one of them saves the list and a typed question first, so nothing typed is lost.
    action, _sep, qid = (form.move.data or "").partition("-")
    target = int(qid) if qid.isdigit() and int(qid) in {q.id for q in mine} else None
    if target is None:
        action = ""
    move = (action, target) if action in {"up", "down"} else None
    own_text = add_form.text.data or ""
    try:
        rows.save_question_list(packet, {
            q.id: int(form[f"rank_{q.id}"].data) for q in mine if form[f"rank_{q.id}"].data},
            own_text, move, remove=target if action == "remove" else None,
            step_saved=not action)
    except packets.ListFull:
        add_form.text.errors.append(full_message("questions"))
        return render_step("questions", "patient/my_questions.html", form=form, **ctx)
    if action == "remove":
        flash(_("The question was removed. Your question was added at the end of the list.")
              if own_text else _("The question was removed."), "success")
        return redirect(url_for("patient.my_questions"), 303)
    if action == "edit":
        if own_text:
            flash(_("Your question was added at the end of the list."), "success")
        return redirect(url_for("patient.edit_question", item_id=target), 303)
    if move is not None:
        flash(_("Moved. Your question was added at the end of the list.") if own_text
              else _("Moved."), "success")
        return redirect(url_for("patient.my_questions") + f"#q-{qid}", 303)
    if adding:
        flash(_("Your question was added."), "success")
        return redirect(url_for("patient.my_questions"), 303)
    message = _("Saved. Your question was added to your list.") if own_text else None
    if nav == "bank":
        flash(message or _("Saved."), "success")
        return redirect(url_for("patient.questions"), 303)
    return after_save("questions", message)


@bp.post("/questions/suggested")
def add_suggested():
    """Add the questions suggested from your answers (offered again on the review page)."""
    packet = g.packet
    suggestions = suggestions_for(packet)
    form = make_bank_form([], suggestions)()
    back = redirect(url_for("patient.review", _anchor="suggestions"), 303)
    if not form.validate_on_submit():
        flash(_("Please choose from the questions shown."), "error")
        return back
    chosen = set(form.suggested.data or [])
    if chosen:
        try:
            rows.choose_questions(packet, [], set(), suggestions, chosen)
        except packets.ListFull:
            flash(full_message("questions"), "error")
            return back
        flash(ngettext("%(num)d question was added to your list.",
                       "%(num)d questions were added to your list.", len(chosen)), "success")
    return back


@bp.route("/questions/<int:item_id>/edit", methods=["GET", "POST"])
def edit_question(item_id: int):
    """Change the words of one of your questions."""
    packet = g.packet
    question = packets.child(packet, PacketQuestion, item_id) or abort(404)
    base = packets.fingerprint(packets.item_content(question))
    form = OwnQuestionForm(data={"text": question.text, "base": base}
                           if request.method == "GET" else None)
    if form.validate_on_submit():
        def saved():
            return OwnQuestionForm(formdata=None, data={"text": question.text})
        if row_stale(form, base, saved):
            return row_conflict("questions", "patient/question_edit.html", form, saved(), base,
                                question=question)
        question.text = form.text.data
        packets.commit_step(packet, None)
        flash(_("Saved."), "success")
        return redirect(url_for("patient.my_questions"), 303)
    return render_step("questions", "patient/question_edit.html", form=form, question=question)


# Lists with add / edit / remove -------------------------------------------------------


@dataclass(frozen=True)
class ListKind:
    step: str
    kind: str  # key of packets.LIMITS
    model: type
    form: type
    attr: str  # the packet's relationship
    template: str
    form_template: str
    #: The row's questions (content.questions), and how they are stored and shown.
    definition: Form
    fill: rows.Filler = rows.store
    data: Callable[[Form, Any], dict[str, Any]] = rows.form_data
    #: A step of its own whose page, while the list is empty, is the add form (with a way
    #: on without adding one), and whose add form saves and goes on to the next step.
    is_step: bool = False

    def form_data(self, row) -> dict[str, Any]:
        return self.data(self.definition, row)


KINDS = {
    "medications": ListKind("medications", "medications", Medication, MedicationForm,
                            "medications", "patient/medications.html",
                            "patient/medication_form.html", MEDICATION, is_step=True),
    "treatments": ListKind("treatments", "treatments", TreatmentTried, TreatmentForm,
                           "treatments", "patient/treatments.html",
                           "patient/treatment_form.html", TREATMENT, is_step=True),
    "history": ListKind("history", "history", HistoryItem, HistoryItemForm, "history_items",
                        "patient/history.html", "patient/history_item_form.html",
                        HISTORY_ITEM, rows.store_history, rows.history_form_data),
}


def _add(kind: ListKind):
    packet = g.packet
    existing = getattr(packet, kind.attr)
    form = kind.form()
    if request.method == "GET" and request.args.get("kind") and kind.step == "history":
        form = kind.form(formdata=None, data={"kind": request.args["kind"]})
    if len(existing) >= packets.LIMITS[kind.kind]:
        flash(full_message(kind.kind), "error")
        return redirect(url_for(f"patient.{kind.step}"), 303)
    if kind.is_step and not existing and request.form.get("nav") == "next" and blank(form):
        # "Save and continue" on an empty list's form with nothing typed: nothing to add,
        # as its "I don't take any: continue" button says.
        return _go_on(kind)
    if form.validate_on_submit():
        on = kind.is_step and request.form.get("nav") == "next"
        rows.add(packet, kind.attr, kind.model, kind.definition, form.data, kind.fill,
                 step=kind.step if on else None)
        if on:
            return after_save(kind.step)
        flash(_("Added."), "success")
        if request.form.get("nav") == "another":
            return redirect(url_for(f"patient.add_{kind.step}"), 303)
        return redirect(url_for(f"patient.{kind.step}"), 303)
    return _add_page(kind, form)


def _add_page(kind: ListKind, form):
    """The add form; while the list is empty, the step's own page, with a way on without
    adding one (`step_form`, the list page's "Save and continue")."""
    packet = g.packet
    step_form = None
    if kind.is_step and not getattr(packet, kind.attr):
        step_form = stamp(SimpleStepForm(formdata=None), packets.step_content(packet, kind.step))
    return render_step(kind.step, kind.form_template, form=form, row=None, step_form=step_form)


def _edit(kind: ListKind, item_id: int):
    packet = g.packet
    row = packets.child(packet, kind.model, item_id) or abort(404)
    base = packets.fingerprint(packets.item_content(row))
    form = kind.form(data={**kind.form_data(row), "base": base}
                     if request.method == "GET" else None)
    if form.validate_on_submit():
        def saved():
            return kind.form(formdata=None, data=kind.form_data(row))
        if row_stale(form, base, saved):
            return row_conflict(kind.step, kind.form_template, form, saved(), base, row=row)
        rows.change(packet, row, kind.definition, form.data, kind.fill)
        flash(_("Saved."), "success")
        return redirect(url_for(f"patient.{kind.step}"), 303)
    return render_step(kind.step, kind.form_template, form=form, row=row)


def _delete(kind: ListKind, item_id: int):
    packet = g.packet
    row = packets.child(packet, kind.model, item_id) or abort(404)
    if DeleteForm().validate_on_submit():
        getattr(packet, kind.attr).remove(row)
        packets.commit_step(packet, None)
        flash(_("Removed."), "success")
    return redirect(url_for(f"patient.{kind.step}"), 303)


def _go_on(kind: ListKind):
    """The list is as the patient wants it: the step is saved, on to the next one."""
    packets.commit_step(g.packet, kind.step)
    return after_save(kind.step)


def _list_page(kind: ListKind, **extra):
    packet = g.packet
    form = SimpleStepForm()
    if form.validate_on_submit():
        return _go_on(kind)
    if kind.is_step and not getattr(packet, kind.attr):
        return _add_page(kind, kind.form(formdata=None))
    form = stamp(SimpleStepForm(formdata=None), packets.step_content(packet, kind.step))
    return render_step(kind.step, kind.template, form=form,
                       rows=getattr(packet, kind.attr), delete_form=DeleteForm(formdata=None),
                       limit=packets.LIMITS[kind.kind], **extra)


@bp.route("/medications", methods=["GET", "POST"])
def medications():
    """Step 4: the medicines you take."""
    return _list_page(KINDS["medications"])


@bp.route("/medications/add", methods=["GET", "POST"])
def add_medications():
    """Add a medicine."""
    return _add(KINDS["medications"])


@bp.route("/medications/<int:item_id>/edit", methods=["GET", "POST"])
def edit_medications(item_id: int):
    """Change a medicine."""
    return _edit(KINDS["medications"], item_id)


@bp.post("/medications/<int:item_id>/delete")
def delete_medications(item_id: int):
    """Remove a medicine."""
    return _delete(KINDS["medications"], item_id)


@bp.route("/treatments", methods=["GET", "POST"])
def treatments():
    """Step 5: treatments you have tried."""
    return _list_page(KINDS["treatments"])


@bp.route("/treatments/add", methods=["GET", "POST"])
def add_treatments():
    """Add a treatment."""
    return _add(KINDS["treatments"])


@bp.route("/treatments/<int:item_id>/edit", methods=["GET", "POST"])
def edit_treatments(item_id: int):
    """Change a treatment."""
    return _edit(KINDS["treatments"], item_id)


@bp.post("/treatments/<int:item_id>/delete")
def delete_treatments(item_id: int):
    """Remove a treatment."""
    return _delete(KINDS["treatments"], item_id)


# Medical history ----------------------------------------------------------------------

CONDITION_KEYS = set(vocab.keys(vocab.CONDITIONS))


def _history_content(packet) -> Any:
    return [packet.family_fibromyalgia, packet.history_note,
            sorted(h.name for h in packet.history_items if h.kind == "condition")]


def _history_form_data(packet) -> dict[str, Any]:
    return {
        "conditions": [h.name for h in packet.history_items
                       if h.kind == "condition" and h.name in CONDITION_KEYS],
        "family_fibromyalgia": packet.family_fibromyalgia,
        "history_note": packet.history_note,
    }


@bp.route("/history", methods=["GET", "POST"])
def history():
    """Step 3: medical history: conditions, family, tests, surgeries, allergies."""
    packet = g.packet
    content = _history_content(packet)
    others = [h for h in packet.history_items
              if not (h.kind == "condition" and h.name in CONDITION_KEYS)]
    ctx = {"rows": others, "delete_form": DeleteForm(formdata=None),
           "limit": packets.LIMITS["history"]}
    form = HistoryForm()
    if form.validate_on_submit():
        saved = HistoryForm(formdata=None, data=_history_form_data(packet))
        if stale(form, content, saved):
            return conflict("history", "patient/history.html", form, saved, content, **ctx)
        new = set(form.conditions.data or []) - {
            h.name for h in packet.history_items if h.kind == "condition"}
        if len(packet.history_items) + len(new) > packets.LIMITS["history"]:
            flash(full_message("history"), "error")
            return render_step("history", "patient/history.html", form=form, **ctx)
        rows.save_history(packet, form.data)
        add = request.form.get("nav", "")
        if add.startswith("add-") and add[4:] in {"test", "surgery_injury", "allergy",
                                                  "condition"}:
            return redirect(url_for("patient.add_history", kind=add[4:]), 303)
        return after_save("history", content=_history_content(packet))
    if request.method == "GET":
        form = stamp(HistoryForm(formdata=None, data=_history_form_data(packet)), content)
    return render_step("history", "patient/history.html", form=form, **ctx)


@bp.route("/history/add", methods=["GET", "POST"])
def add_history():
    """Add a test, surgery, injury, allergy or another condition."""
    return _add(KINDS["history"])


@bp.route("/history/<int:item_id>/edit", methods=["GET", "POST"])
def edit_history(item_id: int):
    """Change a line of your history."""
    return _edit(KINDS["history"], item_id)


@bp.post("/history/<int:item_id>/delete")
def delete_history(item_id: int):
    """Remove a line of your history."""
    return _delete(KINDS["history"], item_id)


# Start from last time -----------------------------------------------------------------

#: Where to change a row marked "changed".
_CHANGE_STEP = {"history": "patient.history", "medication": "patient.medications",
                "treatment": "patient.treatments"}


@bp.route("/last-time", methods=["GET", "POST"], endpoint="last_time")
def last_time_page():
    """"Last time you told us… Is this still right?": keep, change or stop each row."""
    packet = g.packet
    found = last_time.offers(packet)
    before = visit_day.asked_before(packet)
    if request.method == "POST" and request.form.get("ask_again"):
        return _ask_again(packet, before)
    ask_form = make_ask_again_form(before)(
        formdata=None, data={"again": [b.question.id for b in before if b.unanswered]})
    if not found.waiting and not before:
        if request.method == "POST":
            flash(_("That was already saved. Nothing else was changed."), "success")
        return redirect(url_for("patient.home"), 303)
    form = make_last_time_form(found)()
    if form.validate_on_submit():
        if request.form.get("all_right"):
            answers, family = last_time.keep_all(found)
        else:
            answers = {o.key: last_time.Answer(
                form[o.key].data or "",
                (form[f"{o.key}_when"].data or "") if f"{o.key}_when" in form else "",
                (form[f"{o.key}_why"].data or "") if f"{o.key}_why" in form else "")
                for o in found.offers}
            family = form.family.data if "family" in form else None
        if not last_time.apply(packet, found, answers, family):
            flash(_("Choose an answer for at least one line, or press “All still right”."),
                  "error")
            return render_template("patient/last_time.html", form=form, found=found,
                                   groups=last_time.history_groups(found.offers),
                                   before=before, ask_form=ask_form), 422
        packets.commit_step(packet, None)
        changed = [o for o in found.offers if answers.get(o.key) and
                   answers[o.key].choice == "changed"]
        if changed:
            flash(_("Saved. Now change the details of what changed."), "success")
            return redirect(url_for(_CHANGE_STEP[changed[0].kind]), 303)
        flash(_("Thank you. Saved."), "success")
        more = last_time.offers(packet).waiting or visit_day.asked_before(packet)
        return redirect(url_for("patient.last_time" if more else "patient.home"), 303)
    return render_template("patient/last_time.html", form=form, found=found,
                           groups=last_time.history_groups(found.offers),
                           before=before, ask_form=ask_form)


def _ask_again(packet, before):
    """Carry last time's chosen questions into this packet ("Last time you asked…")."""
    form = make_ask_again_form(before)()
    if form.validate_on_submit():
        try:
            packets.check_room(packet, "questions")
        except packets.ListFull:
            flash(full_message("questions"), "error")
            return redirect(url_for("patient.my_questions"), 303)
        added = visit_day.carry(packet, before, set(form.again.data or []))
        if added:
            packets.commit_step(packet, "questions")
            flash(ngettext("%(num)d question added to your list.",
                           "%(num)d questions added to your list.", added), "success")
        return redirect(url_for("patient.my_questions"), 303)
    flash(_("Please choose from the questions shown."), "error")
    return redirect(url_for("patient.last_time"), 303)
