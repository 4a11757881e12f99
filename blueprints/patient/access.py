"""Who may open a patient page, and what a sent packet still allows.

Default deny: every page of this blueprint needs the session's own packet. After submit
the packet is read-only; the few pages and POSTs that change no answer stay open.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import refresh as refresh_locale

from blueprints.patient import bp
from blueprints.patient.forms import DeleteForm, clean_text
from services import packets
from services.opening_hours import local
from services.patient_session import current_packet

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


def clinic_time(moment):
    """A UTC instant in the clinic's wall-clock time, as patients read times."""
    if moment is None:
        return None
    return local(g.clinic, moment)


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
