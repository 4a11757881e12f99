"""Forms of the patient's steps. Every field is checked on the server, in plain words."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from flask import g
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

from blueprints.fields import (
    CharLimit,
    MultiCheckboxField,
    PageForm,
    too_long,
    valid_email,
)
from content import body, vocab
from content.questions import (
    BODY_CHECK,
    HISTORY,
    HISTORY_ITEM,
    MEDICATION,
    QUESTION,
    SAFETY,
    SUBMIT,
    SYMPTOM_ENTRY,
    TREATMENT,
    VISIT,
    Question,
)
from services.i18n import bank_wording
from services.opening_hours import clinic_now

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


def finite(form, field):
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(_l("Please enter a number."))


def answer_field(question: Question, field_class, *checks, required=None, optional=True,
                 choices=None, blank=None, **kw):
    """The form field of a question, its label, hint, length limit and choices taken from
    its definition in content.questions (the one source the outputs read too).

    `required` is the message when it is left empty (the definition must say required);
    otherwise `optional` lets it be empty (False: the form's own check decides). `checks`
    are this form's own further checks; `choices` replaces the vocabulary's words where the
    form asks in other words; `blank` puts a "choose one" first.
    """
    if bool(required) != question.required:
        raise ValueError(f"{question.key}: required here and in its definition must agree")
    validators = [InputRequired(required)] if required else [Optional()] if optional else []
    if question.max_chars:
        validators.append(too_long(question.max_chars))
    if choices is None and question.choices and question.choices != "areas":
        choices = list(vocab.LABELS[question.choices].items())
    if choices is not None:
        kw["choices"] = [("", blank), *choices] if blank else choices
    if question.hint is not None:
        kw.setdefault("description", question.hint)
    return field_class(question.label, validators=[*validators, *checks], **kw)


#: Each form's questions by key (content.questions), for the fields below.
V, Q, H, HI, M, T, E, C, S = ({q.key: q for q in form.questions} for form in (
    VISIT, QUESTION, HISTORY, HISTORY_ITEM, MEDICATION, TREATMENT, SYMPTOM_ENTRY, BODY_CHECK,
    SUBMIT))


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
    seen = HiddenField()


def clinic_wall_clock() -> datetime:
    """Now on the clinic's clock: what "today" and "the future" mean on the patient's pages
    (the server's own date is UTC, a day ahead of an American evening)."""
    return clinic_now(g.clinic)


def not_future_birth(form, field):
    if field.data is None:
        return
    if field.data > clinic_wall_clock().date():
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
            "Please check this number. Use digits, like 555-123-4567. You can add an "
            "extension after it, like ext 12."))


def contact_phone_field():
    return answer_field(V["contact_phone"], StringField, loose_phone,
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class ContactPhoneForm(PatientForm):
    """The number asked again inside the "contact the clinic" and "get help now" messages."""

    contact_phone = contact_phone_field()
    #: Which page the message stood on, to go back to (a key of CONTACT_PHONE_PAGES).
    back = HiddenField()


class VisitForm(StepForm):
    patient_name = answer_field(V["patient_name"], StringField)
    date_of_birth = answer_field(V["date_of_birth"], DateField, not_future_birth)
    visit_date = answer_field(V["visit_date"], DateField)
    doctor = answer_field(V["doctor"], StringField)
    reason_prompts = answer_field(V["reason_prompts"], MultiCheckboxField, optional=False)
    reason = answer_field(V["reason"], TextAreaField)
    hopes = answer_field(V["hopes"], TextAreaField)
    contact_phone = contact_phone_field()

    def validate_visit_date(self, field):
        if field.data is None:
            return
        today = clinic_wall_clock().date()
        if field.data < today:
            raise ValidationError(_l("This date has passed. Please check the date of your visit."))
        if field.data > today + timedelta(days=730):
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
    seen = HiddenField()
    text = answer_field(Q["text"], TextAreaField, required=_l("Please write your question."))


class HistoryForm(StepForm):
    conditions = answer_field(H["conditions"], MultiCheckboxField, optional=False)
    family_fibromyalgia = answer_field(H["family_fibromyalgia"], RadioField)
    history_note = answer_field(H["history_note"], TextAreaField)


#: The kinds as the form asks them (the summary's own headings are vocab.HISTORY_KINDS).
HISTORY_ITEM_KINDS = (
    ("condition", _l("Another health condition")),
    ("test", _l("A test or scan you have had")),
    ("surgery_injury", _l("A surgery or injury")),
    ("allergy", _l("An allergy")),
)


class HistoryItemForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    seen = HiddenField()
    kind = answer_field(HI["kind"], SelectField, choices=HISTORY_ITEM_KINDS,
                        required=_l("Please choose what this is."))
    test_kind = answer_field(HI["test_kind"], SelectField, blank=_l("Choose one"))
    name = answer_field(HI["name"], StringField, optional=False)
    when_text = answer_field(HI["when_text"], StringField)
    detail = answer_field(HI["detail"], TextAreaField)

    def validate_name(self, field):
        if self.kind.data == "test":
            if not self.test_kind.data and not field.data:
                raise ValidationError(_l("Please choose the kind of test, or write its name."))
        elif not field.data:
            raise ValidationError(_l("Please write a name or a short description."))


class MedicationForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    seen = HiddenField()
    name = answer_field(M["name"], StringField,
                        required=_l("Please write the name of the medicine."))
    drug_class = answer_field(
        M["drug_class"], RadioField,
        choices=[(m.key, _l("%(kind)s (%(example)s)", kind=m.label, example=m.hint))
                 for m in vocab.MEDICATION_CLASSES])
    dose = answer_field(M["dose"], StringField)
    frequency = answer_field(M["frequency"], SelectField, blank=_l("Choose one"))
    purpose = answer_field(M["purpose"], StringField)
    since_text = answer_field(M["since_text"], StringField)
    side_effects = answer_field(M["side_effects"], TextAreaField)


class TreatmentForm(PatientForm):
    #: A fingerprint of the row as it was when the form was shown (conflicts).
    base = HiddenField()
    seen = HiddenField()
    kind = answer_field(T["kind"], SelectField, blank=_l("Choose one"),
                        required=_l("Please choose what you tried."))
    name = answer_field(T["name"], StringField, optional=False)
    when_text = answer_field(T["when_text"], StringField)
    effect = answer_field(T["effect"], RadioField,
                          required=_l("Please choose how much it helped."))
    still_doing = answer_field(T["still_doing"], BooleanField, optional=False)
    why_stopped = answer_field(T["why_stopped"], TextAreaField)

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


def as_form_data(definition, values: dict) -> dict:
    """Stored answers (by question key) as their form shows them: a yes or no as the
    radio's "yes" or "no", body areas ticked in their groups."""
    data = {}
    for q in definition.questions:
        value = values.get(q.key)
        if q.choices == "areas":
            data.update(area_defaults(value, f"{q.key}_"))
        elif q.kind == "yes_no":
            data[q.key] = None if value is None else ("yes" if value else "no")
        else:
            data[q.key] = value
    return data


def not_future_entry(form, field):
    # A day's grace: the patient's own clock may be in another time zone than the clinic's.
    if field.data is not None and field.data > clinic_wall_clock() + timedelta(days=1):
        raise ValidationError(_l("This time is in the future. Please check the date."))
    if field.data is not None and field.data < datetime(2000, 1, 1):
        raise ValidationError(_l("Please check the year."))


class SymptomEntryForm(PatientForm):
    version = HiddenField()
    base = HiddenField()
    seen = HiddenField()
    recorded_at = answer_field(E["recorded_at"], DateTimeLocalField, not_future_entry,
                               required=_l("Please give the date and time."),
                               format="%Y-%m-%dT%H:%M")
    pain = answer_field(E["pain"], RadioField, choices=SCALE, coerce=int,
                        required=_l("Please pick a number from 0 to 10."))
    fatigue = answer_field(E["fatigue"], RadioField, choices=SCALE, coerce=int)
    where_text = answer_field(E["where_text"], StringField)
    qualities = answer_field(E["qualities"], MultiCheckboxField, optional=False)
    worse_with = answer_field(E["worse_with"], MultiCheckboxField, optional=False)
    helped_with = answer_field(E["helped_with"], MultiCheckboxField, optional=False)
    sleep_hours = answer_field(E["sleep_hours"], FloatField, finite, NumberRange(
        E["sleep_hours"].min, E["sleep_hours"].max, _l("Please give a number from 0 to 24.")))
    rested = answer_field(E["rested"], RadioField, choices=YES_NO)
    stiffness_minutes = answer_field(E["stiffness_minutes"], IntegerField, NumberRange(
        E["stiffness_minutes"].min, E["stiffness_minutes"].max,
        _l("Please give minutes from 0 to 1440 (a whole day).")))
    numbness = answer_field(E["numbness"], BooleanField, optional=False)
    spasms = answer_field(E["spasms"], BooleanField, optional=False)
    headache = answer_field(E["headache"], BooleanField, optional=False)
    digestive = answer_field(E["digestive"], BooleanField, optional=False)
    mood = answer_field(E["mood"], RadioField)
    note = answer_field(E["note"], TextAreaField)


_area_fields(SymptomEntryForm, "areas_")

class BodyCheckForm(StepForm):
    """The check's questions as content.questions.BODY_CHECK defines them, then the areas."""


for _key, _question in C.items():
    if _question.choices == "areas":
        continue
    if _question.kind == "tick":
        setattr(BodyCheckForm, _key, answer_field(_question, BooleanField, optional=False))
        continue
    setattr(BodyCheckForm, _key, answer_field(
        _question, RadioField, coerce=int if _question.choices == "sss_levels" else str,
        required=_l("Please choose one.")))


_area_fields(BodyCheckForm, "areas_")


class SafetyForm(StepForm):
    """One yes/no per warning sign; built from content.safety.QUESTIONS."""

    #: "1" when the page showed a "get help" message: the main button then moves on.
    help_seen = HiddenField()


for _question in SAFETY.questions:
    setattr(SafetyForm, _question.field_name, answer_field(
        _question, RadioField, choices=YES_NO, required=_l("Please answer yes or no.")))


class SubmitForm(StepForm):
    closing_words = answer_field(S["closing_words"], TextAreaField)


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

    @property
    def hour(self) -> int | None:
        return int(self.daily_hour.data) if self.daily_hour.data else None


class EmailLinkForm(DailyHourMixin, PatientForm):
    """"Email me my link", and the opt-in daily reminder."""

    email = StringField(
        _l("Your email address"),
        validators=[InputRequired(_l("Please type your email address.")),
                    CharLimit(254, message=_l("That is too long for an email address."))],
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

