"""Review and send: every answer on one page, submit once, then the confirmation and print."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.patient import bp
from blueprints.patient.access import already_sent, clinic_time
from blueprints.patient.conflicts import conflict, stale
from blueprints.patient.forms import AREA_GROUPS, DeleteForm, SubmitForm, make_bank_form
from blueprints.patient.steps import render_step, stamp
from content.questions import (
    BODY_CHECK,
    CARRIED_DAILY,
    HISTORY,
    LOG_ENTRY,
    LOG_ENTRY_BY_KEY,
    VISIT,
    answer_words,
    answers,
)
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from services import diary, packets
from services.suggestions import suggestions_for
from services.summary import row_lines


def _missing(packet):
    return packets.missing_for_submit(packet, {
        "reason": _("About the visit: the main reason for your visit"),
        "dob": _("About the visit: your date of birth"),
        "safety": _("Safety check: please answer every question"),
    })


def answers_context(packet) -> dict:
    """What the review and print pages show (no scores: those are for the clinic only)."""
    medications, treatments, history = row_lines(packet)
    return {
        "medications": medications,
        "treatments": treatments,
        "history": history,
        "history_questions": [q for q in HISTORY.questions
                              if q.shows_in("review") and q.key not in HISTORY.stored_as],
        "safety_questions": SAFETY_QUESTIONS,
        "safety_answers": {a.question_key: a.answer for a in packet.safety_answers},
        "entries": diary.entries(packet),
        "entry_answers": lambda entry: answers(LOG_ENTRY, entry, "review"),
        "carried_titles": lambda entry: [LOG_ENTRY_BY_KEY[k].title for k in CARRIED_DAILY
                                         if k in (entry.carried or [])],
        "area_groups": AREA_GROUPS,
        "visit_questions": [q for q in VISIT.questions if q.shows_in("review")],
        "check_questions": [q for q in BODY_CHECK.questions if q.shows_in("review")],
        "answer_words": answer_words,
        "help_level": packets.help_level(packet),
    }


@bp.route("/review", methods=["GET", "POST"])
def review():
    """Step 9: every answer with "change" links; send it when the required parts are there."""
    packet = g.packet
    content = packets.step_content(packet, "review")
    form = SubmitForm()
    # Questions suggested from every step before this one, offered again where they help most.
    suggest_form = make_bank_form([], suggestions_for(packet))(formdata=None)
    ctx = {**answers_context(packet), "suggest_form": suggest_form}
    if form.validate_on_submit():
        saved = SubmitForm(formdata=None, data={"closing_words": packet.closing_words})
        if stale(form, content, saved):
            return conflict("review", "patient/review.html", form, saved, content,
                            missing=_missing(packet), **ctx)
        try:
            if (form.closing_words.data or "") != (packet.closing_words or ""):
                packet.closing_words = form.closing_words.data or ""
                packets.commit_step(packet, "review")
        except packets.ReadOnly:
            return already_sent(form.closing_words.data)
        missing = _missing(packet)
        if missing:
            stamp(form, packets.step_content(packet, "review"))
            return render_step("review", "patient/review.html", status=422, form=form,
                               missing=missing, tried=True, **ctx)
        if packets.submit(packet, ip=request.remote_addr):
            return redirect(url_for("patient.done"), 303)
        return already_sent(form.closing_words.data)
    if request.method == "GET":
        form = stamp(SubmitForm(formdata=None, data={"closing_words": packet.closing_words}),
                     content)
    return render_step("review", "patient/review.html", form=form, missing=_missing(packet),
                       **ctx)


@bp.get("/done")
def done():
    """The confirmation after sending (and what a sent packet shows)."""
    packet = g.packet
    if packet.is_editable:
        return redirect(url_for("patient.review"), 303)
    return render_template("patient/done.html", form=DeleteForm(formdata=None),
                           sent_at=clinic_time(packet.submitted_at),
                           help_level=packets.help_level(packet))


@bp.get("/print")
def print_view():
    """Your answers in print form."""
    return render_template("patient/print.html", **answers_context(g.packet))
