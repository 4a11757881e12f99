"""Forms of the patient's steps. Every field is checked on the server, in plain words."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.fields import MultiCheckboxField, PageForm, valid_email
from content import body, vocab
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from services.i18n import bank_wording

#: The 19 body areas in groups a person can scan quickly (keys from content.body.AREAS).
AREA_GROUPS: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("head", _l("Jaw and neck"), ("jaw_left", "jaw_right", "neck")),
    ("trunk", _l("Chest, belly and back"), ("chest", "abdomen", "upper_back", "lower_back")),
    ("arm_right", _l("Right shoulder and arm"),
     ("shoulder_right", "upper_arm_right", "lower_arm_right")),
    ("arm_left", _l("Left shoulder and arm"),
     ("shoulder_left", "upper_arm_left", "lower_arm_left")),
    ("leg_right", _l("Right hip and leg"), ("hip_right", "upper_leg_right", "lower_leg_right")),
    ("leg_left", _l("Left hip and leg"), ("hip_left", "upper_leg_left", "lower_leg_left")),
)

SCALE = [(n, str(n)) for n in range(11)]
YES_NO = (("yes", _l("Yes")), ("no", _l("No")))

NOTE_MAX, SHORT_MAX, NAME_MAX = 4000, 100, 200


def clean_text(value):
    """Drop control characters (a NUL breaks PostgreSQL) and outer spaces; keep line breaks."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch in "\n\t" or ch >= " " and ch != "\x7f")
    return value.strip()


class CharLimit(Length):
    """A length limit the server checks, never the browser.

    No `maxlength` attribute: a browser cuts a longer paste without a word. The field gets
    `data-maxchars` instead (macros/forms.html), a live counter (static/js/patient.js), and
    the server's message keeps every character typed in the field.
    """

    def __init__(self, max: int, message=None):  # noqa: A002 (WTForms' own name)
        super().__init__(max=max, message=message)
        self.field_flags = {"maxchars": max}


def too_long(limit: int):
    return CharLimit(limit, message=_l(
        "Please keep this to %(max)d characters or fewer. What you typed is kept below.",
        max=limit))


def finite(form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Please enter a number."))


#: WTForms' own messages, in the plain words the rest of the forms use.
PLAIN_MESSAGES = {
    "Not a valid choice.": _l("Please choose one of the answers shown."),
    "Invalid Choice: could not coerce.": _l("Please choose one of the answers shown."),
    "'%(value)s' is not a valid choice for this field.":
        _l("Please choose from the answers shown."),
    "'%(value)s' are not valid choices for this field.":
        _l("Please choose from the answers shown."),
    "Not a valid date value.": _l("Please enter a real date, like 2024-03-31."),
    "Not a valid datetime value.": _l("Please enter a real date and time."),
    "Not a valid integer value.": _l("Please enter a whole number, like 30."),
    "Not a valid float value.": _l("Please enter a number, like 6.5."),
}


class PlainTranslations:
    """Hands WTForms the plain messages above (any other message passes through)."""

    def gettext(self, string):
        return str(PLAIN_MESSAGES.get(string, string))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class PatientForm(PageForm):
    """Every text field is cleaned the same way before it is checked."""

    class Meta:
        def get_translations(self, form):
            return PlainTranslations()

        def bind_field(self, form, unbound_field, options):
            choices = unbound_field.kwargs.get("choices")
            if isinstance(choices, list | tuple):
                # WTForms 3.3 wants SelectChoice objects; vocabularies stay plain pairs.
                options["choices"] = [c if isinstance(c, SelectChoice) else SelectChoice(*c)
                                      for c in choices]
            if issubclass(unbound_field.field_class, StringField):
                options["filters"] = (clean_text, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)


class StepForm(PatientForm):
    """A step's form: the packet version and this step's fingerprint travel with it."""

    version = HiddenField()
    base = HiddenField()


def not_future_birth(form, field):
    if field.data is None:
        return
    if field.data > date.today():
        raise ValidationError(_l("Your date of birth can't be in the future."))
    if field.data < date(1900, 1, 1):
        raise ValidationError(_l("Please check the year of your date of birth."))


#: A phone number as people type it: digits and the usual marks, "ext" or "x" for an extension.
PHONE_CHARS = re.compile(r"^[0-9+()\-./ ]*(?:(?:ext\.?|x) ?[0-9]{1,6})?$", re.IGNORECASE)


def loose_phone(form, field):
    """Checked loosely and kept as typed: enough digits, nothing that is not a phone number."""
    value = field.data or ""
    if not value:
        return
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE_CHARS.match(value) or not 7 <= digits <= 20:
        raise ValidationError(_l(
            "Please check this number. Use digits, like 555-123-4567. You can add a few "
            "words after it, like ext 12."))


def contact_phone_field():
    return StringField(
        _l("A phone number the clinic can call you on today"),
        validators=[Optional(), too_long(40), loose_phone],
        description=_l("If one of your answers needs a quick call, the clinic uses this "
                       "number."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class ContactPhoneForm(PatientForm):
    """The number asked again inside the "contact the clinic" and "get help now" messages."""

    contact_phone = contact_phone_field()
    #: Which page the message stood on, to go back to (a key of CONTACT_PHONE_PAGES).
    back = HiddenField()


class VisitForm(StepForm):
    patient_name = StringField(_l("Your name"), validators=[Optional(), too_long(120)])
    date_of_birth = DateField(
        _l("Your date of birth"),
        validators=[Optional(), not_future_birth],
        description=_l("We use it to check it is you when you come back."),
    )
    visit_date = DateField(_l("Date of your visit"), validators=[Optional()])
    doctor = StringField(_l("Doctor you will see"), validators=[Optional(), too_long(120)])
    reason_prompts = MultiCheckboxField(
        _l("Why do you want to see the doctor?"), choices=vocab.REASON_PROMPTS,
        description=_l("Tick any that fit."),
    )
    reason = TextAreaField(
        _l("The main reason for your visit, in your own words"),
        validators=[Optional(), too_long(NOTE_MAX)],
        description=_l("For example: my lower back has hurt most days for three months."),
    )
    hopes = TextAreaField(
        _l("What do you hope to get from this visit?"),
        validators=[Optional(), too_long(NOTE_MAX)],
    )
    contact_phone = contact_phone_field()

    def validate_visit_date(self, field):
        if field.data is None:
            return
        if field.data < date.today() - timedelta(days=1):
            raise ValidationError(_l("This date has passed. Please check the date of your visit."))
        if field.data > date.today() + timedelta(days=730):
            raise ValidationError(_l("Please check the year of your visit."))


def make_bank_form(bank, suggestions: dict[str, str]):
    """The question bank, one group of tick-boxes per topic, plus suggested questions."""

    class BankForm(StepForm):
        pass

    for topic, questions in bank:
        setattr(BankForm, f"topic_{topic.id}", MultiCheckboxField(
            bank_wording(topic, "blurb") or bank_wording(topic, "title"),
            choices=[(q.id, bank_wording(q, "text")) for q in questions],
            coerce=int,
        ))
    BankForm.suggested = MultiCheckboxField(
        _l("Suggested from your answers"), choices=list(suggestions.items()),
    )
    return BankForm


RANKS = (("", _l("No")), ("1", _l("1st")), ("2", _l("2nd")), ("3", _l("3rd")))


def make_order_form(questions):
    """Your list: which three are most important today, and moving a question up or down."""

    class OrderForm(StepForm):
        move = StringField(validators=[Optional(), Length(max=30)])

        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            seen: dict[str, object] = {}
            for question in questions:
                field = self[f"rank_{question.id}"]
                if field.data and field.data in seen:
                    field.errors.append(_l(
                        "You gave two questions the same place. Pick each of 1st, 2nd and "
                        "3rd once."))
                    ok = False
                seen.setdefault(field.data, question)
            return ok

    for number, question in enumerate(questions, start=1):
        setattr(OrderForm, f"rank_{question.id}", SelectField(
            _l("Most important today? (question %(n)d)", n=number), choices=RANKS,
            validators=[Optional()],
        ))
    return OrderForm


STOP_LABELS = {
    "history": _l("Not right any more"),
    "medication": _l("I stopped it"),
    "treatment": _l("I stopped it"),
}


def make_last_time_form(found):
    """"Is this still right?": keep, changed or stopped for each row from last time."""

    class LastTimeForm(PatientForm):
        pass

    for offer in found.offers:
        setattr(LastTimeForm, offer.key, RadioField(
            offer.title, validators=[Optional()],
            choices=[("kept", _l("Still right")), ("changed", _l("Changed")),
                     ("stopped", STOP_LABELS[offer.kind])],
            description=offer.detail or None))
        if offer.kind == "medication":
            setattr(LastTimeForm, f"{offer.key}_when", StringField(
                _l("If you stopped it: about when?"),
                validators=[Optional(), too_long(SHORT_MAX)]))
        if offer.kind in ("medication", "treatment"):
            setattr(LastTimeForm, f"{offer.key}_why", TextAreaField(
                _l("If you stopped it: why?"), validators=[Optional(), too_long(NOTE_MAX)],
                render_kw={"rows": 2}))
    if found.family:
        LastTimeForm.family = RadioField(
            _l("Family history of fibromyalgia"), validators=[Optional()],
            choices=[("kept", _l("Still right")), ("changed", _l("Changed"))])
    return LastTimeForm


def make_visit_day_form(questions):
    """The visit view: the opening card, and each question asked with the doctor's answer."""

    class VisitDayForm(PatientForm):
        card_why = StringField(_l("Why I'm here"), validators=[Optional(), too_long(300)])
        card_change = StringField(_l("The biggest change"),
                                  validators=[Optional(), too_long(300)])
        card_question = StringField(_l("My first question"),
                                    validators=[Optional(), too_long(300)])

    for question in questions:
        setattr(VisitDayForm, f"asked_{question.id}", BooleanField(question.text))
        setattr(VisitDayForm, f"said_{question.id}", TextAreaField(
            _l("What the doctor said"), validators=[Optional(), too_long(NOTE_MAX)],
            render_kw={"rows": 2}))
    return VisitDayForm


def make_ask_again_form(before):
    """Last time's questions, the unanswered ones ticked, to ask again."""

    class AskAgainForm(PatientForm):
        again = MultiCheckboxField(
            _l("Ask again this time"), coerce=int,
            choices=[(item.question.id, item.question.text) for item in before])

    return AskAgainForm


class OwnQuestionForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    text = TextAreaField(_l("Your question"), validators=[
        InputRequired(_l("Please write your question.")), too_long(500)])


class HistoryForm(StepForm):
    conditions = MultiCheckboxField(
        _l("Health conditions you have or have had"), choices=vocab.CONDITIONS,
        description=_l("Tick any that a doctor has told you about."),
    )
    family_fibromyalgia = RadioField(
        vocab.FAMILY_HISTORY_QUESTION, choices=vocab.FAMILY_HISTORY, validators=[Optional()])
    history_note = TextAreaField(
        _l("Anything else about your health history"),
        validators=[Optional(), too_long(NOTE_MAX)])


HISTORY_ITEM_KINDS = (
    ("condition", _l("Another health condition")),
    ("test", _l("A test or scan you have had")),
    ("surgery_injury", _l("A surgery or injury")),
    ("allergy", _l("An allergy")),
)


class HistoryItemForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    kind = SelectField(_l("What is it?"), choices=HISTORY_ITEM_KINDS,
                       validators=[InputRequired(_l("Please choose what this is."))])
    test_kind = SelectField(_l("Kind of test"), choices=[("", _l("Choose one")),
                                                         *vocab.TEST_KINDS],
                            validators=[Optional()],
                            description=_l("Only for tests and scans."))
    name = StringField(_l("Name or short description"), validators=[too_long(NAME_MAX)],
                       description=_l("For example: knee surgery, or penicillin."))
    when_text = StringField(_l("About when?"), validators=[Optional(), too_long(SHORT_MAX)],
                            description=_l("For example: last spring, or 2019."))
    detail = TextAreaField(_l("Result or details, if you know them"),
                           validators=[Optional(), too_long(NOTE_MAX)])

    def validate_name(self, field):
        if self.kind.data == "test":
            if not self.test_kind.data and not field.data:
                raise ValidationError(_l("Please choose the kind of test, or write its name."))
        elif not field.data:
            raise ValidationError(_l("Please write a name or a short description."))


class MedicationForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    name = StringField(_l("Name of the medicine"), validators=[
        InputRequired(_l("Please write the name of the medicine.")), too_long(NAME_MAX)],
        description=_l("As it is written on the box or bottle."))
    drug_class = RadioField(
        _l("What kind of medicine is it?"),
        choices=[(m.key, _l("%(kind)s (%(example)s)", kind=m.label, example=m.hint))
                 for m in vocab.MEDICATION_CLASSES],
        validators=[Optional()], description=_l("If you know. It helps the doctor."))
    dose = StringField(_l("Dose"), validators=[Optional(), too_long(SHORT_MAX)],
                       description=_l("For example: 400 mg, or 1 tablet."))
    frequency = SelectField(_l("How often do you take it?"),
                            choices=[("", _l("Choose one")), *vocab.FREQUENCIES],
                            validators=[Optional()])
    purpose = StringField(_l("What do you take it for?"),
                          validators=[Optional(), too_long(NAME_MAX)])
    since_text = StringField(_l("Since when?"), validators=[Optional(), too_long(SHORT_MAX)],
                             description=_l("For example: 2 years, or since March."))
    side_effects = TextAreaField(_l("Side effects you have noticed"),
                                 validators=[Optional(), too_long(NOTE_MAX)])


class TreatmentForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    kind = SelectField(_l("What did you try?"), choices=[("", _l("Choose one")),
                                                         *vocab.TREATMENTS],
                       validators=[InputRequired(_l("Please choose what you tried."))])
    name = StringField(_l("Name it, if you chose Other"), validators=[too_long(NAME_MAX)])
    when_text = StringField(_l("When did you try it?"),
                            validators=[Optional(), too_long(SHORT_MAX)],
                            description=_l("For example: last year, or now."))
    effect = RadioField(_l("How much did it help?"), choices=vocab.TREATMENT_EFFECTS,
                        validators=[InputRequired(_l("Please choose how much it helped."))])
    still_doing = BooleanField(_l("I still do this"))
    why_stopped = TextAreaField(_l("If you stopped, why?"),
                                validators=[Optional(), too_long(NOTE_MAX)])

    def validate_kind(self, field):
        if not field.data:
            raise ValidationError(_l("Please choose what you tried."))

    def validate_name(self, field):
        if self.kind.data == "other" and not field.data:
            raise ValidationError(_l("Please write what you tried."))


def _area_fields(cls, prefix: str, legend_suffix=None):
    for key, title, keys in AREA_GROUPS:
        setattr(cls, f"{prefix}{key}", MultiCheckboxField(
            title, choices=[(k, body.AREA_BY_KEY[k].label) for k in keys]))


def area_data(form, prefix: str) -> list[str]:
    """The ticked areas of every group, in the order of content.body.AREAS."""
    ticked = {k for key, _, _ in AREA_GROUPS for k in (form[f"{prefix}{key}"].data or [])}
    return [k for k in body.AREA_KEYS if k in ticked]


def area_defaults(areas, prefix: str) -> dict[str, list[str]]:
    areas = set(areas or [])
    return {f"{prefix}{key}": [k for k in keys if k in areas] for key, _, keys in AREA_GROUPS}


def not_future_entry(form, field):
    if field.data is not None and field.data > datetime.now() + timedelta(days=1):
        raise ValidationError(_l("This time is in the future. Please check the date."))
    if field.data is not None and field.data < datetime(2000, 1, 1):
        raise ValidationError(_l("Please check the year."))


class SymptomEntryForm(PatientForm):
    version = HiddenField()
    base = HiddenField()
    recorded_at = DateTimeLocalField(
        _l("When was this?"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Please give the date and time.")), not_future_entry])
    pain = RadioField(
        _l("How bad is your pain?"), choices=SCALE, coerce=int,
        validators=[InputRequired(_l("Please pick a number from 0 to 10."))],
        description=_l("From 0 (%(low)s) to 10 (%(high)s).", low=vocab.PAIN_SCALE_WORDS["low"],
                       high=vocab.PAIN_SCALE_WORDS["high"]))
    fatigue = RadioField(
        _l("How tired do you feel?"), choices=SCALE, coerce=int, validators=[Optional()],
        description=_l("From 0 (%(low)s) to 10 (%(high)s).",
                       low=vocab.FATIGUE_SCALE_WORDS["low"],
                       high=vocab.FATIGUE_SCALE_WORDS["high"]))
    where_text = StringField(_l("Where else does it hurt, or more about where"),
                             validators=[Optional(), too_long(500)])
    qualities = MultiCheckboxField(_l("What does it feel like?"), choices=vocab.PAIN_QUALITIES)
    worse_with = MultiCheckboxField(_l("What made it worse?"), choices=vocab.TRIGGERS)
    helped_with = MultiCheckboxField(_l("What helped?"), choices=vocab.RELIEFS)
    sleep_hours = FloatField(
        _l("Hours of sleep last night"),
        validators=[Optional(), finite, NumberRange(0, 24, _l("Please give a number from 0 to 24."))])
    rested = RadioField(_l("Did you wake up rested?"), choices=YES_NO, validators=[Optional()])
    stiffness_minutes = IntegerField(
        _l("Morning stiffness: about how many minutes?"),
        validators=[Optional(), NumberRange(0, 1440, _l(
            "Please give minutes from 0 to 1440 (a whole day)."))],
        description=_l("0 if you were not stiff. 60 minutes is one hour."))
    numbness = BooleanField(_l("Numbness or tingling"))
    spasms = BooleanField(_l("Muscle spasms"))
    headache = BooleanField(_l("Headache"))
    digestive = BooleanField(_l("Stomach or bowel trouble"))
    mood = RadioField(_l("How is your mood?"), choices=vocab.MOODS, validators=[Optional()])
    note = TextAreaField(_l("Anything else about today"),
                         validators=[Optional(), too_long(NOTE_MAX)])


_area_fields(SymptomEntryForm, "areas_")

SSS_CHOICES = [(k, v) for k, v in vocab.SSS_LEVELS]


class BodyCheckForm(StepForm):
    fatigue = RadioField(body.SSS_ITEMS["fatigue"], choices=SSS_CHOICES, coerce=int,
                         validators=[InputRequired(_l("Please choose one."))])
    unrefreshed = RadioField(body.SSS_ITEMS["unrefreshed"], choices=SSS_CHOICES, coerce=int,
                             validators=[InputRequired(_l("Please choose one."))])
    cognitive = RadioField(body.SSS_ITEMS["cognitive"], choices=SSS_CHOICES, coerce=int,
                           validators=[InputRequired(_l("Please choose one."))])
    headaches = RadioField(body.SSS_EXTRAS["headaches"], choices=YES_NO,
                           validators=[InputRequired(_l("Please answer yes or no."))])
    lower_abdomen = RadioField(body.SSS_EXTRAS["lower_abdomen"], choices=YES_NO,
                               validators=[InputRequired(_l("Please answer yes or no."))])
    depression = RadioField(body.SSS_EXTRAS["depression"], choices=YES_NO,
                            validators=[InputRequired(_l("Please answer yes or no."))])
    three_months = RadioField(
        _l("Have you had these symptoms, at about this level, for 3 months or more?"),
        choices=(("yes", _l("Yes")), ("no", _l("No")), ("unsure", _l("I'm not sure"))),
        validators=[InputRequired(_l("Please choose one."))])


_area_fields(BodyCheckForm, "areas_")


class SafetyForm(StepForm):
    """One yes/no per warning sign; built from content.safety.QUESTIONS."""

    #: "1" when the page showed a "get help" message: the main button then moves on.
    help_seen = HiddenField()


for _question in SAFETY_QUESTIONS:
    setattr(SafetyForm, f"q_{_question.key}", RadioField(
        _question.text, choices=YES_NO,
        validators=[InputRequired(_l("Please answer yes or no."))]))


class SubmitForm(StepForm):
    closing_words = TextAreaField(
        _l("Anything else you want your doctor to know?"),
        validators=[Optional(), too_long(NOTE_MAX)])


class SimpleStepForm(StepForm):
    """Save and continue on a list step (the rows are saved one by one)."""


class DeleteForm(PatientForm):
    """A remove button: CSRF only."""


def daily_hour_choices(none_label) -> list[tuple[str, object]]:
    """The hours of the daily reminder, written in the page's language (call per request)."""
    from services.formatting import format_hour
    from services.reminders import DAILY_HOURS

    return [("", none_label)] + [(str(h), format_hour(h)) for h in DAILY_HOURS]


class DailyHourMixin:
    """Forms with a `daily_hour` select: its labels are made for each request's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.daily_hour.choices = daily_hour_choices(_l("No daily reminder"))


class EmailLinkForm(DailyHourMixin, PatientForm):
    """"Email me my link", and the opt-in daily reminder."""

    email = StringField(
        _l("Your email address"),
        validators=[InputRequired(_l("Please type your email address.")),
                    Length(max=254, message=_l("That is too long for an email address."))],
        description=_l("We send only your link and reminders. Never your answers."),
        render_kw={"type": "email", "autocomplete": "email", "inputmode": "email",
                   "spellcheck": "false"},
    )
    daily_hour = SelectField(
        _l("A daily reminder to log how you feel"),
        description=_l("A short mail each day until your visit, at the time you pick."),
        choices=[], default="", validators=[Optional()],
    )

    def validate_email(self, field) -> None:
        if not valid_email(field.data or ""):
            raise ValidationError(_l("Please check the email address. It should look like "
                                     "name@example.com."))

    @property
    def hour(self) -> int | None:
        return int(self.daily_hour.data) if self.daily_hour.data else None
