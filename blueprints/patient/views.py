"""The patient's start of the steps: the overview, the private link, and "About the visit"."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from blueprints.patient import bp
from blueprints.patient.common import STEPS, after_save, conflict, render_step, stale, stamp
from blueprints.patient.forms import ContactPhoneForm, DeleteForm, EmailLinkForm, VisitForm
from extensions import db, limiter
from services import last_time, packets, patients, reminders, visit_day
from services import patient_session as ps
from services.public_url import public_url
from services.tokens import format_code


def link_url(token: str) -> str:
    return public_url(f"/v/{token}")


@bp.get("/")
def home():
    """Show every step with what is saved, and where to go on."""
    packet = g.packet
    if not packet.is_editable:
        return redirect(url_for("patient.done"), 303)
    saved = set(packet.steps_saved or [])
    next_step = next((key for key in STEPS if key not in saved and key != "review"), "review")
    return render_template("patient/home.html", saved=saved, next_step=next_step,
                           self_started=packet.appointment_id is None, form=DeleteForm(),
                           last_time_waiting=last_time.offers(packet).waiting,
                           asked_before=len(visit_day.asked_before(packet)))


@bp.get("/keep-link")
def keep_link():
    """Show the private link and code once, right after they were made."""
    shown = session.pop("show_link", None)
    if not shown:
        return render_template("patient/keep_link.html", link=None, code=None,
                               form=DeleteForm())
    token, code = shown
    return render_template("patient/keep_link.html", link=link_url(token),
                           code=format_code(code), form=DeleteForm(),
                           email_form=_email_form())


def _email_form(formdata=None) -> EmailLinkForm:
    packet = g.packet
    hour = packet.daily_reminder_hour
    return EmailLinkForm(formdata=formdata, data={
        "email": reminders.address_for(packet) or "",
        "daily_hour": str(hour) if hour is not None else ""})


@bp.route("/email", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def email_link():
    """Mail the patient a new private link (and keep their daily reminder choice)."""
    form = _email_form(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            reminders.email_my_link(g.packet, form.email.data, form.hour, ip=request.remote_addr)
        except reminders.TooMany:
            db.session.rollback()
            form.email.errors.append(_("We sent your link a few times in the last hour. "
                                       "Please check your inbox and spam folder, or try "
                                       "again later."))
        else:
            db.session.commit()
            # The same words whatever the address: they confirm nothing about it.
            flash(_("Your link is on its way. It can take a few minutes. Look in your spam "
                    "folder if you do not see it."), "success")
            return redirect(url_for("patient.email_link"), 303)
    return render_template("patient/email_link.html", form=form), (
        422 if form.errors else 200)


@bp.post("/new-link")
def new_link():
    """Make a new private link and code for a self-started packet (the old ones stop)."""
    packet = g.packet
    if packet.appointment_id is not None or not DeleteForm().validate_on_submit():
        flash(_("Your clinic sent you your link. Use that one to come back."), "warning")
        return redirect(url_for("patient.home"), 303)
    started = ps.new_resume_link(packet, current_app.config["LINK_LIFETIME_DAYS"])
    db.session.commit()
    ps.log_in(session, packet, started.link)
    session.permanent = True
    session["show_link"] = [started.token, started.code]
    return redirect(url_for("patient.keep_link"), 303)


@bp.post("/leave")
def leave():
    """End this browser's session; the link opens it again."""
    if DeleteForm().validate_on_submit():
        clinic = g.clinic
        ps.fresh_session(session)
        return render_template("patient/left.html", clinic=clinic)
    return redirect(url_for("patient.home"), 303)


def _visit_form_data(packet) -> dict:
    return {
        "patient_name": packet.patient_name, "date_of_birth": packet.date_of_birth,
        "visit_date": packet.visit_date, "doctor": packet.doctor,
        "reason_prompts": list(packet.reason_prompts or []), "reason": packet.reason,
        "hopes": packet.hopes, "contact_phone": packet.contact_phone,
    }


@bp.route("/visit", methods=["GET", "POST"])
def visit():
    """Step 1: about the visit."""
    packet = g.packet
    invited = packet.appointment_id is not None
    content = packets.step_content(packet, "visit")
    form = VisitForm()
    ctx = {"invited": invited}
    if invited:
        # The clinic gave these: shown, not edited here.
        for name in ("patient_name", "date_of_birth", "visit_date", "doctor"):
            del form[name]
    if form.validate_on_submit():
        if not invited and form.date_of_birth.data is None:
            form.date_of_birth.errors.append(
                _("Please enter your date of birth. We use it to check it is you."))
            return render_step("visit", "patient/visit.html", form=form, **ctx)
        saved = VisitForm(formdata=None, data=_visit_form_data(packet))
        if invited:
            for name in ("patient_name", "date_of_birth", "visit_date", "doctor"):
                del saved[name]
        if stale(form, content, saved):
            return conflict("visit", "patient/visit.html", form, saved, content, **ctx)
        if not invited:
            packet.patient_name = form.patient_name.data or ""
            packet.date_of_birth = form.date_of_birth.data
            packet.visit_date = form.visit_date.data
            packet.doctor = form.doctor.data or ""
            patients.mirror_self_started(packet)
        packet.reason_prompts = list(form.reason_prompts.data or [])
        packet.reason = form.reason.data or ""
        packet.hopes = form.hopes.data or ""
        packet.contact_phone = form.contact_phone.data or ""
        packets.commit_step(packet, "visit")
        return after_save("visit")
    if request.method == "GET":
        form = VisitForm(formdata=None, data=_visit_form_data(packet))
        if invited:
            for name in ("patient_name", "date_of_birth", "visit_date", "doctor"):
                del form[name]
        stamp(form, content)
    return render_step("visit", "patient/visit.html", form=form, **ctx)


#: Pages whose "get help" message asks for the number again, and where to go back to.
CONTACT_PHONE_PAGES = {"safety": "patient.safety", "review": "patient.review",
                       "done": "patient.done"}


@bp.route("/contact-phone", methods=["GET", "POST"])
def contact_phone():
    """Keep the number the clinic can call today (asked inside the "get help" messages)."""
    form = ContactPhoneForm()
    back = form.back.data if form.back.data in CONTACT_PHONE_PAGES else "review"
    if form.validate_on_submit():
        packets.save_contact_phone(g.packet, form.contact_phone.data or "")
        if form.contact_phone.data:
            flash(_("Thank you. The clinic will call %(phone)s if it needs to.",
                    phone=form.contact_phone.data), "success")
        return redirect(url_for(CONTACT_PHONE_PAGES[back]), 303)
    if request.method == "GET":
        form = ContactPhoneForm(formdata=None, data={"contact_phone": g.packet.contact_phone,
                                                     "back": back})
    status = 422 if request.method == "POST" else 200
    return render_template("patient/contact_phone.html", form=form,
                           help_level=packets.help_level(g.packet),
                           back_url=url_for(CONTACT_PHONE_PAGES[back])), status
