"""What every patient page shares: the session's packet, the steps, saving and conflicts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh as refresh_locale
from wtforms import Field

from blueprints.patient import bp
from blueprints.patient.forms import AREA_GROUPS, ContactPhoneForm, DeleteForm, clean_text
from content import vocab
from content.safety import QUESTION_BY_KEY
from models import utcnow
from services import opening_hours, packets
from services.patient_session import current_packet

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

#: Pages a sent packet still shows; every other page goes to the confirmation.
READ_ONLY_PAGES = {"patient.done", "patient.print_view", "patient.home", "patient.leave",
                   "patient.summary", "patient.summary_pdf", "patient.summary_csv",
                   "patient.contact_phone", "patient.diary", "patient.diary_add",
                   "patient.visit_day"}
#: POSTs allowed after submit: they change no answer (the number the clinic can call
#: today may still be given, since a "yes" sent may need a call; diary entries belong to
#: the patient and count toward the next visit; the visit view keeps notes of the visit).
POST_AFTER_SUBMIT = {"patient.leave", "patient.contact_phone", "patient.diary_add",
                     "patient.visit_day"}


@bp.before_request
def load_packet():
    """Default deny: every patient page needs the session's packet, and only that packet."""
    packet = current_packet(session)
    if packet is None:
        session.pop("packet_id", None)
        return render_template("portal/link_problem.html", state="session", clinic=None), 403
    g.packet, g.clinic = packet, packet.clinic
    refresh_locale()  # the packet's language and the clinic's time zone apply from here
    if not packet.is_editable:
        if request.method == "POST" and request.endpoint == "patient.review":
            # A second click on "Send", or another tab: it was sent once; say so calmly.
            return already_sent(request.form.get("closing_words"))
        if request.method == "POST" and request.endpoint not in POST_AFTER_SUBMIT:
            return read_only_page()
        if request.method == "GET" and request.endpoint not in READ_ONLY_PAGES:
            return redirect(url_for("patient.done"), 303)
    return None


@bp.context_processor
def patient_context():
    return {"clinic": g.get("clinic"), "packet": g.get("packet"), "steps": STEPS,
            "area_groups": AREA_GROUPS, "vocab": vocab, "vocab_label": vocab.label,
            "safety_question": QUESTION_BY_KEY,
            "phone_form": ContactPhoneForm, "hours_today": _hours_today}


def _hours_today():
    """The clinic's opening hours today, in its own time zone (None: closed today)."""
    return opening_hours.today_hours(g.clinic, utcnow())


def clinic_time(moment):
    """A UTC instant in the clinic's wall-clock time, as patients read times."""
    if moment is None:
        return None
    try:
        zone = ZoneInfo(g.clinic.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("America/New_York")
    return moment.astimezone(zone)


def already_sent(words: str | None):
    """The packet was sent (by another tab, or a click before): say when, and give back
    any closing words this page could not add, so they can be copied."""
    packet = g.packet
    words = clean_text(words or "")
    late = words if words and words != (packet.closing_words or "") else ""
    return render_template("patient/done.html", form=DeleteForm(formdata=None),
                           sent_at=clinic_time(packet.submitted_at), already=True,
                           late_words=late, help_level=packets.help_level(packet))


def read_only_page():
    return render_template("patient/read_only.html"), 409


@bp.errorhandler(packets.ReadOnly)
def _read_only(error):
    return read_only_page()


@bp.errorhandler(packets.Conflict)
def _raced(error):
    """Two saves landed at the same moment: nothing was overwritten; ask to look again."""
    return render_template("patient/raced.html", back=request.path), 409


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

    An autosave gets the new version and fingerprint instead, so the page's next save
    is not taken for a stale one.
    """
    if is_autosave():
        if content is None:
            content = packets.step_content(g.packet, step)
        return jsonify(saved=True, version=str(g.packet.version),
                       base=packets.fingerprint(content))
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


def stale(form, content: Any, saved_form) -> bool:
    """A real conflict: the step changed since this form was shown (packets.is_conflict)
    AND what was typed differs from what is stored. A save equal to what is stored (a
    retry, or the save button after an autosave of the same words) is never a conflict."""
    if not packets.is_conflict(g.packet, form.version.data, form.base.data, content):
        return False
    return describe(saved_form() if callable(saved_form) else saved_form) != describe(form)


def row_stale(form, base: str, saved_form) -> bool:
    """As `stale`, for one list row: its fingerprint moved and the typed answers differ."""
    return form.base.data != base and describe(saved_form()) != describe(form)


def conflict(step: str, template: str, form, saved_form, content: Any, **ctx):
    """409: show what was typed (in the form, ready to save again) and the saved version."""
    stamp(form, content)
    return render_step(step, template, status=409, form=form,
                       saved=differences(saved_form, form), **ctx)


def row_conflict(step: str, template: str, form, saved_form, base: str, **ctx):
    """A row changed since its form was shown (SECURITY R3): 409 with both versions, the
    typed one ready to save again over the row as it now is."""
    form.base.data = base
    return render_step(step, template, status=409, form=form,
                       saved=differences(saved_form, form), **ctx)


SKIP_FIELDS = {"csrf_token", "version", "base", "move", "help_seen"}


def display_value(field: Field) -> str:
    data = field.data
    choices = {c.value: c.label for c in getattr(field, "choices", None) or []}
    if isinstance(data, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in data) or "—"
    if isinstance(data, bool):
        return _("Yes") if data else _("No")
    if isinstance(data, datetime):
        return f"{data:%Y-%m-%d %H:%M}"
    if isinstance(data, date):
        return f"{data:%Y-%m-%d}"
    if data is None or data == "":
        return "—"
    return str(choices.get(data, data))


def differences(saved_form, typed_form) -> list[tuple[str, str]]:
    """The saved answers that differ from what was typed (all of them if none differ)."""
    saved, typed = describe(saved_form), dict(describe(typed_form))
    changed = [(label, value) for label, value in saved if typed.get(label) != value]
    return changed or saved


def describe(form) -> list[tuple[str, str]]:
    """A form's answers as (question, answer) lines, for the conflict page."""
    return [(str(f.label.text), display_value(f)) for f in form if f.name not in SKIP_FIELDS]
