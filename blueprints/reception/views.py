"""Views of the reception workspace: the queue, a packet, appointments and their links."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from blueprints.auth.views import to_login
from blueprints.reception import bp
from blueprints.reception.forms import (
    ActionForm,
    AppointmentForm,
    EmailInvitationForm,
    NoteForm,
    PatientSearchForm,
    QueueFilterForm,
    SafetyCallForm,
)
from extensions import db
from models import Appointment, Packet, Patient, utcnow
from services import invitations, patients, review, safety_calls
from services import queue as queue_service
from services.flags import packet_flags
from services.formatting import format_zoned
from services.opening_hours import clinic_now, local
from services.public_url import public_base
from services.summary import build_summary, load_packet

#: Query-string keys the queue understands; "back to the queue" keeps only these.
QUEUE_KEYS = ("view", "name", "doctor", "date_from", "date_to", "flagged", "after")
#: The personal link waiting to be shown once, kept in the session between POST and GET.
SHOW_ONCE = "invitation_to_show"


@bp.before_request
def require_staff():
    """Default deny: every reception page needs a logged-in staff member."""
    if not current_user.is_authenticated:
        return to_login()
    return None


def _ip() -> str | None:
    return request.remote_addr


def _clinic_now() -> datetime:
    """The staff member's clinic's wall-clock time, which is how appointments are stored."""
    return clinic_now(current_user.clinic)


@bp.app_template_filter("clinic_time")
def clinic_time(value: datetime | None) -> str:
    """A UTC instant in the staff member's clinic's time zone, the zone named, for staff pages."""
    if value is None:
        return ""
    if current_user and current_user.is_authenticated:
        return format_zoned(local(current_user.clinic, value))
    return format_zoned(value.astimezone(ZoneInfo(current_app.config["TIMEZONE_DEFAULT"])))


@bp.app_context_processor
def safety_call_count():
    """The staff header's count of open safety calls, on every staff page."""

    def open_safety_calls() -> int | None:
        if not (current_user and current_user.is_authenticated):
            return None
        try:
            return safety_calls.open_count(current_user.clinic_id)
        except SQLAlchemyError:  # the header never turns a page into an error
            db.session.rollback()
            return None

    return {"open_safety_calls": open_safety_calls, "safety_due": safety_calls.due_words,
            "safety_label": safety_calls.flag_label}


def _call_form(call_id: int, **kwargs) -> SafetyCallForm:
    """One form per call on a page: the prefix keeps their field ids apart."""
    return SafetyCallForm(prefix=f"call{call_id}", **kwargs)


def _queue_query(args) -> str:
    """The queue's own query string, rebuilt from known keys only (never a URL)."""
    return urlencode([(k, v[:200]) for k, v in args if k in QUEUE_KEYS and v])


def queue_url(query: str) -> str:
    query = _queue_query(parse_qsl(query or "", keep_blank_values=False))
    return url_for("reception.queue") + (f"?{query}" if query else "")


def _packet_or_404(packet_id: int) -> Packet:
    packet = review.packet_for_staff(packet_id, current_user)
    if packet is None:
        abort(404)
    return packet


def _appointment_or_404(appointment_id: int) -> Appointment:
    appointment = invitations.appointment_for_staff(appointment_id, current_user)
    if appointment is None:
        abort(404)
    return appointment


@bp.get("/")
def queue():
    """Show the review queue, red flags first, one page at a time."""
    today = _clinic_now().date()
    form = QueueFilterForm(request.args)
    doctors = queue_service.doctors(current_user.clinic_id, today)
    form.doctor.choices = [("", _("Any doctor"))] + [(d, d) for d in doctors]
    if request.args.get("doctor") and request.args["doctor"] not in doctors:
        form.doctor.choices.append((request.args["doctor"], request.args["doctor"]))
    filters = queue_service.QueueFilters()
    valid = form.validate() if request.args else True
    if valid:
        filters = queue_service.QueueFilters(
            view=form.view.data or "submitted",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            doctor=form.doctor.data or "",
            flagged=bool(form.flagged.data),
            name=(form.name.data or "").strip(),
        )
    after = queue_service.Cursor.decode(request.args.get("after"))
    if filters.view == "unopened":
        page = queue_service.unopened_page(current_user.clinic_id, filters, today, after)
    else:
        page = queue_service.packet_page(current_user.clinic_id, filters, today, after)
    here = _queue_query(request.args.items(multi=True))
    next_url = None
    if page.next_cursor is not None:
        args = [(k, v) for k, v in parse_qsl(here) if k != "after"]
        args.append(("after", page.next_cursor.encode()))
        next_url = url_for("reception.queue") + "?" + urlencode(args)
    first_url = None
    if after is not None:
        first_url = queue_url(urlencode([(k, v) for k, v in parse_qsl(here) if k != "after"]))
    tabs = [(key, label) for key, label in form.view.choices]
    return render_template(
        "reception/queue.html",
        calls=safety_calls.open_calls(current_user.clinic_id),
        now=utcnow(),
        form=form,
        filters=filters,
        page=page,
        here=here,
        tabs=tabs,
        next_url=next_url,
        first_url=first_url,
        filters_valid=valid,
    )


def _render_packet(packet: Packet, status: int = 200, **forms):
    """The packet page: the summary, its safety calls, review and notes."""
    back = _queue_query(parse_qsl(request.values.get("back", "")))
    call_forms = forms.pop("call_forms", {})
    for call in packet.safety_calls:
        if call.is_open and call.id not in call_forms:
            call_forms[call.id] = _call_form(call.id, formdata=None,
                                             data={"version": call.version})
    page = render_template(
        "reception/packet.html",
        packet=packet,
        summary=build_summary(packet, audience="staff"),
        note_form=forms.pop("note_form", None) or NoteForm(),
        action_form=ActionForm(),
        call_forms=call_forms,
        signs_now={f.key for f in packet_flags(packet)},
        now=utcnow(),
        back=back,
        back_url=queue_url(back),
        record=patients.record_box(packet),
    )
    # Audited after rendering from the rows loaded in one go (the commit expires them),
    # and before anything is shown: no audit row, no page.
    review.record_view(packet, current_user, ip=_ip())
    return page, status


def _loaded_packet_or_404(packet_id: int) -> Packet:
    packet = load_packet(packet_id, clinic_id=current_user.clinic_id) if (
        0 < packet_id <= review.MAX_ID) else None
    if packet is None:
        abort(404)
    return packet


@bp.get("/packets/<int:packet_id>")
def packet(packet_id: int):
    """Show a packet's visit summary with safety calls, review, notes and print (audited)."""
    return _render_packet(_loaded_packet_or_404(packet_id))


@bp.post("/safety-calls/<int:call_id>")
def safety_call(call_id: int):
    """Record what happened on a safety call: closed with an outcome, or tried again later."""
    call = safety_calls.call_for_staff(call_id, current_user)
    if call is None:
        abort(404)
    form = _call_form(call.id)
    back = _queue_query(parse_qsl(request.form.get("back", "")))
    here = url_for("reception.packet", packet_id=call.packet_id, back=back or None,
                   _anchor=f"call-{call.id}")
    if not form.validate_on_submit():
        packet = _loaded_packet_or_404(call.packet_id)
        return _render_packet(packet, 400, call_forms={call.id: form})
    result = safety_calls.record_outcome(call, current_user, form.outcome.data,
                                         form.note.data, int(form.version.data), ip=_ip())
    label = safety_calls.OUTCOME_LABELS[form.outcome.data]
    if result.outcome == "closed":
        flash(_("Safety call closed: %(outcome)s.", outcome=label), "success")
        return redirect(queue_url(back), 303)
    if result.outcome == "retry":
        flash(_("Recorded: %(outcome)s. The call stays open, due again %(when)s.",
                outcome=label, when=clinic_time(result.call.due_at)), "warning")
        return redirect(queue_url(back), 303)
    last = result.call.events[-1] if result.call.events else None
    who = (last.actor.name or last.actor.email) if last and last.actor else _("someone")
    what = safety_calls.OUTCOME_LABELS.get(last.outcome, "") if last and last.outcome else ""
    when = clinic_time(last.at) if last else ""
    if result.outcome == "already_closed":
        flash(_("%(who)s already closed this call (%(what)s, %(when)s). Nothing was changed.",
                who=who, what=what, when=when), "warning")
    else:
        flash(_("%(who)s recorded something on this call since you opened the page (%(what)s, "
                "%(when)s). Nothing was saved: look at it again first.",
                who=who, what=what, when=when), "warning")
    return redirect(here, 303)


@bp.post("/packets/<int:packet_id>/review")
def mark_reviewed(packet_id: int):
    """Mark a submitted packet reviewed; it leaves the queue for good."""
    packet = _packet_or_404(packet_id)
    back = _queue_query(parse_qsl(request.form.get("back", "")))
    if not ActionForm().validate_on_submit():
        abort(400)
    result = review.mark_reviewed(packet, current_user, ip=_ip())
    if result.outcome == "reviewed":
        flash(_("%(name)s is marked reviewed and has left the queue.",
                name=packet.patient_name or _("The packet")), "success")
        return redirect(queue_url(back), 303)
    if result.outcome == "already":
        who = packet.reviewed_by.name or packet.reviewed_by.email if packet.reviewed_by else ""
        flash(_("Someone else marked this reviewed first (%(who)s). Nothing was changed.",
                who=who or _("another staff member")), "warning")
    else:
        flash(_("Only a submitted packet can be marked reviewed."), "warning")
    return redirect(url_for("reception.packet", packet_id=packet.id, back=back or None), 303)


@bp.post("/packets/<int:packet_id>/notes")
def add_note(packet_id: int):
    """Add a staff note to a packet."""
    packet = _packet_or_404(packet_id)
    form = NoteForm()
    back = _queue_query(parse_qsl(request.form.get("back", "")))
    if form.validate_on_submit():
        review.add_note(packet, current_user, form.body.data, ip=_ip())
        flash(_("Note added."), "success")
        return redirect(url_for("reception.packet", packet_id=packet.id, back=back or None,
                                _anchor="notes"), 303)
    return _render_packet(_loaded_packet_or_404(packet.id), 400, note_form=form)


@bp.get("/appointments")
def appointments():
    """List upcoming appointments and the state of their links."""
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    rows, more = invitations.upcoming_appointments(current_user, _clinic_now().date(), page)
    return render_template(
        "reception/appointments.html",
        rows=[(a, invitations.current_link(a)) for a in rows],
        page=page,
        more=more,
        action_form=ActionForm(),
        now=datetime.now().astimezone(),
    )


def _patient_or_404(patient_id: int) -> Patient:
    patient = patients.patient_for_staff(patient_id, current_user)
    if patient is None:
        abort(404)
    return patient


@bp.route("/appointments/new", methods=["GET", "POST"])
def new_appointment():
    """Book an appointment for an existing patient (offered first when one matches) or a new one."""
    now = _clinic_now()
    form = AppointmentForm(now=now)
    chosen = None
    if request.method == "GET" and request.args.get("patient", "").isdigit():
        chosen = _patient_or_404(int(request.args["patient"]))
        form = AppointmentForm(formdata=None, now=now, data={
            "patient_name": chosen.name, "date_of_birth": chosen.date_of_birth,
            "record_number": chosen.record_number, "phone": chosen.phone,
            "email": chosen.email, "patient_choice": str(chosen.id)})
        patients.record_history_view(chosen, current_user, ip=_ip())
    matches: list[Patient] = []
    if form.validate_on_submit():
        chosen_id = form.chosen_patient_id()
        chosen = _patient_or_404(chosen_id) if chosen_id is not None else None
        if chosen is None and not form.chose_new():
            matches = patients.candidates(
                current_user.clinic_id, name=form.patient_name.data,
                date_of_birth=form.date_of_birth.data, record_number=form.record_number.data)
        if chosen is None and not matches and patients.record_number_taken(
                current_user.clinic_id, form.record_number.data):
            form.record_number.errors.append(
                _("Another patient has this record number. Check it, or leave it empty."))
        elif chosen is not None or not matches:
            appointment, token = invitations.create_appointment(
                current_user,
                patient=chosen,
                patient_name=form.patient_name.data,
                date_of_birth=form.date_of_birth.data,
                scheduled_for=form.scheduled_for(),
                doctor=form.doctor.data,
                phone=form.phone.data,
                email=form.email.data,
                record_number=form.record_number.data,
                lifetime_days=current_app.config["LINK_LIFETIME_DAYS"],
                ip=_ip(),
            )
            session[SHOW_ONCE] = {"id": appointment.id, "token": token}
            return redirect(url_for("reception.invitation", appointment_id=appointment.id), 303)
        for match in matches:
            patients.record_history_view(match, current_user, ip=_ip())
    return render_template("reception/new_appointment.html", form=form, chosen=chosen,
                           matches=[(m, patients.visits(m)) for m in matches])


@bp.get("/patients")
def patient_search():
    """Find a patient by name, date of birth or record number."""
    form = PatientSearchForm(request.args)
    found = []
    if request.args and form.validate():
        found = patients.search(current_user.clinic_id, form.q.data, form.date_of_birth.data)
        for patient in found:
            patients.record_history_view(patient, current_user, ip=_ip(), action="patient.find")
    return render_template("reception/patients.html", form=form, found=found,
                           searched=bool(request.args))


@bp.get("/patients/<int:patient_id>")
def patient(patient_id: int):
    """Show a patient's record and visits (every view is audited)."""
    patient = _patient_or_404(patient_id)
    page = render_template("reception/patient.html", patient=patient,
                           visits=patients.visits(patient),
                           diary_size=patients.diary_size(patient))
    patients.record_history_view(patient, current_user, ip=_ip())
    return page


@bp.get("/packets/<int:packet_id>/match")
def match(packet_id: int):
    """Compare a self-started packet with patients who may be the same person."""
    packet = _packet_or_404(packet_id)
    matchable = patients.can_match(packet)
    found = patients.match_candidates(packet) if matchable else []
    page = render_template("reception/match.html", packet=packet, action_form=ActionForm(),
                           matchable=matchable, found=[(p, patients.visits(p)) for p in found])
    for candidate in found:
        patients.record_history_view(candidate, current_user, ip=_ip())
    return page


@bp.post("/packets/<int:packet_id>/match/<int:patient_id>")
def confirm_match(packet_id: int, patient_id: int):
    """Confirm that a self-started packet is this patient's: it joins their record."""
    packet = _packet_or_404(packet_id)
    target = _patient_or_404(patient_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        patients.match(packet, target, current_user, ip=_ip())
    except patients.CannotMatch:
        flash(_("That packet can't be matched to that patient."), "warning")
        return redirect(url_for("reception.packet", packet_id=packet.id), 303)
    flash(_("The packet is now on %(name)s's record. You can undo this on the packet page.",
            name=target.name or _("the patient")), "success")
    return redirect(url_for("reception.packet", packet_id=packet.id), 303)


@bp.post("/packets/<int:packet_id>/unmatch")
def undo_match(packet_id: int):
    """Undo a match: the packet goes back to the record it was started with."""
    packet = _packet_or_404(packet_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if patients.undo_match(packet, current_user, ip=_ip()):
        flash(_("The match is undone. The packet is on its own record again."), "success")
    else:
        flash(_("There is no match to undo."), "warning")
    return redirect(url_for("reception.packet", packet_id=packet.id), 303)


@bp.get("/appointments/<int:appointment_id>/link")
def invitation(appointment_id: int):
    """Show the personal link once, with a message to paste into the portal."""
    appointment = _appointment_or_404(appointment_id)
    pending = session.pop(SHOW_ONCE, None) or {}
    token = pending.get("token") if pending.get("id") == appointment.id else None
    link = None
    if token:
        link = invitations.patient_link(public_base(), token)
    return _invitation_page(appointment, link, EmailInvitationForm(
        data={"email": appointment.patient_email or ""}))


def _invitation_page(appointment: Appointment, link: str | None, email_form, status=200):
    return render_template(
        "reception/invitation.html",
        appointment=appointment,
        link=link,
        clinic=current_user.clinic,
        action_form=ActionForm(),
        email_form=email_form,
        messages=invitations.messages_for(appointment),
    ), status


@bp.post("/appointments/<int:appointment_id>/email")
def email_invitation(appointment_id: int):
    """Mail the invitation with a new personal link (the old link stops)."""
    appointment = _appointment_or_404(appointment_id)
    form = EmailInvitationForm()
    if appointment.status == "cancelled":
        flash(_("This appointment is cancelled, so it can't have a new link."), "warning")
        return redirect(url_for("reception.appointments"), 303)
    if not form.validate_on_submit():
        return _invitation_page(appointment, None, form, status=422)
    invitations.email_invitation(appointment, current_user, form.email.data, ip=_ip())
    flash(_("The invitation is on its way to %(email)s, with a new link. The old link "
            "stopped working.", email=appointment.patient_email), "success")
    return redirect(url_for("reception.invitation", appointment_id=appointment.id), 303)


@bp.post("/appointments/<int:appointment_id>/reissue")
def reissue(appointment_id: int):
    """Make a new personal link; the old one stops working."""
    appointment = _appointment_or_404(appointment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if appointment.status == "cancelled":
        flash(_("This appointment is cancelled, so it can't have a new link."), "warning")
        return redirect(url_for("reception.appointments"), 303)
    token = invitations.reissue(appointment, current_user,
                                current_app.config["LINK_LIFETIME_DAYS"], ip=_ip())
    session[SHOW_ONCE] = {"id": appointment.id, "token": token}
    flash(_("Here is the new link. The old link no longer works."), "success")
    return redirect(url_for("reception.invitation", appointment_id=appointment.id), 303)


@bp.post("/appointments/<int:appointment_id>/unlock")
def unlock(appointment_id: int):
    """Unlock a link locked after wrong dates of birth."""
    appointment = _appointment_or_404(appointment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    invitations.unlock(appointment, current_user, ip=_ip())
    flash(_("The link for %(name)s works again.", name=appointment.patient_name), "success")
    return redirect(url_for("reception.appointments"), 303)


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
def cancel(appointment_id: int):
    """Ask, then cancel an appointment; its link stops working."""
    appointment = _appointment_or_404(appointment_id)
    if request.method == "GET":
        return render_template("reception/cancel.html", appointment=appointment,
                               action_form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    if invitations.cancel(appointment, current_user, ip=_ip()):
        flash(_("The appointment for %(name)s is cancelled and its link stopped.",
                name=appointment.patient_name), "success")
    else:
        flash(_("That appointment was already cancelled."), "warning")
    return redirect(url_for("reception.appointments"), 303)
