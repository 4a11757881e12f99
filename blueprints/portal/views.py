"""Views of the public entry pages: a clinic's start page, secret links, the date-of-birth check."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from blueprints.portal import bp
from blueprints.portal.forms import CodeForm, DobForm, LanguageForm, ReminderSettingsForm, StartForm
from extensions import csrf, db, limiter
from models import Clinic, PacketLink
from services import audit, i18n, reminders
from services import patient_session as ps
from services.tokens import find_link, find_link_by_code


def clinic_or_404(slug: str) -> Clinic:
    clinic = db.session.scalar(db.select(Clinic).filter_by(slug=slug))
    if clinic is None:
        abort(404)
    i18n.use_clinic(clinic)
    return clinic


def _link_problem(state: str, clinic: Clinic | None = None):
    """A plain page for a link that cannot be used: what to do, and no health data."""
    status = {"unknown": 404, "expired": 410, "revoked": 410, "locked": 403}.get(state, 404)
    i18n.use_clinic(clinic)
    return render_template("portal/link_problem.html", state=state, clinic=clinic), status


def _enter(link: PacketLink):
    """A usable link: ask for the date of birth when needed, else open the packet."""
    ps.mark_opened(link)
    if ps.needs_dob_check(link):
        ps.begin_pending(session, link)
        db.session.commit()
        return redirect(url_for("portal.dob_check"), 303)
    packet = ps.packet_for_link(link)
    ps.log_in(session, packet, link)
    i18n.remember_on_packet(packet)
    session.permanent = True
    db.session.commit()
    return redirect(url_for("patient.home"), 303)


@bp.get("/")
def index():
    """Say what VisitPrep is; patients arrive through their clinic's link."""
    return render_template("portal/index.html")


@bp.post("/language")
def set_language():
    """The patient's "Español / English" switch: kept in the session and with the packet."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session[i18n.SESSION_KEY] = form.lang.data
    packet = ps.current_packet(session)
    if packet is not None and packet.language != form.lang.data:
        packet.language = form.lang.data
        audit.record("patient.language", actor_type="patient", actor_label="patient",
                     clinic_id=packet.clinic_id, object_type="packet", object_id=packet.id,
                     detail={"language": form.lang.data})
        db.session.commit()
    return redirect(form.next_url(url_for("portal.index")), 303)


@bp.get("/c/<slug>")
def start(slug: str):
    """Show a clinic's start page."""
    clinic = clinic_or_404(slug)
    return render_template("portal/start.html", clinic=clinic, form=StartForm(),
                           code_form=CodeForm(formdata=None))


@bp.post("/c/<slug>")
@limiter.limit("20 per minute")
def start_post(slug: str):
    """Start a new packet and show its private resume link."""
    clinic = clinic_or_404(slug)
    if not clinic.open_start:
        abort(403)
    if not StartForm().validate_on_submit():
        abort(400)
    started = ps.start_packet(clinic, current_app.config["LINK_LIFETIME_DAYS"])
    i18n.remember_on_packet(started.packet)
    db.session.commit()
    ps.log_in(session, started.packet, started.link)
    session.permanent = True
    # Shown once on the next page, then dropped from the session.
    session["show_link"] = [started.token, started.code]
    return redirect(url_for("patient.keep_link"), 303)


@bp.post("/c/<slug>/code")
@limiter.limit("10 per minute")
def resume_code(slug: str):
    """Come back with the short code instead of the link."""
    clinic = clinic_or_404(slug)
    code_form = CodeForm()
    if code_form.validate_on_submit():
        link = find_link_by_code(clinic.id, code_form.code.data)
        state = ps.usable_state(link)
        if state == "ok":
            return _enter(link)
        audit.record("patient.resume_code", actor_type="patient", actor_label="patient",
                     clinic_id=clinic.id, outcome="failure", ip=request.remote_addr)
        db.session.commit()
        if state in {"locked", "expired", "revoked"}:
            return _link_problem(state, clinic)
        code_form.code.errors.append(_("We can't find that code. Please check it and try again."))
    return render_template("portal/start.html", clinic=clinic, form=StartForm(),
                           code_form=code_form), 200


@bp.get("/v/<token>")
def open_link(token: str):
    """Trade a secret link for the session, then go on to a URL without the token."""
    link = find_link(token)
    state = ps.usable_state(link)
    if state != "ok":
        clinic = db.session.get(Clinic, link.clinic_id) if link is not None else None
        return _link_problem(state, clinic)
    return _enter(link)


@bp.route("/v/check", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def dob_check():
    """Ask for the date of birth before opening the packet."""
    link = ps.pending_link(session)
    if link is None:
        return _link_problem("session")
    clinic = db.session.get(Clinic, link.clinic_id)
    state = ps.usable_state(link)
    if state != "ok":
        return _link_problem(state, clinic)
    i18n.use_clinic(clinic)
    form = DobForm()
    if form.validate_on_submit():
        outcome = ps.check_dob(link, form.date_of_birth.data,
                               current_app.config["DOB_MAX_FAILURES"], ip=request.remote_addr)
        db.session.commit()
        if outcome == "ok":
            packet = ps.packet_for_link(link)
            ps.log_in(session, packet, db.session.get(PacketLink, link.id))
            i18n.remember_on_packet(packet)
            db.session.commit()
            session.permanent = True
            return redirect(url_for("patient.home"), 303)
        if outcome == "locked":
            return _link_problem("locked", clinic)
        # The same words for every wrong try: they say nothing about which part was wrong.
        form.date_of_birth.errors.append(
            _("That does not match what we have. Please check and try again."))
    return render_template("portal/dob.html", form=form, clinic=clinic)


def _reminder_packet(token: str):
    found = reminders.packet_for_settings(token)
    if found is None:
        abort(404)
    return found


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def reminder_settings(token: str):
    """Change or stop reminders from a link in a reminder mail, without logging in."""
    packet, _kind = _reminder_packet(token)
    hour = packet.daily_reminder_hour
    form = ReminderSettingsForm(data={"daily_hour": str(hour) if hour is not None else "",
                                      "previsit": packet.previsit_reminders})
    if form.validate_on_submit():
        reminders.change_settings(packet, daily_hour=form.hour, previsit=form.previsit.data,
                                  ip=request.remote_addr)
        return render_template("portal/reminders.html", form=form, clinic=packet.clinic,
                               packet=packet, token=token, saved=True)
    return render_template("portal/reminders.html", form=form, clinic=packet.clinic,
                           packet=packet, token=token, saved=False)


@bp.route("/r/<token>/stop", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("30 per minute", methods=["POST"])
def unsubscribe(token: str):
    """One-click unsubscribe (RFC 8058): a POST from the mail program, or the button here.

    No CSRF token: mail programs post `List-Unsubscribe=One-Click` without one. The signed
    token in the URL is the authority, and all it can do is stop reminders.
    """
    packet, kind = _reminder_packet(token)
    if request.method == "POST":
        reminders.stop(packet, kind, ip=request.remote_addr)
        return render_template("portal/unsubscribed.html", clinic=packet.clinic, token=token,
                               kind=kind)
    return render_template("portal/unsubscribe.html", clinic=packet.clinic, token=token,
                           kind=kind)
