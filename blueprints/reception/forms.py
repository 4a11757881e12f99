"""Forms of the reception workspace: queue filters, notes, review, appointments."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Optional,
    Regexp,
    ValidationError,
)

from blueprints.auth.forms import StaffForm
from blueprints.fields import CharLimit, valid_email
from services import safety_calls
from services.queue import VIEWS
from services.review import NOTE_MAX

EARLIEST_BIRTH = date(1900, 1, 1)
_BAD_DATE = _l("Enter a real date, like 2026-03-15.")


class QueueFilterForm(StaffForm):
    """The queue's filters: read from the query string, so no CSRF token (a GET changes nothing)."""

    class Meta:
        csrf = False

    view = SelectField(
        _l("Show"),
        choices=[
            ("submitted", _l("To review")),
            ("reviewed", _l("Reviewed")),
            ("draft", _l("Drafts in progress")),
            ("unopened", _l("Invitations not opened")),
        ],
        default="submitted",
        validators=[Optional()],
    )
    name = StringField(_l("Patient name"), validators=[Optional(), CharLimit(max=120)],
                       render_kw={"type": "search"})
    doctor = SelectField(_l("Doctor"), choices=[("", _l("Any doctor"))], default="",
                         validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()],
                          description=_l("Visit date"))
    date_to = DateField(_l("To"), validators=[Optional()], description=_l("Visit date"))
    flagged = BooleanField(_l("Flagged only"))

    def validate_view(self, field: SelectField) -> None:
        if field.data not in VIEWS:
            raise ValidationError(_l("Choose one of the lists."))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class NoteForm(StaffForm):
    body = TextAreaField(
        _l("Add a note"),
        description=_l("Only clinic staff see notes. Notes can't be changed once added."),
        validators=[
            DataRequired(_l("Type the note first.")),
            CharLimit(max=NOTE_MAX, message=_l("Keep a note under %(max)d characters.", max=NOTE_MAX)),
        ],
        render_kw={"rows": 3},
    )


class PatientSearchForm(StaffForm):
    """Finding a patient: a GET that changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or record number"), validators=[CharLimit(max=120)],
                    render_kw={"type": "search", "autocomplete": "off"})
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])

    def validate_q(self, field: StringField) -> None:
        if not (field.data or "").strip() and not self.date_of_birth.data:
            raise ValidationError(_l("Type a name or record number, or a date of birth."))


class ActionForm(StaffForm):
    """A button that changes something: only the CSRF token travels."""


class AppointmentForm(StaffForm):
    patient_name = StringField(
        _l("Patient's name"),
        validators=[DataRequired(_l("Enter the patient's name.")), CharLimit(max=120)],
        render_kw={"autocomplete": "off"},
    )
    date_of_birth = DateField(
        _l("Date of birth"),
        description=_l("The patient types this to open their link."),
        validators=[DataRequired(_BAD_DATE)],
    )
    visit_date = DateField(_l("Appointment date"), validators=[DataRequired(_BAD_DATE)])
    visit_time = TimeField(
        _l("Appointment time"),
        validators=[DataRequired(_l("Enter a time, like 09:30."))],
    )
    doctor = StringField(
        _l("Doctor"),
        validators=[DataRequired(_l("Enter the doctor's name.")), CharLimit(max=120)],
    )
    record_number = StringField(
        _l("Clinic record number"),
        description=_l("Finds the patient's earlier visits."),
        validators=[Optional(), CharLimit(max=40)],
        render_kw={"autocomplete": "off"},
    )
    phone = StringField(_l("Phone"), validators=[Optional(), CharLimit(max=40)],
                        render_kw={"autocomplete": "off", "type": "tel"})
    email = StringField(
        _l("Email"),
        validators=[Optional(), CharLimit(max=254), Email(_l("Enter an email like name@example.com."))],
        render_kw={"autocomplete": "off", "type": "email"},
    )
    #: Which patient this visit is for: an id from the matches shown, or "new".
    patient_choice = HiddenField()

    def __init__(self, *args, now: datetime, **kw):
        """`now`: the clinic's wall clock (opening_hours.clinic_now), never the server's."""
        super().__init__(*args, **kw)
        self._now = now
        self._today = now.date()

    def chosen_patient_id(self) -> int | None:
        """The existing patient reception picked, if it picked one."""
        value = (self.patient_choice.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 11 else None

    def chose_new(self) -> bool:
        return (self.patient_choice.data or "").strip() == "new"

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data and not (EARLIEST_BIRTH <= field.data < self._today):
            raise ValidationError(_l("Enter a date of birth in the past, after 1900."))

    def validate_visit_date(self, field: DateField) -> None:
        if field.data and field.data < self._today:
            raise ValidationError(_l("The appointment can't be in the past."))
        if field.data and field.data.year > self._today.year + 2:
            raise ValidationError(_l("Enter a date in the next two years."))

    def validate_visit_time(self, field: TimeField) -> None:
        when = self.scheduled_for()
        # A time on a past day: the date's own message says what is wrong, once.
        if when is not None and when.date() >= self._today and when < self._now:
            raise ValidationError(_l("That time has already passed today."))

    def scheduled_for(self) -> datetime | None:
        if self.visit_date.data and self.visit_time.data:
            return datetime.combine(self.visit_date.data, self.visit_time.data)
        return None


class SafetyCallForm(StaffForm):
    """What happened when reception called about a warning sign."""

    outcome = RadioField(
        _l("What happened?"), choices=list(safety_calls.OUTCOME_LABELS.items()),
        validators=[InputRequired(_l("Choose what happened."))],
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("What was said or done. Kept with the call; it can't be changed."),
        validators=[
            DataRequired(_l("Write a short note.")),
            CharLimit(max=safety_calls.NOTE_MAX, message=_l(
                "Keep a note under %(max)d characters.", max=safety_calls.NOTE_MAX)),
        ],
        render_kw={"rows": 2},
    )
    #: The call's version when the page was shown: a second person acting is told.
    version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])


class EmailInvitationForm(StaffForm):
    """Mail the invitation: a new link is made and the old one stops."""

    email = StringField(
        _l("Patient's email"),
        validators=[DataRequired(_l("Enter the patient's email.")), CharLimit(max=254)],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )

    def validate_email(self, field) -> None:
        if not valid_email(field.data or ""):
            raise ValidationError(_l("Enter an email address like name@example.com."))
