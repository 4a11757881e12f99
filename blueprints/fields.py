"""Form pieces shared by every blueprint's forms.py (rendered by macros/forms.html)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; unknown values are refused by SelectMultipleField's own check."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CharLimit(Length):
    """A length limit the server checks, never the browser: every form's one way.

    No `maxlength` attribute (WTForms' `Length` would add one): a browser cuts a longer
    paste without a word. The field gets `data-maxchars` instead (macros/forms.html), a live
    counter (static/js/char-count.js), and the server's message keeps every character typed
    in the field.
    """

    def __init__(self, max: int, message=None):  # noqa: A002 (WTForms' own name)
        super().__init__(max=max, message=message or _l(
            "Please keep this to %(max)d characters or fewer. What you typed is kept below.",
            max=max))
        self.field_flags = {"maxchars": max}


def too_long(limit: int) -> CharLimit:
    return CharLimit(limit)


def blank_if_spaces(value):
    """The filter of every single-choice field (PageForm.process): `Optional()` takes "  "
    for no answer and skips the choices check, so the value must become "" too (not "  ",
    which `int()` and the enum columns' CHECK refused with a 500 or 503). A required one
    then says "not a valid choice"."""
    if isinstance(value, str) and not value.strip():
        return ""
    return value


def valid_email(value: str) -> bool:
    """An address that looks deliverable (syntax and domain form; no DNS look-up)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


class PageForm(FlaskForm):
    """Base of every form: its hidden fields carry no id.

    A page often holds several forms (a remove button per row, "leave", "add"), and each one
    would repeat id="csrf_token", id="version" and id="base": a page may hold an id once. No
    label points at a hidden field, and scripts find them by name.
    """

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        # Every single-choice field (select, radio) reads "  " as "" (blank_if_spaces).
        extra = dict(extra_filters or {})
        for name, field in self._fields.items():
            if isinstance(field, SelectFieldBase) and not isinstance(field, SelectMultipleField):
                extra[name] = [*extra.get(name, ()), blank_if_spaces]
        formdata = self.meta.wrap_formdata(self, formdata)
        super().process(formdata, obj, data=data, extra_filters=extra, **kwargs)
        if formdata is None and "seen" in self._fields:
            # A form shown from what is stored remembers it, answer by answer, for a
            # merge with what another window saves meanwhile (blueprints/merge.py).
            from blueprints.merge import seen_of

            self["seen"].data = seen_of(self)

    def hidden_tag(self, *fields):
        chosen = fields or [f for f in self if f.type in ("HiddenField", "CSRFTokenField")]
        # Each widget's output is already Markup; Markup.join escapes anything that is not.
        return Markup("\n").join(f(id=False) for f in chosen)


@pass_context
def shows_errors(context) -> bool:
    """Whether a form on the page being drawn has an error to show (the title says "Error:")."""
    return any(
        # type(), not isinstance(): isinstance would resolve every proxy in the context
        # (current_user, session...), which can cost a query.
        issubclass(type(value), FlaskForm)
        and any(f.errors for f in value if f.type != "CSRFTokenField")
        for value in context.values()
    )
