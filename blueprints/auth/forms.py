"""Forms of the staff login: password, two-step code, new password, enrolment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from blueprints.fields import CharLimit, PageForm
from services.passwords import MAX_LENGTH, password_problem

#: Long enough for any real email or password; a longer one is refused without hashing it.
_LONG = 1000


def _drop_nul(value):
    """PostgreSQL text cannot hold NUL; no person types one, so it is dropped, not stored."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class StaffForm(PageForm):
    """Base of every staff form: strips NUL characters from whatever is typed."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", []), _drop_nul]
            return unbound_field.bind(form=form, filters=filters, **options)


class LoginForm(StaffForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email.")), CharLimit(max=254)],
        render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), CharLimit(max=_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
    #: Shown only while the account waits after many wrong tries (services/staff_auth.py).
    code = StringField(
        _l("6-digit code (only if asked)"),
        description=_l("Open your authenticator app and type the code it shows now."),
        validators=[CharLimit(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "short"},
    )
    show_code = False


class CodeForm(StaffForm):
    code = StringField(
        _l("6-digit code"),
        description=_l("Open your authenticator app and type the code it shows now."),
        validators=[DataRequired(_l("Enter the 6-digit code.")), CharLimit(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "short"},
    )

    def validate_code(self, field: StringField) -> None:
        digits = "".join(ch for ch in field.data or "" if not ch.isspace())
        if len(digits) != 6 or not digits.isdigit():
            raise ValidationError(_l("The code is 6 digits, like 123456."))


class NewPasswordForm(StaffForm):
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A few words you will remember work well."),
        validators=[DataRequired(_l("Choose a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Type it again"),
        validators=[DataRequired(_l("Type the new password again."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_new_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(_l(problem))

    def validate_confirm_password(self, field: PasswordField) -> None:
        new = self.new_password.data or ""
        if len(new) <= MAX_LENGTH and field.data != new:
            raise ValidationError(_l("The two passwords are not the same."))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), CharLimit(max=_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
