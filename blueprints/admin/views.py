"""Views of clinic administration: staff, question bank, settings, audit log. Admins only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin import bp
from blueprints.admin.forms import (
    OUTCOME_LABELS,
    ROLE_LABELS,
    WEEKDAY_NAMES,
    ActionForm,
    AuditFilterForm,
    MoveForm,
    OutboxFilterForm,
    QuestionForm,
    RoleForm,
    SettingsForm,
    StaffInviteForm,
    TopicForm,
)
from blueprints.auth.views import to_login
from services import admin as admin_service
from services.admin import AdminError
from services.i18n import bank_translation, bank_wording
from services.queue import MAX_ID

#: A new account's one-time password, kept in the session from POST to the page that shows it.
SHOW_ONCE = "password_to_show"


@bp.context_processor
def admin_words():
    return {"role_label": lambda role: ROLE_LABELS.get(role, role),
            "outcome_label": lambda outcome: OUTCOME_LABELS.get(outcome, outcome)}


@bp.before_request
def require_admin():
    """Default deny: a logged-in admin of the clinic, nobody else (reception gets 404)."""
    if not current_user.is_authenticated:
        return to_login()
    if not current_user.is_admin:
        abort(404)
    return None


def _ip() -> str | None:
    return request.remote_addr


def _user_or_404(user_id: int):
    user = admin_service.staff_member(current_user, user_id)
    if user is None:
        abort(404)
    return user


def _check_action(form=None) -> None:
    if not (form or ActionForm()).validate_on_submit():
        abort(400)


@bp.get("/")
def index():
    """Show the administration home."""
    return render_template("admin/index.html")


# Staff ------------------------------------------------------------------------------------


@bp.get("/staff")
def staff():
    """List the clinic's staff accounts."""
    users = admin_service.staff_of(current_user.clinic_id)
    return render_template(
        "admin/staff.html",
        users=users,
        action_form=ActionForm(),
        role_forms={u.id: RoleForm(formdata=None, data={"role": u.role}) for u in users},
    )


@bp.route("/staff/new", methods=["GET", "POST"])
def new_staff():
    """Make an account with a one-time password."""
    form = StaffInviteForm()
    if form.validate_on_submit():
        try:
            user, password = admin_service.invite_staff(
                current_user, form.email.data, form.name.data or "", form.role.data, ip=_ip())
        except AdminError as exc:
            form.email.errors.append(str(exc))
        else:
            session[SHOW_ONCE] = {"id": user.id, "password": password}
            return redirect(url_for("admin.staff_password", user_id=user.id), 303)
    return render_template("admin/new_staff.html", form=form)


@bp.get("/staff/<int:user_id>/password")
def staff_password(user_id: int):
    """Show a one-time password once."""
    user = _user_or_404(user_id)
    pending = session.pop(SHOW_ONCE, None) or {}
    password = pending.get("password") if pending.get("id") == user.id else None
    return render_template("admin/staff_password.html", user=user, password=password)


@bp.post("/staff/<int:user_id>/role")
def staff_role(user_id: int):
    """Change an account's role."""
    user = _user_or_404(user_id)
    form = RoleForm()
    _check_action(form)
    try:
        admin_service.change_role(current_user, user, form.role.data, ip=_ip())
        flash(_("%(email)s is now %(role)s.", email=user.email,
                role=ROLE_LABELS.get(user.role, user.role)), "success")
    except AdminError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.staff"), 303)


@bp.post("/staff/<int:user_id>/disable")
def staff_disable(user_id: int):
    """Disable an account; its sessions end at once."""
    user = _user_or_404(user_id)
    _check_action()
    try:
        admin_service.set_active(current_user, user, False, ip=_ip())
        flash(_("%(email)s can no longer log in.", email=user.email), "success")
    except AdminError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.staff"), 303)


@bp.post("/staff/<int:user_id>/enable")
def staff_enable(user_id: int):
    """Enable a disabled account."""
    user = _user_or_404(user_id)
    _check_action()
    try:
        admin_service.set_active(current_user, user, True, ip=_ip())
        flash(_("%(email)s can log in again.", email=user.email), "success")
    except AdminError as exc:
        flash(str(exc), "error")
    return redirect(url_for("admin.staff"), 303)


@bp.post("/staff/<int:user_id>/reset-totp")
def staff_reset_totp(user_id: int):
    """Forget an account's two-step set-up; it sets up again at the next login."""
    user = _user_or_404(user_id)
    _check_action()
    admin_service.reset_totp(current_user, user, ip=_ip())
    flash(_("Two-step login for %(email)s is reset. They set it up again at their next login.",
            email=user.email), "success")
    return redirect(url_for("admin.staff"), 303)


@bp.post("/staff/<int:user_id>/clear-login")
def staff_clear_login(user_id: int):
    """Let an account kept waiting by wrong login tries log in again now."""
    user = _user_or_404(user_id)
    _check_action()
    admin_service.clear_login_throttle(current_user, user, ip=_ip())
    flash(_("%(email)s can try to log in again now.", email=user.email), "success")
    return redirect(url_for("admin.staff"), 303)


@bp.post("/staff/<int:user_id>/reset-password")
def staff_reset_password(user_id: int):
    """Give an account a new one-time password."""
    user = _user_or_404(user_id)
    _check_action()
    try:
        password = admin_service.reset_password(current_user, user, ip=_ip())
    except AdminError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.staff"), 303)
    session[SHOW_ONCE] = {"id": user.id, "password": password}
    return redirect(url_for("admin.staff_password", user_id=user.id), 303)


# Question bank ----------------------------------------------------------------------------


def _topic_choices():
    return [(t.id, bank_wording(t, "title")) for t in admin_service.topics_of(current_user.clinic_id)]


@bp.get("/questions")
def questions():
    """Show the clinic's question bank, topic by topic."""
    question_form = QuestionForm()
    question_form.topic.choices = _topic_choices()
    return render_template(
        "admin/questions.html",
        topics=admin_service.topics_of(current_user.clinic_id),
        topic_form=TopicForm(),
        question_form=question_form,
        action_form=ActionForm(),
    )


@bp.post("/questions/topics")
def add_topic():
    """Add a topic at the end of the bank."""
    form = TopicForm()
    if form.validate_on_submit():
        admin_service.add_topic(current_user, form.title.data, form.blurb.data or "", ip=_ip(),
                                title_es=form.title_es.data, blurb_es=form.blurb_es.data)
        flash(_("Topic added."), "success")
        return redirect(url_for("admin.questions"), 303)
    question_form = QuestionForm(formdata=None)
    question_form.topic.choices = _topic_choices()
    return render_template(
        "admin/questions.html",
        topics=admin_service.topics_of(current_user.clinic_id),
        topic_form=form, question_form=question_form, action_form=ActionForm(),
    ), 400


@bp.post("/questions/new")
def add_question():
    """Add a question at the end of a topic."""
    form = QuestionForm()
    form.topic.choices = _topic_choices()
    if form.validate_on_submit():
        topic = admin_service.topic_of(current_user, form.topic.data)
        if topic is None:
            abort(404)
        admin_service.add_question(current_user, topic, form.text.data, ip=_ip(),
                                   text_es=form.text_es.data)
        flash(_("Question added."), "success")
        return redirect(url_for("admin.questions", _anchor=f"topic-{topic.id}"), 303)
    return render_template(
        "admin/questions.html",
        topics=admin_service.topics_of(current_user.clinic_id),
        topic_form=TopicForm(formdata=None), question_form=form, action_form=ActionForm(),
    ), 400


@bp.route("/questions/topics/<int:topic_id>/edit", methods=["GET", "POST"])
def edit_topic(topic_id: int):
    """Change a topic's title or description."""
    topic = admin_service.topic_of(current_user, topic_id)
    if topic is None:
        abort(404)
    form = TopicForm(obj=topic)
    if not form.is_submitted():
        # A built-in wording shows the catalogue's Spanish, ready to keep or change.
        form.title_es.data = bank_translation(topic, "title") or ""
        form.blurb_es.data = bank_translation(topic, "blurb") or ""
    if form.validate_on_submit():
        admin_service.edit_topic(current_user, topic, form.title.data, form.blurb.data or "",
                                 ip=_ip(), title_es=form.title_es.data,
                                 blurb_es=form.blurb_es.data)
        flash(_("Topic saved."), "success")
        return redirect(url_for("admin.questions", _anchor=f"topic-{topic.id}"), 303)
    return render_template("admin/edit_topic.html", form=form, topic=topic)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int):
    """Change a question's wording or topic."""
    question = admin_service.question_of(current_user, question_id)
    if question is None:
        abort(404)
    form = QuestionForm(obj=question, topic=question.topic_id)
    form.topic.choices = _topic_choices()
    if not form.is_submitted():
        form.text_es.data = bank_translation(question, "text") or ""
    if form.validate_on_submit():
        topic = admin_service.topic_of(current_user, form.topic.data)
        if topic is None:
            abort(404)
        admin_service.edit_question(current_user, question, form.text.data, topic, ip=_ip(),
                                    text_es=form.text_es.data)
        flash(_("Question saved."), "success")
        return redirect(url_for("admin.questions", _anchor=f"question-{question.id}"), 303)
    return render_template("admin/edit_question.html", form=form, question=question)


def _bank_object(kind: str, object_id: int):
    finder = admin_service.topic_of if kind == "topics" else admin_service.question_of
    obj = finder(current_user, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.post("/questions/<any(topics, questions):kind>/<int:object_id>/toggle")
def toggle(kind: str, object_id: int):
    """Hide or show a topic or a question."""
    obj = _bank_object(kind, object_id)
    _check_action()
    hidden = admin_service.toggle_hidden(current_user, obj, ip=_ip())
    flash(_("Hidden from patients.") if hidden else _("Shown to patients again."), "success")
    return redirect(url_for("admin.questions", _anchor=f"{kind[:-1]}-{obj.id}"), 303)


@bp.post("/questions/<any(topics, questions):kind>/<int:object_id>/move")
def move(kind: str, object_id: int):
    """Move a topic or a question up or down."""
    obj = _bank_object(kind, object_id)
    form = MoveForm()
    _check_action(form)
    admin_service.move(current_user, obj, form.direction.data, ip=_ip())
    return redirect(url_for("admin.questions", _anchor=f"{kind[:-1]}-{obj.id}"), 303)


# Settings and audit -----------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Change the clinic's settings."""
    clinic = current_user.clinic
    form = SettingsForm(obj=clinic, data=SettingsForm.hours_data(clinic.opening_hours))
    if form.validate_on_submit():
        values = {key: getattr(form, key).data for key in admin_service.SETTINGS}
        values["opening_hours"] = form.opening_hours()
        for key in admin_service.MAIL_SETTINGS:
            if key not in request.form or values[key] is None:
                values[key] = getattr(clinic, key)
        changed = admin_service.update_settings(current_user, values, ip=_ip())
        flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("admin.settings"), 303)
    return render_template("admin/settings.html", form=form, weekdays=WEEKDAY_NAMES)


@bp.get("/outbox")
def outbox():
    """Show the clinic's outbox, newest first, filtered by kind, state and date."""
    from services.outbox import KIND_LABELS, STATUS_LABELS

    form = OutboxFilterForm(request.args)
    form.kind.choices = [("", _("Any"))] + [(k, str(v)) for k, v in KIND_LABELS.items()]
    form.status.choices = [("", _("Any"))] + [(k, str(v)) for k, v in STATUS_LABELS.items()]
    filters = admin_service.OutboxFilters()
    if request.args and form.validate():
        filters = admin_service.OutboxFilters(
            kind=form.kind.data or "", status=form.status.data or "",
            date_from=form.date_from.data, date_to=form.date_to.data)
    before = _before_cursor()
    rows, more = admin_service.outbox_page(current_user.clinic_id, filters, before)
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    next_url = url_for("admin.outbox", **args, before=more) if more else None
    return render_template("admin/outbox.html", form=form, rows=rows, next_url=next_url,
                           first_url=url_for("admin.outbox", **args) if before else None,
                           action_form=ActionForm())


@bp.post("/outbox/<int:message_id>/resend")
def resend(message_id: int):
    """Send a failed message again, as a new message with a new link."""
    _check_action()
    if not 0 < message_id <= MAX_ID:
        abort(404)
    again = admin_service.resend_message(current_user, message_id, ip=_ip())
    if again is None:
        abort(404)
    flash(_("It will be sent again, as a new message."), "success")
    return redirect(url_for("admin.outbox"), 303)


@bp.get("/audit")
def audit():
    """Show the clinic's audit log, newest first, filtered by person, action and date."""
    form = AuditFilterForm(request.args)
    people = admin_service.staff_of(current_user.clinic_id)
    form.person.choices = [(0, _("Anyone"))] + [(u.id, u.email) for u in people]
    form.action.choices = [("", _("Any action"))] + [
        (a, a) for a in admin_service.audit_actions(current_user.clinic_id)]
    asked = request.args.get("action", "")[:60]
    if asked and asked not in dict(form.action.choices):
        form.action.choices.append((asked, asked))
    filters = admin_service.AuditFilters()
    if request.args and form.validate():
        filters = admin_service.AuditFilters(
            actor_id=form.person.data or None, action=form.action.data or "",
            date_from=form.date_from.data, date_to=form.date_to.data)
    before = _before_cursor()
    rows, more = admin_service.audit_page(current_user.clinic_id, filters, before)
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    next_url = url_for("admin.audit", **args, before=more) if more else None
    return render_template("admin/audit.html", form=form, rows=rows, next_url=next_url,
                           first_url=url_for("admin.audit", **args) if before else None)


def _before_cursor() -> int | None:
    """The keyset cursor of a newest-first admin list (?before=<id>), or None for page one."""
    try:
        before = int(request.args.get("before", "")[:10]) or None
    except ValueError:
        return None
    return before if before is not None and 0 < before <= MAX_ID else None
