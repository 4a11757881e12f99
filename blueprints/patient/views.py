"""The patient's start of the steps: the overview, the private link, and "About the visit"."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from blueprints.patient import bp
from blueprints.patient.conflicts import conflict, stale
from blueprints.patient.forms import ContactPhoneForm, DeleteForm, EmailLinkForm, VisitForm
from blueprints.patient.steps import STEPS, after_save, render_step, stamp
from content.questions import VISIT
from extensions import limiter
from services import last_time, packets, reminders, rows, visit_day
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
            form.email.errors.append(_("We sent your link a few times in the last hour. "
                                       "Please check your inbox and spam folder, or try "
                                       "again later."))
        else:
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
    return rows.form_data(VISIT, packet)


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
        for name in rows.CLINIC_GIVEN:
            del form[name]
    if form.validate_on_submit():
        if not invited and form.date_of_birth.data is None:
            form.date_of_birth.errors.append(
                _("Please enter your date of birth. We use it to check it is you."))
            return render_step("visit", "patient/visit.html", form=form, **ctx)
        saved = VisitForm(formdata=None, data=_visit_form_data(packet))
        if invited:
            for name in rows.CLINIC_GIVEN:
                del saved[name]
        if stale(form, content, saved):
            return conflict("visit", "patient/visit.html", form, saved, content, **ctx)
        rows.save_visit(packet, form.data)
        return after_save("visit")
    if request.method == "GET":
        form = VisitForm(formdata=None, data=_visit_form_data(packet))
        if invited:
            for name in rows.CLINIC_GIVEN:
                del form[name]
        stamp(form, content)
    return render_step("visit", "patient/visit.html", form=form, **ctx)


#: Pages whose "get help" message asks for the number again, and where to go back to.
CONTACT_PHONE_PAGES = {"safety": "patient.safety", "review": "patient.review",
                       "done": "patient.done", "diary": "patient.diary",
                       "log": "patient.log"}


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
