"""Forms of clinic administration."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from blueprints.auth.forms import StaffForm
from blueprints.fields import CharLimit, valid_email
from models import WEEKDAYS
from services.opening_hours import is_time_zone

ROLE_CHOICES = [("reception", _lp("role", "Reception")), ("admin", _lp("role", "Admin"))]
ROLE_LABELS = dict(ROLE_CHOICES)
#: How an audited action went, as the audit log shows it.
OUTCOME_LABELS = {"success": _l("Success"), "failure": _l("Failure"), "denied": _l("Denied")}
PHONE = Regexp(r"^[0-9+()\-. ]*$", message=_l("Use digits, spaces and + ( ) - . only."))


class StaffInviteForm(StaffForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter their email.")),
                                                CharLimit(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), CharLimit(max=120)])
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
                                                       CharLimit(max=120)])
    blurb = StringField(_l("Short description"), validators=[Optional(), CharLimit(max=300)])
    title_es = StringField(_l("Topic title in Spanish"), validators=[Optional(), CharLimit(max=120)],
                           description=_l("Patients who read Spanish see the English until "
                                          "you add this."), render_kw={"lang": "es"})
    blurb_es = StringField(_l("Short description in Spanish"),
                           validators=[Optional(), CharLimit(max=300)], render_kw={"lang": "es"})


class QuestionForm(StaffForm):
    topic = SelectField(_l("Topic"), coerce=int,
                        validators=[DataRequired(_l("Choose a topic."))])
    text = TextAreaField(
        _l("Question"),
        description=_l("Plain words, as a patient would ask it. Packets already made keep "
                       "the old wording."),
        validators=[DataRequired(_l("Type the question.")), CharLimit(max=300)],
        render_kw={"rows": 2},
    )
    text_es = TextAreaField(
        _l("Question in Spanish"),
        description=_l("Patients who read Spanish see the English until you add this."),
        validators=[Optional(), CharLimit(max=300)],
        render_kw={"rows": 2, "lang": "es"},
    )


class SettingsForm(StaffForm):
    name = StringField(_l("Clinic name"), validators=[DataRequired(_l("Enter the clinic's name.")),
                                                      CharLimit(max=120)])
    phone = StringField(_l("Clinic phone number"), description=_l("Shown to patients."),
                        validators=[Optional(), CharLimit(max=40), PHONE])
    emergency_number = StringField(
        _l("Emergency number"),
        description=_l("Shown to patients with an emergency warning, for example 911."),
        validators=[DataRequired(_l("Enter the emergency number.")), CharLimit(max=20), PHONE],
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
    alert_emails = TextAreaField(
        _l("Alert addresses"),
        description=_l("One email a line. They get a mail when a safety call is waiting, and a "
                       "morning digest. The mails say only that something is waiting."),
        validators=[Optional(), CharLimit(max=2000)],
        render_kw={"rows": 3, "spellcheck": "false"},
    )
    reminder_days = StringField(
        _l("Remind patients this many days before the visit"),
        description=_l("Days, with commas, for example 3,1. Only while the packet is not sent. "
                       "Leave empty for no reminders."),
        validators=[Optional(), CharLimit(max=40)],
        render_kw={"class": "short"},
    )
    digest_hour = IntegerField(
        _l("Hour of the morning digest and the reminders"),
        description=_l("0 to 23, in the clinic's time zone. For example 7 for 7 in the morning."),
        validators=[Optional(), NumberRange(0, 23, _l("Enter an hour from 0 to 23."))],
        render_kw={"class": "short", "inputmode": "numeric"},
    )

    def validate_alert_emails(self, field) -> None:
        lines = [line.strip() for line in (field.data or "").replace(",", "\n").splitlines()]
        bad = [line for line in lines if line and not valid_email(line)]
        if bad:
            raise ValidationError(_l("These do not look like email addresses: %(bad)s",
                                     bad=", ".join(bad[:3])))
        if len([line for line in lines if line]) > 10:
            raise ValidationError(_l("Enter at most 10 addresses."))

    def validate_reminder_days(self, field) -> None:
        parts = [p.strip() for p in (field.data or "").split(",") if p.strip()]
        if any(not p.isdigit() or not 1 <= int(p) <= 60 for p in parts):
            raise ValidationError(_l("Enter days from 1 to 60 with commas, like 3,1."))
        field.data = ",".join(dict.fromkeys(parts))

    timezone = StringField(
        _l("Time zone"),
        description=_l("Its name in the time zone database, like America/New_York or "
                       "America/Chicago. Every time staff see is in this zone."),
        validators=[DataRequired(_l("Enter the clinic's time zone.")), CharLimit(max=64)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )

    def validate_timezone(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not is_time_zone(field.data):
            raise ValidationError(_l(
                "That is not a time zone name we know. Use a name like America/New_York."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for day in WEEKDAYS:
            opens, closes = self[f"{day}_opens"], self[f"{day}_closes"]
            if opens.errors or closes.errors:
                continue
            if bool(opens.data) != bool(closes.data):
                (closes if opens.data else opens).errors.append(_l(
                    "Give both times, or leave both empty for a closed day."))
                ok = False
            elif opens.data and closes.data and opens.data >= closes.data:
                closes.errors.append(_l("Closing time must be after opening time."))
                ok = False
        return ok

    def opening_hours(self) -> dict[str, list[str] | None]:
        """The hours typed, as Clinic.opening_hours keeps them."""
        hours: dict[str, list[str] | None] = {}
        for day in WEEKDAYS:
            opens, closes = self[f"{day}_opens"].data, self[f"{day}_closes"].data
            hours[day] = [f"{opens:%H:%M}", f"{closes:%H:%M}"] if opens and closes else None
        return hours

    @classmethod
    def hours_data(cls, hours: dict | None) -> dict:
        from services.opening_hours import parse_hours

        data = {}
        for day in WEEKDAYS:
            parsed = parse_hours((hours or {}).get(day))
            data[f"{day}_opens"] = parsed.opens if parsed else None
            data[f"{day}_closes"] = parsed.closes if parsed else None
        return data


#: The weekdays as the settings page names them.
WEEKDAY_NAMES = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"),
                 "thu": _l("Thursday"), "fri": _l("Friday"), "sat": _l("Saturday"),
                 "sun": _l("Sunday")}


for _day in WEEKDAYS:
    setattr(SettingsForm, f"{_day}_opens", TimeField(
        _l("%(day)s opens", day=WEEKDAY_NAMES[_day]), validators=[Optional()],
        render_kw={"class": "short"}))
    setattr(SettingsForm, f"{_day}_closes", TimeField(
        _l("%(day)s closes", day=WEEKDAY_NAMES[_day]), validators=[Optional()],
        render_kw={"class": "short"}))


class OutboxFilterForm(StaffForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("What"), default="", validators=[Optional()])
    status = SelectField(_l("State"), default="", validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


class AuditFilterForm(StaffForm):
    class Meta:
        csrf = False

    person = SelectField(_l("Person"), coerce=int, default=0, validators=[Optional()])
    #: Any action name may be asked for (one not in the log yet simply matches nothing).
    action = SelectField(_l("Action"), default="", validate_choice=False,
                         validators=[Optional(), CharLimit(max=60)])
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
