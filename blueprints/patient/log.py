"""The symptom log, the body and symptom check, and the safety check."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.patient import bp
from blueprints.patient.common import (
    after_save,
    conflict,
    is_autosave,
    render_step,
    row_conflict,
    row_stale,
    stale,
    stamp,
)
from blueprints.patient.forms import (
    BodyCheckForm,
    DeleteForm,
    SafetyForm,
    SimpleStepForm,
    SymptomEntryForm,
    area_data,
    area_defaults,
    make_visit_day_form,
)
from blueprints.patient.lists import full_message
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from extensions import db
from models import FLAG_EMERGENCY, FLAG_URGENT, SymptomEntry
from services import diary, packets, visit_day
from services.formatting import format_date

ENTRY_FIELDS = ("recorded_at", "pain", "fatigue", "where_text", "qualities", "worse_with",
                "helped_with", "sleep_hours", "stiffness_minutes", "numbness", "spasms",
                "headache", "digestive", "mood", "note")


def clinic_now() -> datetime:
    """The clinic's wall-clock time, as the log stores it."""
    try:
        zone = ZoneInfo(g.clinic.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("America/New_York")
    return datetime.now(zone).replace(tzinfo=None, second=0, microsecond=0)


def _entry_form_data(values: dict) -> dict:
    data = {name: values.get(name) for name in ENTRY_FIELDS}
    rested = values.get("rested")
    data["rested"] = None if rested is None else ("yes" if rested else "no")
    data.update(area_defaults(values.get("areas"), "areas_"))
    return data


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
    entry.recorded_at = form.recorded_at.data.replace(second=0, microsecond=0)
    entry.pain = form.pain.data
    entry.fatigue = form.fatigue.data
    entry.areas = area_data(form, "areas_")
    entry.where_text = form.where_text.data or ""
    entry.qualities = list(form.qualities.data or [])
    entry.worse_with = list(form.worse_with.data or [])
    entry.helped_with = list(form.helped_with.data or [])
    entry.sleep_hours = form.sleep_hours.data
    entry.rested = {"yes": True, "no": False}.get(form.rested.data)
    entry.stiffness_minutes = form.stiffness_minutes.data
    for name in ("numbness", "spasms", "headache", "digestive"):
        setattr(entry, name, bool(form[name].data))
    entry.mood = form.mood.data or None
    entry.note = form.note.data or ""


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
    return render_step("log", "patient/log.html", form=form, entries=entries,
                       delete_form=DeleteForm(formdata=None), limit=packets.LIMITS["log"],
                       since=part.previous.day if part.previous else None)


@bp.route("/log/new", methods=["GET", "POST"])
def add_entry():
    """Add a log entry, starting from the last one's answers."""
    packet = g.packet
    if len(diary.entries(packet)) >= packets.LIMITS["log"]:
        flash(full_message("log"), "error")
        return redirect(url_for("patient.log"), 303)
    if request.method == "GET":
        form = SymptomEntryForm(formdata=None, data=_entry_form_data(
            packets.new_entry_defaults(packet, clinic_now())))
        return render_step("log", "patient/entry_form.html", form=form, entry=None,
                           copied=packets.last_entry(packet) is not None)
    form = SymptomEntryForm()
    if form.validate_on_submit() and _after_last_visit(packet, form):
        entry = SymptomEntry()
        _fill_entry(entry, form)
        entry.carried = packets.carried_daily(
            entry, packets.new_entry_defaults(packet, clinic_now())) or None
        packet.symptom_entries.append(entry)
        packets.commit_step(packet, "log", flags=True)
        flash(_("Your entry was saved."), "success")
        return redirect(url_for("patient.log"), 303)
    return render_step("log", "patient/entry_form.html", form=form, entry=None, copied=False)


@bp.route("/log/<int:item_id>/edit", methods=["GET", "POST"])
def edit_entry(item_id: int):
    """Change a log entry."""
    packet = g.packet
    entry = diary.entry(packet, item_id) or abort(404)
    base = packets.fingerprint(packets.item_content(entry))
    values = {name: getattr(entry, name) for name in (*ENTRY_FIELDS, "rested", "areas")}
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
    return render_template("patient/diary.html", entries=diary.latest(packet.patient_id))


@bp.route("/diary/new", methods=["GET", "POST"])
def diary_add():
    """Add a diary entry from a sent packet's link; it counts toward the next visit."""
    packet = g.packet
    if packet.is_editable:
        return redirect(url_for("patient.add_entry"), 303)
    last = diary.latest(packet.patient_id, 1)
    if request.method == "GET":
        defaults = {"recorded_at": clinic_now()}
        if last:
            defaults.update({n: getattr(last[0], n) for n in packets.CARRIED_OVER})
        form = SymptomEntryForm(formdata=None, data=_entry_form_data(defaults))
        return render_template("patient/diary_entry.html", form=form, copied=bool(last))
    form = SymptomEntryForm()
    if form.validate_on_submit():
        entry = SymptomEntry(packet_id=packet.id, patient_id=packet.patient_id)
        _fill_entry(entry, form)
        diary.add_between_visits(entry)
        flash(_("Your entry was saved."), "success")
        return redirect(url_for("patient.diary"), 303)
    return render_template("patient/diary_entry.html", form=form, copied=False), 422


# Body and symptom check ---------------------------------------------------------------


def _check_data(packet) -> dict:
    check = packet.body_check
    if check is None:
        return {}

    def yn(value):
        return None if value is None else ("yes" if value else "no")

    data = {"fatigue": check.fatigue, "unrefreshed": check.unrefreshed,
            "cognitive": check.cognitive, "headaches": yn(check.headaches),
            "lower_abdomen": yn(check.lower_abdomen), "depression": yn(check.depression),
            "three_months": check.three_months}
    data.update(area_defaults(check.areas, "areas_"))
    return data


@bp.route("/check", methods=["GET", "POST"])
def check():
    """Step 7: the body and symptom check (the past week)."""
    packet = g.packet
    content = packets.step_content(packet, "check")
    form = BodyCheckForm()
    if form.validate_on_submit():
        saved = BodyCheckForm(formdata=None, data=_check_data(packet))
        if stale(form, content, saved):
            return conflict("check", "patient/check.html", form, saved, content)
        row = packets.body_check(packet)
        row.areas = area_data(form, "areas_")
        row.fatigue, row.unrefreshed, row.cognitive = (
            form.fatigue.data, form.unrefreshed.data, form.cognitive.data)
        row.headaches = form.headaches.data == "yes"
        row.lower_abdomen = form.lower_abdomen.data == "yes"
        row.depression = form.depression.data == "yes"
        row.three_months = form.three_months.data
        packets.commit_step(packet, "check")
        return after_save("check")
    if request.method == "GET":
        form = stamp(BodyCheckForm(formdata=None, data=_check_data(packet)), content)
    return render_step("check", "patient/check.html", form=form)


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
    content = packets.step_content(packet, "safety")
    form = SafetyForm()
    if request.method == "POST":
        form.validate()  # for the messages next to unanswered questions
        # Save every answer given, even when some are missing: a "yes" must never be lost.
        answers = {q.key: form[f"q_{q.key}"].data == "yes" for q in SAFETY_QUESTIONS
                   if form[f"q_{q.key}"].data in {"yes", "no"}}
        # Stale only when it contradicts a saved answer: the page's own immediate save of
        # the same answers (racing this button) is no conflict (SECURITY R4).
        saved_now = {a.question_key: a.answer for a in packet.safety_answers}
        contradicts = any(key in answers and answers[key] != value
                          for key, value in saved_now.items())
        if contradicts and packets.is_conflict(packet, form.version.data, form.base.data,
                                               content):
            # Another window saved this step. The "yes" answers are kept all the same
            # (a warning sign is never lost); the rest waits for the patient to choose.
            said_yes = {key: True for key, value in answers.items() if value}
            if said_yes:
                packets.save_safety(packet, said_yes)
                packets.commit_step(packet, flags=True)
            if is_autosave():
                return jsonify(saved=bool(said_yes), conflict=True), 409
            saved = SafetyForm(formdata=None, data=_safety_data(packet))
            return conflict("safety", "patient/safety.html", form, saved,
                            packets.step_content(packet, "safety"),
                            help_level=packets.help_level(packet))
        complete = len(answers) == len(SAFETY_QUESTIONS)
        if answers:
            packets.save_safety(packet, answers)
            packets.commit_step(packet, "safety" if complete else None, flags=True)
        level = packets.help_level(packet)
        if is_autosave():
            # The page's own immediate save of a "yes": say so only now that it is stored.
            return jsonify(saved=bool(answers), level=level, version=str(packet.version),
                           base=packets.fingerprint(packets.step_content(packet, "safety")))
        if complete and (level < FLAG_URGENT or form.help_seen.data == "1"):
            return after_save("safety")
        if complete:
            return redirect(url_for("patient.safety", _anchor=HELP_ANCHORS[level]), 303)
        stamp(form, packets.step_content(packet, "safety"))
        form.help_seen.data = "1" if level >= FLAG_URGENT else ""
        return render_step("safety", "patient/safety.html", form=form, help_level=level,
                           partial=bool(answers))
    level = packets.help_level(packet)
    form = stamp(SafetyForm(formdata=None, data=_safety_data(packet)), content)
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
