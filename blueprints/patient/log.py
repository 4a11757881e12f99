"""The symptom log, the body and symptom check, and the safety check."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.patient import bp
from blueprints.patient.conflicts import conflict, row_conflict, row_stale, stale
from blueprints.patient.forms import (
    AREA_GROUPS,
    BodyCheckForm,
    DeleteForm,
    SafetyForm,
    SimpleStepForm,
    SymptomEntryForm,
    area_data,
    area_defaults,
    as_form_data,
    make_visit_day_form,
)
from blueprints.patient.lists import full_message
from blueprints.patient.steps import after_save, is_autosave, render_step, stamp
from content.body import AREA_BY_KEY
from content.questions import BODY_CHECK, SYMPTOM_ENTRY
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import FLAG_EMERGENCY, FLAG_URGENT, SymptomEntry
from services import diary, packets, rows, visit_day
from services.formatting import format_date
from services.opening_hours import clinic_now


def log_now() -> datetime:
    """The clinic's wall-clock time to the minute, as the log stores it."""
    return clinic_now(g.clinic).replace(second=0, microsecond=0)


def _entry_form_data(values: dict) -> dict:
    """An entry's answers (by question key) as the entry form shows them."""
    return as_form_data(SYMPTOM_ENTRY, values)


def _after_last_visit(packet, form: SymptomEntryForm) -> bool:
    """An entry dated on or before the last visit would land in that visit's part of the
    diary, which the doctor has already seen: say so next to the date instead."""
    day = diary.too_early(packet, form.recorded_at.data)
    if day is None:
        return True
    form.recorded_at.errors = [*form.recorded_at.errors, _(
        "This is on or before your last visit (%(day)s). Pick a later date and time.",
        day=format_date(day))]
    return False


def _fill_entry(entry: SymptomEntry, form: SymptomEntryForm) -> None:
    rows.store(SYMPTOM_ENTRY, entry, {**form.data, "areas": area_data(form, "areas_")})


@bp.route("/log", methods=["GET", "POST"])
def log():
    """Step 6: the symptom log, newest first."""
    packet = g.packet
    form = SimpleStepForm()
    if form.validate_on_submit():
        packets.commit_step(packet, "log", flags=True)
        return after_save("log")
    form = stamp(SimpleStepForm(formdata=None), packets.step_content(packet, "log"))
    part = diary.window(packet)
    entries = list(reversed(diary.entries(packet, part)))
    if not entries:  # nothing logged yet: the page is the first entry's form
        return _new_entry_page(packet, _new_entry_form(packet), step_form=form)
    return render_step("log", "patient/log.html", form=form, entries=entries,
                       delete_form=DeleteForm(formdata=None), limit=packets.LIMITS["log"],
                       since=part.previous.day if part.previous else None,
                       help_level=packets.help_level(packet))


def _new_entry_form(packet) -> SymptomEntryForm:
    return SymptomEntryForm(formdata=None, data=_entry_form_data(
        packets.new_entry_defaults(packet, log_now())))


def _new_entry_page(packet, form: SymptomEntryForm, step_form=None, copied: bool = False):
    """A new entry's form; with `step_form` (an empty log) the log's own page, with a way
    on without an entry and, as the log says, what to do for a warning sign."""
    return render_step("log", "patient/entry_form.html", form=form, entry=None,
                       copied=copied, step_form=step_form,
                       help_level=packets.help_level(packet) if step_form else 0)


def _another(entry: SymptomEntry) -> bool:
    """"Save and add another" opens a new entry from this one, unless this one holds a sign
    to act on today: what to do, on the log (or the diary), comes first."""
    return (request.form.get("nav") == "another"
            and diary.newest_level([entry]) < FLAG_URGENT)


@bp.route("/log/new", methods=["GET", "POST"])
def add_entry():
    """Add a log entry, starting from the last one's answers."""
    packet = g.packet
    logged = diary.entries(packet)
    if len(logged) >= packets.LIMITS["log"]:
        flash(full_message("log"), "error")
        return redirect(url_for("patient.log"), 303)
    step_form = None
    if not logged:  # the log's own page: the first entry, or on without one
        step_form = stamp(SimpleStepForm(formdata=None), packets.step_content(packet, "log"))
    if request.method == "GET":
        return _new_entry_page(packet, _new_entry_form(packet), step_form, copied=bool(logged))
    form = SymptomEntryForm()
    if form.validate_on_submit() and _after_last_visit(packet, form):
        entry = SymptomEntry()
        _fill_entry(entry, form)
        entry.carried = packets.carried_daily(
            entry, packets.new_entry_defaults(packet, log_now())) or None
        packet.symptom_entries.append(entry)
        packets.commit_step(packet, "log", flags=True)
        flash(_("Your entry was saved."), "success")
        if _another(entry):
            return redirect(url_for("patient.add_entry"), 303)
        return redirect(url_for("patient.log"), 303)
    return _new_entry_page(packet, form, step_form)


@bp.route("/log/<int:item_id>/edit", methods=["GET", "POST"])
def edit_entry(item_id: int):
    """Change a log entry."""
    packet = g.packet
    entry = diary.entry(packet, item_id) or abort(404)
    base = packets.fingerprint(packets.item_content(entry))
    values = rows.form_data(SYMPTOM_ENTRY, entry)
    if request.method == "GET":
        form = SymptomEntryForm(formdata=None, data=_entry_form_data(values))
        form.base.data = base
        return render_step("log", "patient/entry_form.html", form=form, entry=entry)
    form = SymptomEntryForm()
    if form.validate_on_submit() and _after_last_visit(packet, form):
        def saved():
            return SymptomEntryForm(formdata=None, data=_entry_form_data(values))
        if row_stale(form, base, saved):
            return row_conflict("log", "patient/entry_form.html", form, saved(), base,
                                entry=entry)
        was_carried = set(entry.carried or [])
        _fill_entry(entry, form)
        entry.carried = [name for name in packets.carried_daily(entry, values)
                         if name in was_carried] or None
        packets.commit_step(packet, "log", flags=True)
        flash(_("Your entry was saved."), "success")
        return redirect(url_for("patient.log"), 303)
    return render_step("log", "patient/entry_form.html", form=form, entry=entry)


@bp.post("/log/<int:item_id>/delete")
def delete_entry(item_id: int):
    """Remove a log entry."""
    packet = g.packet
    entry = diary.entry(packet, item_id) or abort(404)
    if DeleteForm().validate_on_submit():
        if entry.packet_id == packet.id:
            packet.symptom_entries.remove(entry)  # so the flags recomputed no longer see it
        else:
            db.session.delete(entry)  # typed from the last visit's link, after sending
        packets.commit_step(packet, None, flags=True)
        flash(_("The entry was removed."), "success")
    return redirect(url_for("patient.log"), 303)


# The diary between visits ------------------------------------------------------------


@bp.get("/diary", endpoint="diary")
def diary_page():
    """After sending: the patient's diary, to keep logging until the next visit."""
    packet = g.packet
    if packet.is_editable:
        return redirect(url_for("patient.log"), 303)
    entries = diary.latest(packet.patient_id)
    return render_template("patient/diary.html", entries=entries,
                           help_level=diary.newest_level(entries))


@bp.route("/diary/new", methods=["GET", "POST"])
def diary_add():
    """Add a diary entry from a sent packet's link; it counts toward the next visit."""
    packet = g.packet
    if packet.is_editable:
        return redirect(url_for("patient.add_entry"), 303)
    last = diary.latest(packet.patient_id, 1)
    if request.method == "GET":
        defaults = {"recorded_at": log_now()}
        if last:
            defaults.update({n: getattr(last[0], n) for n in packets.CARRIED_OVER})
        form = SymptomEntryForm(formdata=None, data=_entry_form_data(defaults))
        return render_template("patient/diary_entry.html", form=form, copied=bool(last))
    form = SymptomEntryForm()
    if form.validate_on_submit():
        entry = SymptomEntry(patient_id=packet.patient_id)
        _fill_entry(entry, form)
        diary.add_between_visits(packet, entry)
        flash(_("Your entry was saved."), "success")
        if _another(entry):
            return redirect(url_for("patient.diary_add"), 303)
        return redirect(url_for("patient.diary"), 303)
    return render_template("patient/diary_entry.html", form=form, copied=False), 422


# Body and symptom check ---------------------------------------------------------------


def _check_data(packet) -> dict:
    check = packet.body_check
    return {} if check is None else as_form_data(BODY_CHECK, rows.form_data(BODY_CHECK, check))


@bp.route("/check", methods=["GET", "POST"])
def check():
    """Step 7: the body and symptom check (the past week).

    Until it is first saved, the places logged in the past week start ticked, and the page
    says so; the patient unticks what did not hurt.
    """
    packet = g.packet
    content = packets.step_content(packet, "check")
    from_log = packets.check_areas_from_log(packet, log_now())  # [] once saved
    form = BodyCheckForm()
    if form.validate_on_submit():
        saved = BodyCheckForm(formdata=None, data=_check_data(packet))
        if stale(form, content, saved):
            return conflict("check", "patient/check.html", form, saved, content,
                            from_log=_named(from_log))
        rows.save_check(packet, {**form.data, "areas": area_data(form, "areas_")})
        return after_save("check")
    if request.method == "GET":
        # The page starts from what is stored (its `seen`); the log's places are ticked
        # on top, as the patient's own changes would be.
        form = stamp(BodyCheckForm(formdata=None, data=_check_data(packet)), content)
        for name, ticked in area_defaults(from_log, "areas_").items():
            if ticked:
                form[name].data = ticked
    return render_step("check", "patient/check.html", form=form, from_log=_named(from_log))


def _named(areas: list[str]) -> list[str]:
    """Places in the order the map's own line names what is ticked (by group)."""
    return [AREA_BY_KEY[key].label for _group, _title, keys in AREA_GROUPS
            for key in keys if key in areas]


# Safety check -------------------------------------------------------------------------


def _safety_data(packet) -> dict:
    return {f"q_{a.question_key}": "yes" if a.answer else "no" for a in packet.safety_answers}


#: Where "get help" stands on the safety page, by level (the anchor to scroll to).
HELP_ANCHORS = {FLAG_EMERGENCY: "get-help-now", FLAG_URGENT: "help-today"}


@bp.route("/safety", methods=["GET", "POST"])
def safety():
    """Step 8: warning signs, asked one by one; a "yes" shows what to do, at once.

    An emergency or urgent "yes" first shows its message on this page (without
    JavaScript, after the save; with it, the page sends the answer at once on its own);
    once the message was on the page, the main button moves on like every step.
    """
    packet = g.packet
    form = SafetyForm()
    if request.method == "POST":
        form.validate()  # for the messages next to unanswered questions
        answers = {q.key: form[f"q_{q.key}"].data == "yes" for q in SAFETY_QUESTIONS
                   if form[f"q_{q.key}"].data in {"yes", "no"}}
        saved = rows.save_safety_check(packet, answers, form.version.data, form.base.data)
        content = packets.step_content(packet, "safety")
        level = packets.help_level(packet)
        if is_autosave():
            # The page's own immediate save of a "yes": say so only now that it is stored.
            if saved.conflict:
                return jsonify(saved=saved.saved, conflict=True), 409
            return jsonify(saved=saved.saved, level=level, version=str(packet.version),
                           base=packets.fingerprint(content))
        if saved.conflict:
            return conflict("safety", "patient/safety.html", form,
                            SafetyForm(formdata=None, data=_safety_data(packet)), content,
                            help_level=level)
        if saved.complete and (level < FLAG_URGENT or form.help_seen.data == "1"):
            return after_save("safety")
        if saved.complete:
            return redirect(url_for("patient.safety", _anchor=HELP_ANCHORS[level]), 303)
        stamp(form, content)
        form.help_seen.data = "1" if level >= FLAG_URGENT else ""
        return render_step("safety", "patient/safety.html", form=form, help_level=level,
                           partial=saved.saved)
    level = packets.help_level(packet)
    form = stamp(SafetyForm(formdata=None, data=_safety_data(packet)),
                 packets.step_content(packet, "safety"))
    form.help_seen.data = "1" if level >= FLAG_URGENT else ""
    return render_step("safety", "patient/safety.html", form=form, help_level=level)


# The visit itself ---------------------------------------------------------------------


@bp.route("/visit-day", methods=["GET", "POST"], endpoint="visit_day")
def visit_day_page():
    """After sending: the opening card and the question checklist, for the visit itself."""
    packet = g.packet
    if packet.is_editable:
        return redirect(url_for("patient.review"), 303)
    questions = visit_day.checklist(packet)
    VisitDayForm = make_visit_day_form(questions)
    if request.method == "POST":
        form = VisitDayForm()
        if form.validate_on_submit():
            visit_day.save(
                packet, {name: form[name].data for name in ("card_why", "card_change",
                                                            "card_question")},
                {q.id: (bool(form[f"asked_{q.id}"].data), form[f"said_{q.id}"].data or "")
                 for q in questions})
            flash(_("Saved. Your notes are kept with your visit."), "success")
            return redirect(url_for("patient.visit_day"), 303)
        return render_template("patient/visit_day.html", form=form, questions=questions), 422
    data = visit_day.card_defaults(packet)
    for q in questions:
        data[f"asked_{q.id}"] = q.asked
        data[f"said_{q.id}"] = q.doctor_said
    form = VisitDayForm(formdata=None, data=data)
    return render_template("patient/visit_day.html", form=form, questions=questions)
