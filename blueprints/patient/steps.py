"""The steps in order, and what a step's page does: render it, stamp it, move on after a save."""

from __future__ import annotations

from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.merge import seen_of
from blueprints.patient import bp
from blueprints.patient.forms import AREA_GROUPS, ContactPhoneForm
from content import vocab
from content.safety import QUESTION_BY_KEY
from models import utcnow
from services import opening_hours, packets
from services.chart import touch_map

#: Step key -> (title, endpoint), in order.
STEPS: dict[str, tuple[Any, str]] = {
    "visit": (_l("About the visit"), "patient.visit"),
    "questions": (_l("My questions"), "patient.questions"),
    "history": (_l("Medical history"), "patient.history"),
    "medications": (_l("Medicines"), "patient.medications"),
    "treatments": (_l("Treatments tried"), "patient.treatments"),
    "log": (_l("Symptom log"), "patient.log"),
    "check": (_l("Body and symptom check"), "patient.check"),
    "safety": (_l("Safety check"), "patient.safety"),
    "review": (_l("Review and send"), "patient.review"),
}

@bp.context_processor
def patient_context():
    return {"clinic": g.get("clinic"), "packet": g.get("packet"), "steps": STEPS,
            "area_groups": AREA_GROUPS, "vocab": vocab, "vocab_label": vocab.label,
            "safety_question": QUESTION_BY_KEY, "touch_map": touch_map,
            "phone_form": ContactPhoneForm, "hours_today": _hours_today}


def _hours_today():
    """The clinic's opening hours today, in its own time zone (None: closed today)."""
    return opening_hours.today_hours(g.clinic, utcnow())


def step_nav(step: str) -> tuple[str | None, str | None]:
    keys = list(STEPS)
    index = keys.index(step)
    prev_url = url_for(STEPS[keys[index - 1]][1]) if index > 0 else None
    next_url = url_for(STEPS[keys[index + 1]][1]) if index + 1 < len(keys) else None
    return prev_url, next_url


def is_autosave() -> bool:
    """A background save from static/js/patient.js while the patient types."""
    return request.method == "POST" and request.headers.get("X-Autosave") == "1"


def after_save(step: str, message: str | None = None, content: Any = None):
    """Flash, then go where the button said: back, stay, or on to the next step.

    An autosave gets the new version, fingerprint and answers as saved instead, so the
    page's next save is not taken for a stale one (unless it was merged with another
    window's answers: see blueprints/merge.py).
    """
    if is_autosave():
        if g.get("merged_from"):
            # Saved with another window's answers that the page does not show: it keeps
            # its old version, and starts from what it shows, so its next save merges
            # again (taking those answers) instead of writing back what it shows for them.
            return jsonify(saved=True, merged=True, seen=g.merged_from)
        if content is None:
            content = packets.step_content(g.packet, step)
        typed = g.get("typed_form")
        return jsonify(saved=True, version=str(g.packet.version),
                       base=packets.fingerprint(content),
                       seen=seen_of(typed) if typed is not None and "seen" in typed else None)
    flash(message or _("Saved."), "success")
    prev_url, next_url = step_nav(step)
    where = request.form.get("nav")
    if where == "back" and prev_url:
        return redirect(prev_url, 303)
    if where == "stay":
        return redirect(url_for(STEPS[step][1]), 303)
    return redirect(next_url or url_for("patient.review"), 303)


def stamp(form, content: Any):
    """Put the packet's version and the step's fingerprint into a fresh form."""
    form.version.data = str(g.packet.version)
    form.base.data = packets.fingerprint(content)
    return form


def render_step(step: str, template: str, status: int = 200, **ctx):
    if is_autosave():
        # Not saved (a message to show, or a conflict): the page's own button will say why.
        return jsonify(saved=False, conflict=status == 409), 409 if status == 409 else 422
    prev_url, next_url = step_nav(step)
    return render_template(template, step=step, prev_url=prev_url, next_url=next_url,
                           step_number=list(STEPS).index(step) + 1, step_count=len(STEPS),
                           **ctx), status
