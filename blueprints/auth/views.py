"""Views of the staff login: password, then a new password and two-step set-up when due,
then the two-step code; logout by POST.

Between the steps the half-finished login lives in the Flask session (`staff_pending`);
the staff cookie is only set once every step has passed, with a new server-side session.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.auth import bp
from blueprints.auth.forms import ChangePasswordForm, CodeForm, LoginForm, NewPasswordForm
from blueprints.portal.forms import LanguageForm
from extensions import db, login_manager
from models import StaffUser
from services import staff_auth
from services.audit import record
from services.passwords import verify_password

PENDING = "staff_pending"
#: A half-finished login is forgotten after this many seconds.
PENDING_SECONDS = 600

# Staff sessions are checked on the server on every request (request_loader below), so
# Flask-Login's cookie-fingerprint "session protection" adds nothing and would write to
# the patient's session cookie.
login_manager.session_protection = None


@bp.before_app_request
def _forget_loaded_user():
    """Look the staff member up afresh on every request.

    Flask-Login caches the user on `g`, which lives as long as the app context; where
    one app context spans several requests (the test client inside an app context)
    a cached user would outlive a logout or a time-out, and Flask-WTF's cached CSRF
    token would be handed to the next client.
    """
    g.pop("_login_user", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


@login_manager.user_loader
def _no_session_users(user_id: str):
    """Staff are never loaded from the Flask session, only from the staff cookie."""
    return None


@login_manager.request_loader
def load_staff(req):
    """The staff member whose server-side session the `vp_staff` cookie names, if still open."""
    config = current_app.config
    check = staff_auth.load_session(
        req.cookies.get(config["STAFF_COOKIE_NAME"]),
        config["STAFF_IDLE_TIMEOUT"],
        config["STAFF_ABSOLUTE_TIMEOUT"],
    )
    g.staff_session_ended = check.ended
    return check.user


def to_login():
    """Send an anonymous visitor of a staff page to the login page, saying why if we know."""
    if g.get("staff_session_ended") in ("idle", "expired"):
        flash(_("For your patients' privacy you were logged out after a while. "
                "Please log in again."), "warning")
    return redirect(url_for("auth.login"), 303)


def _ip() -> str | None:
    return request.remote_addr


def _pending_user(stage: str) -> StaffUser:
    """The user half-way through logging in, at this stage; otherwise back to the start."""
    pending = session.get(PENDING) or {}
    if pending.get("stage") != stage or pending.get("exp", 0) < staff_auth.now().timestamp():
        abort(redirect(url_for("auth.login"), 303))
    user = db.session.get(StaffUser, pending.get("uid"))
    if user is None or not user.is_active:
        session.pop(PENDING, None)
        abort(redirect(url_for("auth.login"), 303))
    return user


def _next_step(user: StaffUser):
    """Send the user to the step still due, or finish the login."""
    if user.must_change_password:
        stage, endpoint = "new_password", "auth.new_password"
    elif user.clinic.require_totp and not user.totp_enabled:
        stage, endpoint = "enrol", "auth.enrol"
    elif user.totp_enabled:
        stage, endpoint = "code", "auth.code"
    else:
        return _finish(user)
    session[PENDING] = {
        "uid": user.id,
        "stage": stage,
        "exp": staff_auth.now().timestamp() + PENDING_SECONDS,
    }
    return redirect(url_for(endpoint), 303)


def _finish(user: StaffUser) -> Response:
    """Every step passed: a new server-side session and a new cookie (S6), and a new
    browser session too (the half-finished login in it is gone with the old id)."""
    from services.patient_session import fresh_session

    fresh_session(session)
    old = request.cookies.get(current_app.config["STAFF_COOKIE_NAME"])
    staff_auth.end_session(old, "replaced")
    token = staff_auth.start_session(user)
    staff_auth.clear_throttle(user, "login", _ip())
    record("staff.login", actor=user, ip=_ip())
    db.session.commit()
    if not user.clinic.require_totp and not user.totp_enabled:
        flash(_("Two-step login is off for your clinic, so only a password protects this "
                "account. An admin can turn it on in Clinic settings."), "warning")
    response = redirect(url_for("reception.queue"), 303)
    set_staff_cookie(response, token)
    return response


def set_staff_cookie(response: Response, token: str) -> None:
    config = current_app.config
    response.set_cookie(
        config["STAFF_COOKIE_NAME"],
        token,
        max_age=int(config["STAFF_ABSOLUTE_TIMEOUT"].total_seconds()),
        path="/",
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Strict",
    )


def clear_staff_cookie(response: Response) -> None:
    config = current_app.config
    response.delete_cookie(
        config["STAFF_COOKIE_NAME"],
        path="/",
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Strict",
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Ask for email and password."""
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(url_for("reception.queue"), 303)
    form = LoginForm()
    if form.validate_on_submit():
        result = staff_auth.check_password(
            form.email.data, form.password.data, ip=_ip(), code=form.code.data or None,
        )
        if result.outcome == "locked":
            form.show_code = True
            minutes = max(1, round(result.wait.total_seconds() / 60))
            form.password.errors.append(
                _("Too many tries. Please wait %(minutes)s minute(s), then try again. If this "
                  "is your account and you use two-step login, type your code too and you "
                  "can log in now.", minutes=minutes)
            )
        elif result.outcome == "unlocked":
            return _finish(result.user)
        elif result.user is None:
            form.password.errors.append(_("The email or password is not right."))
        else:
            return _next_step(result.user)
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """Ask for the two-step code from the authenticator app."""
    user = _pending_user("code")
    form = CodeForm()
    if form.validate_on_submit():
        if staff_auth.code_locked(user):
            staff_auth.note_attempt(user.email, user, False, "locked", _ip())
            record("staff.login", actor=user, outcome="denied", ip=_ip(),
                   detail={"stage": "totp", "reason": "locked"})
            db.session.commit()
            form.code.errors.append(_("Too many tries. Please wait a few minutes, then try again."))
        elif staff_auth.verify_totp(user, form.code.data):
            return _finish(user)
        else:
            staff_auth.note_attempt(user.email, user, False, "totp", _ip())
            record("staff.login", actor=user, outcome="failure", ip=_ip(),
                   detail={"stage": "totp"})
            db.session.commit()
            form.code.errors.append(
                _("That code did not work. Type the newest code from your app.")
            )
    return render_template("auth/code.html", form=form)


@bp.route("/login/new-password", methods=["GET", "POST"])
def new_password():
    """Make the person replace a one-time password before going further."""
    user = _pending_user("new_password")
    form = NewPasswordForm()
    if form.validate_on_submit():
        if verify_password(user.password_hash, form.new_password.data):
            form.new_password.errors.append(_("Choose a password different from the one you were given."))
        else:
            staff_auth.set_password(user, form.new_password.data)
            record("staff.password_change", actor=user, ip=_ip(),
                   object_type="staff_user", object_id=user.id)
            db.session.commit()
            flash(_("Your new password is saved."), "success")
            return _next_step(user)
    return render_template("auth/password.html", form=form)


@bp.route("/login/two-step-setup", methods=["GET", "POST"])
def enrol():
    """Set up two-step login: show the secret as text and as a QR code, check one code."""
    user = _pending_user("enrol")
    form = CodeForm()
    if not user.totp_secret:
        staff_auth.new_totp_secret(user)
        db.session.commit()
    if form.validate_on_submit():
        if staff_auth.verify_totp(user, form.code.data):
            user.totp_enabled = True
            record("staff.totp_enrol", actor=user, ip=_ip(),
                   object_type="staff_user", object_id=user.id)
            db.session.commit()
            flash(_("Two-step login is set up."), "success")
            return _finish(user)
        form.code.errors.append(
            _("That code did not work. Check the app shows VisitPrep and type its newest code.")
        )
    secret = user.totp_secret or ""
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("auth/enrol.html", form=form, secret=grouped)


@bp.get("/login/totp-qr.svg")
def enrol_qr():
    """The QR code of the pending enrolment, for the set-up page's <img>."""
    user = _pending_user("enrol")
    if not user.totp_secret:
        abort(404)
    return Response(staff_auth.qr_svg(user), mimetype="image/svg+xml")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Let a logged-in staff member change their password (ends their other sessions)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"), 303)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            staff_auth.set_password(user, form.new_password.data)
            token = staff_auth.start_session(user)
            record("staff.password_change", actor=user, ip=_ip(),
                   object_type="staff_user", object_id=user.id)
            db.session.commit()
            flash(_("Your new password is saved. Other devices are logged out."), "success")
            response = redirect(url_for("reception.queue"), 303)
            set_staff_cookie(response, token)
            return response
    return render_template("auth/password.html", form=form)


@bp.post("/account/language")
def set_language():
    """A staff member's own language (a profile setting), from the switch in the header."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"), 303)
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if user.language != form.lang.data:
        user.language = form.lang.data
        record("staff.language", actor=user, ip=_ip(), object_type="staff_user",
               object_id=user.id, detail={"language": form.lang.data})
        db.session.commit()
    return redirect(form.next_url(url_for("reception.queue")), 303)


@bp.post("/logout")
def logout():
    """End the staff session on the server and go back to the login page."""
    cookie = request.cookies.get(current_app.config["STAFF_COOKIE_NAME"])
    row = staff_auth.end_session(cookie, "logout")
    if row is not None:
        record("staff.logout", actor=row.user, ip=_ip())
    db.session.commit()
    session.pop(PENDING, None)
    flash(_("You are logged out."), "success")
    response = redirect(url_for("auth.login"), 303)
    clear_staff_cookie(response)
    return response
