"""Forms of the public entry: starting, resuming by code, and the date-of-birth check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from blueprints.fields import CharLimit, PageForm
from blueprints.patient.forms import DailyHourMixin, PlainTranslations


class PortalForm(PageForm):
    class Meta:
        def get_translations(self, form):
            return PlainTranslations()


class StartForm(PortalForm):
    """The "Start" button: CSRF only."""


class CodeForm(PortalForm):
    code = StringField(
        _l("Your code"),
        validators=[InputRequired(_l("Please type your code.")),
                    CharLimit(40, message=_l("That is longer than a code. Please check it."))],
        description=_l("10 letters and numbers, like ABCDE-23456."),
    )


class DobForm(PortalForm):
    date_of_birth = DateField(
        _l("Your date of birth"),
        validators=[InputRequired(_l("Please enter your date of birth."))],
        description=_l("To keep your answers private, we check it is you."),
    )


def safe_next(target: str | None) -> str | None:
    """A path on this site to go back to after switching language, or None."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\r\n\\"):
        return None
    return target


class LanguageForm(PortalForm):
    """The "Español / English" switch on every page."""

    lang = StringField(validators=[InputRequired()])
    next = StringField(validators=[Length(max=2000)])

    def validate_lang(self, field):
        from services.i18n import valid

        if not valid(field.data):
            raise ValidationError("unknown language")

    def next_url(self, fallback: str) -> str:
        return safe_next(self.next.data) or fallback


class ReminderSettingsForm(DailyHourMixin, PortalForm):
    """The patient's reminders, from a link in a reminder mail (no login)."""

    daily_hour = SelectField(
        _l("Daily reminder to log how you feel"),
        choices=[], default="", validators=[Optional()],
        description=_l("A short mail each day until your visit, at this time."),
    )
    previsit = BooleanField(_l("Remind me a few days before my visit if I have not sent my "
                               "answers"))

