"""Forms of clinic administration."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from blueprints.auth.forms import StaffForm

ROLE_CHOICES = [("reception", _l("Reception")), ("admin", _l("Admin"))]
PHONE = Regexp(r"^[0-9+()\-. ]*$", message=_l("Use digits, spaces and + ( ) - . only."))


class StaffInviteForm(StaffForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter their email.")),
                                                Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = RadioField(_l("Role"), choices=ROLE_CHOICES, default="reception",
                      validators=[DataRequired(_l("Choose a role."))])


class RoleForm(StaffForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES,
                       validators=[DataRequired(_l("Choose a role."))])


class ActionForm(StaffForm):
    """A button that changes something: only the CSRF token travels."""


class MoveForm(StaffForm):
    direction = SelectField(choices=[("up", _l("Up")), ("down", _l("Down"))],
                            validators=[DataRequired()])


class TopicForm(StaffForm):
    title = StringField(_l("Topic title"), validators=[DataRequired(_l("Enter a title.")),
                                                       Length(max=120)])
    blurb = StringField(_l("Short description"), validators=[Optional(), Length(max=300)])


class QuestionForm(StaffForm):
    topic = SelectField(_l("Topic"), coerce=int,
                        validators=[DataRequired(_l("Choose a topic."))])
    text = TextAreaField(
        _l("Question"),
        description=_l("Plain words, as a patient would ask it. Packets already made keep "
                       "the old wording."),
        validators=[DataRequired(_l("Type the question.")), Length(max=300)],
        render_kw={"rows": 2},
    )


class SettingsForm(StaffForm):
    name = StringField(_l("Clinic name"), validators=[DataRequired(_l("Enter the clinic's name.")),
                                                      Length(max=120)])
    phone = StringField(_l("Clinic phone number"), description=_l("Shown to patients."),
                        validators=[Optional(), Length(max=40), PHONE])
    emergency_number = StringField(
        _l("Emergency number"),
        description=_l("Shown to patients with an emergency warning, for example 911."),
        validators=[DataRequired(_l("Enter the emergency number.")), Length(max=20), PHONE],
    )
    require_totp = BooleanField(
        _l("Staff must use two-step login"),
        description=_l("Strongly advised. Staff enter a code from a phone app after the password."),
    )
    open_start = BooleanField(
        _l("Anyone with the clinic's start link may begin"),
        description=_l("When off, patients need a personal invitation link."),
    )
    retention_days = IntegerField(
        _l("Keep packets for this many days after the appointment"),
        description=_l("Between 1 and 3650. Older packets are deleted for good."),
        validators=[DataRequired(_l("Enter a number of days.")),
                    NumberRange(1, 3650, _l("Enter a number from 1 to 3650."))],
        render_kw={"class": "short", "inputmode": "numeric"},
    )


class AuditFilterForm(StaffForm):
    class Meta:
        csrf = False

    person = SelectField(_l("Person"), coerce=int, default=0, validators=[Optional()])
    #: Any action name may be asked for (one not in the log yet simply matches nothing).
    action = SelectField(_l("Action"), default="", validate_choice=False,
                         validators=[Optional(), Length(max=60)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def _in_range(self, field: DateField) -> None:
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 1, 1):
            raise ValidationError(_l("Enter a date between 2000 and 2100."))

    def validate_date_from(self, field: DateField) -> None:
        self._in_range(field)

    def validate_date_to(self, field: DateField) -> None:
        self._in_range(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
