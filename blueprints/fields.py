"""Form pieces shared by every blueprint's forms.py (rendered by macros/forms.html)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; unknown values are refused by SelectMultipleField's own check."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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
